"""Accounts API: /api/me/, own tokens (token auth, revocation, read-only), and user administration."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from canhgac.accounts.models import ApiToken, User
from canhgac.accounts.tokens import issue_token, revoke_token
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Một-mật-khẩu-đủ-dài-2026"


def token_client(raw: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


def test_me_answers_own_user_role_and_units(api_as, users, province):  # type: ignore[no-untyped-def]
    body = api_as(users[Role.UNIT_OFFICER]).get("/api/me/").json()
    assert body["username"] == "officer" and body["role"] == "unit_officer"
    assert body["units"] == [{"id": province.own_unit.pk, "code": "SO-TTTT", "name": province.own_unit.name}]
    assert "password" not in body


def test_token_auth_works_and_records_last_use(users, province):  # type: ignore[no-untyped-def]
    token, raw = issue_token(users[Role.SOC_ANALYST], "script")
    response = token_client(raw).get("/api/me/")
    assert response.status_code == 200 and response.json()["username"] == "analyst"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_last_use_is_written_at_most_once_a_minute(users, province):  # type: ignore[no-untyped-def]
    token, raw = issue_token(users[Role.SOC_ANALYST], "script")
    token_client(raw).get("/api/me/")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    token_client(raw).get("/api/me/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - datetime.timedelta(minutes=2))
    token_client(raw).get("/api/me/")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first


@pytest.mark.parametrize("state", ["revoked", "expired", "wrong", "malformed", "owner_inactive"])
def test_unusable_tokens_are_401(users, province, state):  # type: ignore[no-untyped-def]
    owner = users[Role.SOC_ADMIN]
    token, raw = issue_token(owner, "t")
    if state == "revoked":
        revoke_token(token)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif state == "owner_inactive":
        User.objects.filter(pk=owner.pk).update(is_active=False)
    api = APIClient()
    header = {"wrong": "Token cg_nope", "malformed": "Token a b c"}.get(state, f"Token {raw}")
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get("/api/units/").status_code == 401


def test_read_only_token_reads_but_cannot_write(users, province):  # type: ignore[no-untyped-def]
    _token, raw = issue_token(users[Role.SOC_ADMIN], "ro", read_only=True)
    api = token_client(raw)
    assert api.get("/api/units/").status_code == 200
    assert api.post("/api/units/", {"code": "RO", "name": "x"}, format="json").status_code == 403
    assert api.post("/api/tokens/", {"name": "escalate"}, format="json").status_code == 403
    assert api.post("/api/users/", {"username": "z", "role": "soc_admin"}, format="json").status_code == 403


def test_token_lifecycle_shows_the_key_once_and_revokes_on_delete(api_as, users, province):  # type: ignore[no-untyped-def]
    api = api_as(users[Role.UNIT_OFFICER])
    created = api.post("/api/tokens/", {"name": "nhật ký", "read_only": True}, format="json")
    assert created.status_code == 201
    raw = created.json()["key"]
    assert raw.startswith("cg_") and created.json()["prefix"] == raw[3:11]
    listed = api.get("/api/tokens/").json()["results"]
    assert [row["name"] for row in listed] == ["nhật ký"] and "key" not in listed[0]
    assert token_client(raw).get("/api/assets/").status_code == 200
    assert api.delete(f"/api/tokens/{created.json()['id']}/").status_code == 204
    assert token_client(raw).get("/api/assets/").status_code == 401
    assert api.get(f"/api/tokens/{created.json()['id']}/").json()["revoked_at"] is not None
    entry = AuditEntry.objects.filter(object_type="accounts.apitoken", action="update").get()
    assert entry.channel == "api" and "revoked_at" in entry.changes
    assert "key_hash" not in str(AuditEntry.objects.values_list("changes", flat=True))


def test_others_tokens_are_invisible(api_as, users, province):  # type: ignore[no-untyped-def]
    theirs, _raw = issue_token(users[Role.SOC_ANALYST], "theirs")
    admin = api_as(users[Role.SOC_ADMIN])
    assert admin.get("/api/tokens/").json()["count"] == 0
    assert admin.delete(f"/api/tokens/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("payload", [{"name": ""}, {"name": "x" * 500}, {"name": "t", "expires_at": "yesterday"},
                                     {"name": "t", "expires_at": "2000-01-01T00:00:00Z"}])
def test_bad_token_requests_are_400(api_as, users, province, payload):  # type: ignore[no-untyped-def]
    assert api_as(users[Role.SOC_ADMIN]).post("/api/tokens/", payload, format="json").status_code == 400


def test_admin_manages_users_and_passwords_are_never_returned(api_as, users, province):  # type: ignore[no-untyped-def]
    admin = api_as(users[Role.SOC_ADMIN])
    created = admin.post("/api/users/", {"username": "canbo2", "role": "unit_officer", "password": NEW_PASSWORD,
                                         "units": [province.other_unit.pk]}, format="json")
    assert created.status_code == 201, created.json()
    assert "password" not in created.json()
    user = User.objects.get(username="canbo2")
    assert user.check_password(NEW_PASSWORD) and user.password.startswith("argon2")
    assert "password" not in str(admin.get("/api/users/").json())
    url = f"/api/users/{user.pk}/"
    assert admin.patch(url, {"role": "auditor"}, format="json").json()["role"] == "auditor"
    assert admin.delete(url).status_code == 204
    user.refresh_from_db()
    assert user.is_active is False
    changes = [entry.changes for entry in AuditEntry.objects.filter(object_type="accounts.user").order_by("id")]
    assert changes[0]["units"] == [None, ["BV-DK"]] and "password" not in changes[0]
    assert changes[1]["role"] == ["unit_officer", "auditor"]
    assert changes[2]["is_active"] == [True, False]


def test_password_change_is_audited_without_the_password(api_as, users, province):  # type: ignore[no-untyped-def]
    target = users[Role.SOC_ANALYST]
    response = api_as(users[Role.SOC_ADMIN]).patch(f"/api/users/{target.pk}/", {"password": NEW_PASSWORD},
                                                   format="json")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(object_type="accounts.user", action="update")
    assert entry.changes == {"password": ["", "changed"]}
    assert NEW_PASSWORD not in str(entry.changes)


@pytest.mark.parametrize("payload,field", [
    ({"username": "weak", "role": "soc_analyst", "password": "123"}, "password"),
    ({"username": "nopass", "role": "soc_analyst"}, "password"),
    ({"username": "lonely", "role": "unit_officer", "password": NEW_PASSWORD}, "units"),
    ({"username": "officer", "role": "auditor", "password": NEW_PASSWORD}, "username"),
    ({"username": "r", "role": "emperor", "password": NEW_PASSWORD}, "role"),
    ({"username": "bad name!", "role": "auditor", "password": NEW_PASSWORD}, "username"),
])
def test_bad_user_requests_are_field_errors(api_as, users, province, payload, field):  # type: ignore[no-untyped-def]
    response = api_as(users[Role.SOC_ADMIN]).post("/api/users/", payload, format="json")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("role", [Role.SOC_ANALYST, Role.UNIT_OFFICER, Role.AUDITOR])
def test_only_soc_admin_manages_users(api_as, users, province, role):  # type: ignore[no-untyped-def]
    api = api_as(users[role])
    assert api.get("/api/users/").status_code == 403
    assert api.patch(f"/api/users/{users[role].pk}/", {"role": "soc_admin"}, format="json").status_code == 403
    users[role].refresh_from_db()
    assert users[role].role == role


def test_admin_cannot_lock_themselves_out(api_as, users, province):  # type: ignore[no-untyped-def]
    admin = users[Role.SOC_ADMIN]
    api = api_as(admin)
    assert api.patch(f"/api/users/{admin.pk}/", {"is_active": False}, format="json").status_code == 400
    assert api.patch(f"/api/users/{admin.pk}/", {"role": "auditor"}, format="json").status_code == 400
    assert api.delete(f"/api/users/{admin.pk}/").status_code == 400
    assert api.patch(f"/api/users/{admin.pk}/", {"full_name": "Quản trị"}, format="json").status_code == 200
    admin.refresh_from_db()
    assert admin.is_active and admin.role == Role.SOC_ADMIN
