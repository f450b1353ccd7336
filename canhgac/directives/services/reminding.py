"""Reminders before the report-back deadline: units that have not acknowledged or not reported on every task
are told again 3 days and then 1 day before it (a periodic task, see ``apps.py``).

Each reminder is a notice keyed by (directive, stage), so a unit gets each stage once however often the task
runs; a unit first reached late (the directive sent 20 hours before its deadline) gets only the nearest stage.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from canhgac.directives.models import Directive, DirectiveState, Recipient, ReportState
from canhgac.notifications.content import SourceRef, console_link, render_notice
from canhgac.notifications.services import prepare_notices

STAGES = (datetime.timedelta(days=3), datetime.timedelta(days=1))
NOTICE_KIND = "directive_reminder"


def stage_of(directive: Directive, now: datetime.datetime) -> datetime.timedelta | None:
    """The nearest stage the deadline is within, or None (too early, or the deadline has passed)."""
    left = directive.report_deadline - now
    if left <= datetime.timedelta(0):
        return None
    due = [stage for stage in STAGES if left <= stage]
    return min(due) if due else None


def send_reminders(now: datetime.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    sent = 0
    horizon = now + max(STAGES)
    for directive in Directive.objects.filter(state=DirectiveState.SENT, report_deadline__gt=now,
                                              report_deadline__lte=horizon):
        stage = stage_of(directive, now)
        if stage is not None:
            sent += remind(directive, stage, now)
    return {"reminded": sent}


def remind(directive: Directive, stage: datetime.timedelta, now: datetime.datetime) -> int:
    late = list(Recipient.objects.filter(directive=directive)
                .annotate(pending=Count("reports", filter=Q(reports__state=ReportState.PENDING)))
                .filter(Q(acknowledged_at__isnull=True) | Q(pending__gt=0))
                .values_list("pk", "unit_id", "acknowledged_at", "pending"))
    contents = {unit_id: render_notice("directives/notices/reminder", {
        "directive": directive, "acknowledged": acknowledged is not None, "pending": pending,
        "link": console_link("directives:recipient_detail", pk)}) for pk, unit_id, acknowledged, pending in late}
    if not contents:
        return 0
    key = f"{directive.pk}:{int(stage.total_seconds() // 3600)}h"
    prepared = prepare_notices(NOTICE_KIND, key, contents, source=SourceRef.of(directive), now=now)
    told = [plan.unit_id for plan in prepared.plans if plan.notice_id is not None]
    Recipient.objects.filter(directive=directive, unit_id__in=told).update(
        reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
    return len(told)
