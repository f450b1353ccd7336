"""Scheduled pulls: each enabled source with a URL is fetched when its interval has passed, and what it sent is
imported as a batch by the ordinary import job (so the same file is recognised by its hash and a pull is a job the
console shows); a MISP feed imports its new and changed events (``mispfeed.py``).

:func:`pull_due_sources` is the periodic task (``core/schedule.py``, every :data:`CHECK_EVERY`). A pull *claims*
its source first (a conditional UPDATE of ``pull_started_at``), so two schedulers never pull one source at once; a
claim older than :data:`STALE_PULL` is taken over. Whatever happens, the source records when it was pulled, the
validators for the next conditional GET, and the error (empty after a good pull).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core import jobs
from canhgac.core.audit import build_entry, current_actor, diff, snapshot
from canhgac.core.models import AuditAction, JobState
from canhgac.intel.models import FeedSource, source_name_validator
from canhgac.intel.parsers import parsers
from canhgac.intel.reading import FeedRefused
from canhgac.intel.services import create_feed_job, current_period
from canhgac.intel.services.fetching import PullRefused, check_url, fetch, new_client
from canhgac.intel.services.mispfeed import MISP_FEED, HttpFiles, import_misp_feed

logger = logging.getLogger(__name__)

CHECK_EVERY = datetime.timedelta(minutes=5)
STALE_PULL = datetime.timedelta(hours=2)
RETRY_FAILED = datetime.timedelta(hours=1)
MIN_INTERVAL = datetime.timedelta(minutes=15)
"""Nobody's list changes faster than this; asking more often is impolite and gets us blocked."""


@dataclass
class PullOutcome:
    source: str
    state: str
    """``imported``, ``duplicate`` (the same file as before), ``unchanged`` (304), ``failed`` or ``busy``."""
    error: str = ""
    job: int | None = None
    batches: list[int] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "state": self.state, "error": self.error, "job": self.job,
                "batches": self.batches, **self.details}


def save_source(source: FeedSource) -> FeedSource:
    """Validate and save a source's pull settings (audited); refused with the field's reason."""
    source_name_validator(source.name)
    if source.pull_format and source.pull_format != MISP_FEED and source.pull_format not in parsers():
        raise ValidationError({"pull_format": _("Unknown feed format “%(name)s”; known formats: %(known)s.")
                               % {"name": source.pull_format[:40],
                                  "known": ", ".join(sorted([*parsers(), MISP_FEED]))}})
    if source.url:
        try:
            check_url(source.url, source.allow_http)
        except PullRefused as refusal:
            raise ValidationError({"url": str(refusal)}) from refusal
    if source.pull_every < MIN_INTERVAL:
        raise ValidationError({"pull_every": _("Pull at most every %(minutes)d minutes.")
                               % {"minutes": MIN_INTERVAL.total_seconds() // 60}})
    source.full_clean()
    before = snapshot(FeedSource.objects.get(pk=source.pk)) if source.pk else None
    source.save()
    entry = build_entry(AuditAction.UPDATE if before else AuditAction.CREATE, source, diff(before, snapshot(source)))
    entry.unit_id = None
    entry.save()
    return source


def is_due(source: FeedSource, now: datetime.datetime) -> bool:
    """A failed pull is tried again after :data:`RETRY_FAILED` (or its interval, if shorter)."""
    if source.pulled_at is None:
        return True
    wait = min(source.pull_every, RETRY_FAILED) if source.pull_error else source.pull_every
    return source.pulled_at + wait <= now


def pull_due_sources(now: datetime.datetime | None = None) -> list[PullOutcome]:
    """The periodic task: pull every enabled source whose interval has passed."""
    now = now or timezone.now()
    sources = FeedSource.objects.filter(pull_enabled=True, active=True).exclude(url="")
    due = [source for source in sources if is_due(source, now)]
    if not due:
        return []
    with new_client() as client:
        return [pull_source(source, client=client, now=now) for source in due]


def claim(source: FeedSource, now: datetime.datetime) -> bool:
    free = Q(pull_started_at__isnull=True) | Q(pull_started_at__lt=now - STALE_PULL)
    return FeedSource.objects.filter(free, pk=source.pk).update(pull_started_at=now) == 1


def pull_source(source: FeedSource, *, client: httpx.Client | None = None, now: datetime.datetime | None = None,
                user: Any = None) -> PullOutcome:
    """Pull ``source`` now (due or not), unless another pull of it is running."""
    now = now or timezone.now()
    if not source.url:
        return PullOutcome(source.name, "failed", _("The source has no URL to pull."))
    if not claim(source, now):
        return PullOutcome(source.name, "busy", _("Another pull of this source is running."))
    own_client = client is None
    client = client or new_client()
    try:
        outcome = _pull_misp(source, client, user) if source.pull_format == MISP_FEED else _pull_list(
            source, client, user)
    except (PullRefused, FeedRefused) as refusal:
        outcome = PullOutcome(source.name, "failed", str(refusal))
    except Exception as error:  # a bug or a lost database must not leave the source claimed for hours
        logger.exception("pulling feed source %s failed", source.name)
        outcome = PullOutcome(source.name, "failed", f"{type(error).__name__}: {error}")
    finally:
        if own_client:
            client.close()
    source.pulled_at, source.pull_started_at, source.pull_error = now, None, outcome.error[:2000]
    FeedSource.objects.filter(pk=source.pk).update(
        pulled_at=now, pull_started_at=None, pull_error=source.pull_error, pull_etag=source.pull_etag,
        pull_last_modified=source.pull_last_modified)
    return outcome


def _pull_list(source: FeedSource, client: httpx.Client, user: Any) -> PullOutcome:
    download = fetch(client, source.url, limit=settings.MAX_UPLOAD_BYTES, allow_http=source.allow_http,
                     etag=source.pull_etag, last_modified=source.pull_last_modified)
    if download.content is None:
        return PullOutcome(source.name, "unchanged")
    job = create_feed_job(download.content, source.name, "", current_period(), user, filename=download.filename,
                          format_name=source.pull_format, channel=current_actor().channel)
    job = jobs.execute(job.pk)
    if job.state != JobState.SUCCEEDED:
        return PullOutcome(source.name, "failed", job.error, job.pk)  # validators kept: the same file is refused
    source.pull_etag, source.pull_last_modified = download.etag, download.last_modified
    duplicate = job.result.get("duplicate", False)
    return PullOutcome(source.name, "duplicate" if duplicate else "imported", "", job.pk, [job.result["batch"]])


def _pull_misp(source: FeedSource, client: httpx.Client, user: Any) -> PullOutcome:
    files = HttpFiles(client, source.url, source.allow_http)
    manifest = files.manifest_if_changed(source.pull_etag, source.pull_last_modified)
    if manifest is None:
        return PullOutcome(source.name, "unchanged")
    result = import_misp_feed(files, source, period=current_period(), user=user, manifest=manifest)
    if not result.postponed and not result.retry_later:  # else the same manifest must be read again next time
        source.pull_etag, source.pull_last_modified = files.etag, files.last_modified
    state = "imported" if result.imported else "unchanged"
    errors = "; ".join(item["error"] for item in result.refused[:3])
    return PullOutcome(source.name, state, errors, None, list(result.imported), result.as_dict())
