"""Findings from subjects a producer has already stored, set-based: the same outcome as
:func:`~canhgac.findings.services.open_or_refresh_findings`, without a Python object per subject.

A monthly botnet list puts 10^5 addresses in the province; the feed import has just written them as hits. Reading
them back as observations, looking their findings up and writing the changes row by row cost more than the whole
matching. Here the producer hands over its subjects as a query (:class:`Subjects`), and the database opens the new
findings (``INSERT … SELECT``), refreshes and reopens the others (one ``UPDATE`` per priority and due date) and
records each reopening as a step and an audit entry (``INSERT … SELECT``). What needs the workflow's rules — the
priority of a finding from its severity, recurrence and host — is computed in Python by the same functions, once
per distinct (severity, times seen, times reopened, host), never per finding.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from canhgac.core.audit import current_actor
from canhgac.core.bulk import column_names, db_value
from canhgac.core.models import AuditAction, AuditEntry
from canhgac.findings import workflow
from canhgac.findings.models import Finding, FindingEvent, FindingState
from canhgac.findings.services import FindingCounts
from canhgac.findings.workflow import AssetContext, asset_contexts, due_date, priority_for

SEEN = "findings_bulk_seen"
PLAN = "findings_bulk_plan"
REOPENED = (FindingState.RESOLVED, FindingState.VERIFIED)
"""A producer reporting these again reopens them (see ``open_or_refresh_findings``); every other state is
refreshed (dismissed findings stay as the SOC left them)."""
assert set(REOPENED) == workflow.REOPENED_FROM - workflow.DISMISSED_STATES
NEW, REFRESH, REOPEN = 0, 1, 2
HASH_JOIN_ROWS_PER_PAGE = 2
"""Findings already there, per page of the findings table, from which they are updated through a hash join."""


@dataclass(frozen=True)
class Subjects:
    """What a producer observed, as a query over its own rows: ``sql`` selects the columns ``unit_id``, ``dedup_key``,
    ``title`` and ``asset_id`` (may be NULL), each (unit, key) once; ``params`` are its parameters."""

    sql: str
    params: Sequence[Any] = ()


def open_or_refresh_findings_from(source: str, subjects: Subjects, *, severity: str, origin: str,
                                  seen_at: datetime.datetime, note: str = "",
                                  evidence: dict[str, Any] | None = None) -> FindingCounts:
    """Open a finding per new (unit, key) with ``evidence``; refresh the ones already there; reopen resolved or
    verified ones with a step and an audit entry each (``note`` says why). As ``open_or_refresh_findings`` with the
    call's ``severity`` for every subject; in the caller's transaction."""
    counts = FindingCounts()
    with transaction.atomic(), connection.cursor() as cursor:
        _create_tables(cursor)
        seen = _snapshot(cursor, source, subjects)
        plan = _Plan(severity, timezone.localdate(seen_at))
        plan.write(cursor, subjects)
        counts.opened = _insert_new(cursor, source, subjects, plan, origin, seen_at, evidence)
        with _hash_joins(cursor, seen):
            counts.refreshed = _refresh(cursor, plan, origin, seen_at)
        _adopt_assets(cursor)
        with _hash_joins(cursor, seen):
            counts.reopened = _reopen(cursor, plan, origin, seen_at, note)
        cursor.execute(f"DROP TABLE {SEEN}")
        cursor.execute(f"DROP TABLE {PLAN}")
    return counts


def _create_tables(cursor: Any) -> None:
    """The findings the subjects already have, as they were (``kind`` says what becomes of each); and the plan:
    per kind and distinct (severity, times seen, times reopened, host) the priority and the group of findings
    updated together (same kind, priority and due date)."""
    cursor.execute(f"CREATE TEMPORARY TABLE {SEEN} (id BIGINT, unit_id BIGINT, kind INTEGER, state VARCHAR(20), "
                   "severity VARCHAR(10), times_seen INTEGER, reopen_count INTEGER, found_asset BIGINT, "
                   "seen_asset BIGINT, asset_key BIGINT, title VARCHAR(255))")
    cursor.execute(f"CREATE TEMPORARY TABLE {PLAN} (kind INTEGER, severity VARCHAR(10), times_seen INTEGER, "
                   "reopen_count INTEGER, asset_key BIGINT, priority INTEGER, grp INTEGER)")
    cursor.execute(f"CREATE INDEX {PLAN}_combo ON {PLAN} (asset_key, kind, severity, times_seen, reopen_count)")


@contextmanager
def _hash_joins(cursor: Any, findings: int) -> Iterator[None]:
    """On PostgreSQL, when the subjects have many ``findings`` for the size of the table, the ``UPDATE`` statements
    of their groups without nested loops. The planner cannot estimate the five-column join of the snapshot and the
    plan (1 row for 238,300; 7,706 even after ``ANALYZE`` of the temporary tables), so it looked each finding up by
    primary key: 1.05-1.38 s of a 238,300-finding refresh, against 0.34 s for a hash join over one scan of the
    findings. A few findings (fewer than ``HASH_JOIN_ROWS_PER_PAGE`` per page of the table) are still looked up one
    by one. The caller's setting is restored after."""
    if connection.vendor != "postgresql":
        yield
        return
    cursor.execute("SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::integer, "
                   "current_setting('enable_nestloop')", [Finding._meta.db_table])
    pages, before = cursor.fetchone()
    if findings < pages * HASH_JOIN_ROWS_PER_PAGE:
        yield
        return
    cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
    try:
        yield
    finally:
        cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [before])


def _finding_table() -> str:
    return connection.ops.quote_name(Finding._meta.db_table)


def _snapshot(cursor: Any, source: str, subjects: Subjects) -> int:
    cursor.execute(
        f"INSERT INTO {SEEN} SELECT f.id, f.unit_id, CASE WHEN f.state IN (%s, %s) THEN {REOPEN} ELSE {REFRESH} END, "  # noqa: S608
        "f.state, f.severity, f.times_seen, f.reopen_count, f.asset_id, s.asset_id, "
        f"COALESCE(s.asset_id, f.asset_id, 0), f.title FROM ({subjects.sql}) s JOIN {_finding_table()} f "
        "ON f.unit_id = s.unit_id AND f.source = %s AND f.dedup_key = s.dedup_key",
        [*REOPENED, *subjects.params, source])
    return int(cursor.rowcount)


class _Plan:
    """The priorities (and for reopenings the due dates) the workflow gives each distinct kind of subject, computed
    by :func:`priority_for` and :func:`due_date` themselves."""

    def __init__(self, severity: str, today: datetime.date):
        self.severity, self.today = severity, today
        self.plain = priority_for(severity)
        self.groups: dict[tuple[int, int, datetime.date | None], int] = {}

    def write(self, cursor: Any, subjects: Subjects) -> None:
        cursor.execute(f"SELECT DISTINCT kind, severity, times_seen, reopen_count, asset_key FROM {SEEN}")  # noqa: S608
        combos: list[tuple[int, str, int, int, int]] = [tuple(row) for row in cursor.fetchall()]
        cursor.execute(f"SELECT DISTINCT s.asset_id FROM ({subjects.sql}) s WHERE s.asset_id IS NOT NULL",  # noqa: S608
                       list(subjects.params))
        new_assets = [row[0] for row in cursor.fetchall()]
        contexts = asset_contexts([combo[4] for combo in combos if combo[4]] + new_assets)
        rows = [(*combo, *self._group(*combo[:4], contexts.get(combo[4]))) for combo in combos]
        for asset_id in new_assets:  # a new finding's priority depends on its host only
            priority = priority_for(self.severity, asset=contexts[asset_id]) if asset_id in contexts else self.plain
            if priority != self.plain:
                rows.append((NEW, self.severity, 0, 0, asset_id, priority, -1))
        cursor.executemany(f"INSERT INTO {PLAN} VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)  # noqa: S608

    def _group(self, kind: int, severity: str, times_seen: int, reopen_count: int,
               asset: AssetContext | None) -> tuple[int, int]:
        reopened = kind == REOPEN
        priority = priority_for(severity, times_seen + 1, reopen_count + reopened, asset)
        due = due_date(severity, self.today) if reopened else None
        return priority, self.groups.setdefault((kind, priority, due), len(self.groups))


NEW_FIELDS = ("unit", "asset", "source", "dedup_key", "title", "evidence", "origin", "severity", "priority", "state",
              "due_on", "times_seen", "reopen_count", "first_seen_at", "last_seen_at", "state_changed_at",
              "created_at")


def _as_json(model: type[Any], field_name: str, expression: str) -> str:
    """``expression`` (JSON text) as ``model.field_name`` takes it: jsonb on PostgreSQL, text on SQLite."""
    return f"CAST({expression} AS {model._meta.get_field(field_name).db_type(connection)})"


def _insert_new(cursor: Any, source: str, subjects: Subjects, plan: _Plan, origin: str, seen_at: datetime.datetime,
                evidence: dict[str, Any] | None) -> int:
    """One ``INSERT … SELECT`` of the subjects without a finding."""
    at = db_value(Finding, "created_at", seen_at)
    table = _finding_table()
    cursor.execute(
        f"INSERT INTO {table} ({', '.join(column_names(Finding, NEW_FIELDS))}) "  # noqa: S608
        f"SELECT s.unit_id, s.asset_id, %s, SUBSTR(s.dedup_key, 1, 255), SUBSTR(s.title, 1, 255), "
        f"{_as_json(Finding, 'evidence', '%s')}, %s, %s, CASE WHEN s.asset_id IS NULL THEN %s ELSE COALESCE("
        f"(SELECT p.priority FROM {PLAN} p WHERE p.asset_key = s.asset_id AND p.kind = {NEW}), %s) END, %s, %s, 1, 0, "
        f"%s, %s, %s, %s FROM ({subjects.sql}) s WHERE NOT EXISTS (SELECT 1 FROM {table} f "
        "WHERE f.unit_id = s.unit_id AND f.source = %s AND f.dedup_key = s.dedup_key)",
        [source, db_value(Finding, "evidence", evidence or {}), origin, plan.severity, plan.plain, plan.plain,
         FindingState.OPEN, db_value(Finding, "due_on", due_date(plan.severity, plan.today)), at, at, at, at,
         *subjects.params, source])
    return int(cursor.rowcount)


def _in_group(group: int) -> str:
    return (f"SELECT s.id FROM {SEEN} s JOIN {PLAN} p ON p.kind = s.kind AND p.severity = s.severity "  # noqa: S608
            "AND p.times_seen = s.times_seen AND p.reopen_count = s.reopen_count AND p.asset_key = s.asset_key "
            f"WHERE p.grp = {int(group)}")


def _refresh(cursor: Any, plan: _Plan, origin: str, seen_at: datetime.datetime) -> int:
    """One ``UPDATE`` per priority: seen once more, by ``origin``, now."""
    total = 0
    for (kind, priority, _due), group in plan.groups.items():
        if kind == REFRESH:
            cursor.execute(
                f"UPDATE {_finding_table()} SET times_seen = times_seen + 1, last_seen_at = %s, origin = %s, "  # noqa: S608
                f"priority = %s WHERE id IN ({_in_group(group)})",
                [db_value(Finding, "last_seen_at", seen_at), origin, priority])
            total += cursor.rowcount
    return int(total)


def _adopt_assets(cursor: Any) -> None:
    """A finding opened before its host was registered gets the asset once a producer knows it."""
    cursor.execute(f"SELECT id, seen_asset FROM {SEEN} WHERE seen_asset IS NOT NULL AND found_asset IS NULL")  # noqa: S608
    for finding_id, asset_id in cursor.fetchall():
        Finding.objects.filter(pk=finding_id).update(asset_id=asset_id)


def _reopen(cursor: Any, plan: _Plan, origin: str, seen_at: datetime.datetime, note: str) -> int:
    """One ``UPDATE`` per (priority, due date); then a step and an audit entry per reopened finding."""
    at = db_value(Finding, "last_seen_at", seen_at)
    for (kind, priority, due), group in plan.groups.items():
        if kind == REOPEN:
            cursor.execute(
                f"UPDATE {_finding_table()} SET state = %s, reopen_count = reopen_count + 1, "  # noqa: S608
                "times_seen = times_seen + 1, due_on = %s, priority = %s, last_seen_at = %s, state_changed_at = %s, "
                f"origin = %s WHERE id IN ({_in_group(group)})",
                [FindingState.OPEN, db_value(Finding, "due_on", due), priority, at, at, origin])
    cursor.execute(f"SELECT COUNT(*) FROM {SEEN} WHERE kind = {REOPEN}")  # noqa: S608
    (reopened,) = cursor.fetchone()
    if reopened:
        _record_reopenings(cursor, seen_at, note)
    return int(reopened)


EVENT_FIELDS = ("finding", "at", "actor", "actor_label", "channel", "from_state", "to_state", "note")
AUDIT_FIELDS = ("at", "actor", "actor_label", "channel", "action", "object_type", "object_id", "object_repr", "unit_id",
                "changes", "job")


def _record_reopenings(cursor: Any, at: datetime.datetime, note: str) -> None:
    """The step (FindingEvent) and the audit entry ``services`` writes for each reopening, as ``INSERT … SELECT``;
    the entry's changes are those of ``audit.diff`` ({"state": [before, after], "reopen_count": [n, n + 1]})."""
    actor = current_actor()
    label = (actor.user.get_username() if actor.user else "system")[:150]
    user_id = actor.user.pk if actor.user else None
    cursor.execute(
        f"INSERT INTO {connection.ops.quote_name(FindingEvent._meta.db_table)} "  # noqa: S608
        f"({', '.join(column_names(FindingEvent, EVENT_FIELDS))}) "
        f"SELECT id, %s, %s, %s, %s, state, %s, %s FROM {SEEN} WHERE kind = {REOPEN}",
        [db_value(FindingEvent, "at", at), user_id, label, actor.channel, FindingState.OPEN, note])
    changes = ("'{\"state\": [\"' || state || '\", \"' || %s || '\"], \"reopen_count\": [' "
               "|| CAST(reopen_count AS VARCHAR(12)) || ', ' || CAST(reopen_count + 1 AS VARCHAR(12)) || ']}'")
    cursor.execute(
        f"INSERT INTO {connection.ops.quote_name(AuditEntry._meta.db_table)} "  # noqa: S608
        f"({', '.join(column_names(AuditEntry, AUDIT_FIELDS))}) "
        f"SELECT %s, %s, %s, %s, %s, %s, CAST(id AS VARCHAR(64)), SUBSTR(title, 1, 255), unit_id, "
        f"{_as_json(AuditEntry, 'changes', changes)}, %s FROM {SEEN} WHERE kind = {REOPEN}",
        [db_value(AuditEntry, "at", at), user_id, label, actor.channel, AuditAction.UPDATE,
         Finding._meta.label_lower, FindingState.OPEN, actor.job_id])
