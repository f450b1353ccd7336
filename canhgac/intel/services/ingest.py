"""Reading a feed through: open (decompress), decode, recognise the format, parse in chunks, match, judge; then
store. A refused file raises :class:`FeedRefused` before anything is written."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.db import IntegrityError
from django.utils.translation import gettext as _

from canhgac.intel.matching import Listing, Matcher, Matches, NetblockIndex, Tally
from canhgac.intel.models import FeedBatch, FeedSource
from canhgac.intel.parsers import FeedParser, choose_parser
from canhgac.intel.reading import FeedRefused, TextSource, open_feed
from canhgac.intel.services.storing import BatchFile, store_batch

INVALID_COUNT_LIMIT = 100
INVALID_SHARE_LIMIT = 0.1
"""A file with more than this many invalid entries *and* this share of them is refused: it is the wrong file or
the wrong format, and storing the rest would report a list that was not received."""

Progress = Callable[[int, int], None]


@dataclass
class Reading:
    parser: FeedParser
    tally: Tally
    matches: Matches

    @property
    def hits(self) -> dict[Any, Listing]:
        """Every hit as a :class:`Listing` (a view for tests and small lists)."""
        return self.matches.as_listings()


def read_feed(raw: BinaryIO, filename: str, size: int, *, format_name: str | None = None,
              columns: Mapping[str, str] | None = None, progress: Progress | None = None) -> Reading:
    """Parse and match the whole file; nothing is written. Memory holds one block of the file and the hits."""
    with open_feed(raw, filename, size) as opened:
        source = TextSource(opened.binary)
        parser = choose_parser(format_name, source.head, opened.name, columns)
        matcher = Matcher(NetblockIndex.load(), Matcher.load_assets())
        for chunk in parser.chunks(source):
            matcher.add(chunk, parser)
            if progress:
                progress(*opened.progress())
        if opened.compression:
            parser.metadata["compression"] = opened.compression
    judge(matcher.tally)
    return Reading(parser, matcher.tally, matcher.matches())


def judge(tally: Tally) -> None:
    """Refuse a file that is mostly not indicators (see :data:`INVALID_SHARE_LIMIT`)."""
    entries = tally.valid + tally.invalid
    details = {"invalid": tally.invalid, "valid": tally.valid, "invalid_lines": tally.invalid_lines[:20]}
    first = tally.invalid_lines[0] if tally.invalid_lines else None
    example = _(" First: line %(line)s, %(reason)s.") % {"line": first[0], "reason": first[1]} if first else ""
    if tally.invalid and not tally.valid:
        raise FeedRefused(_("None of the %(count)d entries is an IP address, CIDR block or range; nothing was "
                            "imported.") % {"count": tally.invalid} + example, details)
    if tally.invalid > INVALID_COUNT_LIMIT and tally.invalid > INVALID_SHARE_LIMIT * entries:
        raise FeedRefused(_("%(invalid)d of %(entries)d entries are invalid; nothing was imported.")
                          % {"invalid": tally.invalid, "entries": entries} + example, details)


@dataclass
class FeedOutcome:
    batch: FeedBatch
    duplicate: bool
    seconds: dict[str, float] = field(default_factory=dict)
    """How long reading and matching (``read``) and storing (``store``) took."""

    def as_dict(self) -> dict[str, Any]:
        batch = self.batch
        counts = ("lines", "valid", "invalid", "duplicates", "matched", "outside", "skipped", "units_affected")
        findings = ("opened", "refreshed", "reopened", "verified")
        return {
            "batch": batch.pk, "duplicate": self.duplicate, "source": batch.source.name, "reference": batch.reference,
            "period": batch.period, "file": batch.filename, "format": batch.format, "sha256": batch.sha256,
            **{name: getattr(batch, name) for name in counts},
            "findings": {name: getattr(batch, f"findings_{name}") for name in findings},
            "invalid_lines": batch.invalid_lines[:20], "seconds": self.seconds,
        }


def ingest_feed(raw: BinaryIO, received: BatchFile, source: FeedSource, *, format_name: str | None = None,
                columns: Mapping[str, str] | None = None, user: Any = None, job_id: int | None = None,
                progress: Progress | None = None) -> FeedOutcome:
    """Import one received file as one batch; the same file (by SHA-256) again is recognised, not re-counted."""
    earlier = FeedBatch.objects.select_related("source").filter(sha256=received.sha256).first()
    if earlier is not None:
        return FeedOutcome(earlier, duplicate=True)
    started = time.perf_counter()
    reading = read_feed(raw, received.filename, received.size, format_name=format_name, columns=columns,
                        progress=progress)
    read_at = time.perf_counter()
    try:
        batch = store_batch(source, received, reading.tally, reading.matches, format_name=reading.parser.name,
                            complete=reading.parser.complete_list, metadata=reading.parser.metadata, user=user,
                            job_id=job_id)
    except IntegrityError:
        earlier = FeedBatch.objects.select_related("source").filter(sha256=received.sha256).first()
        if earlier is None:
            raise
        return FeedOutcome(earlier, duplicate=True)  # the same file, imported meanwhile by someone else
    seconds = {"read": round(read_at - started, 3), "store": round(time.perf_counter() - read_at, 3)}
    return FeedOutcome(batch, duplicate=False, seconds=seconds)
