"""Every write of the advisories app.

:func:`import_advisories` is the entry point of the API and the CLI (and later the console): it records the file as
a job's input and starts the job, which reads, stores and matches it (:func:`ingest_advisories`). Matching has its
own entry points (:func:`match_all`, :func:`match_vulnerabilities`, :func:`match_assets`); the SOC's alias table
:func:`add_alias`.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from canhgac.advisories.models import AdvisoryBatch
from canhgac.advisories.parsers import parsers
from canhgac.advisories.reading import AdvisoryFileRefused, records
from canhgac.advisories.services.aliases import add_alias, load_namer, rename_rules
from canhgac.advisories.services.exposures import (
    MatchSummary,
    finding_key,
    match_all,
    match_assets,
    match_vulnerabilities,
    rule_details,
)
from canhgac.advisories.services.storing import Letter, Store, Tally, summarise
from canhgac.core import jobs
from canhgac.core.access import ADD, may
from canhgac.core.audit import build_entry, diff, snapshot
from canhgac.core.models import AuditAction, Channel, Job

IMPORT_JOB = "advisories.import"
MATCH_JOB = "advisories.match"

Progress = Callable[[int, int], None]


@dataclass
class Received:
    """What is known of a received file before reading it, and the letter it came with."""

    filename: str
    size: int
    sha256: str
    letter: Letter

    @property
    def fingerprint(self) -> str:
        letter = self.letter
        stamp = f"{self.sha256}|{letter.reference}|{letter.reference_date}|{letter.deadline}"
        return hashlib.sha256(stamp.encode()).hexdigest()


@dataclass
class ImportOutcome:
    batch: AdvisoryBatch
    duplicate: bool

    def as_dict(self) -> dict[str, Any]:
        batch = self.batch
        counts = ("records", "created", "updated", "unchanged", "needs_review", "rules")
        return {"batch": batch.pk, "duplicate": self.duplicate, "file": batch.filename, "format": batch.format,
                "sha256": batch.sha256, "reference": batch.reference, **{name: getattr(batch, name) for name in counts},
                "skipped": batch.metadata.get("skipped", 0), "matching": batch.matching}


def import_advisories(file: str | os.PathLike[str] | bytes | IO[bytes], *, user: Any = None, filename: str = "",
                      format_name: str = "", letter: Letter | None = None, channel: str = Channel.UI) -> Job:
    """Check the request, record the file as a job's input and start the job in the background."""
    job = create_import_job(file, user=user, filename=filename, format_name=format_name, letter=letter,
                            channel=channel)
    jobs.dispatch(job)
    return job


def create_import_job(file: str | os.PathLike[str] | bytes | IO[bytes], *, user: Any = None, filename: str = "",
                      format_name: str = "", letter: Letter | None = None, channel: str = Channel.UI) -> Job:
    """The queued import job (run it with ``jobs.execute`` or start it with ``jobs.dispatch``).

    ``PermissionDenied`` when ``user`` may not import advisories; ``ValidationError`` for an unknown format or a file
    over the upload limit. The content itself is judged by the job.
    """
    if user is not None and not may(user, ADD, AdvisoryBatch):
        raise PermissionDenied(_("You may not import advisories."))
    if format_name and format_name not in parsers():
        raise ValidationError(_("Unknown advisory format “%(name)s”; known formats: %(known)s.")
                              % {"name": format_name[:40], "known": ", ".join(sorted(parsers()))})
    name, content = _read_file(file, filename)
    letter = letter or Letter()
    params = {"format": format_name, "reference": letter.reference.strip()[:120],
              "reference_date": letter.reference_date.isoformat() if letter.reference_date else "",
              "deadline": letter.deadline.isoformat() if letter.deadline else ""}
    title = _("Import advisories %(file)s") % {"file": name[:120]}
    return jobs.create(IMPORT_JOB, user, params, title=title, channel=channel, input_bytes=content, input_name=name)


def _read_file(file: str | os.PathLike[str] | bytes | IO[bytes], filename: str) -> tuple[str, bytes]:
    limit = settings.MAX_UPLOAD_BYTES
    too_large = _("The file is larger than the %(limit)d MB allowed (CANHGAC_MAX_UPLOAD_MB).") % {"limit": limit >> 20}
    if isinstance(file, bytes):
        name, content = filename or "advisories.json", file
    elif isinstance(file, str | os.PathLike):
        path = Path(file)
        if path.stat().st_size > limit:
            raise ValidationError(too_large)
        name, content = filename or path.name, path.read_bytes()
    else:
        name, content = filename or str(getattr(file, "name", "advisories.json")), file.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(too_large)
    return Path(name).name or "advisories.json", content


def ingest_advisories(stream: IO[bytes], received: Received, *, format_name: str | None = None, user: Any = None,
                      job_id: int | None = None, match: bool = True,
                      progress: Progress | None = None) -> ImportOutcome:
    """Import one received file as one batch, then match what it changed; the same file with the same letter again
    is recognised and changes nothing. Raises :class:`AdvisoryFileRefused` (nothing stored) for a bad file."""
    earlier = AdvisoryBatch.objects.filter(fingerprint=received.fingerprint).first()
    if earlier is not None:
        return ImportOutcome(earlier, duplicate=True)
    try:
        with transaction.atomic():
            batch, touched = _store(stream, received, format_name, user, job_id, progress)
            if match:
                batch.matching = match_vulnerabilities(touched).as_dict()
                batch.save(update_fields=["matching"])
    except IntegrityError:
        earlier = AdvisoryBatch.objects.filter(fingerprint=received.fingerprint).first()
        if earlier is None:
            raise
        return ImportOutcome(earlier, duplicate=True)  # the same file, imported meanwhile by someone else
    return ImportOutcome(batch, duplicate=False)


def _store(stream: IO[bytes], received: Received, format_name: str | None, user: Any, job_id: int | None,
           progress: Progress | None) -> tuple[AdvisoryBatch, set[int]]:
    letter = received.letter
    batch = AdvisoryBatch.objects.create(
        format="", filename=received.filename[:255], sha256=received.sha256, fingerprint=received.fingerprint,
        size=received.size, reference=letter.reference[:120], reference_date=letter.reference_date,
        deadline=letter.deadline, imported_by=user if getattr(user, "is_authenticated", False) else None,
        job_id=job_id)
    store = Store(batch, letter, load_namer(), (lambda done: progress(done, 0)) if progress else None)
    for record in records(stream, received.filename, received.size, format_name):
        store.add(record)
    tally = store.finish()
    _judge(tally)
    summarise(tally.touched)
    _fill(batch, tally)
    batch.save()
    entry = build_entry(AuditAction.CREATE, batch, diff(None, snapshot(batch)))
    entry.unit_id = None
    entry.save()
    return batch, tally.touched


def _judge(tally: Tally) -> None:
    if tally.bad_count:
        first_where, first_reason = tally.bad[0]
        raise AdvisoryFileRefused(
            _("%(bad)d of %(records)d records are not valid (first: %(where)s: %(reason)s); nothing was imported.")
            % {"bad": tally.bad_count, "records": tally.records, "where": first_where, "reason": first_reason},
            {"bad_records": [list(item) for item in tally.bad], "bad": tally.bad_count, "records": tally.records})
    if not tally.records:
        raise AdvisoryFileRefused(_("The file holds no advisory records; nothing was imported."))


def _fill(batch: AdvisoryBatch, tally: Tally) -> None:
    batch.format = ", ".join(sorted(tally.formats))[:20]
    batch.records, batch.created, batch.updated, batch.unchanged = (tally.records, tally.created, tally.updated,
                                                                    tally.unchanged)
    batch.needs_review, batch.rules = tally.needs_review, tally.rules
    batch.metadata = {"skipped": tally.skipped, "vulnerabilities": len(tally.touched)}


def received_file(content: bytes, filename: str, letter: Letter | None = None) -> Received:
    return Received(filename, len(content), hashlib.sha256(content).hexdigest(), letter or Letter())


def ingest_bytes(content: bytes, filename: str, **options: Any) -> ImportOutcome:
    """:func:`ingest_advisories` for content already in memory (tests, the benchmark, the job)."""
    letter = options.pop("letter", None)
    return ingest_advisories(io.BytesIO(content), received_file(content, filename, letter), **options)


def parse_day(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


__all__ = ["IMPORT_JOB", "MATCH_JOB", "AdvisoryFileRefused", "ImportOutcome", "Letter", "MatchSummary", "Received",
           "add_alias", "create_import_job", "finding_key", "import_advisories", "ingest_advisories", "ingest_bytes",
           "load_namer", "match_all", "match_assets", "match_vulnerabilities", "parse_day", "received_file",
           "rename_rules", "rule_details"]
