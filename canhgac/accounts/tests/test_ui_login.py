"""Signing in: argon2 hashes, throttling of repeated failures (django-axes), CSRF, cookie flags, signing out."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from canhgac.accounts.tests.factories import PASSWORD, UserFactory
from canhgac.core.access import Role

LOGIN = "/accounts/login/"


@pytest.fixture
def analyst(db):  # type: ignore[no-untyped-def]
    return UserFactory(username="analyst", role=Role.SOC_ANALYST)


def attempt(client: Client, password: str, address: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": "analyst", "password": password}, REMOTE_ADDR=address)


def test_passwords_are_stored_as_argon2_hashes(analyst):
    assert analyst.password.startswith("argon2$") and PASSWORD not in analyst.password


def test_right_password_signs_in_and_wrong_one_says_so_in_vietnamese(analyst):
    client = Client()
    wrong = attempt(client, "not-the-password")
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert "mật khẩu chính xác" in wrong.content.decode()  # Django's own Vietnamese message
    right = attempt(client, PASSWORD)
    assert right.status_code == 302 and right["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(analyst.pk)


def test_repeated_failures_lock_that_account_from_that_address(analyst):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "guess")
    locked = attempt(client, PASSWORD)  # even the right password is refused while locked
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert attempt(Client(), PASSWORD, address="10.0.0.2").status_code == 302  # another address is not locked


def test_a_success_before_the_limit_resets_the_count(analyst):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "guess")
    assert attempt(client, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "guess")
    assert attempt(client, PASSWORD).status_code == 302


def test_forms_refuse_posts_without_the_csrf_token(analyst):
    client = Client(enforce_csrf_checks=True)
    assert attempt(client, PASSWORD).status_code == 403
    client.force_login(analyst)
    assert client.post(reverse("accounts:logout")).status_code == 403


def test_session_cookie_is_http_only_and_same_site(analyst):
    response = attempt(Client(), PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE


def test_signing_out_ends_the_session(analyst):
    client = Client()
    attempt(client, PASSWORD)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    assert client.get(reverse("web:home")).status_code == 302


def test_pages_carry_a_strict_content_security_policy(analyst):
    policy = Client().get(LOGIN)["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy
