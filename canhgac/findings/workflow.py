"""The rules of a finding's life: which steps exist, who may take them, when it is due and how urgent it is.

Kept apart from the services so that the console can ask "what may this user do next?" without writing anything.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from canhgac.constituency.models import Asset, AssetRole, InformationSystem
from canhgac.core.access import Role, role_of
from canhgac.findings.models import FindingState, Priority, Severity

S = FindingState

TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.IN_PROGRESS, S.RESOLVED, S.ACCEPTED_RISK, S.FALSE_POSITIVE}),
    S.IN_PROGRESS: frozenset({S.OPEN, S.RESOLVED, S.ACCEPTED_RISK, S.FALSE_POSITIVE}),
    S.RESOLVED: frozenset({S.VERIFIED, S.OPEN}),
    S.VERIFIED: frozenset({S.OPEN}),
    S.ACCEPTED_RISK: frozenset({S.OPEN}),
    S.FALSE_POSITIVE: frozenset({S.OPEN}),
}
"""Every step a person may take. Producers also reopen (resolved/verified → open) and verify (resolved → verified)."""

OFFICER_STEPS: frozenset[tuple[str, str]] = frozenset({
    (S.OPEN, S.IN_PROGRESS), (S.OPEN, S.RESOLVED), (S.IN_PROGRESS, S.RESOLVED), (S.IN_PROGRESS, S.OPEN),
    (S.RESOLVED, S.OPEN),
})
"""A unit officer works the fix; verifying it, accepting a risk or calling it a false positive is the SOC's call."""

NOTE_REQUIRED = frozenset({S.ACCEPTED_RISK, S.FALSE_POSITIVE})
NOTE_MAX = 4000
"""The longest note the console and the API take with a step."""
REOPENED_FROM = frozenset({S.RESOLVED, S.VERIFIED, S.ACCEPTED_RISK, S.FALSE_POSITIVE})
"""Reopening one of these states counts as a reopen (and by a person needs a note saying why)."""

ACTIVE_STATES = frozenset({S.OPEN, S.IN_PROGRESS})
DISMISSED_STATES = frozenset({S.ACCEPTED_RISK, S.FALSE_POSITIVE})
"""A producer reporting a dismissed finding again refreshes it without reopening: the SOC decided on it."""

DUE_DAYS: dict[str, int | None] = {
    Severity.CRITICAL: 3, Severity.HIGH: 7, Severity.MEDIUM: 30, Severity.LOW: 90, Severity.INFO: None,
}


def may_step(user: Any, from_state: str, to_state: str) -> bool:
    """Whether ``user``'s role allows the step at all (the unit scope is checked by the service)."""
    if to_state not in TRANSITIONS.get(from_state, ()):
        return False
    role = role_of(user)
    if role in (Role.SOC_ADMIN, Role.SOC_ANALYST):
        return True
    return role == Role.UNIT_OFFICER and (from_state, to_state) in OFFICER_STEPS


def next_states(user: Any, state: str) -> list[str]:
    """The states ``user`` may move a finding in ``state`` to, in the order the workflow lists them."""
    return [choice for choice in FindingState.values if may_step(user, state, choice)]


def needs_note(from_state: str, to_state: str) -> bool:
    return to_state in NOTE_REQUIRED or (to_state == S.OPEN and from_state in REOPENED_FROM)


def due_date(severity: str, start: datetime.date) -> datetime.date | None:
    days = DUE_DAYS.get(severity)
    return None if days is None else start + datetime.timedelta(days=days)


@dataclass(frozen=True)
class AssetContext:
    role: str
    internet_facing: bool
    security_level: int | None


SEVERITY_POINTS: dict[str, int] = {
    Severity.CRITICAL: 4, Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1, Severity.INFO: 0,
}
EXPOSED_ROLES = frozenset({AssetRole.WEB_PORTAL, AssetRole.MAIL, AssetRole.VPN, AssetRole.EDGE, AssetRole.SERVER,
                           AssetRole.DATABASE})


def priority_for(severity: str, times_seen: int = 1, reopen_count: int = 0,
                 asset: AssetContext | None = None, *, known_exploited: bool | None = None) -> int:
    """Severity, raised by recurrence, by an exposed or important host and by its system's security level.

    Points: severity 0–4; reported in 2 lists or reopened once +1, in 3 or reopened twice +2; a server-like or
    internet-facing asset +1; a system of level 3 +1, of level 4–5 +2. P1 from 6 points, P2 from 4, P3 from 2.

    ``known_exploited`` (a vulnerability exposure, ``None`` for anything else) orders as mature vulnerability
    programmes do (CISA BOD 22-01, SSVC): see :func:`exposure_priority`.
    """
    if known_exploited is not None:
        return exposure_priority(severity, known_exploited, asset)
    points = SEVERITY_POINTS.get(severity, 2)
    if times_seen >= 3 or reopen_count >= 2:
        points += 2
    elif times_seen >= 2 or reopen_count >= 1:
        points += 1
    if asset is not None:
        if asset.internet_facing or asset.role in EXPOSED_ROLES:
            points += 1
        level = asset.security_level or 0
        points += 2 if level >= 4 else 1 if level == 3 else 0
    if points >= 6:
        return Priority.URGENT
    if points >= 4:
        return Priority.HIGH
    return Priority.NORMAL if points >= 2 else Priority.LOW


def exposure_priority(severity: str, known_exploited: bool, asset: AssetContext | None) -> int:
    """Known exploited first, then internet-facing, then the system's security level, then CVSS (the severity):

    - P1: known to be exploited (CISA KEV, a vendor's "Exploited: Yes"), whatever else;
    - P2: not known exploited, on an internet-facing asset, severity medium or worse;
    - P3: internal, on a system of level 3–5, severity medium or worse; or internal critical anywhere;
    - P4: the rest (low and informational severities unless exploited; internal high/medium on levels 1–2).

    Within a level the lists order by due date; the severity (from CVSS) decides what is left.
    """
    if known_exploited:
        return Priority.URGENT
    serious = SEVERITY_POINTS.get(severity, 2) >= SEVERITY_POINTS[Severity.MEDIUM]
    if not serious:
        return Priority.LOW
    if asset is not None and asset.internet_facing:
        return Priority.HIGH
    if (asset is not None and (asset.security_level or 0) >= 3) or severity == Severity.CRITICAL:
        return Priority.NORMAL
    return Priority.LOW


def asset_contexts(asset_ids: Iterable[int]) -> dict[int, AssetContext]:
    """Role, exposure and the highest security level of the systems each asset serves (read from the registry)."""
    ids = sorted({asset_id for asset_id in asset_ids if asset_id is not None})
    contexts: dict[int, AssetContext] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        memberships = InformationSystem.assets.through.objects.filter(asset_id__in=chunk)
        levels = {row["asset_id"]: row["level"] for row in
                  memberships.values("asset_id").annotate(level=Max("informationsystem__security_level"))}
        for asset_id, role, exposed in Asset.objects.filter(pk__in=chunk).values_list("pk", "role",
                                                                                     "internet_facing"):
            contexts[asset_id] = AssetContext(role, exposed, levels.get(asset_id))
    return contexts
