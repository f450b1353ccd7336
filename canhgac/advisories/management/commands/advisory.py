"""``canhgac advisory``: import advisory files, match them with the inventory, list formats, keep the alias table.

``import FILE…`` runs each file as the console's import job (one batch each, with a progress bar): a file refused
(invalid JSON, a bad record, an unknown format) stores nothing and makes the command exit 1 after the others.
``match`` runs the full matching (or for ``--asset`` ids only) and prints what it changed.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.advisories.models import ProductAlias
from canhgac.advisories.parsers import parsers
from canhgac.advisories.services import MATCH_JOB, Letter, add_alias, import_advisories
from canhgac.core import jobs
from canhgac.core.audit import current_actor
from canhgac.core.management.base import CanhgacCommand, add_as_user, follow_job, print_table
from canhgac.core.models import Channel, Job, JobState

SHOWN_BAD = 10


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class Command(CanhgacCommand):
    help = _("Import vulnerability advisories (CISA KEV, CVE JSON 5, NVD, CSAF 2.0, the SOC's warnings), match them "
             "with the assets' software, list the formats, keep the product alias table.")

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="import|match|formats|alias")
        importing = actions.add_parser("import", help=_("import advisory files, one batch each"))
        importing.add_argument("files", nargs="+", metavar="FILE", help=_("JSON, JSON lines, .gz or .zip files"))
        importing.add_argument("--reference", default="", metavar="TEXT",
                               help=_("number/symbol of the letter the advisories came with, e.g. 2216/CATTT-NCSC"))
        importing.add_argument("--reference-date", type=day, default=None, metavar="YYYY-MM-DD",
                               help=_("the letter's date"))
        importing.add_argument("--deadline", type=day, default=None, metavar="YYYY-MM-DD",
                               help=_("the date by which units must fix what the advisories name"))
        importing.add_argument("--format", default="", choices=sorted(parsers()),
                               help=_("the files' format (default: recognised from the content)"))
        importing.add_argument("--json", action="store_true", help=_("print the outcomes as JSON"))
        add_as_user(importing)
        matching = actions.add_parser("match", help=_("match every advisory with the inventory (or some assets)"))
        matching.add_argument("--asset", type=int, action="append", default=[], metavar="ID",
                              help=_("match only this asset (repeatable)"))
        matching.add_argument("--json", action="store_true", help=_("print the outcome as JSON"))
        add_as_user(matching)
        formats = actions.add_parser("formats", help=_("list the formats the import recognises"))
        formats.add_argument("--json", action="store_true", help=_("print as JSON"))
        alias = actions.add_parser("alias", help=_("list the product aliases, or add one"))
        alias.add_argument("names", nargs="*", metavar="NAME",
                           help=_("to add: VENDOR PRODUCT TO_VENDOR [TO_PRODUCT] (an empty PRODUCT \"\" renames the "
                                  "vendor; an empty VENDOR \"\" is for records naming no vendor)"))
        alias.add_argument("--note", default="", help=_("why (kept with the alias)"))
        alias.add_argument("--json", action="store_true", help=_("print as JSON"))
        add_as_user(alias)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "formats":
            self.list_formats(options["json"])
        elif action == "match":
            self.match(options)
        elif action == "alias":
            self.alias(options)
        else:
            self.import_files(options)

    def import_files(self, options: dict[str, Any]) -> None:
        outcomes = [self.import_file(path, options) for path in options["files"]]
        if options["json"]:
            self.print_json(outcomes)
        failed = [outcome for outcome in outcomes if outcome["state"] != JobState.SUCCEEDED]
        if failed:
            raise CommandError(_("%(failed)d of %(total)d files were refused; nothing of them was imported.")
                               % {"failed": len(failed), "total": len(outcomes)})

    def import_file(self, path: str, options: dict[str, Any]) -> dict[str, Any]:
        letter = Letter(options["reference"].strip(), options["reference_date"], options["deadline"])
        try:
            job = import_advisories(path, user=current_actor().user, format_name=options["format"], letter=letter,
                                    channel=Channel.CLI)
        except OSError as error:
            return self.refused(path, None, _("Cannot read the file: %(reason)s") % {"reason": error.strerror},
                                options["json"])
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        job = self.follow(job)
        if job.state != JobState.SUCCEEDED:
            return self.refused(path, job, job.error, options["json"], job.result.get("bad_records", []))
        if not options["json"]:
            self.describe(path, job.result)
        return {"file": path, "job": job.pk, "state": job.state, "result": job.result}

    def follow(self, job: Job) -> Job:
        try:
            return follow_job(job)
        except KeyboardInterrupt:
            stop_in_process_job(job)
            raise

    def refused(self, path: str, job: Job | None, error: str, as_json: bool,
                bad: list[list[str]] | None = None) -> dict[str, Any]:
        if not as_json:
            self.stderr.write(f"{path}: {error}")
            for where, reason in (bad or [])[:SHOWN_BAD]:
                self.stderr.write(f"  {where}: {reason}")
        return {"file": path, "job": job and job.pk, "state": JobState.FAILED, "error": error,
                "bad_records": bad or []}

    def describe(self, path: str, result: dict[str, Any]) -> None:
        if result["duplicate"]:
            self.stdout.write(_("%(file)s was already imported with this letter as batch #%(batch)d; nothing changed.")
                              % {"file": path, **result})
            return
        self.stdout.write(_("%(file)s → batch #%(batch)d (%(format)s):") % {"file": path, **result})
        rows = [[_("records"), result["records"]], [_("new advisories"), result["created"]],
                [_("changed advisories"), result["updated"]], [_("unchanged advisories"), result["unchanged"]],
                [_("needing a SOC entry"), result["needs_review"]], [_("product rules"), result["rules"]]]
        rows += self.matching_rows(result["matching"])
        print_table(self.stdout.write, [_("count"), _("number")], [[label, f"{value:,}"] for label, value in rows])

    def matching_rows(self, matching: dict[str, Any]) -> list[list[Any]]:
        if not matching:
            return []
        return [[_("exposures"), matching["exposures"]], [_("units affected"), matching["units_affected"]],
                [_("findings opened"), matching["opened"]], [_("findings reopened"), matching["reopened"]],
                [_("findings resolved"), matching["resolved"]], [_("fixes verified"), matching["verified"]],
                [_("versions that could not be compared"), matching["undetermined"]]]

    def match(self, options: dict[str, Any]) -> None:
        params = {"assets": options["asset"]} if options["asset"] else {}
        job = jobs.create(MATCH_JOB, current_actor().user, params, channel=Channel.CLI,
                          title=_("Match advisories with the inventory"))
        jobs.dispatch(job)
        job = self.follow(job)
        if job.state != JobState.SUCCEEDED:
            raise CommandError(job.error)
        if options["json"]:
            self.print_json(job.result)
            return
        rows = [[_("seconds"), job.result["seconds"]], *self.matching_rows(job.result),
                [_("new exposures"), job.result["new"]], [_("changed exposures"), job.result["changed"]],
                [_("exposures gone"), job.result["gone"]]]
        print_table(self.stdout.write, [_("count"), _("number")], [[label, f"{value:,}"] for label, value in rows])

    def alias(self, options: dict[str, Any]) -> None:
        names = options["names"]
        if names:
            if len(names) not in (3, 4):
                raise CommandError(_("Write VENDOR PRODUCT TO_VENDOR [TO_PRODUCT]."))
            try:
                alias, renamed = add_alias(*names, user=current_actor().user, note=options["note"])
            except PermissionDenied as error:
                raise CommandError(str(error)) from error
            self.stdout.write(_("Added %(alias)s; %(renamed)d rules named anew. Run `canhgac advisory match` to "
                                "match with the new names.") % {"alias": alias, "renamed": renamed})
            return
        rows = list(ProductAlias.objects.values_list("vendor_key", "product_key", "canonical_vendor",
                                                     "canonical_product", "builtin", "note"))
        if options["json"]:
            self.print_json([dict(zip(("vendor", "product", "to_vendor", "to_product", "builtin", "note"), row,
                                      strict=True)) for row in rows])
            return
        print_table(self.stdout.write, [_("vendor"), _("product"), _("read as vendor"), _("read as product"),
                                        _("note")], [[v or "*", p or "*", tv, tp or "*", n] for v, p, tv, tp, _b, n
                                                     in rows])

    def list_formats(self, as_json: bool) -> None:
        known = sorted(parsers().values(), key=lambda parser: parser.name)
        if as_json:
            self.print_json([{"name": parser.name, "label": str(parser.label)} for parser in known])
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
