"""Background jobs: one recorded :class:`~canhgac.core.models.Job` per long operation.

Handlers register by kind (duplicates refused). :func:`submit` records the job and dispatches it: to Celery
when ``CANHGAC_BROKER_URL`` is set (workers may run on other machines sharing the database), otherwise to a
thread of this process, so the embedded default needs no server. The CLI runs jobs inline with a progress bar.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from canhgac.core.access import SEES_EVERYTHING, role_of
from canhgac.core.audit import acting_as
from canhgac.core.bulk import create_with_binary
from canhgac.core.models import Channel, Job, JobInput, JobState

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


class JobError(Exception):
    """A failure the user caused or can fix; its message is shown as the job's error, without a traceback.

    ``result`` is stored as the failed job's result (e.g. an import's list of bad rows).
    """

    def __init__(self, message: str, result: dict[str, Any] | None = None):
        super().__init__(message)
        self.result = result or {}


class JobContext:
    """What a handler sees: parameters, the input file, and ways to report progress and log lines."""

    def __init__(self, job: Job, on_progress: ProgressCallback | None = None):
        self.job = job
        self.params = job.params
        self._on_progress = on_progress
        self._last_saved = 0.0

    def input_bytes(self) -> bytes:
        return bytes(JobInput.objects.get(job=self.job).content)

    @property
    def input_name(self) -> str:
        return JobInput.objects.values_list("filename", flat=True).get(job=self.job)

    def progress(self, done: int, total: int) -> None:
        if self._on_progress:
            self._on_progress(done, total)
        now = timezone.now().timestamp()
        # Throttled: a progress write per row would dominate a 50,000-row import.
        if done < total and now - self._last_saved < 0.5:
            return
        self._last_saved = now
        Job.objects.filter(pk=self.job.pk).update(progress_done=done, progress_total=total)

    def log(self, line: str) -> None:
        # Concat, not "+": on SQLite "+" adds the texts as numbers (the log became "0").
        Job.objects.filter(pk=self.job.pk).update(log=Concat(F("log"), Value(line + "\n"), output_field=TextField()))


def visible_jobs(user: Any) -> QuerySet[Job]:
    """The jobs ``user`` may follow, for the console and the API alike: SOC staff and auditors see every job, a
    unit officer only the jobs they started (a job's log and result may name other units' objects)."""
    jobs = Job.objects.select_related("created_by")
    role = role_of(user)
    if role in SEES_EVERYTHING:
        return jobs
    if role is None:
        return jobs.none()
    return jobs.filter(created_by=user.pk)


Handler = Callable[[JobContext], dict[str, Any]]
_HANDLERS: dict[str, tuple[Handler, Any]] = {}


def register(kind: str, label: Any) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        if kind in _HANDLERS:
            raise ValueError(f"job kind {kind!r} is already registered")
        _HANDLERS[kind] = (handler, label)
        return handler

    return decorate


def registered_kinds() -> dict[str, Any]:
    return {kind: label for kind, (_handler, label) in _HANDLERS.items()}


def create(kind: str, user: Any, params: dict[str, Any], title: str = "", channel: str = Channel.UI,
           input_bytes: bytes | None = None, input_name: str = "") -> Job:
    if kind not in _HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind, title=title or str(_HANDLERS[kind][1]), params=params, channel=channel,
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        if input_bytes is not None:
            create_with_binary(JobInput, "content", input_bytes, job=job, filename=input_name[:255],
                               sha256=hashlib.sha256(input_bytes).hexdigest())
    return job


def dispatch(job: Job) -> None:
    """Start ``job`` in the background once the transaction that created it has committed."""
    if settings.BROKER_URL:
        from canhgac.core.tasks import run_job

        transaction.on_commit(lambda: run_job.delay(job.pk))
    else:
        transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(job.pk,), daemon=True).start())


def submit(kind: str, user: Any, params: dict[str, Any], **options: Any) -> Job:
    job = create(kind, user, params, **options)
    dispatch(job)
    return job


def _run_in_thread(job_id: int) -> None:
    try:
        execute(job_id)
    finally:
        close_old_connections()


def execute(job_id: int, on_progress: ProgressCallback | None = None) -> Job:
    """Run a queued job to its end; any worker, thread or the CLI calls this. Never raises for handler errors."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now())
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job  # another worker took it (at-least-once delivery): running it twice would double-import
    handler, _label = _HANDLERS[job.kind]
    context = JobContext(job, on_progress)
    try:
        with acting_as(job.created_by, Channel.JOB if job.channel == Channel.UI else job.channel, job.pk):
            result = handler(context)
        state, error = JobState.SUCCEEDED, ""
    except JobError as failure:
        result, state, error = getattr(failure, "result", {}), JobState.FAILED, str(failure)
    except Exception as failure:  # a bug must not leave the job "running" for ever
        logger.exception("job %s failed", job_id)
        result, state, error = {}, JobState.FAILED, f"{type(failure).__name__}: {failure}"
        context.log(traceback.format_exc(limit=5))
    Job.objects.filter(pk=job_id).update(state=state, result=result, error=error, finished_at=timezone.now())
    job.refresh_from_db()
    return job
