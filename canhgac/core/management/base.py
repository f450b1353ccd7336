"""What every ``canhgac`` subcommand shares: the CLI audit channel, clean errors, JSON output, progress bars."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from canhgac.core.audit import acting_as
from canhgac.core.models import Channel, Job, JobState

USAGE_ERROR = 2
POLL_SECONDS = 0.2
QUEUED_HINT_SECONDS = 10


class CanhgacCommand(BaseCommand):
    """A subcommand: writes act through ``acting_as(actor, "cli")``; a refused write is one line, not a traceback."""

    # Django's plumbing options mean nothing to an operator; -v and --traceback stay for diagnosis.
    suppressed_base_arguments = {"--version", "--settings", "--pythonpath", "--no-color", "--force-color",
                                 "--skip-checks"}
    requires_system_checks: list[str] = []  # type: ignore[assignment]

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            with acting_as(self.actor(options), Channel.CLI):
                return super().execute(*args, **options)
        except ValidationError as error:
            raise CommandError(validation_text(error)) from error

    def actor(self, options: dict[str, Any]) -> Any:
        """The user the command acts as: ``--as USERNAME`` where a command offers it, else the system."""
        username = options.get("as_user")
        return find_user(username) if username else None

    def print_json(self, value: Any) -> None:
        self.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def validation_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
                         for field, messages in error.message_dict.items())
    return " ".join(error.messages)


def find_user(username: str) -> Any:
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(_("There is no user “%(name)s”.") % {"name": username}) from None


def add_as_user(parser: Any) -> None:
    parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                        help=_("act as this user (their role and units apply); default: the system"))


@contextmanager
def progress_bar(label: str, unit: str = "rows") -> Iterator[Callable[[int, int], None]]:
    """A ``(done, total)`` callback drawing a bar on stderr; silent when stderr is not a terminal."""
    bar = tqdm(desc=label, unit=unit, file=sys.stderr, disable=None, leave=False, dynamic_ncols=True)

    def update(done: int, total: int) -> None:
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


def print_table(write: Callable[[str], Any], header: list[str], rows: list[list[Any]]) -> None:
    """A plain aligned text table (for people; scripts use ``--json``)."""
    cells = [[str(cell) for cell in row] for row in [header, *rows]]
    widths = [max(len(row[index]) for row in cells) for index in range(len(header))]
    for row in cells:
        write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def follow_job(job: Job, poll_seconds: float = POLL_SECONDS) -> Job:
    """Draw ``job``'s progress until it ends, wherever it runs (a thread of this process or a Celery worker)."""
    started, hinted = time.monotonic(), False
    with progress_bar(job.title) as update:
        while not job.is_finished:
            update(job.progress_done, job.progress_total)
            waited = time.monotonic() - started
            if not hinted and settings.BROKER_URL and job.state == JobState.QUEUED and waited > QUEUED_HINT_SECONDS:
                hinted = True
                tqdm.write(_("Job #%(id)d is still waiting for a worker: is `canhgac worker` running with the same "
                             "CANHGAC_BROKER_URL? (Ctrl+C stops following; the job stays queued.)")
                           % {"id": job.pk}, file=sys.stderr)
            time.sleep(poll_seconds)
            job.refresh_from_db()
        update(job.progress_total or 1, job.progress_total or 1)
    return job
