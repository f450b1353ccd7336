"""The watch: who is on duty now, and the gaps of holiday rosters the SOC must hear about.

:func:`detect_duty_gaps` runs every minute (``duty.detect_gaps`` in :mod:`canhgac.core.schedule`). A shift of a
holiday roster that is about to start (or running) with nobody on it, or running for longer than the roster's
check-in grace with nobody checked in, raises one :class:`DutyAlert` per shift and kind; the alert is shown on the
SOC's duty pages and told in a notice: for a unit's roster to the unit (the SOC's inbox shows it too), for one of
the SOC's own rosters to the SOC (a notice without a unit, e-mailed to the SOC's addresses).
A gap that is filled (someone assigned, someone checked in) or a shift that ended closes its alert.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from canhgac.duty.models import AlertKind, Assignment, DutyAlert, Roster, Shift
from canhgac.notifications.content import SourceRef, console_link, render_notice
from canhgac.notifications.services import prepare_notices

UNSTAFFED_LOOKAHEAD = datetime.timedelta(hours=2)
"""An empty shift is raised this long before it starts, while someone can still be found."""
NOTICE_KIND = "duty_gap"


def running_at(shifts: QuerySet, now: datetime.datetime) -> QuerySet:
    return shifts.filter(starts_at__lte=now, ends_at__gt=now)


def on_duty_at(assignments: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """The (already scoped) assignments of shifts running at ``now``, SOC rosters first, then by unit."""
    now = now or timezone.now()
    return (assignments.filter(shift__starts_at__lte=now, shift__ends_at__gt=now)
            .select_related("shift__roster__unit", "person")
            .order_by(*BOARD_ORDER))


BOARD_ORDER = (F("shift__roster__unit__code").asc(nulls_first=True), "shift__roster__name", "shift__starts_at",
               "shift_id", "person__name")
BOARD_FIELDS = ("shift_id", "shift__number", "shift__starts_at", "shift__ends_at", "shift__roster_id",
                "shift__roster__name", "shift__roster__unit__code", "shift__roster__unit__name",
                "shift__roster__unit__short_name", "person__name", "person__phone", "checked_in_at")


def duty_board(assignments: QuerySet, now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Who is on duty at ``now`` as one entry per running shift with its people — plain values, not objects: the
    province's screen lists every unit's shift, and building thousands of model instances would cost most of it."""
    now = now or timezone.now()
    rows = (assignments.filter(shift__starts_at__lte=now, shift__ends_at__gt=now).order_by(*BOARD_ORDER)
            .values(*BOARD_FIELDS))
    board: list[dict[str, Any]] = []
    for row in rows:
        if not board or board[-1]["shift_id"] != row["shift_id"]:
            window = f"{_hhmm(row['shift__starts_at'])}–{_hhmm(row['shift__ends_at'])}"
            board.append({"shift_id": row["shift_id"], "number": row["shift__number"], "window": window,
                          "roster_id": row["shift__roster_id"], "roster_name": row["shift__roster__name"],
                          "unit_code": row["shift__roster__unit__code"], "unit_name":
                          row["shift__roster__unit__short_name"] or row["shift__roster__unit__name"], "people": []})
        checked = row["checked_in_at"]
        board[-1]["people"].append({"name": row["person__name"], "phone": row["person__phone"],
                                    "checked_in": _hhmm(checked) if checked else ""})
    return board


def _hhmm(moment: datetime.datetime) -> str:
    """Local time of day, written once here rather than by a template filter per row."""
    return f"{timezone.localtime(moment):%H:%M}"


def unstaffed_now(shifts: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """Running shifts (of the given, scoped rosters) with nobody on them."""
    now = now or timezone.now()
    staffed = Assignment.objects.filter(shift=OuterRef("pk"))
    return running_at(shifts, now).filter(~Exists(staffed)).select_related("roster__unit")


@dataclass
class WatchReport:
    raised: list[int] = field(default_factory=list)
    resolved: int = 0
    notices: int = 0


def gap_conditions(now: datetime.datetime) -> dict[str, Any]:
    """Per kind, which holiday shifts have that gap at ``now`` (each roster has its own check-in grace)."""
    anyone = Exists(Assignment.objects.filter(shift=OuterRef("pk")))
    checked_in = Exists(Assignment.objects.filter(shift=OuterRef("pk"), checked_in_at__isnull=False))
    late = Q(pk__in=[])
    graces = Roster.objects.filter(holiday=True).order_by().values_list("check_in_grace", flat=True).distinct()
    for grace in graces:
        late |= Q(roster__check_in_grace=grace, starts_at__lte=now - datetime.timedelta(minutes=grace))
    return {
        AlertKind.UNSTAFFED: Q(starts_at__lte=now + UNSTAFFED_LOOKAHEAD, ends_at__gt=now) & ~anyone,
        AlertKind.NO_CHECK_IN: late & Q(ends_at__gt=now) & anyone & ~checked_in,
    }


def detect_duty_gaps(now: datetime.datetime | None = None) -> WatchReport:
    """Raise the alerts of gaps found at ``now`` and close those filled; safe to run twice at once (the unique
    (shift, kind) alert and notice keys decide)."""
    now = now or timezone.now()
    report = WatchReport()
    holiday = Shift.objects.filter(roster__holiday=True, ends_at__gt=now - datetime.timedelta(days=1))
    for kind, condition in gap_conditions(now).items():
        gaps = set(holiday.filter(condition).values_list("pk", flat=True))
        open_alerts = DutyAlert.objects.filter(kind=kind, resolved_at__isnull=True)
        report.resolved += open_alerts.exclude(shift_id__in=gaps).update(resolved_at=now)
        known = set(DutyAlert.objects.filter(kind=kind, shift_id__in=gaps).values_list("shift_id", flat=True))
        DutyAlert.objects.filter(kind=kind, shift_id__in=gaps, resolved_at__isnull=False).update(resolved_at=None)
        fresh = [DutyAlert(shift_id=pk, kind=kind, raised_at=now) for pk in sorted(gaps - known)]
        created = DutyAlert.objects.bulk_create(fresh, ignore_conflicts=True)
        report.raised += [alert.shift_id for alert in created]
    report.notices = _tell_units(report.raised, now)
    return report


def _tell_units(shift_ids: list[int], now: datetime.datetime) -> int:
    """One notice (and e-mail) per new alert: to the roster's unit, or to the SOC for the SOC's own rosters."""
    told = 0
    alerts = DutyAlert.objects.filter(shift_id__in=shift_ids, raised_at=now).select_related("shift__roster__unit")
    for alert in alerts:
        roster = alert.shift.roster
        content = render_notice("duty/notice/gap", {"alert": alert, "shift": alert.shift, "roster": roster,
                                                    "unit": roster.unit,
                                                    "link": console_link("duty:roster_detail", roster.pk)})
        prepared = prepare_notices(NOTICE_KIND, f"alert-{alert.pk}", {roster.unit_id: content},
                                   source=SourceRef.of(alert), now=now)
        told += len(prepared.created)
    return told
