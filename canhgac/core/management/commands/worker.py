"""``canhgac worker``: a Celery worker running jobs from the broker (scale-out path), with ``--beat`` the one
worker that also sends the periodic tasks (:mod:`canhgac.core.schedule`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from canhgac.core import schedule
from canhgac.core.management.base import USAGE_ERROR, CanhgacCommand


def send_every_periodic_task(**_signal: Any) -> None:
    """Beat's first sending of each task is one period after its start; the embedded default runs them at start,
    and so does beat (e-mail left pending by a stopped server goes out at once, not a minute later)."""
    from canhgac.core.tasks import run_periodic

    for task in schedule.registered():
        run_periodic.delay(task.name)


class Command(CanhgacCommand):
    help = _("Run a Celery worker that executes background jobs. Needs CANHGAC_BROKER_URL (e.g. "
             "redis://127.0.0.1:6379/0) and a database shared with the console (PostgreSQL).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--concurrency", type=int, default=2, help=_("jobs run at once (default 2)"))
        parser.add_argument("--loglevel", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
        parser.add_argument("--beat", action="store_true",
                            help=_("also send the periodic tasks (e.g. sending due e-mail every minute); run "
                                   "exactly one worker with --beat"))

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BROKER_URL:
            raise CommandError(_("CANHGAC_BROKER_URL is not set: without a broker, jobs run inside "
                                 "`canhgac serve` and no worker is needed."), returncode=USAGE_ERROR)
        if options["concurrency"] < 1:
            raise CommandError(_("--concurrency must be at least 1."), returncode=USAGE_ERROR)
        from celery.signals import beat_init

        from canhgac.celery import app

        argv = ["worker", f"--loglevel={options['loglevel']}", f"--concurrency={options['concurrency']}"]
        if options["beat"]:
            settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
            app.conf.beat_schedule = schedule.beat_schedule()
            beat_init.connect(send_every_periodic_task, weak=False)
            argv += ["--beat", f"--schedule={settings.DATA_DIR / 'celerybeat-schedule'}"]
        app.worker_main(argv)
