"""CSV/XLSX export of a (scoped, filtered) list of findings, with headers in the user's language.

Cells pass through the registry export's ``escape`` (a leading apostrophe before ``= + - @``, tab, CR), so a
listed subject or a feed's malware family cannot run as a spreadsheet formula. CSV is streamed (UTF-8 with a
BOM, for Excel); XLSX is written row by row by openpyxl's write-only workbook.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from canhgac.constituency.importing.columns import escape
from canhgac.findings.models import Finding

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 2000
XLSX_MAX_ROWS = 1_048_575
"""A worksheet holds 1,048,576 rows, the header included."""


def export_filename(fmt: str) -> str:
    return f"canhgac-findings-{timezone.localdate():%Y%m%d}.{fmt}"


def header() -> list[str]:
    return [_("ID"), _("Unit code"), _("Unit"), _("Source"), _("Subject"), _("Title"), _("Severity"),
            _("Priority"), _("State"), _("Due"), _("Asset"), _("First reported"), _("Last reported"),
            _("Times reported"), _("Times reopened"), _("Reported by"), _("Evidence")]


def _when(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return date_format(timezone.localtime(value), "Y-m-d H:i")
    return date_format(value, "Y-m-d")


def _row(finding: Finding) -> list[str]:
    evidence = json.dumps(finding.evidence, ensure_ascii=False, sort_keys=True) if finding.evidence else ""
    cells = [str(finding.pk), finding.unit.code, finding.unit.name, finding.source, finding.dedup_key, finding.title,
             str(finding.get_severity_display()), str(finding.get_priority_display()),
             str(finding.get_state_display()), _when(finding.due_on), finding.asset.name if finding.asset else "",
             _when(finding.first_seen_at), _when(finding.last_seen_at), str(finding.times_seen),
             str(finding.reopen_count), finding.origin, evidence]
    return [escape(cell) for cell in cells]


def rows(queryset: QuerySet[Finding], limit: int | None = None) -> Iterator[list[str]]:
    selected = queryset.select_related("unit", "asset")
    for finding in (selected[:limit] if limit else selected).iterator(chunk_size=CHUNK):
        yield _row(finding)


def csv_chunks(queryset: QuerySet[Finding]) -> Iterator[bytes]:
    """The CSV file in pieces of about a thousand rows (the first starts with the BOM and the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header())
    for count, row in enumerate(rows(queryset), start=1):
        writer.writerow(row)
        if count % 1000 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(queryset: QuerySet[Finding]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Findings")))
    sheet.append(header())
    for row in rows(queryset, XLSX_MAX_ROWS):  # control characters cannot be stored in XLSX XML at all
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
