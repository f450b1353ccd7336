"""``canhgac serve``: the console and API on waitress (a production WSGI server, one process, many threads).

One process suits the embedded default: in-process jobs and the periodic tasks (``core/schedule.py``) run in its
threads and SQLite sees a single writer process; with PostgreSQL and a broker, run several ``serve`` behind a
proxy and ``canhgac worker`` elsewhere (one of them with ``--beat``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core import schedule
from canhgac.core.management.base import USAGE_ERROR, CanhgacCommand
from canhgac.core.models import Job, JobState

DEMO_ADMIN = "admin"


def fail_interrupted_jobs() -> int:
    """Without a broker, jobs run in the server's threads: any still "running" died with the last server."""
    if settings.BROKER_URL:
        return 0  # a worker elsewhere may be running them right now
    return Job.objects.filter(state=JobState.RUNNING).update(
        state=JobState.FAILED, error=_("The server stopped while the job was running."), finished_at=timezone.now())


class Command(CanhgacCommand):
    help = _("Prepare the database (as `canhgac init`) and serve the web console and API.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1", help=_("address to listen on (default 127.0.0.1)"))
        parser.add_argument("--port", type=int, default=8000, help=_("port (default 8000)"))
        parser.add_argument("--threads", type=int, default=8, help=_("request threads (default 8)"))
        parser.add_argument("--demo", action="store_true",
                            help=_("load the demo province into an empty registry and create the “admin” account"))

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 < options["port"] < 65536 or options["threads"] < 1:
            raise CommandError(_("--port must be 1–65535 and --threads at least 1."), returncode=USAGE_ERROR)
        call_command("init", admin=DEMO_ADMIN if options["demo"] else None, verbosity=0, stdout=self.stdout._out)
        if options["demo"]:
            call_command("demo", if_empty=True, stdout=self.stdout._out)
        fail_interrupted_jobs()
        scheduler = schedule.start_in_process()  # None with a broker: `canhgac worker --beat` sends them
        try:
            self.serve(options["host"], options["port"], options["threads"])
        finally:
            if scheduler is not None:
                scheduler.stop(timeout=5)

    def serve(self, host: str, port: int, threads: int) -> None:
        from django.core.wsgi import get_wsgi_application
        from waitress import create_server

        application = get_wsgi_application()
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(_("Canh Gác is serving http://%(host)s:%(port)d/ (Ctrl+C stops it)")
                          % {"host": shown, "port": port})
        self.stdout.flush()
        server = create_server(application, host=host, port=port, threads=threads, ident="canhgac")
        try:
            server.run()
        except KeyboardInterrupt:
            self.stdout.write(_("Stopped."))
        finally:
            server.close()
