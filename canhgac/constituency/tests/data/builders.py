"""Real import files written at test time: CSV in several encodings and delimiters, and XLSX workbooks."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence

import openpyxl

Rows = Sequence[Sequence[object]]


def csv_bytes(rows: Rows, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Rows, formulas: bool = False) -> bytes:
    """A workbook; strings starting with "=" become real formulas only when ``formulas`` is set."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    if not formulas:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258_bytes(text: str) -> bytes:
    """Encode as Windows does: letters with horn, breve or circumflex precomposed, tone marks combining."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(mark for mark in decomposed if mark in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in TONE_MARKS))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def csv_cp1258(rows: Rows, delimiter: str = ",") -> bytes:
    return cp1258_bytes(csv_bytes(rows, delimiter=delimiter).decode("utf-8"))
