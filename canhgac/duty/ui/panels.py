"""What duty adds to shared pages: who is on duty now for a unit (on its page) and open duty gaps at home."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.panels import HomeFigure, UnitPanel
from canhgac.duty.models import Assignment, DutyAlert, Roster
from canhgac.duty.services import on_duty_at


def unit_duty(request: Any, unit: Any) -> dict[str, Any] | None:
    """The unit's people on duty now and its open gaps; left out for a unit with no roster."""
    rosters = Roster.objects.for_user(request.user).filter(unit=unit)
    if not rosters.exists():
        return None
    now = timezone.now()
    return {
        "on_duty": list(on_duty_at(Assignment.objects.for_user(request.user).filter(shift__roster__unit=unit), now)),
        "gaps": DutyAlert.objects.for_user(request.user).filter(shift__roster__unit=unit,
                                                                resolved_at__isnull=True).count(),
        "rosters_url": reverse("duty:roster_list") + "?" + urlencode({"unit": unit.code, "current": "true"}),
    }


def open_gaps(user: Any) -> int:
    return DutyAlert.objects.for_user(user).filter(resolved_at__isnull=True).count()


UNIT_PANELS = [UnitPanel("duty", "duty/_unit_panel.html", unit_duty, model=Roster, order=60)]
HOME_FIGURES = [HomeFigure("duty-gaps", _("Duty gaps"), open_gaps, "duty:alert_list", query="open=true",
                           model=DutyAlert, order=60)]
