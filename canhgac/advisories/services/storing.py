"""Storing parsed advisories: upserted by (source, identifier) in chunks, their rules named, their vulnerabilities
created and summarised — inside the caller's transaction, so a file is stored whole or not at all.

A record that is unchanged since it was last received (same content, same letter) is only marked as delivered
again; a changed one has its rules and links replaced. Raw records are kept zlib-compressed (level 1: the import of
a quarter-million records is bound by compression otherwise).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from canhgac.advisories.models import (
    Advisory,
    AdvisoryBatch,
    AdvisorySource,
    AdvisoryVulnerability,
    AffectedProduct,
    Vulnerability,
)
from canhgac.advisories.naming import Namer
from canhgac.advisories.parsers import ParsedAdvisory, ParsedRule, RecordError, ReviewNote
from canhgac.advisories.parsers.base import check_shape, severity_from_cvss
from canhgac.advisories.reading import Record
from canhgac.advisories.review import needs_entry
from canhgac.core.bulk import db_value, insert_rows, refresh_statistics, rows_by_keys, update_rows
from canhgac.findings.models import Severity

CHUNK = 2000
ANALYZE_FROM = 20_000
"""From this many advisories written on, the planner is told the tables' new sizes before they are read back."""
MAX_BAD_LISTED = 100
ADVISORY_FIELDS = ("source", "source_id", "batch", "reference", "reference_date", "title", "summary", "severity",
                   "cvss", "cvss_vector", "known_exploited", "exploited_added", "published", "deadline", "url",
                   "vendor", "details", "review", "digest", "raw", "created_at", "updated_at")
RULE_FIELDS = ("advisory", "vulnerability", "vendor", "product", "cpe", "vendor_key", "product_key", "version_exact",
               "version_start", "start_inclusive", "version_end", "end_inclusive", "version_type", "status", "trust",
               "origin", "problem")
TITLE_ORDER = {AdvisorySource.SOC: 0, AdvisorySource.KEV: 1, AdvisorySource.CVE5: 2, AdvisorySource.CSAF: 3,
               AdvisorySource.NVD: 4}
SEVERITY_ORDER = [Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL]


@dataclass
class Letter:
    """The official letter a file came with: applied to every advisory it delivers."""

    reference: str = ""
    reference_date: datetime.date | None = None
    deadline: datetime.date | None = None


@dataclass
class Tally:
    records: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rules: int = 0
    needs_review: int = 0
    formats: set[str] = field(default_factory=set)
    bad: list[tuple[str, str]] = field(default_factory=list)
    bad_count: int = 0
    touched: set[int] = field(default_factory=set)
    """Vulnerabilities whose advisories were created or changed: the ones to summarise and match again."""


@dataclass
class Prepared:
    parsed: ParsedAdvisory
    digest: str
    raw: bytes


class Store:
    """Writes one batch's advisories; :meth:`add` takes records as they are read, :meth:`finish` the rest."""

    def __init__(self, batch: AdvisoryBatch, letter: Letter, namer: Namer,
                 progress: Callable[[int], None] | None = None):
        self.batch = batch
        self.letter = letter
        self.namer = namer
        self.progress = progress
        self.tally = Tally()
        self.pending: dict[tuple[str, str], ParsedAdvisory] = {}
        self.now = timezone.now()

    def add(self, record: Record) -> None:
        self.tally.records += 1
        self.tally.formats.add(record.parser.name)
        if record.error:
            self._bad(record.where, record.error)
            return
        try:
            check_shape(record.value)
            parsed = record.parser.parse(record.value)
        except RecordError as error:
            self._bad(record.where, str(error))
            return
        if not parsed:
            self.tally.skipped += 1
        for advisory in parsed:
            self.pending[(advisory.source, advisory.source_id)] = advisory
        if len(self.pending) >= CHUNK and not self.tally.bad_count:
            self._write()
        elif self.tally.bad_count:
            self.pending.clear()  # the file will be refused: keep reading only to name every bad record

    def finish(self) -> Tally:
        if not self.tally.bad_count:
            self._write()
            if self.tally.created + self.tally.updated >= ANALYZE_FROM:  # summarising and matching read them next
                refresh_statistics(Advisory, AdvisoryVulnerability, AffectedProduct, Vulnerability)
        return self.tally

    def _bad(self, where: str, reason: str) -> None:
        self.tally.bad_count += 1
        if len(self.tally.bad) < MAX_BAD_LISTED:
            self.tally.bad.append((where[:200], reason[:300]))

    def _write(self) -> None:
        if not self.pending:
            return
        prepared = [self._prepare(advisory) for advisory in self.pending.values()]
        self.pending = {}
        for source in {item.parsed.source for item in prepared}:
            self._write_source(source, [item for item in prepared if item.parsed.source == source])
        if self.progress:
            self.progress(self.tally.records)

    def _prepare(self, advisory: ParsedAdvisory) -> Prepared:
        letter = self.letter
        advisory.reference = advisory.reference or letter.reference
        advisory.reference_date = advisory.reference_date or letter.reference_date
        advisory.deadline = advisory.deadline or letter.deadline
        for rule in advisory.rules:
            _name_rule(rule, self.namer, advisory.review)
        dump = json.dumps(advisory.raw, ensure_ascii=False, separators=(",", ":")).encode()
        stamp = f"{advisory.reference}|{advisory.reference_date}|{advisory.deadline}".encode()
        return Prepared(advisory, hashlib.sha256(dump + b"\x00" + stamp).hexdigest(), zlib.compress(dump, 1))

    def _write_source(self, source: str, prepared: list[Prepared]) -> None:
        existing = _existing(source, [item.parsed.source_id for item in prepared])
        new = [item for item in prepared if item.parsed.source_id not in existing]
        changed = [item for item in prepared if item.parsed.source_id in existing and
                   existing[item.parsed.source_id][1] != item.digest]
        unchanged_ids = [existing[item.parsed.source_id][0] for item in prepared
                         if item.parsed.source_id in existing and existing[item.parsed.source_id][1] == item.digest]
        insert_rows(Advisory, ADVISORY_FIELDS, (self._row(item) for item in new))
        ids = {**_existing(source, [item.parsed.source_id for item in new]), **existing}
        self._replace_changed(changed, ids)
        _mark_delivered(unchanged_ids, self.batch.pk)
        written = [(ids[item.parsed.source_id][0], item.parsed) for item in (*new, *changed)]
        self._write_links_and_rules(written)
        self.tally.created += len(new)
        self.tally.updated += len(changed)
        self.tally.unchanged += len(unchanged_ids)
        self.tally.needs_review += sum(1 for item in (*new, *changed) if needs_entry(_review(item.parsed)))

    def _row(self, item: Prepared) -> tuple[Any, ...]:
        advisory = item.parsed
        return (advisory.source, advisory.source_id[:200], self.batch.pk, advisory.reference[:120],
                _date(advisory.reference_date), advisory.title[:255], advisory.summary, advisory.severity,
                advisory.cvss, advisory.cvss_vector[:200], advisory.known_exploited, _date(advisory.exploited_added),
                _date(advisory.published), _date(advisory.deadline), advisory.url[:500], advisory.vendor[:120],
                db_value(Advisory, "details", advisory.details), db_value(Advisory, "review", _review(advisory)),
                item.digest, item.raw, self._now, self._now)

    @property
    def _now(self) -> Any:
        return db_value(Advisory, "created_at", self.now)

    def _replace_changed(self, changed: list[Prepared], ids: dict[str, tuple[int, str]]) -> None:
        if not changed:
            return
        pks = [ids[item.parsed.source_id][0] for item in changed]
        for start in range(0, len(pks), 500):
            AffectedProduct.objects.filter(advisory_id__in=pks[start:start + 500]).delete()
            AdvisoryVulnerability.objects.filter(advisory_id__in=pks[start:start + 500]).delete()
        columns = [name for name in ADVISORY_FIELDS if name not in ("source", "source_id", "created_at")]
        rows = []
        for item, pk in sorted(zip(changed, pks, strict=True), key=lambda pair: pair[1]):
            values = dict(zip(ADVISORY_FIELDS, self._row(item), strict=True))
            rows.append((*(values[name] for name in columns), pk))
        update_rows(Advisory, columns, rows)

    def _write_links_and_rules(self, written: list[tuple[int, ParsedAdvisory]]) -> None:
        identifiers = {identifier for _pk, advisory in written for identifier in advisory.vulnerabilities}
        vulnerability_ids = ensure_vulnerabilities(identifiers, self.now)
        links = {(pk, vulnerability_ids[identifier]) for pk, advisory in written
                 for identifier in advisory.vulnerabilities}
        insert_rows(AdvisoryVulnerability, ("advisory", "vulnerability"), sorted(links))
        self.tally.touched.update(vulnerability_id for _pk, vulnerability_id in links)
        rows = list(_rule_rows(written, vulnerability_ids))
        self.tally.rules += insert_rows(AffectedProduct, RULE_FIELDS, rows)


def _name_rule(rule: ParsedRule, namer: Namer, review: list[ReviewNote]) -> None:
    name = namer.of_rule(rule.vendor, rule.product, rule.cpe)
    rule.vendor_key, rule.product_key = name.vendor[:120], name.product[:160]
    if rule.problem:
        return
    if not name.product:
        review.append(ReviewNote("no_product", rule.origin, f"{rule.vendor} / {rule.product}"))
    elif not name.vendor:
        review.append(ReviewNote("no_vendor", rule.origin, rule.product))


def _review(advisory: ParsedAdvisory) -> list[dict[str, str]]:
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for note in advisory.review:
        seen.setdefault((note.code, note.where), note.as_dict())
    return list(seen.values())[:50]


def _rule_rows(written: list[tuple[int, ParsedAdvisory]],
               vulnerability_ids: dict[str, int]) -> Iterator[tuple[Any, ...]]:
    for pk, advisory in written:
        for rule in advisory.rules:
            yield (pk, vulnerability_ids[rule.vulnerability], rule.vendor[:255], rule.product[:255], rule.cpe[:255],
                   rule.vendor_key, rule.product_key, rule.exact, rule.start, rule.start_inclusive, rule.end,
                   rule.end_inclusive, rule.version_type, rule.status, rule.trust, rule.origin, rule.problem)


def _existing(source: str, source_ids: list[str]) -> dict[str, tuple[int, str]]:
    rows = rows_by_keys(Advisory, "source_id", source_ids, ("source_id", "id", "digest"), source=source)
    return {source_id: (pk, digest) for source_id, pk, digest in rows}


def _mark_delivered(ids: list[int], batch_id: int) -> None:
    for start in range(0, len(ids), 500):
        Advisory.objects.filter(pk__in=ids[start:start + 500]).update(batch_id=batch_id)


def _date(value: datetime.date | None) -> Any:
    return value.isoformat() if value else None


def ensure_vulnerabilities(identifiers: Iterable[str], now: datetime.datetime) -> dict[str, int]:
    """Identifier → id, creating the vulnerabilities not known yet (their summary comes with :func:`summarise`)."""
    wanted = sorted(set(identifiers))
    found = _vulnerability_ids(wanted)
    missing = [identifier for identifier in wanted if identifier not in found]
    at = db_value(Vulnerability, "updated_at", now)
    insert_rows(Vulnerability, ("identifier", "title", "severity", "known_exploited", "updated_at"),
                ((identifier[:80], "", Severity.MEDIUM, False, at) for identifier in missing))
    found.update(_vulnerability_ids(missing))
    return found


def _vulnerability_ids(identifiers: list[str]) -> dict[str, int]:
    return dict(rows_by_keys(Vulnerability, "identifier", identifiers, ("identifier", "id")))


SUMMARY_COLUMNS = ("vulnerability_id", "advisory__source", "advisory__title", "advisory__severity",
                   "advisory__cvss", "advisory__known_exploited", "advisory__exploited_added",
                   "advisory__published", "advisory__deadline")


def summarise(vulnerability_ids: Iterable[int]) -> None:
    """What all of each vulnerability's advisories say: exploited if any says so, the highest CVSS, the severity
    (from CVSS, else the gravest stated), the earliest deadline and publication, the most telling title.

    Read 500 vulnerabilities a query, written set-based (:func:`update_rows`) every :data:`SUMMARY_CHUNK`."""
    ids = sorted(set(vulnerability_ids))
    now = db_value(Vulnerability, "updated_at", timezone.now())
    for start in range(0, len(ids), SUMMARY_CHUNK):
        rows = [(*_summary(found), now, pk) for pk, found in _advisory_facts(ids[start:start + SUMMARY_CHUNK])]
        update_rows(Vulnerability, SUMMARY_FIELDS, rows)


SUMMARY_CHUNK = 20_000
SUMMARY_FIELDS = ("title", "severity", "cvss", "known_exploited", "exploited_added", "published", "deadline",
                  "updated_at")


def _advisory_facts(ids: list[int]) -> list[tuple[int, list[tuple[Any, ...]]]]:
    """``(vulnerability id, [what each of its advisories says])`` in id order."""
    grouped: dict[int, list[tuple[Any, ...]]] = {}
    for start in range(0, len(ids), 500):
        for row in AdvisoryVulnerability.objects.filter(vulnerability_id__in=ids[start:start + 500]).order_by(
                ).values_list(*SUMMARY_COLUMNS):
            grouped.setdefault(row[0], []).append(row[1:])
    return sorted(grouped.items())


def _summary(rows: list[tuple[Any, ...]]) -> list[Any]:
    titled = sorted((TITLE_ORDER.get(source, 9), title) for source, title, *_rest in rows if title)
    scores = [row[3] for row in rows if row[3] is not None]
    cvss = max(scores) if scores else None
    exploited = any(row[4] for row in rows)
    stated = [row[2] for row in rows if row[2] in SEVERITY_ORDER]
    severity = severity_from_cvss(cvss) or (max(stated, key=SEVERITY_ORDER.index) if stated else "") or (
        Severity.HIGH if exploited else Severity.MEDIUM)
    added = [row[5] for row in rows if row[5]]
    published = [row[6] for row in rows if row[6]]
    deadlines = [row[7] for row in rows if row[7]]
    return [titled[0][1][:255] if titled else "", severity, cvss, exploited, _date(min(added)) if added else None,
            _date(min(published)) if published else None, _date(min(deadlines)) if deadlines else None]
