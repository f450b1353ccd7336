"""API token authentication: ``Authorization: Token <key>``; only a hash of the key is stored."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from canhgac.accounts.models import ApiToken, User, hash_token
from canhgac.core.audit import save_audited, snapshot


def issue_token(user: User, name: str, read_only: bool = False, expires_at: Any = None) -> tuple[ApiToken, str]:
    """Create a token; the raw key is returned once and never stored."""
    raw = "cg_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[3:11], key_hash=hash_token(raw), read_only=read_only,
                     expires_at=expires_at)
    save_audited(token)
    return token, raw


def revoke_token(token: ApiToken) -> None:
    before = snapshot(token)
    token.revoked_at = timezone.now()
    save_audited(token, before)


LAST_USED_RESOLUTION = timedelta(minutes=1)
"""How stale "last used" may be: it tells an administrator whether a token is still in use, not each call."""


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Any) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode()
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from error
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
        if token is None or not token.is_usable or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            # a write per request would serialise every API call on SQLite's single writer
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return self.keyword
