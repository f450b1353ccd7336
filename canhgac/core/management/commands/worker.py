"""``canhgac worker``: a Celery worker running jobs from the broker (scale-out path)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from canhgac.core.management.base import USAGE_ERROR, CanhgacCommand


class Command(CanhgacCommand):
    help = _("Run a Celery worker that executes background jobs. Needs CANHGAC_BROKER_URL (e.g. "
             "redis://127.0.0.1:6379/0) and a database shared with the console (PostgreSQL).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--concurrency", type=int, default=2, help=_("jobs run at once (default 2)"))
        parser.add_argument("--loglevel", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.BROKER_URL:
            raise CommandError(_("CANHGAC_BROKER_URL is not set: without a broker, jobs run inside "
                                 "`canhgac serve` and no worker is needed."), returncode=USAGE_ERROR)
        if options["concurrency"] < 1:
            raise CommandError(_("--concurrency must be at least 1."), returncode=USAGE_ERROR)
        from canhgac.celery import app

        app.worker_main(["worker", f"--loglevel={options['loglevel']}",
                         f"--concurrency={options['concurrency']}"])
