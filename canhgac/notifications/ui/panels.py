"""What notifications add to shared pages: a unit's recent notices and who receives them, unread notices at home."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from canhgac.core.access import CHANGE, may
from canhgac.core.scoping import may_own
from canhgac.core.ui.panels import HomeFigure, UnitPanel
from canhgac.notifications.models import Notice, UnitNotificationPreference
from canhgac.notifications.services import preference_of
from canhgac.notifications.services.preparing import focal_point_addresses

RECENT = 5


def unit_notifications(request: Any, unit: Any) -> dict[str, Any]:
    """The unit's latest notices (this unit only: sub-units have their own), its recipients and settings."""
    notices = Notice.objects.for_user(request.user).filter(unit=unit)
    preference = preference_of(unit)
    return {
        "notices": notices.only("pk", "subject", "created_at", "read_at").order_by("-created_at", "-pk")[:RECENT],
        "unread": notices.filter(read_at__isnull=True).count(),
        "preference": preference,
        "recipients": focal_point_addresses([unit.pk]).get(unit.pk, []) + preference.extra_addresses(),
        "may_edit": may(request.user, CHANGE, UnitNotificationPreference) and may_own(request.user, unit.pk),
        "list_url": f"{reverse('notifications:notice_list')}?{urlencode({'unit': unit.code})}",
    }


def unread_notices(user: Any) -> int:
    return Notice.objects.for_user(user).filter(read_at__isnull=True).count()


UNIT_PANELS = [
    UnitPanel("notifications", "notifications/_unit_panel.html", unit_notifications, model=Notice, order=30),
]
HOME_FIGURES = [
    HomeFigure("unread-notices", _("Unread notices"), unread_notices, "notifications:notice_list",
               query="unread=true", model=Notice, order=30),
]
