"""Scheduled pulls: each enabled source with a URL is fetched when its interval has passed, and what it sent is
imported as a batch by the ordinary import job (so the same file is recognised by its hash and a pull is a job the
console shows); a MISP feed imports its new and changed events (``mispfeed.py``).

:func:`pull_due_sources` is the periodic task (``core/schedule.py``, every :data:`CHECK_EVERY`). It only claims
each due source and queues a pull job (:data:`PULL_JOB`, run by ``core/jobs``: a thread without a broker, a Celery
worker with one), so a large list or a slow server never holds up the other periodic tasks (the mail run). The
console's "pull now" queues the same job; the CLI pulls inline (:func:`pull_source`).

A pull *claims* its source first (a conditional UPDATE of ``pull_started_at``), so two schedulers never pull one
source at once; a claim older than :data:`STALE_PULL` is taken over, and a queued job whose claim was taken over
does nothing. Whatever happens, the source records when it was pulled, the validators for the next conditional
GET, and the error (empty after a good pull).
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
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
PULL_JOB = "intel.feed_pull"
MIN_INTERVAL = datetime.timedelta(minutes=15)
"""Nobody's list changes faster than this; asking more often is impolite and gets us blocked."""
MAX_INTERVAL = datetime.timedelta(days=31)
"""The slowest lists are monthly: a longer interval is a typing mistake, and would miss a month."""
INTERVAL = re.compile(r"^(\d{1,5})([mhdw])$")
INTERVAL_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_interval(text: str) -> datetime.timedelta:
    """``30m``, ``6h``, ``1d`` or ``1w``; ``ValueError`` otherwise."""
    found = INTERVAL.match(text.strip().lower())
    if not found:
        raise ValueError(text)
    return datetime.timedelta(**{INTERVAL_UNITS[found[2]]: int(found[1])})


def interval_text(every: datetime.timedelta) -> str:
    """The shortest way :func:`parse_interval` reads back: ``1w``, ``2d``, ``6h``, ``90m``."""
    minutes = int(every.total_seconds() // 60)
    for letter, size in (("w", 10080), ("d", 1440), ("h", 60)):
        if minutes % size == 0:
            return f"{minutes // size}{letter}"
    return f"{minutes}m"


@dataclass
class PullOutcome:
    source: str
    state: str
    """``imported``, ``duplicate`` (the same file as before), ``unchanged`` (304), ``failed``, ``busy`` or
    ``queued`` (a pull job was started: ``job``)."""
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
    if source.pull_every > MAX_INTERVAL:
        raise ValidationError({"pull_every": _("Pull at least every %(days)d days.")
                               % {"days": MAX_INTERVAL.days}})
    if source.pull_enabled and not source.url:
        raise ValidationError({"url": _("A source pulled on schedule needs a URL.")})
    source.full_clean()
    before = snapshot(FeedSource.objects.get(pk=source.pk)) if source.pk else None
    source.save()
    entry = build_entry(AuditAction.UPDATE if before else AuditAction.CREATE, source, diff(before, snapshot(source)))
    entry.unit_id = None
    entry.save()
    return source


def next_due(source: FeedSource) -> datetime.datetime | None:
    """When the source is due again (``None``: never pulled, due at once). A failed pull is tried again after
    :data:`RETRY_FAILED` (or its interval, if shorter)."""
    if source.pulled_at is None:
        return None
    wait = min(source.pull_every, RETRY_FAILED) if source.pull_error else source.pull_every
    return source.pulled_at + wait


def is_due(source: FeedSource, now: datetime.datetime) -> bool:
    due = next_due(source)
    return due is None or due <= now


def due_sources(now: datetime.datetime) -> list[FeedSource]:
    sources = FeedSource.objects.filter(pull_enabled=True, active=True).exclude(url="")
    return [source for source in sources if is_due(source, now)]


def pull_due_sources(now: datetime.datetime | None = None) -> list[PullOutcome]:
    """The periodic task: queue a pull job for every enabled source whose interval has passed."""
    now = now or timezone.now()
    return [queue_pull(source, now=now) for source in due_sources(now)]


def claim(source: FeedSource, now: datetime.datetime) -> bool:
    free = Q(pull_started_at__isnull=True) | Q(pull_started_at__lt=now - STALE_PULL)
    return FeedSource.objects.filter(free, pk=source.pk).update(pull_started_at=now) == 1


def _unclaimable(source: FeedSource, now: datetime.datetime) -> PullOutcome | None:
    if not source.url:
        return PullOutcome(source.name, "failed", _("The source has no URL to pull."))
    if not claim(source, now):
        return PullOutcome(source.name, "busy", _("Another pull of this source is running."))
    return None


def queue_pull(source: FeedSource, *, user: Any = None, now: datetime.datetime | None = None) -> PullOutcome:
    """Claim ``source`` and start its pull as a background job (due or not); ``busy`` while another pull of it is
    queued or running. The claim and the job are one transaction: a job that cannot be recorded leaves no claim."""
    now = now or timezone.now()
    with transaction.atomic():
        refused = _unclaimable(source, now)
        if refused:
            return refused
        title = _("Pull feed source %(name)s") % {"name": source.name}
        job = jobs.submit(PULL_JOB, user, {"source": source.pk, "claimed_at": now.isoformat()}, title=title,
                          channel=current_actor().channel)
    return PullOutcome(source.name, "queued", job=job.pk)


def run_queued_pull(source_id: int, claimed_at: str, user: Any = None) -> PullOutcome:
    """The pull job's work: pull under the claim :func:`queue_pull` took, unless a later pull took it over."""
    moment = datetime.datetime.fromisoformat(claimed_at)
    source = FeedSource.objects.filter(pk=source_id).first()
    if source is None:
        return PullOutcome(str(source_id), "failed", _("The source was deleted before its pull started."))
    if source.pull_started_at != moment:
        return PullOutcome(source.name, "busy", _("This pull waited so long that a later pull of the source took "
                                                  "its place; nothing was fetched."))
    return run_claimed_pull(source, moment, user=user)


def pull_source(source: FeedSource, *, client: httpx.Client | None = None, now: datetime.datetime | None = None,
                user: Any = None) -> PullOutcome:
    """Pull ``source`` now and here (due or not), unless another pull of it is running."""
    now = now or timezone.now()
    return _unclaimable(source, now) or run_claimed_pull(source, now, client=client, user=user)


def run_claimed_pull(source: FeedSource, now: datetime.datetime, *, client: httpx.Client | None = None,
                     user: Any = None) -> PullOutcome:
    """Fetch and import ``source`` under the claim taken at ``now``; record the outcome on it and free it."""
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


def describe_outcome(outcome: PullOutcome) -> str:
    """One line for the CLI and the pull job's log."""
    texts = {"imported": _("imported as batch %(batches)s"), "duplicate": _("the same file as batch %(batches)s"),
             "unchanged": _("not modified since the last pull"), "failed": _("failed: %(error)s"),
             "busy": "%(error)s", "queued": _("pull started as job #%(job)s")}
    text = texts[outcome.state] % {"batches": ", ".join(f"#{batch}" for batch in outcome.batches) or "—",
                                   "error": outcome.error, "job": outcome.job}
    return f"{outcome.source}: {text}"
