"""CSV/XLSX exports of the feeds: hits (a batch's, or any filtered list of them) and the province summary.

Every cell passes through the registry export's ``escape`` (a leading apostrophe before ``= + - @``, tab, CR), as
the registry and findings exports do: a feed's family name or C2 field is written by strangers and must not run
as a spreadsheet formula. CSV is UTF-8 with a BOM (for Excel) and streamed; XLSX is written row by row by
openpyxl's write-only workbook, up to a worksheet's row limit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from canhgac.constituency.importing.columns import escape
from canhgac.findings.exporting import CONTENT_TYPES, FORMATS, XLSX_MAX_ROWS
from canhgac.intel.models import Hit
from canhgac.intel.summary import Month

__all__ = ["CONTENT_TYPES", "FORMATS", "XLSX_HIT_LIMIT", "csv_chunks", "hit_header", "hit_rows", "summary_header",
           "summary_rows", "xlsx_bytes"]
CHUNK = 2000
XLSX_HIT_LIMIT = 50_000
"""More hits than this are offered as CSV only: openpyxl wrote 100,000 hits in 20–25 s on this machine under load
(CSV: 2 s), and a web request that builds a file for half a minute is one the proxy gives up on."""


def export_filename(kind: str, fmt: str) -> str:
    return f"canhgac-{kind}-{timezone.localdate():%Y%m%d}.{fmt}"


def _when(value: Any) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i") if value else ""


def hit_header() -> list[str]:
    return [_("Batch"), _("Period"), _("Source"), _("Reference letter"), _("Unit code"), _("Unit"),
            _("Listed address"), _("IP version"), _("Netblock"), _("Asset"), _("Times in the file"), _("Families"),
            _("Ports"), _("C2"), _("ASN"), _("First seen"), _("Last seen")]


HIT_COLUMNS = ("batch_id", "batch__period", "batch__source__name", "batch__reference", "unit__code", "unit__name",
               "indicator", "version", "block", "asset__name", "occurrences", "families", "ports", "c2", "asn",
               "seen_first", "seen_last")


def hit_rows(hits: QuerySet[Hit]) -> Iterator[list[str]]:
    """``hits`` (already scoped and filtered) in export order: batch, unit, address. Read as tuples, not models:
    a monthly list's hundred thousand rows export in seconds."""
    selected = hits.order_by("batch_id", "unit__code", "version", "first_key", "pk").values_list(*HIT_COLUMNS)
    for row in selected.iterator(chunk_size=CHUNK):
        yield [*("" if value is None else str(value) for value in row[:-2]), _when(row[-2]), _when(row[-1])]


def summary_header() -> list[str]:
    return [_("Period"), _("Listed addresses"), _("Still listed"), _("New"), _("Units affected"), _("Top families")]


def summary_rows(months: Iterable[Month]) -> Iterator[list[str]]:
    for month in months:
        families = "; ".join(f"{name} ({count})" for name, count in month.families)
        yield [month.period, str(month.listed), str(month.recurring), str(month.new), str(month.units), families]


def csv_chunks(header: list[str], rows: Iterable[list[str]]) -> Iterator[bytes]:
    """The CSV file in pieces of about a thousand rows (the first starts with the BOM and the header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([escape(cell) for cell in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([escape(cell) for cell in row])
        if count % 1000 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(title: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for count, row in enumerate(rows, start=1):  # control characters cannot be stored in XLSX XML at all
        if count > XLSX_MAX_ROWS:
            break
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", escape(cell)) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
