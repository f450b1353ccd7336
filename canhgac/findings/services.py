"""Every write to findings: producers open or refresh them in bulk, people move them through the workflow.

Producers (the feed import, later advisories and external checks) call :func:`open_or_refresh_findings` with what
they observed and :func:`verify_findings_not_seen_since` after a complete report; they never write the models.
People call :func:`transition_finding` (or :func:`transition_findings` for the SOC's bulk actions).

Audit: every state change, by a person or a producer, is a :class:`FindingEvent` *and* an audit entry. A finding
a producer opens is recorded on the finding itself (``created_at``, ``origin``, its evidence) and by the producer's
own audited object (e.g. the feed batch, with its counts): a monthly list can open 10^5 findings at once, and
an audit row per opening would cost more than the matching.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core.access import CHANGE, may
from canhgac.core.audit import acting_as, current_actor, diff, save_audited, snapshot
from canhgac.core.bulk import db_value, insert_rows
from canhgac.core.models import AuditAction, AuditEntry
from canhgac.core.scoping import visible_unit_ids
from canhgac.findings import workflow
from canhgac.findings.models import Finding, FindingEvent, FindingState
from canhgac.findings.workflow import AssetContext, asset_contexts, due_date, priority_for

CHUNK = 5000
LOOKUP_CHUNK = 1000
SCAN_FROM = 20_000
"""From this many subjects on, reading their units' findings is cheaper than looking each one up."""


class Observation(NamedTuple):
    """One thing a producer saw in one unit; ``key`` identifies it within the source (e.g. the listed IP).

    A producer whose observations differ in gravity (advisories: each vulnerability its own severity, deadline and
    exploitation) gives ``severity`` (for a new finding), ``priority`` (its own order, not raised by recurrence) and
    ``due_on`` (e.g. a warning letter's deadline) per observation; otherwise the call's severity rules.
    """

    unit_id: int
    key: str
    title: str
    asset_id: int | None = None
    evidence: dict[str, Any] | None = None
    severity: str | None = None
    priority: int | None = None
    due_on: datetime.date | None = None


@dataclass
class FindingCounts:
    opened: int = 0
    refreshed: int = 0
    reopened: int = 0
    verified: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class _Existing(NamedTuple):
    pk: int
    state: str
    times_seen: int
    reopen_count: int
    asset_id: int | None
    severity: str
    title: str


def open_or_refresh_findings(source: str, observations: Iterable[Observation], *, severity: str, origin: str = "",
                             seen_at: datetime.datetime | None = None, note: str = "",
                             refresh_evidence: bool = False) -> FindingCounts:
    """Open a finding per new (unit, key); refresh the ones already open; reopen resolved or verified ones.

    ``refresh_evidence``: findings already there take the new observation's evidence (what matched has changed).
    Accepted-risk and false-positive findings are refreshed but stay as the SOC left them. ``note`` explains the
    reopenings (e.g. "listed again in batch #12"); ``origin`` records who reported it (verification uses it). A
    subject observed twice in one call counts once (its last observation).
    """
    seen_at = seen_at or timezone.now()
    wanted = {(observation.unit_id, observation.key): observation for observation in observations}
    existing = _load_existing(source, wanted)
    contexts = asset_contexts([o.asset_id for o in wanted.values() if o.asset_id] +
                              [e.asset_id for e in existing.values() if e.asset_id])
    counts = FindingCounts()
    new = [o for subject, o in wanted.items() if subject not in existing]
    counts.opened = _insert_new(source, new, severity, origin, seen_at, contexts)
    refresh: dict[tuple[int, datetime.date | None, str | None], list[int]] = {}
    reopen: list[tuple[_Existing, Observation]] = []
    for subject, found in existing.items():
        if found.state in workflow.REOPENED_FROM and found.state not in workflow.DISMISSED_STATES:
            reopen.append((found, wanted[subject]))
            continue
        asset = contexts.get(wanted[subject].asset_id or found.asset_id or 0)
        priority = wanted[subject].priority
        if priority is None:
            priority = priority_for(found.severity, found.times_seen + 1, found.reopen_count, asset)
        observed = wanted[subject]
        refresh.setdefault((priority, observed.due_on, observed.severity), []).append(found.pk)
    counts.refreshed = _refresh(refresh, origin, seen_at)
    _adopt_assets(existing, wanted)
    counts.reopened = _reopen(reopen, origin, seen_at, note, contexts)
    if refresh_evidence:
        _replace_evidence(existing, wanted)
    return counts


def _replace_evidence(existing: dict[tuple[int, str], _Existing], wanted: dict[tuple[int, str], Observation]) -> None:
    """Findings already there take their new observation's evidence (one update per distinct evidence)."""
    groups: dict[int, tuple[dict[str, Any], list[int]]] = {}
    for subject, found in existing.items():
        evidence = wanted[subject].evidence
        if evidence is not None:
            groups.setdefault(id(evidence), (evidence, []))[1].append(found.pk)
    for evidence, ids in groups.values():
        for start in range(0, len(ids), CHUNK):
            Finding.objects.filter(pk__in=ids[start:start + CHUNK]).update(evidence=evidence)


def _load_existing(source: str, wanted: dict[tuple[int, str], Observation]) -> dict[tuple[int, str], _Existing]:
    """The findings already held for the observed subjects, read with a plain cursor (10^5 rows, no model
    conversions): a few subjects are looked up through the unique index, many by reading their units' findings."""
    queries = _lookups(source, list(wanted)) if len(wanted) <= SCAN_FROM else _unit_scans(source, wanted)
    found: dict[tuple[int, str], _Existing] = {}
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK):
                for unit_id, key, *rest in rows:
                    if (unit_id, key) in wanted:
                        found[(unit_id, key)] = _Existing(*rest)
    return found


def _selected() -> tuple[str, str]:
    meta, quote = Finding._meta, connection.ops.quote_name
    columns = ", ".join(f"f.{quote(str(meta.get_field(name).column))}" for name in  # type: ignore[union-attr]
                        ("unit", "dedup_key", "id", "state", "times_seen", "reopen_count", "asset", "severity",
                         "title"))
    return columns, quote(meta.db_table)


def _lookups(source: str, subjects: list[tuple[int, str]]) -> Iterator[tuple[str, list[Any]]]:
    columns, table = _selected()
    for start in range(0, len(subjects), LOOKUP_CHUNK):
        chunk = subjects[start:start + LOOKUP_CHUNK]
        values = ", ".join(["(%s, %s)"] * len(chunk))
        sql = (f"SELECT {columns} FROM (VALUES {values}) AS v JOIN {table} f "  # noqa: S608
               "ON f.unit_id = v.column1 AND f.source = %s AND f.dedup_key = v.column2")
        yield sql, [value for subject in chunk for value in subject] + [source]


def _unit_scans(source: str, wanted: dict[tuple[int, str], Observation]) -> Iterator[tuple[str, list[Any]]]:
    columns, table = _selected()
    units = sorted({unit_id for unit_id, _key in wanted})
    for start in range(0, len(units), LOOKUP_CHUNK):
        chunk = units[start:start + LOOKUP_CHUNK]
        placeholders = ", ".join(["%s"] * len(chunk))
        yield f"SELECT {columns} FROM {table} f WHERE f.source = %s AND f.unit_id IN ({placeholders})", [  # noqa: S608
            source, *chunk]


NEW_FIELDS = ("unit", "asset", "source", "dedup_key", "title", "evidence", "origin", "severity", "priority", "state",
              "due_on", "times_seen", "reopen_count", "first_seen_at", "last_seen_at", "state_changed_at",
              "created_at")


def _insert_new(source: str, new: list[Observation], severity: str, origin: str, seen_at: datetime.datetime,
                contexts: dict[int, AssetContext]) -> int:
    if not new:
        return 0
    at = db_value(Finding, "created_at", seen_at)
    due = db_value(Finding, "due_on", due_date(severity, timezone.localdate(seen_at)))
    no_evidence = db_value(Finding, "evidence", {})
    evidence_cache: dict[int, Any] = {}

    def evidence(value: dict[str, Any] | None) -> Any:
        if not value:
            return no_evidence
        if id(value) not in evidence_cache:  # producers often share one evidence dict (e.g. the batch) for all
            evidence_cache[id(value)] = db_value(Finding, "evidence", value)
        return evidence_cache[id(value)]

    plain = priority_for(severity)

    def priority(o: Observation) -> int:
        if o.priority is not None:
            return o.priority
        return priority_for(severity, asset=contexts[o.asset_id]) if o.asset_id in contexts else plain

    today = timezone.localdate(seen_at)
    dues: dict[tuple[datetime.date | None, str | None], Any] = {(None, None): due}

    def due_on(o: Observation) -> Any:
        found = dues.get((o.due_on, o.severity))
        if found is None and (o.due_on, o.severity) not in dues:
            found = dues[(o.due_on, o.severity)] = db_value(
                Finding, "due_on", o.due_on or due_date(o.severity or severity, today))
        return found

    rows = ((o.unit_id, o.asset_id, source, o.key[:255], o.title[:255], evidence(o.evidence), origin,
             o.severity or severity, priority(o), FindingState.OPEN, due_on(o), 1, 0, at, at, at, at) for o in new)
    return insert_rows(Finding, NEW_FIELDS, rows)


def _refresh(groups: dict[tuple[int, datetime.date | None, str | None], list[int]], origin: str,
             seen_at: datetime.datetime) -> int:
    """Refresh in one update per (priority, due date, severity); the last two only when the producer gave them
    (an advisory whose letter set a deadline, or whose CVSS changed the severity)."""
    total = 0
    for (priority, due_on, severity), ids in groups.items():
        changes: dict[str, Any] = {"priority": priority}
        if due_on is not None:
            changes["due_on"] = due_on
        if severity is not None:
            changes["severity"] = severity
        for start in range(0, len(ids), CHUNK):
            total += Finding.objects.filter(pk__in=ids[start:start + CHUNK]).update(
                times_seen=F("times_seen") + 1, last_seen_at=seen_at, origin=origin, **changes)
    return total


def _adopt_assets(existing: dict[tuple[int, str], _Existing], wanted: dict[tuple[int, str], Observation]) -> None:
    """A finding opened before its host was registered gets the asset once a producer knows it."""
    for subject, found in existing.items():
        asset_id = wanted[subject].asset_id
        if asset_id and found.asset_id is None:
            Finding.objects.filter(pk=found.pk).update(asset_id=asset_id)


def _reopen(reopen: list[tuple[_Existing, Observation]], origin: str, seen_at: datetime.datetime, note: str,
            contexts: dict[int, AssetContext]) -> int:
    if not reopen:
        return 0
    today = timezone.localdate(seen_at)
    groups: dict[tuple[datetime.date | None, int], list[int]] = {}
    changes = []
    for found, observation in reopen:
        asset = contexts.get(observation.asset_id or found.asset_id or 0)
        priority = observation.priority
        if priority is None:
            priority = priority_for(found.severity, found.times_seen + 1, found.reopen_count + 1, asset)
        due = observation.due_on or due_date(found.severity, today)
        groups.setdefault((due, priority), []).append(found.pk)
        before = {"state": found.state, "reopen_count": found.reopen_count}
        after = {"state": FindingState.OPEN, "reopen_count": found.reopen_count + 1}
        changes.append((found.pk, observation.unit_id, found.title, found.state, before, after))
    for (due, priority), ids in groups.items():
        for start in range(0, len(ids), CHUNK):
            Finding.objects.filter(pk__in=ids[start:start + CHUNK]).update(
                state=FindingState.OPEN, reopen_count=F("reopen_count") + 1, times_seen=F("times_seen") + 1,
                due_on=due, priority=priority, last_seen_at=seen_at, state_changed_at=seen_at, origin=origin)
    _record_steps(changes, seen_at, note)
    return len(changes)


def _record_steps(changes: list[tuple[int, int, str, str, dict[str, Any], dict[str, Any]]],
                  at: datetime.datetime, note: str) -> None:
    """A FindingEvent and an audit entry per state change made in bulk (reopened or verified by a producer)."""
    actor = current_actor()
    label = (actor.user.get_username() if actor.user else "system")[:150]
    constant = {name: db_value(FindingEvent, name, value) for name, value in
                (("at", at), ("actor", actor.user and actor.user.pk), ("channel", actor.channel))}
    insert_rows(FindingEvent, EVENT_FIELDS, ((pk, constant["at"], constant["actor"], label, constant["channel"],
                                              from_state, after["state"], note)
                                             for pk, _unit, _title, from_state, _before, after in changes))
    # The entries build_entry() would make, as rows: a monthly list can reopen or verify 10^4 findings at once.
    audit = {name: db_value(AuditEntry, name, value) for name, value in
             (("at", at), ("actor", actor.user and actor.user.pk), ("channel", actor.channel), ("job", actor.job_id))}
    object_type = Finding._meta.label_lower
    insert_rows(AuditEntry, AUDIT_FIELDS, (
        (audit["at"], audit["actor"], label, audit["channel"], AuditAction.UPDATE, object_type, str(pk), title[:255],
         unit_id, db_value(AuditEntry, "changes", diff(before, after)), audit["job"])
        for pk, unit_id, title, _from, before, after in changes))


EVENT_FIELDS = ("finding", "at", "actor", "actor_label", "channel", "from_state", "to_state", "note")
AUDIT_FIELDS = ("at", "actor", "actor_label", "channel", "action", "object_type", "object_id", "object_repr", "unit_id",
                "changes", "job")


def verify_findings_not_seen_since(source: str, origin: str, since: datetime.datetime, note: str = "") -> int:
    """Resolved findings that ``origin`` has not reported since ``since`` become verified (the fix held).

    Call it after a *complete* report (e.g. a whole monthly list) that superseded the earlier ones.
    """
    resolved = Finding.objects.filter(source=source, origin=origin, state=FindingState.RESOLVED,
                                      last_seen_at__lt=since)
    rows = list(resolved.values_list("pk", "unit_id", "title"))
    now = timezone.now()
    for start in range(0, len(rows), CHUNK):
        Finding.objects.filter(pk__in=[row[0] for row in rows[start:start + CHUNK]],
                               state=FindingState.RESOLVED).update(state=FindingState.VERIFIED, state_changed_at=now)
    before, after = {"state": FindingState.RESOLVED}, {"state": FindingState.VERIFIED}
    _record_steps([(pk, unit_id, title, FindingState.RESOLVED, before, after) for pk, unit_id, title in rows],
                  now, note)
    return len(rows)


@dataclass
class Settled:
    resolved: int = 0
    verified: int = 0


def resolve_findings_no_longer_seen(source: str, subjects: Iterable[tuple[int, str]], *, note_resolved: str = "",
                                    note_verified: str = "") -> Settled:
    """A producer that re-checked these ``(unit_id, key)`` subjects found them gone (e.g. the asset's inventory no
    longer shows an affected version): open and in-progress findings become resolved, resolved ones verified (the
    fix the unit reported is confirmed). Dismissed, verified and unknown subjects are left as they are."""
    wanted = {subject: Observation(subject[0], subject[1], "") for subject in subjects}
    existing = _load_existing(source, wanted) if wanted else {}
    now = timezone.now()
    settled = Settled()
    for from_state, to_state, note in ((FindingState.RESOLVED, FindingState.VERIFIED, note_verified),
                                       (FindingState.OPEN, FindingState.RESOLVED, note_resolved),
                                       (FindingState.IN_PROGRESS, FindingState.RESOLVED, note_resolved)):
        rows = [(found.pk, unit_id, found.title) for (unit_id, _key), found in existing.items()
                if found.state == from_state]
        for start in range(0, len(rows), CHUNK):
            Finding.objects.filter(pk__in=[row[0] for row in rows[start:start + CHUNK]], state=from_state).update(
                state=to_state, state_changed_at=now)
        _record_steps([(pk, unit_id, title, from_state, {"state": from_state}, {"state": to_state})
                       for pk, unit_id, title in rows], now, note)
        if to_state == FindingState.VERIFIED:
            settled.verified += len(rows)
        else:
            settled.resolved += len(rows)
    return settled


def transition_finding(finding: Finding, to_state: str, *, user: Any, note: str = "") -> FindingEvent:
    """Move ``finding`` to ``to_state`` for ``user``; refused steps raise with a message saying what is allowed.

    ``PermissionDenied`` when the user may not work this finding at all (role, or another unit's);
    ``ValidationError`` when the step itself is not allowed (from this state, for this role, or without a note).
    """
    _check_may_work(user, finding)
    from_state = finding.state
    _check_step(user, from_state, to_state, note)
    before = snapshot(finding)
    now = timezone.now()
    finding.state, finding.state_changed_at = to_state, now
    if to_state == FindingState.OPEN and from_state in workflow.REOPENED_FROM:
        finding.reopen_count += 1
        finding.due_on = due_date(finding.severity, timezone.localdate(now))
        context = asset_contexts([finding.asset_id] if finding.asset_id else []).get(finding.asset_id or 0)
        finding.priority = priority_for(finding.severity, finding.times_seen, finding.reopen_count, context)
    actor = current_actor()
    with transaction.atomic(), acting_as(user, actor.channel, actor.job_id):
        save_audited(finding, before)
        return FindingEvent.objects.create(
            finding=finding, at=now, actor=user, actor_label=user.get_username()[:150], channel=actor.channel,
            from_state=from_state, to_state=to_state, note=note.strip())


def _check_may_work(user: Any, finding: Finding) -> None:
    if not may(user, CHANGE, Finding):
        raise PermissionDenied(_("You may not change findings."))
    unit_ids = visible_unit_ids(user)
    if unit_ids is not None and finding.unit_id not in unit_ids:
        raise PermissionDenied(_("This finding belongs to a unit you do not answer for."))


def _check_step(user: Any, from_state: str, to_state: str, note: str) -> None:
    labels = dict(FindingState.choices)
    names = {"from": labels.get(from_state, from_state), "to": labels.get(to_state, to_state)}
    if to_state not in labels:
        raise ValidationError(_("“%(to)s” is not a state of a finding.") % {"to": str(to_state)[:40]})
    if to_state == from_state:
        raise ValidationError(_("The finding is already %(to)s.") % names)
    if to_state not in workflow.TRANSITIONS[from_state]:
        allowed = ", ".join(str(labels[state]) for state in FindingState.values
                            if state in workflow.TRANSITIONS[from_state])
        raise ValidationError(_("A finding that is %(from)s cannot become %(to)s; from %(from)s it can become: "
                                "%(allowed)s.") % {**names, "allowed": allowed})
    if not workflow.may_step(user, from_state, to_state):
        raise ValidationError(_("Your role may not move a finding from %(from)s to %(to)s; the SOC does that.")
                              % names)
    if workflow.needs_note(from_state, to_state) and not note.strip():
        raise ValidationError(_("Say why in a note: moving a finding from %(from)s to %(to)s needs one.") % names)


@dataclass
class BulkOutcome:
    done: list[int]
    refused: list[tuple[int, str]]


def transition_findings(findings: QuerySet[Finding], to_state: str, *, user: Any, note: str = "") -> BulkOutcome:
    """The SOC's bulk action: each finding in its own step; the ones that may not move are listed with why."""
    outcome = BulkOutcome([], [])
    for finding in findings.for_user(user).order_by("pk"):  # type: ignore[attr-defined]
        try:
            transition_finding(finding, to_state, user=user, note=note)
        except (ValidationError, PermissionDenied) as refusal:
            message = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
            outcome.refused.append((finding.pk, message))
        else:
            outcome.done.append(finding.pk)
    return outcome

