"""Read queries of directives: the SOC's matrix (units × tasks) with its filters, and the summary figures.

Every query starts from ``Recipient.objects.for_user``: the same code serves the SOC (every copy) and an
officer (their units' copies), so the matrix never needs a unit filter of its own.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhgac.directives.models import Directive, DirectiveTask, Recipient, ReportState, TaskReport

NOT_ACKNOWLEDGED, OVERDUE, INCOMPLETE, COMPLETE = "not_acknowledged", "overdue", "incomplete", "complete"
STATUS_CHOICES = [
    (NOT_ACKNOWLEDGED, _("Not acknowledged")),
    (OVERDUE, _("Overdue")),
    (INCOMPLETE, _("Not fully reported")),
    (COMPLETE, _("Fully reported")),
]


def with_progress(recipients: QuerySet[Recipient]) -> QuerySet[Recipient]:
    """Each copy with ``task_total`` and ``pending`` (tasks not reported yet)."""
    return recipients.annotate(task_total=Count("reports"),
                               pending=Count("reports", filter=Q(reports__state=ReportState.PENDING)))


def unfinished_condition() -> Q:
    """Receipt not acknowledged, or a task not reported yet (an EXISTS on the report index: no grouping needed)."""
    pending = TaskReport.objects.filter(recipient=OuterRef("pk"), state=ReportState.PENDING)
    return Q(acknowledged_at__isnull=True) | Q(Exists(pending))


def filter_status(recipients: QuerySet[Recipient], directive: Directive, status: str,
                  now: datetime.datetime | None = None) -> QuerySet[Recipient]:
    """``overdue``: the deadline has passed and a task is still not reported (or receipt not acknowledged)."""
    unfinished = unfinished_condition()
    if status == NOT_ACKNOWLEDGED:
        return recipients.filter(acknowledged_at__isnull=True)
    if status == OVERDUE:
        return recipients.filter(unfinished) if directive.is_past_deadline(now) else recipients.none()
    if status == INCOMPLETE:
        return recipients.filter(unfinished)
    if status == COMPLETE:
        return recipients.exclude(unfinished)
    return recipients


def copies_of(directive: Directive, user: Any, progress: bool = False) -> QuerySet[Recipient]:
    """The directive's copies the user may see; with ``progress``, each counted (see :func:`with_progress`)."""
    copies = Recipient.objects.for_user(user).filter(directive=directive).select_related("unit")
    return with_progress(copies) if progress else copies


def states_by_copy(recipient_ids: list[int]) -> dict[int, dict[int, TaskReport]]:
    """Copy id → task id → its report (state, note, when), for one page of the matrix, in one query."""
    found: dict[int, dict[int, TaskReport]] = defaultdict(dict)
    reports = TaskReport.objects.filter(recipient_id__in=recipient_ids).only(
        "pk", "recipient_id", "task_id", "state", "note", "reported_at")
    for report in reports:
        found[report.recipient_id][report.task_id] = report
    return found


def tasks_of(directive: Directive) -> list[DirectiveTask]:
    return list(DirectiveTask.objects.filter(directive=directive).select_related("group")
                .order_by("group__position", "position"))


@dataclass
class TaskFigures:
    task: DirectiveTask
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Summary:
    copies: int
    acknowledged: int
    complete: int
    overdue: int
    tasks: list[TaskFigures]


def summary(directive: Directive, user: Any, now: datetime.datetime | None = None) -> Summary:
    copies = copies_of(directive, user)
    totals = copies.aggregate(copies=Count("pk", distinct=True),
                              acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False), distinct=True))
    complete = filter_status(copies, directive, COMPLETE).count()
    overdue = filter_status(copies, directive, OVERDUE, now).count()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (TaskReport.objects.for_user(user).filter(recipient__directive=directive).order_by()
            .values("task_id", "state").annotate(total=Count("pk")))
    for row in rows:
        counts[row["task_id"]][row["state"]] = row["total"]
    figures = [TaskFigures(task, {state: counts[task.pk].get(state, 0) for state in ReportState.values})
               for task in tasks_of(directive)]
    return Summary(totals["copies"] or 0, totals["acknowledged"] or 0, complete, overdue, figures)

