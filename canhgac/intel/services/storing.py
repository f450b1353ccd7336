"""Storing a matched feed as one batch: the batch row, its hits (bulk), the findings it opens, refreshes, reopens
or verifies, and the batch's audit entry; in one transaction, so a batch is stored whole or not at all.

The hits go in as columns (no object per hit), in the order of their index; the findings follow from the stored
hits inside the database (``findings.bulk``), so a 300,000-hit list never comes back into Python."""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core.audit import build_entry, diff, snapshot
from canhgac.core.bulk import big_write, column_names, db_value, insert_rows
from canhgac.core.models import AuditAction
from canhgac.findings.bulk import Subjects, open_or_refresh_findings_from
from canhgac.findings.services import verify_findings_not_seen_since
from canhgac.intel.matching import Listing, Matches, Tally
from canhgac.intel.models import FeedBatch, FeedCategory, FeedSource, Hit

HIT_FIELDS = ("unit", "asset", "indicator", "version", "first_key", "last_key", "block", "occurrences", "families",
              "ports", "c2", "asn", "seen_first", "seen_last", "extra")
PLAIN_HIT_FIELDS = ("unit", "asset", "indicator", "first_key", "last_key", "block", "occurrences")
BIG_BATCH = 20_000
"""From this many hits on, the batch's transaction is a big write (see ``core.bulk.big_write``)."""


@dataclass
class BatchFile:
    """What is known of the received file before reading it."""

    filename: str
    size: int
    sha256: str
    reference: str
    period: str


def store_batch(source: FeedSource, received: BatchFile, tally: Tally, matches: Matches, *,
                format_name: str, complete: bool, metadata: dict[str, Any], user: Any,
                job_id: int | None) -> FeedBatch:
    """Write the batch and everything that follows from it, or nothing (an ``IntegrityError`` on the file hash
    means another import of the same file won the race)."""
    batch = FeedBatch(
        source=source, reference=received.reference, period=received.period, filename=received.filename[:255],
        format=format_name, sha256=received.sha256, size=received.size, complete=complete,
        imported_by=user if getattr(user, "is_authenticated", False) else None, job_id=job_id,
        lines=tally.records, valid=tally.valid, invalid=tally.invalid, duplicates=tally.duplicates,
        matched=tally.matched, outside=tally.outside, skipped=tally.skipped, invalid_lines=tally.invalid_lines,
        metadata=metadata, units_affected=len(matches.unit_ids()),
    )
    with transaction.atomic(), big_write() if len(matches) >= BIG_BATCH else contextlib.nullcontext():
        batch.save()
        _insert_hits(batch, matches)
        _update_findings(batch, source)
        batch.save(update_fields=["findings_opened", "findings_refreshed", "findings_reopened",
                                  "findings_verified"])
        entry = build_entry(AuditAction.CREATE, batch, diff(None, snapshot(batch)))
        entry.unit_id = None  # a batch concerns the whole province, not the unit whose id its pk happens to be
        entry.save()
    return batch


def _insert_hits(batch: FeedBatch, matches: Matches) -> None:
    """The plain hits from their columns (the constant fields once), then the others; each in index order."""
    columns = matches.plain_columns()
    keys = list(map("{:032x}".format, columns.values))
    insert_rows(Hit, PLAIN_HIT_FIELDS, zip(columns.units, columns.assets, columns.texts, keys, keys, columns.blocks,
                                           columns.occurrences, strict=True),
                constants={"batch": batch.pk, "version": 4, "families": "", "ports": "", "c2": "", "asn": "",
                           "seen_first": None, "seen_last": None, "extra": db_value(Hit, "extra", {})})
    insert_rows(Hit, HIT_FIELDS, _hit_rows(matches.sorted_listings()), constants={"batch": batch.pk})


def _hit_rows(hits: Iterable[Listing]) -> Iterator[tuple[Any, ...]]:
    seen_field = Hit._meta.get_field("seen_first")
    no_extra = db_value(Hit, "extra", {})
    for hit in hits:
        row = (hit.unit_id, hit.asset_id, hit.label[:100], hit.version, f"{hit.first:032x}", f"{hit.last:032x}",
               hit.block[:100], hit.occurrences)
        details = hit.details
        if details is None:
            yield (*row, "", "", "", "", None, None, no_extra)
            continue
        first_seen, last_seen = _seen_range(details.seen)
        yield (*row, _joined(details.families), _joined(details.ports), _joined(details.c2), details.asn[:40],
               first_seen and seen_field.get_db_prep_save(first_seen, connection),
               last_seen and seen_field.get_db_prep_save(last_seen, connection),
               json.dumps(details.other, ensure_ascii=False) if details.other else no_extra)


def _joined(values: dict[str, None]) -> str:
    return ", ".join(values)[:255]


def _seen_range(texts: list[str]) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    moments = [moment for moment in map(parse_moment, texts) if moment is not None]
    return (min(moments), max(moments)) if moments else (None, None)


@functools.lru_cache(maxsize=4096)
def parse_moment(text: str) -> datetime.datetime | None:
    """A feed's timestamp: ISO 8601 (``2024-04-01 10:00:00``, ``…T…Z``), a date, or Unix seconds/milliseconds;
    without a zone it is UTC, as Shadowserver, abuse.ch and MISP write them. ``None`` when it is none of these."""
    text = text.strip()
    if text.isdigit() and 9 <= len(text) <= 13:
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=datetime.UTC)


def _update_findings(batch: FeedBatch, source: FeedSource) -> None:
    category = FeedCategory(source.category)
    names = {"batch": batch.pk, "reference": batch.reference or "-", "period": batch.period}
    counts = open_or_refresh_findings_from(
        category.value, _subjects(batch, category), severity=source.severity, origin=source.name,
        seen_at=batch.received_at, evidence={"feed_source": source.name, "first_batch": batch.pk},
        note=_("Listed again in batch #%(batch)d (%(reference)s, %(period)s).") % names)
    newer = FeedBatch.objects.filter(source=source, period__gt=batch.period).exists()
    if batch.complete and not newer:  # an older month imported late proves nothing about today
        counts.verified = verify_findings_not_seen_since(
            category.value, source.name, batch.received_at,
            note=_("Not listed in batch #%(batch)d (%(reference)s, %(period)s).") % names)
    batch.findings_opened, batch.findings_refreshed = counts.opened, counts.refreshed
    batch.findings_reopened, batch.findings_verified = counts.reopened, counts.verified


def _subjects(batch: FeedBatch, category: FeedCategory) -> Subjects:
    """The batch's hits as the findings' subjects: per unit, the listed address, its title and its host."""
    title = _("%(indicator)s listed as %(category)s").replace("%(category)s", str(category.label))
    parts = title.split("%(indicator)s")
    unit, asset, indicator, batch_column = column_names(Hit, ("unit", "asset", "indicator", "batch"))
    titled = f" || h.{indicator} || ".join(["%s"] * len(parts))
    table = connection.ops.quote_name(Hit._meta.db_table)
    return Subjects(f"SELECT h.{unit} AS unit_id, h.{indicator} AS dedup_key, {titled} AS title, "  # noqa: S608
                    f"h.{asset} AS asset_id FROM {table} h WHERE h.{batch_column} = %s", [*parts, batch.pk])
