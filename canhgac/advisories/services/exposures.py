"""Matching written down: exposures kept current, and the findings units fix opened, refreshed, resolved.

Three scopes, one procedure: everything (:func:`match_all`), the vulnerabilities an import touched
(:func:`match_vulnerabilities`), or the assets whose inventory changed (:func:`match_assets`). The exposures the
scope should have are computed (``matching``), compared with those stored, and only the differences written: a new
exposure opens a finding (or reopens a fixed one), a changed one (another affected version, other rules) refreshes
its finding's evidence, a vanished one resolves its finding (or verifies the fix a unit had reported).

Findings are per vulnerability, asset and product (``CVE-2023-37580@1234/zimbra:collaboration``): an asset's
software rows are replaced on every edit, so their ids would not identify anything for long.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.advisories.matching import Exposed, Matches, RuleBook, Subject, load_inventory, match
from canhgac.advisories.models import FINDING_SOURCE, AffectedProduct, Exposure, Vulnerability
from canhgac.advisories.services.aliases import load_namer
from canhgac.core.bulk import big_write, insert_rows, refresh_statistics, update_rows
from canhgac.findings.models import Finding, Severity
from canhgac.findings.services import Observation, open_or_refresh_findings, resolve_findings_no_longer_seen
from canhgac.findings.workflow import AssetContext, asset_contexts, priority_for

ORIGIN = "advisories"
CHUNK = 5000
EXPOSURE_FIELDS = ("vulnerability", "unit", "asset", "product", "label", "version", "rules")
_LOCK = threading.Lock()
"""One matching at a time in a process (SQLite serialises writers anyway); PostgreSQL adds an advisory lock."""
PG_LOCK_KEY = 0x43474144  # "CGAD"

Progress = Callable[[int, int], None]


@dataclass
class MatchSummary:
    scope: str = ""
    exposures: int = 0
    new: int = 0
    changed: int = 0
    gone: int = 0
    undetermined: int = 0
    units_affected: int = 0
    opened: int = 0
    refreshed: int = 0
    reopened: int = 0
    resolved: int = 0
    verified: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def match_all(progress: Progress | None = None) -> MatchSummary:
    """Match every vulnerability against the whole inventory."""
    started = time.monotonic()
    namer = load_namer()
    inventory = load_inventory(namer)
    _step(progress, 1)
    book = RuleBook.load(names=inventory.names())
    _step(progress, 2)
    found = match(inventory, book)
    _step(progress, 3)
    summary = _apply(found, "all", [], progress)
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def match_vulnerabilities(vulnerability_ids: Iterable[int], progress: Progress | None = None) -> MatchSummary:
    """Match these vulnerabilities (e.g. those an import created or changed) against the inventory."""
    started = time.monotonic()
    ids = set(vulnerability_ids)
    if not ids:
        return MatchSummary(scope="vulnerabilities")
    book = RuleBook.load(vulnerability_ids=ids)
    namer = load_namer()
    inventory = load_inventory(namer, names=book.names()) if book.names() else None
    found = match(inventory, book, vulnerability_ids=ids) if inventory is not None else Matches()
    summary = _apply(found, "vulnerabilities", sorted(ids), progress)
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def match_assets(asset_ids: Iterable[int], progress: Progress | None = None) -> MatchSummary:
    """Match these assets (e.g. one whose software was just edited) against every vulnerability."""
    started = time.monotonic()
    ids = set(asset_ids)
    if not ids:
        return MatchSummary(scope="assets")
    namer = load_namer()
    inventory = load_inventory(namer, asset_ids=ids)
    book = RuleBook.load(names=inventory.names()) if inventory.groups else RuleBook()
    summary = _apply(match(inventory, book), "assets", sorted(ids), progress)
    summary.seconds = round(time.monotonic() - started, 3)
    return summary


def _step(progress: Progress | None, done: int) -> None:
    if progress:
        progress(done, 6)


def _apply(found: Matches, scope: str, ids: list[int], progress: Progress | None) -> MatchSummary:
    with _LOCK, transaction.atomic(), _page_cache(len(found.exposed)):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])
        stored = _stored(scope, ids)
        _step(progress, 4)
        summary = _write(found, stored, scope)
        if summary.new + summary.gone >= BIG_MATCH:  # the next matching looks exposures and findings up by key
            refresh_statistics(Exposure, Finding)
        _step(progress, 6)
    return summary


BIG_MATCH = 50_000


def _page_cache(exposures: int) -> AbstractContextManager[None]:
    """A big matching writes a million exposures and findings into their indexes: it takes the settings of
    :func:`canhgac.core.bulk.big_write` (on SQLite 256 MB of page cache instead of 2 MB, twice as fast)."""
    return big_write() if exposures >= BIG_MATCH else nullcontext()


StoredRow = tuple[int, int, str, str]
"""(exposure id, unit id, version, rule ids)."""


def _stored(scope: str, ids: list[int]) -> dict[Subject, StoredRow]:
    columns = ("id", "vulnerability_id", "asset_id", "product", "unit_id", "version", "rules")
    stored: dict[Subject, StoredRow] = {}
    querysets = [Exposure.objects.all()] if scope == "all" else [
        Exposure.objects.filter(**{f"{'vulnerability' if scope == 'vulnerabilities' else 'asset'}_id__in":
                                   ids[start:start + 500]}) for start in range(0, len(ids), 500)]
    for queryset in querysets:
        for pk, vulnerability_id, asset_id, product, unit_id, version, rules in queryset.values_list(
                *columns).iterator(20_000):
            stored[(vulnerability_id, asset_id, product)] = (pk, unit_id, version, rules)
    return stored


def _write(found: Matches, stored: dict[Subject, StoredRow], scope: str) -> MatchSummary:
    now = timezone.now()
    new: list[Subject] = []
    changed: list[Subject] = []
    gone = [subject for subject in stored if subject not in found.exposed]
    for subject, exposed in found.exposed.items():
        before = stored.get(subject)
        if before is None:
            new.append(subject)
        elif before[1] != exposed.unit_id:  # the asset moved to another unit: the old unit's finding is done
            gone.append(subject)
            new.append(subject)
        elif (before[2], before[3]) != (exposed.version, _rules_text(exposed)):
            changed.append(subject)
    _delete([stored[subject][0] for subject in gone])
    new.sort(key=itemgetter(1, 0, 2))  # the unique index's order (asset, vulnerability, product): cheaper inserts
    _insert(found, new)
    _update(found, changed, stored)
    summary = MatchSummary(scope=scope, exposures=len(found.exposed), new=len(new), changed=len(changed),
                           gone=len(gone), undetermined=found.undetermined,
                           units_affected=len({exposed.unit_id for exposed in found.exposed.values()}))
    # Matching some vulnerabilities follows a change of their advisories (exploited now, a deadline, another
    # CVSS): every finding of theirs is refreshed, not only those whose match changed.
    current = list(found.exposed) if scope == "vulnerabilities" else new + changed
    _findings(found, current, [(stored[subject][1], subject) for subject in gone], summary, now)
    return summary


def _rules_text(exposed: Exposed) -> str:
    return exposed.match.rules_text


def _delete(ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        Exposure.objects.filter(pk__in=ids[start:start + 500]).delete()


def _insert(found: Matches, subjects: list[Subject]) -> None:
    exposed = found.exposed

    def row(subject: Subject) -> tuple[Any, ...]:
        this = exposed[subject]
        shared = this.match
        return (subject[0], this.unit_id, subject[1], subject[2], shared.label, shared.version, shared.rules_text)

    insert_rows(Exposure, EXPOSURE_FIELDS, map(row, subjects))


def _update(found: Matches, subjects: list[Subject], stored: dict[Subject, StoredRow]) -> None:
    rows = [(found.exposed[subject].version, _rules_text(found.exposed[subject]), stored[subject][0])
            for subject in subjects]
    update_rows(Exposure, ("version", "rules"), sorted(rows, key=itemgetter(2)))


@dataclass(frozen=True)
class VulnerabilityFacts:
    identifier: str
    title: str
    severity: str
    cvss: float | None
    known_exploited: bool
    deadline: datetime.date | None


def finding_key(identifier: str, asset_id: int, product: str) -> str:
    """``CVE-2023-37580@1234/zimbra:collaboration`` (clipped to the finding's 255 characters)."""
    return f"{identifier}@{asset_id}/{product}"[:255]


def _findings(found: Matches, current: list[Subject], gone: list[tuple[int, Subject]], summary: MatchSummary,
              now: datetime.datetime) -> None:
    involved = {subject[0] for subject in current} | {subject[0] for _unit, subject in gone}
    facts = _facts(involved)
    if current:
        contexts = asset_contexts({subject[1] for subject in current})
        rules = rule_details({rule for subject in current for rule in found.exposed[subject].rule_ids})
        observations = _observations(found, current, facts, contexts, rules)
        observations.sort(key=itemgetter(0, 1))  # the index's order: (unit, key)
        counts = open_or_refresh_findings(FINDING_SOURCE, observations, severity=Severity.MEDIUM, origin=ORIGIN,
                                          seen_at=now, refresh_evidence=True,
                                          note=_("The inventory shows an affected version again."))
        summary.opened, summary.refreshed, summary.reopened = counts.opened, counts.refreshed, counts.reopened
    if gone:
        settled = resolve_findings_no_longer_seen(
            FINDING_SOURCE, [(unit_id, finding_key(facts[subject[0]].identifier, subject[1], subject[2]))
                             for unit_id, subject in gone if subject[0] in facts],
            note_resolved=_("The inventory no longer shows an affected version (matched again on %(date)s).")
            % {"date": timezone.localdate(now).isoformat()},
            note_verified=_("The inventory confirms the fix: no affected version any more."))
        summary.resolved, summary.verified = settled.resolved, settled.verified


def _facts(ids: set[int]) -> dict[int, VulnerabilityFacts]:
    facts: dict[int, VulnerabilityFacts] = {}
    listed = sorted(ids)
    for start in range(0, len(listed), 500):
        for pk, identifier, title, severity, cvss, exploited, deadline in Vulnerability.objects.filter(
                pk__in=listed[start:start + 500]).values_list("pk", "identifier", "title", "severity", "cvss",
                                                              "known_exploited", "deadline"):
            facts[pk] = VulnerabilityFacts(identifier, title, severity, cvss, exploited, deadline)
    return facts


def rule_details(ids: set[int]) -> dict[int, dict[str, Any]]:
    """What a match shows of each rule: the advisory, its record and letter, the product, range and where read."""
    details: dict[int, dict[str, Any]] = {}
    listed = sorted(ids)
    for start in range(0, len(listed), 500):
        for rule in AffectedProduct.objects.filter(pk__in=listed[start:start + 500]).select_related("advisory").only(
                "advisory__source", "advisory__source_id", "advisory__reference", "vendor", "product", "cpe",
                "version_exact", "version_start", "start_inclusive", "version_end", "end_inclusive", "status",
                "trust", "origin"):
            details[rule.pk] = {"rule": rule.pk, "advisory": rule.advisory_id, "source": rule.advisory.source,
                                "record": rule.advisory.source_id, "reference": rule.advisory.reference,
                                "product": f"{rule.vendor} {rule.product}".strip() or rule.cpe,
                                "range": rule.range_text, "read_from": rule.origin, "trust": rule.trust}
    return details


def _observations(found: Matches, subjects: list[Subject], facts: dict[int, VulnerabilityFacts],
                  contexts: dict[int, AssetContext], rules: dict[int, dict[str, Any]]) -> list[Observation]:
    """One observation per exposure; what a group of them shares (evidence, title) is built once per group, the
    priority once per (vulnerability, kind of asset) — the kinds numbered once per asset, not hashed per exposure."""
    groups: dict[int, tuple[dict[str, Any], str]] = {}
    kinds: dict[AssetContext | None, int] = {None: 0}
    kind_of = {asset_id: kinds.setdefault(context, len(kinds)) for asset_id, context in contexts.items()}
    context_by_kind = list(kinds)
    priorities: dict[tuple[int, int], int] = {}
    observations: list[Observation] = []
    append, exposed_of, kind_get = observations.append, found.exposed, kind_of.get
    for subject in subjects:
        vulnerability_id, asset_id, product = subject
        exposed = exposed_of[subject]
        fact = facts[vulnerability_id]
        shared = groups.get(id(exposed.match))
        if shared is None:
            shared = groups[id(exposed.match)] = (_evidence(fact, exposed, product, rules),
                                                  f"{fact.identifier}: {exposed.label} {exposed.version}".strip())
        kind = kind_get(asset_id, 0)
        priority = priorities.get((vulnerability_id, kind))
        if priority is None:
            priority = priorities[(vulnerability_id, kind)] = priority_for(
                fact.severity, asset=context_by_kind[kind], known_exploited=fact.known_exploited)
        append(Observation(exposed.unit_id, f"{fact.identifier}@{asset_id}/{product}"[:255], shared[1], asset_id,
                           shared[0], fact.severity, priority, fact.deadline))
    return observations


def _evidence(fact: VulnerabilityFacts, exposed: Exposed, product: str,
              rules: dict[int, dict[str, Any]]) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "vulnerability": fact.identifier, "title": fact.title, "product": exposed.label, "product_key": product,
        "version": exposed.version, "known_exploited": fact.known_exploited, "cvss": fact.cvss,
        "deadline": fact.deadline.isoformat() if fact.deadline else None,
        "matched": [rules[rule] for rule in exposed.rule_ids if rule in rules],
    }
    if exposed.note:
        evidence["unplaced_update"] = exposed.note
    return evidence
