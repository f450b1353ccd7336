"""``canhgac import KIND FILE``: a CSV/XLSX file imported as a background job, followed with a progress bar.

The job is the same one the console and API start: it is recorded (``canhgac jobs``), runs in this process or on
a Celery worker when a broker is configured, and audits its writes on the CLI channel. ``--dry-run`` checks
the file in this process and rolls back, so it reports what would change without recording anything.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from canhgac.constituency.importing import IMPORT_KINDS, ImportFailed, run_import, start_import
from canhgac.core.audit import current_actor
from canhgac.core.management.base import CanhgacCommand, add_as_user, follow_job, print_table, progress_bar
from canhgac.core.models import Channel, Job, JobState

REPORT_FIELDS = ("total", "created", "updated", "unchanged")


def read_input(path: str) -> tuple[str, bytes]:
    """The file's name and bytes (``-``: standard input); too large or unreadable files stop here."""
    limit_mb = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
    if path == "-":
        content = sys.stdin.buffer.read(settings.MAX_UPLOAD_BYTES + 1)
        name = "stdin"
    else:
        file = Path(path)
        try:
            if file.stat().st_size > settings.MAX_UPLOAD_BYTES:
                raise CommandError(_("%(file)s is larger than the %(limit)d MB allowed (CANHGAC_MAX_UPLOAD_MB).")
                                   % {"file": path, "limit": limit_mb})
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(reason)s")
                               % {"file": path, "reason": error.strerror}) from error
        name = file.name
    if len(content) > settings.MAX_UPLOAD_BYTES:
        raise CommandError(_("The input is larger than the %(limit)d MB allowed (CANHGAC_MAX_UPLOAD_MB).")
                           % {"limit": limit_mb})
    return name, content


def error_line(error: dict[str, Any]) -> str:
    if error.get("row") is None:
        return _("file: %(message)s") % {"message": error["message"]}
    if not error.get("column"):
        return _("row %(row)d: %(message)s") % error
    return _("row %(row)d, column “%(column)s”: %(message)s") % error


class Command(CanhgacCommand):
    help = _("Import units, contacts, netblocks or assets from a CSV or XLSX file (headers in Vietnamese or "
             "English). The file imports whole or not at all; every bad row is reported with its column.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=IMPORT_KINDS, help=_("what the file holds"))
        parser.add_argument("file", help=_("the CSV or XLSX file; - reads standard input"))
        parser.add_argument("--dry-run", action="store_true",
                            help=_("check the file and report what it would change, writing nothing"))
        parser.add_argument("--json", action="store_true", help=_("print the report or the errors as JSON"))
        add_as_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        name, content = read_input(options["file"])
        if options["dry_run"]:
            outcome = self.check_file(options["kind"], name, content)
        else:
            outcome = self.run_job(options["kind"], name, content)
        if options["json"]:
            self.print_json(outcome)
        elif outcome["state"] == JobState.SUCCEEDED:
            self.print_report(outcome)
        else:
            for line in map(error_line, outcome.get("errors", [])):
                self.stderr.write(line)
            if outcome.get("more"):
                self.stderr.write(_("… and %(count)d more problems.") % {"count": outcome["more"]})
        if outcome["state"] != JobState.SUCCEEDED:
            raise CommandError(outcome["error"])

    def run_job(self, kind: str, name: str, content: bytes) -> dict[str, Any]:
        job = start_import(kind, current_actor().user, name, content, channel=Channel.CLI)
        try:
            job = follow_job(job)
        except KeyboardInterrupt:
            stop_in_process_job(job)
            raise
        outcome = {"kind": kind, "file": name, "dry_run": False, "job": job.pk, "state": job.state}
        if job.state == JobState.SUCCEEDED:
            return {**outcome, "report": job.result}
        failed = {"errors": job.result.get("errors", []), "more": job.result.get("more", 0)}
        return {**outcome, **failed, "error": refusal(failed["errors"], failed["more"], job.error)}

    def check_file(self, kind: str, name: str, content: bytes) -> dict[str, Any]:
        outcome: dict[str, Any] = {"kind": kind, "file": name, "dry_run": True, "job": None}
        try:
            with progress_bar(_("Checking %(file)s") % {"file": name}) as update, transaction.atomic():
                report = run_import(kind, name, content, progress=update)
                transaction.set_rollback(True)
        except ImportFailed as failure:
            errors = [error.as_dict() for error in failure.errors]
            return {**outcome, "state": JobState.FAILED, "errors": errors, "more": failure.more,
                    "error": refusal(errors, failure.more, str(failure))}
        return {**outcome, "state": JobState.SUCCEEDED, "report": report.as_dict()}

    def print_report(self, outcome: dict[str, Any]) -> None:
        report = outcome["report"]
        if outcome["dry_run"]:
            self.stdout.write(_("Dry run: the file is valid; nothing was written."))
        else:
            self.stdout.write(_("Job #%(job)d: %(file)s imported.") % outcome)
        header = [pgettext("import report", "kind"), pgettext("import report", "rows"),
                  pgettext("import report", "created"), pgettext("import report", "updated"),
                  pgettext("import report", "unchanged")]
        print_table(self.stdout.write, header, [[report["kind"], *(report[name] for name in REPORT_FIELDS)]])


def refusal(errors: list[dict[str, Any]], more: int, fallback: str) -> str:
    if not errors:
        return fallback or _("The import failed.")
    return _("The file was refused (%(count)d problems); nothing was imported.") % {"count": len(errors) + more}


def stop_in_process_job(job: Job) -> None:
    """Ctrl+C: without a broker the job runs in this process and dies with it; say so rather than leave it
    "running". (Its transaction is rolled back with the process, so nothing of the file is written.)"""
    if settings.BROKER_URL:
        return  # a worker runs it; it carries on and `canhgac jobs show ID --follow` can follow it again
    Job.objects.filter(pk=job.pk, state__in=[JobState.QUEUED, JobState.RUNNING]).update(
        state=JobState.FAILED, error=_("The command was interrupted; nothing was imported."),
        finished_at=timezone.now())
