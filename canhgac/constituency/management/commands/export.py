"""``canhgac export KIND``: registry objects as CSV or XLSX in the columns the import reads (a round trip)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from canhgac.constituency.exporting import FORMATS, export_file
from canhgac.constituency.filtersets import FILTERSETS
from canhgac.constituency.importing import IMPORT_KINDS, IMPORTERS
from canhgac.constituency.models import Unit
from canhgac.core.access import VIEW, may
from canhgac.core.audit import current_actor
from canhgac.core.management.base import USAGE_ERROR, CanhgacCommand, add_as_user


def readable(model: Any) -> QuerySet[Any]:
    """What the acting user may read of ``model``: everything for the system, else their role's scope."""
    user = current_actor().user
    if user is None:
        return model.objects.all()
    if not may(user, VIEW, model):
        raise CommandError(_("%(user)s may not read %(kind)s.")
                           % {"user": user.get_username(), "kind": model._meta.verbose_name_plural})
    return model.objects.for_user(user)


class Command(CanhgacCommand):
    help = _("Export units, contacts, netblocks or assets as CSV (to standard output unless -o) or XLSX, in the "
             "columns the import reads.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=IMPORT_KINDS, help=_("what to export"))
        parser.add_argument("--format", choices=FORMATS, default="csv", help=_("file format (default csv)"))
        parser.add_argument("--language", choices=("vi", "en"), default="vi",
                            help=_("language of the column headers (default vi; the import reads both)"))
        units = parser.add_mutually_exclusive_group()
        units.add_argument("--unit", metavar="CODE", help=_("only this unit's objects"))
        units.add_argument("--unit-tree", metavar="CODE", help=_("this unit's objects and its sub-units'"))
        parser.add_argument("-o", "--output", metavar="FILE", help=_("write to FILE instead of standard output"))
        add_as_user(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        kind, fmt = options["kind"], options["format"]
        queryset = self.selected(kind, options)
        content = export_file(kind, queryset, fmt, language=options["language"])
        if options["output"]:
            try:
                Path(options["output"]).write_bytes(content)
            except OSError as error:
                raise CommandError(_("Cannot write %(file)s: %(reason)s")
                                   % {"file": options["output"], "reason": error.strerror}) from error
            self.stdout.write(_("Exported %(count)d %(kind)s to %(file)s.")
                              % {"count": queryset.count(), "kind": kind, "file": options["output"]})
            return
        self.write_out(content, fmt)

    def selected(self, kind: str, options: dict[str, Any]) -> QuerySet[Any]:
        model = IMPORTERS[kind].model
        queryset = readable(model)
        code = options["unit"] or options["unit_tree"]
        if code is None:
            return queryset
        if not readable(Unit).filter(code__iexact=code.strip()).exists():
            raise CommandError(_("No unit has the code “%(code)s”.") % {"code": code[:60]})
        data = {"unit": code} if options["unit"] else {"unit_tree": code}
        return FILTERSETS[model](data, queryset=queryset).qs

    def write_out(self, content: bytes, fmt: str) -> None:
        """Bytes to standard output as they are (the CSV keeps its BOM for Excel); XLSX never to a terminal."""
        target: Any = self.stdout._out
        binary = getattr(target, "buffer", None)
        if fmt == "xlsx" and (binary is None or target.isatty()):
            raise CommandError(_("XLSX is a binary file: give -o FILE or redirect the output."),
                               returncode=USAGE_ERROR)
        self.stdout.flush()
        if binary is None:  # a text stream (call_command in tests)
            target.write(content.decode("utf-8-sig"))
            return
        binary.write(content)
        binary.flush()
