"""The SOC's bulk steps, for the console and the API alike: chosen findings (by id) or all that match a filter.

A few hundred findings move at once, in the request; more become a recorded job (each step writes an event and
an audit entry, so 10^5 findings take minutes). Either way the answer says how many moved, which were refused and
why, and which of the given ids were not found: an officer's or a mistyped id is never moved and never silent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.core.access import Role, role_of
from canhgac.core.jobs import JobContext, JobError, register, submit
from canhgac.core.models import Channel, Job
from canhgac.findings.filtersets import FindingFilterSet
from canhgac.findings.models import Finding, FindingState
from canhgac.findings.services import transition_findings
from canhgac.findings.workflow import NOTE_REQUIRED

JOB_KIND = "findings.bulk_transition"
INLINE_LIMIT = 200
"""Up to this many findings move within the request; more run as a job."""
CHUNK = 500
REFUSALS_KEPT = 100
"""Refusals listed in a report (all are counted)."""


@dataclass
class BulkReport:
    state: str
    done: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    refused_count: int = 0
    not_found: list[int] = field(default_factory=list)
    job: Job | None = None

    def add(self, done: list[int], refused: list[tuple[int, str]]) -> None:
        self.done += len(done)
        self.refused_count += len(refused)
        self.refused += refused[:max(0, REFUSALS_KEPT - len(self.refused))]

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "done": self.done, "refused_count": self.refused_count,
                "refused": [{"id": pk, "reason": reason} for pk, reason in self.refused],
                "not_found": self.not_found}


def may_bulk(user: Any) -> bool:
    return role_of(user) in (Role.SOC_ADMIN, Role.SOC_ANALYST)


def check_request(user: Any, to_state: str, note: str) -> None:
    """What can be refused before looking at any finding: the role, the state, a note the target always needs."""
    if not may_bulk(user):
        raise PermissionDenied(_("Only the SOC moves findings in bulk."))
    if to_state not in FindingState.values:
        raise ValidationError(_("“%(to)s” is not a state of a finding.") % {"to": str(to_state)[:40]})
    if to_state in NOTE_REQUIRED and not note.strip():
        raise ValidationError(_("Say why in a note: moving findings to %(to)s needs one.")
                              % {"to": FindingState(to_state).label})


def select_findings(user: Any, ids: Iterable[int] | None = None,
                    filters: Mapping[str, Any] | None = None) -> tuple[QuerySet[Finding], list[int]]:
    """The user's findings with these ids, or matching ``filters``; and the ids given that the user cannot see."""
    visible = Finding.objects.for_user(user)
    if ids is not None:
        wanted = sorted(set(ids))
        found = set(visible.filter(pk__in=wanted).values_list("pk", flat=True))
        return visible.filter(pk__in=found), [pk for pk in wanted if pk not in found]
    filterset = FindingFilterSet(dict(filters or {}), queryset=visible)
    if not filterset.is_valid():
        errors = [f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()]
        raise ValidationError(_("The filter is not valid: %(errors)s") % {"errors": "; ".join(errors)})
    return filterset.qs, []


def bulk_transition(user: Any, to_state: str, note: str = "", *, ids: Iterable[int] | None = None,
                    filters: Mapping[str, Any] | None = None, channel: str = Channel.UI) -> BulkReport:
    """Move the chosen findings now, or start a job when there are more than :data:`INLINE_LIMIT`."""
    check_request(user, to_state, note)
    findings, not_found = select_findings(user, ids, filters)
    report = BulkReport(to_state, not_found=not_found)
    pks = list(findings.order_by("pk").values_list("pk", flat=True))
    if len(pks) > INLINE_LIMIT:
        params = {"ids": pks, "state": to_state, "note": note, "not_found": not_found}
        title = _("Move %(count)d findings to %(state)s") % {"count": len(pks), "state": FindingState(to_state).label}
        report.job = submit(JOB_KIND, user, params, title=title, channel=channel)
        return report
    _move(report, user, pks, to_state, note)
    return report


def _move(report: BulkReport, user: Any, pks: list[int], to_state: str, note: str,
          context: JobContext | None = None) -> None:
    for start in range(0, len(pks), CHUNK):
        outcome = transition_findings(Finding.objects.filter(pk__in=pks[start:start + CHUNK]), to_state,
                                      user=user, note=note)
        report.add(outcome.done, outcome.refused)
        if context is not None:
            context.progress(min(start + CHUNK, len(pks)), len(pks))


@register(JOB_KIND, gettext_lazy("Findings moved in bulk"))
def run_bulk_transition(context: JobContext) -> dict[str, Any]:
    """The job: the ids were chosen (and scoped) when it was started; each is checked again as it moves."""
    params, user = context.params, context.job.created_by
    if user is None or not may_bulk(user):
        raise JobError(_("The user who started this job may no longer move findings in bulk."))
    report = BulkReport(params["state"], not_found=list(params.get("not_found", [])))
    _move(report, user, list(params["ids"]), params["state"], params.get("note", ""), context)
    context.log(_("%(done)d moved to %(state)s, %(refused)d refused.")
                % {"done": report.done, "state": FindingState(report.state).label, "refused": report.refused_count})
    return report.as_dict()
