"""What people do with notices in the console: mark them read, set how their unit wants to be told."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from canhgac.core.audit import save_audited, snapshot
from canhgac.notifications.models import Notice, UnitNotificationPreference


def mark_read(notice: Notice, user: Any, read: bool = True) -> bool:
    """Mark ``notice`` read (by ``user``, now) or unread again; whether anything changed."""
    if read == (notice.read_at is not None):
        return False
    before = snapshot(notice)
    notice.read_at = timezone.now() if read else None
    notice.read_by = user if read and getattr(user, "is_authenticated", False) else None
    return save_audited(notice, before)


def preference_of(unit: Any) -> UnitNotificationPreference:
    """The unit's preferences, or unsaved defaults (its focal points, at once) when it never set any."""
    found = UnitNotificationPreference.objects.filter(unit=unit).first()
    return found or UnitNotificationPreference(unit=unit)


def save_preference(preference: UnitNotificationPreference, before: dict[str, Any] | None) -> bool:
    """Validate and save with an audit entry; ``before`` is the loaded snapshot (``None`` for a first save)."""
    preference.extra_recipients = "\n".join(preference.extra_addresses())
    preference.full_clean()
    with transaction.atomic():
        return save_audited(preference, before)
