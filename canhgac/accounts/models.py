from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from canhgac.core.access import Role


class User(AbstractUser):
    """A person (or a machine client's owner). Unit officers are bound to units and see their sub-units too."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.UNIT_OFFICER)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    units = models.ManyToManyField("constituency.Unit", verbose_name=_("units"), blank=True,
                                   related_name="officers")

    audit_exclude = ("password", "last_login")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def _scope_unit_ids(self) -> frozenset[int]:
        from canhgac.constituency.querysets import unit_subtree_ids

        return unit_subtree_ids(self.units.values_list("pk", flat=True))

    def audit_extra(self) -> dict[str, object]:
        if self.pk is None:
            return {}
        return {"units": sorted(self.units.values_list("code", flat=True))}

    def scope_unit_ids(self) -> frozenset[int]:
        """The units this officer answers for, with all their sub-units (cached for the request)."""
        return self._scope_unit_ids


def hash_token(raw: str) -> str:
    # Tokens are random 256-bit strings, so a fast hash is enough; only the hash is stored.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A revocable machine credential (``Authorization: Token …``) acting as its owner, optionally read-only."""

    user = models.ForeignKey(User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(_("read-only"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    audit_exclude = ("key_hash", "last_used_at")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
