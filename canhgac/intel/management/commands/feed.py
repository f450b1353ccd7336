"""``canhgac feed import FILE…``: each file a batch, imported by the same job the console runs, with a progress bar.

A file that was already imported (same SHA-256) is recognised and counted once; a refused file (binary, corrupt
archive, decompression bomb, mostly invalid lines…) stores nothing and makes the command exit 1 after the others.
``canhgac feed formats`` lists the formats the import recognises. A directory or zip holding a MISP feed
(``manifest.json`` and one file per event) imports the feed's new and changed events, one batch each.
``canhgac feed source add|list|pull`` manages the sources pulled on schedule (``intel/management/sources.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core.audit import current_actor
from canhgac.core.management.base import CanhgacCommand, add_as_user, follow_job, print_table
from canhgac.core.models import Channel, Job, JobState
from canhgac.intel.management.sources import add_source_parser, handle_source
from canhgac.intel.parsers import parsers
from canhgac.intel.parsers.delimited import FIELDS
from canhgac.intel.reading import FeedRefused
from canhgac.intel.services import DEFAULT_SOURCE, current_period, ensure_source, import_feed
from canhgac.intel.services.mispfeed import FeedFiles, ZipFiles, import_misp_feed, local_feed

SHOWN_INVALID = 10


def column_option(text: str) -> tuple[str, str]:
    field, _sep, header = text.partition("=")
    if field not in FIELDS or not header.strip():
        raise ValueError(text)
    return field, header.strip()


class Command(CanhgacCommand):
    help = _("Import threat feeds (botnet IP lists, CSV/TSV, FireHOL, Shadowserver, STIX 2.1, MISP; .gz or .zip) "
             "and match them to the units owning the addresses; or list the formats.")

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|formats|source")
        importing = actions.add_parser("import", help=_("import feed files, one batch each"))
        importing.add_argument("files", nargs="+", metavar="FILE", help=_("the feed files"))
        importing.add_argument("--source", default=DEFAULT_SOURCE, metavar="NAME",
                               help=_("who sent the list, e.g. vncert-botnet (created on first use; default "
                                      "%(default)s)"))
        importing.add_argument("--reference", default="", metavar="TEXT",
                               help=_("number/symbol of the official letter (số/ký hiệu công văn)"))
        importing.add_argument("--period", default="", metavar="YYYY-MM",
                               help=_("the month the list is for (default: this month)"))
        importing.add_argument("--format", default="", choices=sorted(parsers()),
                               help=_("the file's format (default: recognised from its content)"))
        importing.add_argument("--column", action="append", default=[], type=column_option, metavar="FIELD=HEADER",
                               help=_("which CSV column holds a field: %(fields)s (repeatable)")
                               % {"fields": ", ".join(FIELDS)})
        importing.add_argument("--json", action="store_true", help=_("print the outcomes as JSON"))
        add_as_user(importing)
        formats = actions.add_parser("formats", help=_("list the formats the import recognises"))
        formats.add_argument("--json", action="store_true", help=_("print as JSON"))
        add_source_parser(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "formats":
            self.list_formats(options["json"])
            return
        if options["action"] == "source":
            handle_source(self, options)
            return
        outcomes = [self.import_file(path, options) for path in options["files"]]
        if options["json"]:
            self.print_json(outcomes)
        failed = [outcome for outcome in outcomes if outcome["state"] != JobState.SUCCEEDED]
        if failed:
            raise CommandError(_("%(failed)d of %(total)d files were refused; nothing of them was imported.")
                               % {"failed": len(failed), "total": len(outcomes)})

    def import_file(self, path: str, options: dict[str, Any]) -> dict[str, Any]:
        period = options["period"] or current_period()
        try:
            feed = local_feed(Path(path))
        except FeedRefused as refusal:
            return self.refused(path, None, str(refusal), options["json"])
        if feed is not None:
            return self.import_misp(path, feed, period, options)
        try:
            job = import_feed(path, options["source"], options["reference"], period, current_actor().user,
                              format_name=options["format"], columns=dict(options["column"]), channel=Channel.CLI)
        except OSError as error:
            return self.refused(path, None, _("Cannot read the file: %(reason)s") % {"reason": error.strerror},
                                options["json"])
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        try:
            job = follow_job(job)
        except KeyboardInterrupt:
            stop_in_process_job(job)
            raise
        if job.state != JobState.SUCCEEDED:
            return self.refused(path, job, job.error, options["json"], job.result.get("invalid_lines", []))
        if not options["json"]:
            self.describe(path, job)
        return {"file": path, "job": job.pk, "state": job.state, "result": job.result}

    def import_misp(self, path: str, feed: FeedFiles, period: str, options: dict[str, Any]) -> dict[str, Any]:
        """A MISP feed: its new and changed events, each a batch (no job: the events are read one at a time)."""
        try:
            outcome = import_misp_feed(feed, ensure_source(options["source"]), period=period,
                                       user=current_actor().user)
        except FeedRefused as refusal:
            return self.refused(path, None, str(refusal), options["json"])
        finally:
            if isinstance(feed, ZipFiles):
                feed.close()
        result = outcome.as_dict()
        if not options["json"]:
            self.stdout.write(_("%(file)s (MISP feed): %(events)d events, %(imported)d imported, %(unchanged)d "
                                "unchanged, %(without_ips)d without IP addresses, %(refused)d refused.")
                              % {**result, "file": path, "refused": len(outcome.refused)})
            for item in outcome.refused[:SHOWN_INVALID]:
                self.stderr.write(f"  {item['uuid']}: {item['error']}")
        state = JobState.FAILED if outcome.refused else JobState.SUCCEEDED
        return {"file": path, "job": None, "state": state, "result": result}

    def refused(self, path: str, job: Job | None, error: str, as_json: bool,
                invalid: list[list[Any]] | None = None) -> dict[str, Any]:
        if not as_json:
            self.stderr.write(f"{path}: {error}")
            for line, reason, text in (invalid or [])[:SHOWN_INVALID]:
                self.stderr.write(_("  line %(line)s: %(reason)s: %(text)s") % {"line": line, "reason": reason,
                                                                                 "text": text})
        return {"file": path, "job": job and job.pk, "state": JobState.FAILED, "error": error}

    def describe(self, path: str, job: Job) -> None:
        result = job.result
        if result["duplicate"]:
            self.stdout.write(_("%(file)s was already imported as batch #%(batch)d (%(period)s); nothing was counted "
                                "twice.") % {"file": path, **result})
            return
        self.stdout.write(_("%(file)s → batch #%(batch)d (%(format)s, %(source)s, %(period)s):")
                          % {"file": path, **result})
        rows = [[_("lines"), result["lines"]], [_("valid"), result["valid"]], [_("invalid"), result["invalid"]],
                [_("duplicates"), result["duplicates"]], [_("in the province"), result["matched"]],
                [_("units affected"), result["units_affected"]], [_("outside the province"), result["outside"]],
                [_("findings opened"), result["findings"]["opened"]],
                [_("findings still listed"), result["findings"]["refreshed"]],
                [_("findings reopened"), result["findings"]["reopened"]],
                [_("fixes verified"), result["findings"]["verified"]]]
        print_table(self.stdout.write, [_("count"), _("number")], [[label, f"{value:,}"] for label, value in rows])
        for line, reason, text in result["invalid_lines"][:SHOWN_INVALID]:
            self.stderr.write(_("  line %(line)s: %(reason)s: %(text)s") % {"line": line, "reason": reason,
                                                                             "text": text})

    def list_formats(self, as_json: bool) -> None:
        known = sorted(parsers().values(), key=lambda parser: parser.name)
        if as_json:
            self.print_json([{"name": parser.name, "label": str(parser.label),
                              "complete_list": parser.complete_list} for parser in known])
            return
        print_table(self.stdout.write, [_("format"), _("description")],
                    [[parser.name, str(parser.label)] for parser in known])


def stop_in_process_job(job: Job) -> None:
    """Ctrl+C without a broker: the job dies with this process (its transaction with it); say so."""
    if settings.BROKER_URL:
        return
    Job.objects.filter(pk=job.pk, state__in=[JobState.QUEUED, JobState.RUNNING]).update(
        state=JobState.FAILED, error=_("The command was interrupted; nothing was imported."),
        finished_at=timezone.now())
