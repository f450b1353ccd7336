"""CSV/XLSX import of the unit registry: units, contacts, netblocks and assets (with their software).

A file imports whole or not at all. Every row is read and validated first (model rules, natural keys, rules that
span rows); any problem refuses the file with the full list of (row, column, reason) and nothing is written.
Then one transaction writes the creates and updates in bulk, each with its audit entry; rows that match what is
stored are counted "unchanged" and cost no write, so re-importing a file changes nothing.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from canhgac.constituency.importing.assets import AssetImport
from canhgac.constituency.importing.base import KindImport, Planned
from canhgac.constituency.importing.columns import map_headers
from canhgac.constituency.importing.contacts import ContactImport
from canhgac.constituency.importing.errors import ErrorList, ImportFailed, RowError, file_error
from canhgac.constituency.importing.netblocks import NetblockImport
from canhgac.constituency.importing.reading import Table, read_table
from canhgac.constituency.importing.units import UnitImport
from canhgac.core import jobs
from canhgac.core.access import ADD, may
from canhgac.core.audit import current_actor
from canhgac.core.jobs import ProgressCallback
from canhgac.core.scoping import visible_unit_ids

IMPORTERS: dict[str, type[KindImport]] = {
    importer.kind: importer for importer in (UnitImport, ContactImport, NetblockImport, AssetImport)
}
IMPORT_KINDS: tuple[str, ...] = ("units", "contacts", "netblocks", "assets")
JOB_KIND = "constituency.import"
PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class ImportReport:
    kind: str
    total: int
    created: int
    updated: int
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_import(kind: str, filename: str, content: bytes, progress: ProgressCallback | None = None,
               dry_run: bool = False) -> ImportReport:
    """Import ``content`` as ``kind`` for the current actor; raises :class:`ImportFailed` and writes nothing.

    ``dry_run`` checks every row and counts what would change, but writes nothing (and holds no write lock).
    """
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}")
    importer_class = IMPORTERS[kind]
    _check_permission(importer_class)
    table = read_table(filename, content)
    errors = ErrorList()
    importer = importer_class(map_headers(table.headers, importer_class.columns), errors, _scope())
    importer.load()
    plans = _plan_rows(importer, table, progress)
    importer.check(plans)
    errors.raise_if_any()
    changed = [plan for plan in plans if plan.changed]
    if changed and not dry_run:
        with transaction.atomic():
            importer.write(changed)
    if progress:
        progress(len(table.rows), len(table.rows))
    updated = sum(1 for plan in changed if plan.before is not None)
    return ImportReport(kind, len(plans), len(changed) - updated, updated, len(plans) - len(changed))


def _check_permission(importer_class: type[KindImport]) -> None:
    user = current_actor().user
    if user is not None and not may(user, ADD, importer_class.model):
        raise file_error(_("You may not import %(kind)s.") % {"kind": importer_class.model._meta.verbose_name_plural})


def _scope() -> frozenset[int] | None:
    """The units the acting user may place objects in (``None``: any), as the console and API enforce."""
    user = current_actor().user
    return None if user is None else visible_unit_ids(user)


def _plan_rows(importer: KindImport, table: Table, progress: ProgressCallback | None) -> list[Planned]:
    plans = []
    required = [column.name for column in importer.columns if column.required]
    width = len(table.headers)
    for done, (row, cells) in enumerate(table.rows, start=1):
        if any(cells[width:]):
            importer.errors.add(row, "", _("The row has cells beyond the last column header."))
        values = importer.mapping.values(cells)
        missing = [name for name in required if not values.get(name)]
        for name in missing:
            importer.error(row, name, _("This column is required."))
        plan = None if missing else importer.plan(row, values)
        if plan is not None:
            plans.append(plan)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, len(table.rows))
    return plans


def start_import(kind: str, user: Any, filename: str, content: bytes, channel: str, dry_run: bool = False) -> Any:
    """Record an import job with the file as its input and start it in the background (``dry_run``: check only)."""
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}")
    names = {"kind": kind, "file": filename[:120]}
    title = (_("Check %(kind)s in %(file)s") if dry_run else _("Import %(kind)s from %(file)s")) % names
    params: dict[str, Any] = {"kind": kind, "dry_run": True} if dry_run else {"kind": kind}
    return jobs.submit(JOB_KIND, user, params, title=title, channel=channel, input_bytes=content,
                       input_name=filename)


__all__ = ["IMPORT_KINDS", "ImportFailed", "ImportReport", "RowError", "run_import", "start_import"]
