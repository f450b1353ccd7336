"""The operator page: SOC staff and auditors read it, administrators edit it (audited), officers see nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from canhgac.constituency.models import Operator
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def operator(db: None) -> Operator:
    return Operator.objects.create(governing_body="UBND TỈNH LÂM ĐỒNG", name="Sở Khoa học và Công nghệ",
                                   abbreviation="SKHCN", province="Lâm Đồng", place="Đà Lạt")


def form_data(operator: Operator, **changes: str) -> dict[str, str]:
    fields = ["governing_body", "name", "abbreviation", "province", "place", "address", "phone", "email", "website",
              "soc_team_name", "signer_authority", "signer_title", "signer_name"]
    return {**{name: getattr(operator, name) for name in fields}, **changes}


@pytest.mark.parametrize("role,read,edit", [
    (Role.SOC_ADMIN, 200, 200), (Role.SOC_ANALYST, 200, 403), (Role.AUDITOR, 200, 403), (Role.UNIT_OFFICER, 403, 403),
])
def test_who_reads_and_who_edits_the_operator(login, users, operator, role, read, edit):  # type: ignore[no-untyped-def]
    client = login(users[role])
    page = client.get(reverse("constituency:operator_detail"))
    assert page.status_code == read
    assert client.get(reverse("constituency:operator_update")).status_code == edit
    response = client.post(reverse("constituency:operator_update"), form_data(operator, name="Đổi tên"))
    assert response.status_code == (302 if edit == 200 else 403)
    operator.refresh_from_db()
    assert (operator.name == "Đổi tên") == (role == Role.SOC_ADMIN)
    if read == 200:
        body = page.content.decode()
        assert "UBND TỈNH LÂM ĐỒNG" in body
        assert (reverse("constituency:operator_update") in body) == (role == Role.SOC_ADMIN)


def test_an_edit_is_audited_and_shown_in_the_footer(login, users, operator):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    client.post(reverse("constituency:operator_update"), form_data(operator, abbreviation="SKHCN-LĐ",
                                                                   soc_team_name="Đội ƯCSC tỉnh"))
    entry = AuditEntry.objects.get(object_type="constituency.operator")
    assert entry.channel == "ui" and entry.changes["abbreviation"] == ["SKHCN", "SKHCN-LĐ"]
    assert "Sở Khoa học và Công nghệ" in client.get(reverse("web:home")).content.decode()


def test_a_bad_edit_is_refused_with_the_reason(login, users, operator):  # type: ignore[no-untyped-def]
    response = login(users[Role.SOC_ADMIN]).post(reverse("constituency:operator_update"),
                                                 form_data(operator, name="", email="không phải email"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "email"}
    assert not AuditEntry.objects.exists()


def test_the_first_save_creates_the_operator_when_missing(login, users):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    assert client.get(reverse("constituency:operator_detail")).status_code == 200
    data = {"governing_body": "UBND TỈNH X", "name": "Sở <b>KH&CN</b>", "abbreviation": "SKHCN", "province": "X",
            "place": "X"}
    assert client.post(reverse("constituency:operator_update"), data).status_code == 302
    page = client.get(reverse("constituency:operator_detail")).content.decode()
    assert Operator.objects.count() == 1 and "Sở &lt;b&gt;KH&amp;CN&lt;/b&gt;" in page and "<b>KH" not in page


def test_the_letters_signer_is_edited_on_the_operator_page_and_shown(login, users, operator):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    response = client.post(reverse("constituency:operator_update"), form_data(
        operator, signer_authority="KT. GIÁM ĐỐC", signer_title="PHÓ GIÁM ĐỐC", signer_name="Trần Thị Bình"))
    assert response.status_code == 302
    operator.refresh_from_db()
    assert (operator.signer_authority, operator.signer_title, operator.signer_name) == (
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình")
    assert AuditEntry.objects.get(object_type="constituency.operator").changes["signer_name"] == ["", "Trần Thị Bình"]
    page = client.get(reverse("constituency:operator_detail")).content.decode()
    assert "KT. GIÁM ĐỐC" in page and "Trần Thị Bình" in page
    too_long = client.post(reverse("constituency:operator_update"), form_data(operator, signer_title="X" * 101))
    assert too_long.status_code == 200 and set(too_long.context["form"].errors) == {"signer_title"}
