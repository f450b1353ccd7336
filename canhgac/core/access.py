"""Who may do what: the one access policy every view, API route, export and CLI command asks.

Roles live here rather than in ``accounts`` because scoping (this app) needs them and apps depend downwards.
Models opt in by declaring a :class:`ScopePolicy` as ``scope`` (see ``scoping.py``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOC_ADMIN = "soc_admin", _("SOC administrator")
    SOC_ANALYST = "soc_analyst", _("SOC analyst")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    AUDITOR = "auditor", _("Auditor")


VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
WRITE_ACTIONS = frozenset({ADD, CHANGE, DELETE})
ACTIONS = frozenset({VIEW, *WRITE_ACTIONS})
SEES_EVERYTHING = frozenset({Role.SOC_ADMIN, Role.SOC_ANALYST, Role.AUDITOR})


def role_of(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return getattr(user, "role", None)


def may(user: Any, action: str, model: type[models.Model]) -> bool:
    """Whether ``user`` may perform ``action`` on ``model`` at all (object scope is checked separately).

    An unknown action is a programming error, not a write: it raises rather than fall through to "allowed".
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; use one of {sorted(ACTIONS)}")
    role = role_of(user)
    policy = getattr(model, "scope", None)
    if role is None or policy is None:
        return False
    if action == VIEW:
        return role in SEES_EVERYTHING or (role == Role.UNIT_OFFICER and policy.officer_may_view)
    if role == Role.SOC_ADMIN:
        return True
    if role == Role.SOC_ANALYST:
        return not policy.admin_only_write
    if role == Role.UNIT_OFFICER:
        return policy.officer_may_edit and (action != DELETE or policy.officer_may_delete)
    return False


def may_view_audit(user: Any) -> bool:
    return role_of(user) in {Role.SOC_ADMIN, Role.AUDITOR}


def may_manage_accounts(user: Any) -> bool:
    return role_of(user) == Role.SOC_ADMIN
