"""Bytes of an uploaded file → a header row and data rows of text, whatever the format and encoding.

Spreadsheets reach a SOC in many shapes: Excel's CSV (UTF-8 with a BOM, or the legacy Vietnamese code page
Windows-1258), Excel's "Unicode text" (UTF-16 with a BOM, TAB separated), LibreOffice's ``;`` CSV, and XLSX.
Everything is decoded and NFC-normalised here (Windows-1258 writes tone marks as combining characters), so the
rest of the import compares plain Python strings. Hostile files fail here with a clear message, before any
row is looked at: an empty or binary file, a zip bomb dressed as XLSX, a formula where data belongs.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

from django.conf import settings
from django.utils.translation import gettext as _

from canhgac.constituency.importing.errors import ImportFailed, RowError, file_error

MAX_COLUMNS = 100
MAX_CELL_CHARS = 20_000
# An XLSX is a zip: its sheet XML compresses 10–30×. The declared sizes are what zipfile will inflate at most.
MAX_XLSX_INFLATED_BYTES = 512 * 1024 * 1024
MAX_XLSX_RATIO = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the pre-2007 .xls format
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]
    """(row number as a spreadsheet shows it, cells); blank rows are left out but keep their numbers."""


def read_table(filename: str, content: bytes) -> Table:
    if len(content) > settings.MAX_UPLOAD_BYTES:
        raise file_error(_("The file is larger than the %(limit)d MB allowed.")
                         % {"limit": settings.MAX_UPLOAD_BYTES // (1024 * 1024)})
    if not content.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise file_error(_("The file is empty."))
    if content.startswith(ZIP_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(content)
    elif content.startswith(OLE_MAGIC):
        raise file_error(_("This is an old Excel .xls file: save it as .xlsx or CSV and import that."))
    else:
        rows = _csv_rows(_decode(content))
    return _table(rows)


def _table(rows: Iterator[tuple[int, list[str]]]) -> Table:
    header: tuple[int, list[str]] | None = None
    data: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if len(cells) > MAX_COLUMNS:
            raise ImportFailed([RowError(number, "", _("The row has %(count)d columns; at most %(limit)d are "
                                                        "allowed.") % {"count": len(cells), "limit": MAX_COLUMNS})])
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if header is None:
            header = (number, cells)
        else:
            data.append((number, cells))
    if header is None:
        raise file_error(_("The file is empty."))
    if not data:
        raise ImportFailed([RowError(header[0], "", _("The file has a header row but no data rows."))])
    return Table(_trim(header[1]), data)


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def _decode(content: bytes) -> str:
    for bom, encoding in BOMS:
        if content.startswith(bom):
            body = content[len(bom):]
            if not _decodes(body, encoding):
                _undecodable(encoding)
            return _checked_text(body.decode(encoding))
    if _looks_like_utf16(content):
        encoding = "utf-16-le" if content[1::2].count(0) > content[0::2].count(0) else "utf-16-be"
        if _decodes(content, encoding):
            return _checked_text(content.decode(encoding))
    for encoding in ("utf-8", "cp1258"):
        if _decodes(content, encoding):
            return _checked_text(content.decode(encoding))
    return _undecodable("UTF-8 / Windows-1258")


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _undecodable(encoding: str) -> NoReturn:
    raise file_error(_("The file is not readable text (tried %(encoding)s): save it as CSV UTF-8 or XLSX.")
                     % {"encoding": encoding})


def _looks_like_utf16(content: bytes) -> bool:
    """Excel's "Unicode text" without a BOM: every other byte of ASCII text is NUL."""
    sample = content[:4096]
    return len(sample) >= 4 and sample.count(0) * 3 > len(sample)


def _checked_text(text: str) -> str:
    sample = text[:65536]
    controls = sum(1 for char in sample if char < " " and char not in "\t\r\n")
    if "\x00" in text or controls * 100 > len(sample):
        raise file_error(_("The file looks binary, not a CSV or XLSX table."))
    return unicodedata.normalize("NFC", text)


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, _checked_cells(number, cells)
    except csv.Error as error:
        raise ImportFailed([RowError(number + 1, "", _("The CSV cannot be read here: %(error)s")
                                     % {"error": error})]) from error


def _checked_cells(number: int, cells: list[str]) -> list[str]:
    for cell in cells:
        if len(cell) > MAX_CELL_CHARS:
            raise ImportFailed([RowError(number, "", _("A cell has %(count)d characters; at most %(limit)d are "
                                                       "allowed.") % {"count": len(cell), "limit": MAX_CELL_CHARS})])
    return cells


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    _check_zip(content)
    import openpyxl  # only XLSX imports pay for it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises zip, XML and key errors alike on a damaged workbook
        raise file_error(_("The XLSX file is damaged or truncated (%(error)s).")
                         % {"error": type(error).__name__}) from error
    try:
        yield from _sheet_rows(workbook.worksheets[0])
    except ImportFailed:
        raise
    except Exception as error:
        raise file_error(_("The XLSX file is damaged or truncated (%(error)s).")
                         % {"error": type(error).__name__}) from error
    finally:
        workbook.close()


def _check_zip(content: bytes) -> None:
    try:
        members = zipfile.ZipFile(io.BytesIO(content)).infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise file_error(_("The XLSX file is damaged or truncated (not a readable zip).")) from error
    inflated = sum(member.file_size for member in members)
    worst = max((member.file_size / max(member.compress_size, 1) for member in members
                 if member.file_size > 1024 * 1024), default=0)
    if inflated > MAX_XLSX_INFLATED_BYTES or worst > MAX_XLSX_RATIO:
        raise file_error(_("The XLSX file would expand to %(size)d MB: refused as a possible zip bomb.")
                         % {"size": inflated // (1024 * 1024)})
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise file_error(_("The zip file is not an XLSX workbook."))


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    sheet.reset_dimensions()  # a forged dimension (A1:XFD1048576) would pad every row to 16,384 cells
    for number, row in enumerate(sheet.iter_rows(), start=1):
        if len(row) > MAX_COLUMNS:
            raise ImportFailed([RowError(number, "", _("The row has %(count)d columns; at most %(limit)d are "
                                                       "allowed.") % {"count": len(row), "limit": MAX_COLUMNS})])
        cells = []
        for cell in row:
            if getattr(cell, "data_type", "") == "f":
                raise ImportFailed([RowError(number, getattr(cell, "coordinate", ""),
                                             _("Cell %(cell)s holds a formula: import values, not formulas.")
                                             % {"cell": getattr(cell, "coordinate", "")})])
            cells.append(_cell_text(cell.value))
        yield number, _checked_cells(number, cells)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return unicodedata.normalize("NFC", str(value))
