"""File-level import input: encodings, delimiters, empty/binary/oversized files."""

from __future__ import annotations

import unicodedata

import pytest

from canhgac.constituency.importing import ImportFailed, run_import
from canhgac.constituency.models import Contact, Unit
from canhgac.constituency.tests.data.builders import csv_bytes, csv_cp1258, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages asserted in English

VIETNAMESE_UNITS = [
    ["Mã đơn vị", "Tên đơn vị", "Loại"],
    ["SO-YT", "Sở Y tế tỉnh Quảng Trị", "Sở"],
    ["UBND-XA-HT", "Ủy ban nhân dân xã Hướng Tân", "UBND xã"],
]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def imported_names() -> dict[str, str]:
    return dict(Unit.objects.values_list("code", "name"))


@pytest.mark.parametrize("encoding,delimiter", [
    ("utf-8", ","), ("utf-8-sig", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("utf-16-be", "\t"),
])
def test_unicode_files_import_with_their_diacritics(encoding, delimiter):  # type: ignore[no-untyped-def]
    content = csv_bytes(VIETNAMESE_UNITS, encoding, delimiter)
    if encoding == "utf-16-be":
        content = b"\xfe\xff" + content  # Excel writes a BOM; Python's utf-16-be codec does not
    report = run_import("units", "units.txt", content)
    assert report.created == 2
    assert imported_names()["SO-YT"] == nfc("Sở Y tế tỉnh Quảng Trị")
    assert Unit.objects.get(code="UBND-XA-HT").kind == "commune"


def test_windows_1258_file_is_decoded_and_nfc_normalised():  # type: ignore[no-untyped-def]
    content = csv_cp1258(VIETNAMESE_UNITS)
    assert "́".encode("cp1258") in content  # tone marks are combining characters in this code page
    run_import("units", "units.csv", content)
    name = imported_names()["UBND-XA-HT"]
    assert name == nfc("Ủy ban nhân dân xã Hướng Tân") and unicodedata.is_normalized("NFC", name)
    assert imported_names()["SO-YT"] == nfc("Sở Y tế tỉnh Quảng Trị")


def test_decomposed_utf8_from_a_mac_is_normalised_too():  # type: ignore[no-untyped-def]
    rows = [[unicodedata.normalize("NFD", cell) for cell in row] for row in VIETNAMESE_UNITS]
    run_import("units", "units.csv", csv_bytes(rows))
    assert imported_names()["SO-YT"] == nfc("Sở Y tế tỉnh Quảng Trị")


def test_xlsx_imports_like_csv():  # type: ignore[no-untyped-def]
    report = run_import("units", "units.xlsx", xlsx_bytes(VIETNAMESE_UNITS))
    assert report.created == 2 and imported_names()["SO-YT"] == nfc("Sở Y tế tỉnh Quảng Trị")


def test_numbers_in_xlsx_are_read_as_text_without_a_decimal_point():  # type: ignore[no-untyped-def]
    run_import("units", "units.xlsx", xlsx_bytes([["code", "name", "phone"], ["U1", "Đơn vị", 2333852888]]))
    assert Unit.objects.get(code="U1").phone == "2333852888"


def failure(kind: str, filename: str, content: bytes) -> ImportFailed:
    with pytest.raises(ImportFailed) as caught:
        run_import(kind, filename, content)
    assert not Unit.objects.exists() and not Contact.objects.exists()
    return caught.value


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b",,,\r\n,,\r\n"])
def test_an_empty_file_is_refused_as_empty(content):  # type: ignore[no-untyped-def]
    error = failure("units", "units.csv", content)
    assert error.errors[0].row is None and "empty" in error.errors[0].message


def test_a_header_without_rows_is_refused():  # type: ignore[no-untyped-def]
    error = failure("units", "units.csv", csv_bytes([["code", "name"]]))
    assert error.errors[0].row == 1 and "no data rows" in error.errors[0].message


@pytest.mark.parametrize("content", [
    bytes(range(256)) * 40,
    b"\x7fELF\x02\x01\x01\x00" + bytes(4000),
    b"\x89PNG\r\n\x1a\n" + bytes(range(1, 32)) * 100,
])
def test_binary_junk_is_refused_with_a_clear_message(content):  # type: ignore[no-untyped-def]
    message = failure("units", "units.csv", content).errors[0].message
    assert "binary" in message or "not readable text" in message


def test_an_old_xls_file_is_named_as_such():  # type: ignore[no-untyped-def]
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000)
    assert ".xls" in failure("units", "units.xls", content).errors[0].message


def test_a_file_over_the_upload_limit_is_refused(settings):  # type: ignore[no-untyped-def]
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    content = csv_bytes([["code", "name"], *[[f"U{i}", "Đơn vị " + "x" * 100] for i in range(10_000)]])
    message = failure("units", "units.csv", content).errors[0].message
    assert "larger than the 1 MB" in message


@pytest.mark.slow
def test_a_50_mb_file_imports_within_the_default_limit(tmp_path, settings):  # type: ignore[no-untyped-def]
    notes = "Ghi chú dài về hệ thống mạng của đơn vị. " * 120  # ~5 KB of UTF-8 per row
    path = tmp_path / "big-units.csv"
    path.write_bytes(csv_bytes([["code", "name", "notes"], *[[f"U{i:05d}", f"Đơn vị {i}", notes]
                                                             for i in range(10_500)]]))
    content = path.read_bytes()
    assert len(content) > 50 * 1024 * 1024 and len(content) <= settings.MAX_UPLOAD_BYTES
    report = run_import("units", path.name, content)
    assert report.created == 10_500 and Unit.objects.get(code="U10499").notes == notes.strip()
    settings.MAX_UPLOAD_BYTES = 50 * 1024 * 1024
    with pytest.raises(ImportFailed, match="larger than the 50 MB"):
        run_import("units", path.name, content)
