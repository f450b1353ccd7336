"""Every write of the feeds app. :func:`import_feed` is the entry point of the console, the API and the CLI: it
records the file as a job's input and starts the job, which reads, matches and stores it (``ingest_feed``)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core import jobs
from canhgac.core.access import ADD, may
from canhgac.core.audit import build_entry, diff, snapshot
from canhgac.core.models import AuditAction, Channel, Job
from canhgac.intel.models import FeedBatch, FeedSource, period_validator, source_name_validator
from canhgac.intel.parsers import parsers
from canhgac.intel.reading import FeedRefused
from canhgac.intel.services.ingest import FeedOutcome, Reading, ingest_feed, read_feed
from canhgac.intel.services.storing import BatchFile

JOB_KIND = "intel.feed_import"
DEFAULT_SOURCE = "default"


def current_period() -> str:
    return timezone.localdate().strftime("%Y-%m")


def import_feed(file: str | os.PathLike[str] | bytes | IO[bytes], source: str, reference: str = "",
                period: str = "", user: Any = None, **options: Any) -> Job:
    """Check the request, record the file as a job's input and start the job in the background (see
    ``intel/jobs.py``); ``options`` are those of :func:`create_feed_job`."""
    job = create_feed_job(file, source, reference, period, user, **options)
    jobs.dispatch(job)
    return job


def create_feed_job(file: str | os.PathLike[str] | bytes | IO[bytes], source: str, reference: str = "",
                    period: str = "", user: Any = None, *, filename: str = "", format_name: str = "",
                    columns: Mapping[str, str] | None = None, channel: str = Channel.UI) -> Job:
    """The queued job of importing ``file`` (a path, the bytes, or an open binary file); run it with
    ``jobs.execute`` or start it with ``jobs.dispatch``.

    Raises ``ValidationError`` for a bad period, source name or format, ``PermissionDenied`` when ``user`` may not
    import feeds; the file itself is judged by the job.
    """
    if user is not None and not may(user, ADD, FeedBatch):
        raise PermissionDenied(_("You may not import feeds."))
    period = period or current_period()
    period_validator(period)
    source_name_validator(source)
    if format_name and format_name not in parsers():
        raise ValidationError(_("Unknown feed format “%(name)s”; known formats: %(known)s.")
                              % {"name": format_name[:40], "known": ", ".join(sorted(parsers()))})
    name, content = _read_file(file, filename)
    params = {"source": source, "reference": reference.strip()[:120], "period": period, "format": format_name,
              "columns": dict(columns or {})}
    title = _("Import feed %(file)s (%(source)s, %(period)s)") % {"file": name[:120], "source": source,
                                                                   "period": period}
    return jobs.create(JOB_KIND, user, params, title=title, channel=channel, input_bytes=content, input_name=name)


def _read_file(file: str | os.PathLike[str] | bytes | IO[bytes], filename: str) -> tuple[str, bytes]:
    limit = settings.MAX_UPLOAD_BYTES
    if isinstance(file, bytes):
        name, content = filename or "feed", file
    elif isinstance(file, str | os.PathLike):
        path = Path(file)
        if path.stat().st_size > limit:
            raise ValidationError(_("The file is larger than the %(limit)d MB allowed (CANHGAC_MAX_UPLOAD_MB).")
                                  % {"limit": limit >> 20})
        name, content = filename or path.name, path.read_bytes()
    else:
        name, content = filename or str(getattr(file, "name", "feed")), file.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("The file is larger than the %(limit)d MB allowed (CANHGAC_MAX_UPLOAD_MB).")
                              % {"limit": limit >> 20})
    return Path(name).name or "feed", content


def ensure_source(name: str) -> FeedSource:
    """The source called ``name``, created (and audited) on its first batch."""
    source_name_validator(name)
    source = FeedSource.objects.filter(name=name).first()
    if source is None:
        source = FeedSource(name=name)
        source.full_clean()
        source.save()
        entry = build_entry(AuditAction.CREATE, source, diff(None, snapshot(source)))
        entry.unit_id = None
        entry.save()
    return source


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


__all__ = ["DEFAULT_SOURCE", "JOB_KIND", "BatchFile", "FeedOutcome", "FeedRefused", "Reading", "create_feed_job",
           "current_period", "ensure_source", "file_digest", "import_feed", "ingest_feed", "read_feed"]
