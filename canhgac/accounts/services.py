"""Every write to accounts: validated and audited, whether it comes from the console, the API or the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from canhgac.accounts.models import User
from canhgac.core.access import Role
from canhgac.core.audit import build_entry, diff, snapshot
from canhgac.core.models import AuditAction


def save_user(user: User, before: dict[str, Any] | None, units: Iterable[Any] | None = None,
              password: str | None = None) -> bool:
    """Save a user, their units and (when given) a new password as one audited change.

    The password itself is never recorded; its change is, as ``password: changed``.
    """
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from error
        user.set_password(password)
    user.full_clean(exclude=["password"])
    unit_list = None if units is None else list(units)
    if user.role == Role.UNIT_OFFICER and not (unit_list if unit_list is not None
                                               else (user.pk and user.units.exists())):
        raise ValidationError({"units": _("A unit officer must be bound to at least one unit.")})
    with transaction.atomic():
        creating = user._state.adding
        user.save()
        if unit_list is not None:
            user.units.set(unit_list)
        changes = diff(None if creating else before, snapshot(user))
        if password is not None and not creating:
            changes["password"] = ["", "changed"]
        if not creating and not changes:
            return False
        build_entry(AuditAction.CREATE if creating else AuditAction.UPDATE, user, changes).save()
    return True


def deactivate_user(user: User) -> bool:
    """Users are never deleted (the audit trail names them); a deactivated user cannot sign in or use tokens."""
    before = snapshot(user)
    user.is_active = False
    return save_user(user, before)
