"""Console "My API tokens" and "Change password": a token is shown once and works on the API until revoked."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from canhgac.accounts.models import ApiToken
from canhgac.accounts.tokens import issue_token
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry

pytestmark = pytest.mark.django_db

KEY = re.compile(r'value="(cg_[A-Za-z0-9_\-]+)"')


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def create_token(client, **fields):  # type: ignore[no-untyped-def]
    response = client.post(reverse("accounts:token_list"), {"name": "máy quét", **fields})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_a_token_page_and_a_password_page(login, users, role):  # type: ignore[no-untyped-def]
    client = login(users[role])
    page = client.get(reverse("accounts:token_list"))
    assert page.status_code == 200
    assert 'class="form-check-input"' in str(page.context["form"]["read_only"])  # a checkbox, styled as one
    assert client.get(reverse("accounts:password_change")).status_code == 200
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("accounts:token_list") in home and reverse("accounts:password_change") in home


def test_a_new_token_is_shown_once_and_works_on_the_api(login, users):  # type: ignore[no-untyped-def]
    client = login(users[Role.UNIT_OFFICER])
    response = create_token(client)
    assert "no-store" in response["Cache-Control"]
    raw = KEY.search(response.content.decode()).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get(user=users[Role.UNIT_OFFICER])
    assert raw not in client.get(reverse("accounts:token_list")).content.decode()
    assert token.prefix in client.get(reverse("accounts:token_list")).content.decode()
    api = APIClient()
    me = api.get("/api/me/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert me.status_code == 200 and me.json()["username"] == "officer"
    assert AuditEntry.objects.filter(object_type="accounts.apitoken", action="create", channel="ui").exists()


def test_a_revoked_token_is_refused(login, users):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ANALYST])
    raw = KEY.search(create_token(client).content.decode()).group(1)  # type: ignore[union-attr]
    token = ApiToken.objects.get()
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert APIClient().get("/api/me/", HTTP_AUTHORIZATION=f"Token {raw}").status_code in (401, 403)
    listed = client.get(reverse("accounts:token_list")).content.decode()
    assert token.prefix in listed and reverse("accounts:token_revoke", args=[token.pk]) not in listed


def test_a_read_only_token_may_read_but_not_write(login, users, province):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    raw = KEY.search(create_token(client, read_only="on").content.decode()).group(1)  # type: ignore[union-attr]
    api = APIClient(HTTP_AUTHORIZATION=f"Token {raw}")
    assert api.get("/api/units/").status_code == 200
    assert api.post("/api/units/", {"code": "RO-1", "name": "x"}, format="json").status_code == 403


def test_an_expiry_in_the_past_is_refused_and_one_in_the_future_kept(login, users):  # type: ignore[no-untyped-def]
    client = login(users[Role.AUDITOR])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    refused = client.post(reverse("accounts:token_list"), {"name": "cũ", "expires_on": yesterday.isoformat()})
    assert refused.status_code == 200 and not ApiToken.objects.exists()
    assert "invalid-feedback" in refused.content.decode()
    today = timezone.localdate()
    create_token(client, expires_on=today.isoformat())
    token = ApiToken.objects.get()
    assert token.expires_at is not None and token.expires_at > timezone.now() and token.is_usable


def test_someone_elses_token_cannot_be_revoked(login, users):  # type: ignore[no-untyped-def]
    other, _raw = issue_token(users[Role.SOC_ADMIN], "của admin")
    client = login(users[Role.UNIT_OFFICER])
    assert client.post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 404
    assert "của admin" not in client.get(reverse("accounts:token_list")).content.decode()
    other.refresh_from_db()
    assert other.revoked_at is None


def test_revoking_needs_post(login, users):  # type: ignore[no-untyped-def]
    token, _raw = issue_token(users[Role.UNIT_OFFICER], "x")
    assert login(users[Role.UNIT_OFFICER]).get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405


def test_token_names_are_escaped(login, users):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ANALYST])
    created = client.post(reverse("accounts:token_list"), {"name": "<script>alert(1)</script>"}).content.decode()
    listed = client.get(reverse("accounts:token_list")).content.decode()
    for page in (created, listed):
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_changing_the_password_keeps_the_session_and_is_audited(login, users, password):  # type: ignore[no-untyped-def]
    user = users[Role.UNIT_OFFICER]
    client = login(user)
    new = "Mật-khẩu-mới-rất-dài-2026"
    response = client.post(reverse("accounts:password_change"),
                           {"old_password": password, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(reverse("accounts:token_list")).status_code == 200  # still signed in
    entry = AuditEntry.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert entry.changes == {"password": ["", "changed"]} and entry.channel == "ui"


def test_a_wrong_old_password_or_a_weak_new_one_is_refused(login, users, password):  # type: ignore[no-untyped-def]
    user = users[Role.AUDITOR]
    client = login(user)
    new = "Mật-khẩu-mới-2026"
    wrong = client.post(reverse("accounts:password_change"),
                        {"old_password": "sai", "new_password1": new, "new_password2": new})
    weak = client.post(reverse("accounts:password_change"),
                       {"old_password": password, "new_password1": "123", "new_password2": "123"})
    assert wrong.status_code == weak.status_code == 200
    user.refresh_from_db()
    assert user.check_password(password) and not AuditEntry.objects.exists()
