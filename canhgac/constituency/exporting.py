"""CSV/XLSX export of the registry, in the columns the import reads, so that export → import changes nothing.

CSV is written as UTF-8 with a BOM (without it Excel reads Vietnamese as Windows-1252 mojibake). Any cell that
a spreadsheet would run as a formula (``= + - @``, tab, CR) gets a leading apostrophe, as OWASP advises against
CSV injection; the import takes that apostrophe off again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from canhgac.constituency.importing import IMPORTERS
from canhgac.constituency.importing.base import KindImport
from canhgac.constituency.importing.columns import escape, format_bool, format_choice
from canhgac.constituency.services import format_software_list

FORMATS = ("csv", "xlsx")
RELATED = {"units": ("parent",), "contacts": ("unit",), "netblocks": ("unit",), "assets": ("unit",)}
CHUNK = 2000


def export_filename(kind: str, fmt: str) -> str:
    return f"canhgac-{kind}-{timezone.localdate():%Y%m%d}.{fmt}"


def export_file(kind: str, queryset: QuerySet[Any], fmt: str = "csv", language: str = "vi") -> bytes:
    """``queryset`` (already scoped and filtered by the caller) as a file with Vietnamese or English headers."""
    if kind not in IMPORTERS or fmt not in FORMATS:
        raise ValueError(f"cannot export {kind!r} as {fmt!r}")
    importer = IMPORTERS[kind]
    header = [column.header(language) for column in importer.columns]
    rows = (_row(importer, item, language) for item in _objects(kind, queryset))
    return _csv(header, rows) if fmt == "csv" else _xlsx(kind, header, rows)


def _objects(kind: str, queryset: QuerySet[Any]) -> Iterator[Any]:
    queryset = queryset.select_related(*RELATED[kind])
    if kind == "assets":
        queryset = queryset.prefetch_related("software")
    return queryset.iterator(chunk_size=CHUNK)


def _row(importer: type[KindImport], item: Any, language: str) -> list[str]:
    return [escape(_cell(importer, item, column.name, language)) for column in importer.columns]


def _cell(importer: type[KindImport], item: Any, name: str, language: str) -> str:
    if name in ("unit", "parent"):
        related = getattr(item, name)
        return related.code if related else ""
    if name == "software":
        return format_software_list(item.software.all())
    value = getattr(item, name)
    if name in importer.booleans:
        return format_bool(value, language)
    if name in importer.choices:
        return format_choice(value, importer.choices[name][0], language)
    return "" if value is None else str(value)


def _csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(kind: str, header: list[str], rows: Iterable[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind)
    sheet.append(header)
    for row in rows:  # control characters cannot be stored in XLSX XML at all
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
