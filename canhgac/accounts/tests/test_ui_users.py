"""Console user administration: administrators only; every save audited; no self-deactivation or self-demotion."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from canhgac.accounts.models import User
from canhgac.accounts.tests.factories import UserFactory
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Mật-khẩu-đủ-dài-2026"


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form_data(**changes: Any) -> dict[str, Any]:
    data = {"username": "canbo.moi", "full_name": "Lê Văn Mới", "email": "moi@example.gov.vn", "phone": "",
            "role": Role.UNIT_OFFICER, "is_active": "on", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def edit_data(user: User, **changes: Any) -> dict[str, Any]:
    data = {"username": user.username, "full_name": user.full_name, "email": user.email, "phone": user.phone,
            "role": user.role, "units": [unit.pk for unit in user.units.all()],
            "is_active": "on" if user.is_active else None}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role,status", [(Role.SOC_ADMIN, 200), (Role.SOC_ANALYST, 403), (Role.UNIT_OFFICER, 403),
                                         (Role.AUDITOR, 403)])
def test_only_administrators_manage_users(login, users, role, status):  # type: ignore[no-untyped-def]
    client = login(users[role])
    target = users[Role.UNIT_OFFICER]
    assert client.get(reverse("accounts:user_list")).status_code == status
    assert client.get(reverse("accounts:user_create")).status_code == status
    assert client.get(reverse("accounts:user_update", args=[target.pk])).status_code == status
    assert client.post(reverse("accounts:user_deactivate", args=[target.pk])).status_code in (status, 302)
    target.refresh_from_db()
    assert target.is_active == (role != Role.SOC_ADMIN)
    menu = client.get(reverse("web:home")).content.decode()
    assert (reverse("accounts:user_list") in menu) == (role == Role.SOC_ADMIN)


def test_an_administrator_creates_an_officer_with_units(login, users, province, password):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    response = client.post(reverse("accounts:user_create"), form_data(units=[province.other_unit.pk]))
    created = User.objects.get(username="canbo.moi")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:user_update", args=[created.pk])
    assert created.check_password(NEW_PASSWORD) and list(created.units.all()) == [province.other_unit]
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(created.pk))
    assert entry.action == "create" and entry.channel == "ui" and entry.actor == users[Role.SOC_ADMIN]
    assert "password" not in entry.changes and entry.changes["units"] == [None, ["BV-DK"]]


@pytest.mark.parametrize("changes,field", [
    ({"units": None}, "units"),  # an officer needs a unit
    ({"password2": "khác-hẳn-2026-xyz"}, "password2"),
    ({"password1": "123", "password2": "123"}, "password1"),  # the validators run (through the service)
    ({"username": "admin"}, "username"),  # taken
    ({"role": "superuser"}, "role"),
])
def test_bad_user_forms_are_refused_with_the_reason(login, users, province, changes, field):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    data = form_data(units=[province.own_unit.pk])
    data.update({key: value for key, value in changes.items() if value is not None})
    for key in [key for key, value in changes.items() if value is None]:
        data.pop(key)
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(username="canbo.moi").exists()


def test_an_administrator_changes_role_and_units(login, users, province):  # type: ignore[no-untyped-def]
    target = users[Role.UNIT_OFFICER]
    client = login(users[Role.SOC_ADMIN])
    response = client.post(reverse("accounts:user_update", args=[target.pk]),
                           edit_data(target, units=[province.own_unit.pk, province.other_unit.pk]))
    assert response.status_code == 302
    assert set(target.units.values_list("code", flat=True)) == {"SO-TTTT", "BV-DK"}
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(target.pk))
    assert entry.changes == {"units": [["SO-TTTT"], ["BV-DK", "SO-TTTT"]]}
    client.post(reverse("accounts:user_update", args=[target.pk]), edit_data(target, role=Role.AUDITOR, units=[]))
    target.refresh_from_db()
    assert target.role == Role.AUDITOR


def test_saving_an_unchanged_user_records_nothing(login, users):  # type: ignore[no-untyped-def]
    target = users[Role.SOC_ANALYST]
    response = login(users[Role.SOC_ADMIN]).post(reverse("accounts:user_update", args=[target.pk]), edit_data(target))
    assert response.status_code == 302 and not AuditEntry.objects.exists()


def test_an_administrator_resets_a_password_only_when_given(login, users, password):  # type: ignore[no-untyped-def]
    target = users[Role.AUDITOR]
    client = login(users[Role.SOC_ADMIN])
    client.post(reverse("accounts:user_update", args=[target.pk]), edit_data(target, full_name="Tên mới"))
    target.refresh_from_db()
    assert target.check_password(password) and target.full_name == "Tên mới"
    client.post(reverse("accounts:user_update", args=[target.pk]),
                edit_data(target, password1=NEW_PASSWORD, password2=NEW_PASSWORD))
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(object_id=str(target.pk)).first().changes == {"password": ["", "changed"]}


def test_an_administrator_cannot_deactivate_or_demote_themselves(login, users):  # type: ignore[no-untyped-def]
    admin = users[Role.SOC_ADMIN]
    client = login(admin)
    for changes in ({"is_active": None}, {"role": Role.SOC_ANALYST}):
        response = client.post(reverse("accounts:user_update", args=[admin.pk]), edit_data(admin, **changes))
        assert response.status_code == 200 and response.context["form"].non_field_errors()
    response = client.post(reverse("accounts:user_deactivate", args=[admin.pk]))
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.SOC_ADMIN and not AuditEntry.objects.exists()
    page = client.get(reverse("accounts:user_update", args=[admin.pk])).content.decode()
    assert reverse("accounts:user_deactivate", args=[admin.pk]) not in page


def test_deactivating_a_user_stops_their_sign_in(login, users, password):  # type: ignore[no-untyped-def]
    target = UserFactory(username="sap.nghi", role=Role.SOC_ANALYST)
    admin_client = login(users[Role.SOC_ADMIN])
    assert admin_client.post(reverse("accounts:user_deactivate", args=[target.pk])).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    entry = AuditEntry.objects.get(object_id=str(target.pk))
    assert entry.changes == {"is_active": [True, False]} and entry.channel == "ui"
    visitor = Client()
    response = visitor.post(reverse("accounts:login"), {"username": "sap.nghi", "password": password})
    assert response.status_code == 200 and "_auth_user_id" not in visitor.session


def test_user_list_filters_and_escapes_names(login, users, province):  # type: ignore[no-untyped-def]
    UserFactory(username="xss", full_name="<img src=x onerror=alert(1)>", role=Role.UNIT_OFFICER,
                units=[province.other_unit])
    client = login(users[Role.SOC_ADMIN])
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    officers = client.get(reverse("accounts:user_list"), {"role": Role.UNIT_OFFICER, "unit": "BV-DK"})
    assert [user.username for user in officers.context["object_list"]] == ["xss"]
    searched = client.get(reverse("accounts:user_list"), {"q": "audit"})
    assert [user.username for user in searched.context["object_list"]] == ["auditor"]


def test_an_unknown_user_is_404(login, users):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    assert client.get(reverse("accounts:user_update", args=[999999])).status_code == 404
    assert client.post(reverse("accounts:user_deactivate", args=[999999])).status_code == 404
