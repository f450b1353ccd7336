"""A letter in the layout of Decree 30/2020: the DOCX opens, has the decree's page and fonts, and its text — and
that of its PDF made by LibreOffice — carries the required blocks in order."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess
import unicodedata
import zipfile

import pytest
from docx import Document

from canhgac.constituency.models import Operator
from canhgac.letters.content import archive_of, letter_date, listed
from canhgac.letters.converting import ConversionError, find_soffice, to_pdf
from canhgac.letters.letterhead import letterhead_of_operator, signature_of_operator
from canhgac.letters.services import LetterContent, LetterItem, LetterTable, Signature, render_letter

BLOCKS = ["UBND TỈNH LAM SƠN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 125/SKHCN-CNTT", "V/v tăng cường",
          "Kính gửi:", "- Các sở, ban, ngành tỉnh;", "- Các doanh nghiệp viễn thông.", "Thực hiện Công văn",
          "1. Đối với các sở, ban, ngành:", "a) Bố trí cán bộ trực 24/7.", "b) Rà soát mã độc",
          "2. Đối với doanh nghiệp viễn thông:", "Báo cáo kết quả", "Nơi nhận:", "- Như trên;",
          "- Cục An toàn thông tin (để b/c);", "- Lưu: VT, CNTT.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An"]
MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Lam Sơn, ngày 18 tháng 4 năm 2026"]


@pytest.fixture
def content(db: None) -> LetterContent:
    body = Operator.objects.create(governing_body="UBND tỉnh Lam Sơn", name="Sở Khoa học và Công nghệ",
                                   abbreviation="SKHCN", province="Lam Sơn", place="Lam Sơn")
    return LetterContent(
        letterhead=letterhead_of_operator(body), number="125/SKHCN-CNTT", date=datetime.date(2026, 4, 18),
        # decomposed on purpose (as some keyboards type it): the letter must carry composed text
        subject=unicodedata.normalize("NFD", "tăng cường bảo đảm an toàn thông tin mạng dịp nghỉ lễ 30/4 và 1/5"),
        recipients=("Các sở, ban, ngành tỉnh", "Các doanh nghiệp viễn thông;"),
        opening=("Thực hiện Công văn số 1353/BTTTT-CATTT ngày 18/4/2022 của Bộ Thông tin và Truyền thông, Sở "
                 "Khoa học và Công nghệ đề nghị các cơ quan, đơn vị triển khai một số nội dung sau:",),
        items=(LetterItem("Đối với các sở, ban, ngành:", ("Bố trí cán bộ trực 24/7.",
                                                         "Rà soát mã độc, ưu tiên các địa chỉ IP botnet.")),
               LetterItem("Đối với doanh nghiệp viễn thông:", ("Duy trì kết nối với NCSC.",))),
        closing=("Báo cáo kết quả về Sở trước ngày 05/5/2026.",),
        copies=("Cục An toàn thông tin (để b/c)",), archive="VT, CNTT",
        signature=Signature("KT. GIÁM ĐỐC", "Phó Giám đốc", "Nguyễn Văn An"))


def docx_text(data: bytes) -> str:
    """Every paragraph of the body, cells included, in document order."""
    document = Document(io.BytesIO(data))
    lines: list[str] = []
    for block in document.element.body.iter():
        if block.tag.endswith("}p"):
            text = "".join(node.text or "" for node in block.iter() if node.tag.endswith("}t"))
            if text.strip():
                lines.append(text.strip())
    return "\n".join(lines)


def pdf_text(data: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is installed with LibreOffice by .ci/run"
    source = tmp_path / "letter.pdf"
    source.write_bytes(data)
    return subprocess.run([pdftotext, "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True,
                          text=True).stdout


def assert_in_order(text: str, blocks: list[str]) -> None:
    position = -1
    for block in blocks:
        found = text.find(block, position + 1)
        assert found > position, f"{block!r} missing or out of order in:\n{text}"
        position = found


def test_the_docx_opens_with_the_decree_page_fonts_and_blocks_in_order(content: LetterContent) -> None:
    data = render_letter(content)
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    sizes_mm = [round(length.mm) for length in (section.page_width, section.page_height, section.top_margin,
                                                 section.bottom_margin, section.left_margin, section.right_margin)]
    assert sizes_mm == [210, 297, 20, 20, 30, 15]  # A4; the decree's margins (stored in twips, hence rounding)
    assert document.styles["Normal"].font.name == "Times New Roman"
    sizes = {run.font.size.pt for paragraph in document.paragraphs for run in paragraph.runs if run.font.size}
    assert sizes <= {11, 12, 13, 14}
    text = docx_text(data)
    assert_in_order(text, BLOCKS)
    assert_in_order(text, MOTTO)
    assert unicodedata.normalize("NFC", text) == text
    motto = [run for table in document.tables for cell in table._cells for paragraph in cell.paragraphs
             for run in paragraph.runs if run.text == "Độc lập - Tự do - Hạnh phúc"]
    assert motto and motto[0].font.bold and motto[0].font.underline
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert 'w:val="vi-VN"' in package.read("word/styles.xml").decode()


def test_libreoffice_converts_it_to_a_pdf_carrying_the_blocks_in_order(content: LetterContent, tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert find_soffice(), "LibreOffice is installed by .ci/run (libreoffice-writer-nogui)"
    pdf = to_pdf(render_letter(content))
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    assert_in_order(text, ["SỞ KHOA HỌC VÀ CÔNG", "Số: 125/SKHCN-CNTT", "Kính gửi:", "1. Đối với các sở",
                           "a) Bố trí cán bộ trực 24/7.", "2. Đối với doanh nghiệp", "Nơi nhận:", "- Lưu: VT, CNTT.",
                           "Nguyễn Văn An"])
    for line in MOTTO:
        assert line in text


def test_tables_of_a_report_come_out_in_the_body(content: LetterContent) -> None:
    table = LetterTable(("STT", "Nhiệm vụ", "Đã thực hiện"), (("1", "Trực 24/7", "40"),), title="Bảng 1")
    data = render_letter(LetterContent(**{**content.__dict__, "tables": (table,)}))
    assert_in_order(docx_text(data), ["2. Đối với doanh nghiệp", "Bảng 1", "STT", "Trực 24/7", "40", "Báo cáo kết quả"])


def test_the_letterhead_is_the_operators_as_edited(content: LetterContent) -> None:
    Operator.objects.update(name="Sở Thông tin và Truyền thông", governing_body="UBND tỉnh Hòa Bình",
                            place="Hòa Bình")
    head = letterhead_of_operator()
    text = docx_text(render_letter(LetterContent(**{**content.__dict__, "letterhead": head})))
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in text and "UBND TỈNH HÒA BÌNH" in text
    assert "Hòa Bình, ngày 18 tháng 4 năm 2026" in text
    assert "KHOA HỌC" not in text


@pytest.mark.parametrize(("date", "written"), [
    (datetime.date(2026, 2, 5), "Lam Sơn, ngày 05 tháng 02 năm 2026"),
    (datetime.date(2026, 1, 10), "Lam Sơn, ngày 10 tháng 01 năm 2026"),
    (datetime.date(2026, 4, 18), "Lam Sơn, ngày 18 tháng 4 năm 2026"),
    (datetime.date(2026, 12, 1), "Lam Sơn, ngày 01 tháng 12 năm 2026"),
])
def test_the_date_line_pads_small_days_and_months_as_the_decree_says(date: datetime.date, written: str) -> None:
    assert letter_date("Lam Sơn", date) == written


def test_list_lines_end_with_semicolons_and_a_full_stop() -> None:
    assert listed(["Sở Y tế.", " ", "Sở Tài chính;", "Lưu: VT"]) == ["Sở Y tế;", "Sở Tài chính;", "Lưu: VT."]


def test_without_libreoffice_the_pdf_is_refused_saying_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("canhgac.letters.converting.CANDIDATES", ("no-such-soffice-here",))
    monkeypatch.setenv("PATH", "/nonexistent")
    assert find_soffice(("no-such-soffice-here",)) is None
    with pytest.raises(ConversionError, match="libreoffice-writer-nogui"):
        to_pdf(b"PK\x03\x04")


@pytest.mark.parametrize("data", [b"", b"<html>not a letter</html>", b"%PDF-1.7"])
def test_what_is_not_a_docx_is_refused_before_libreoffice_runs(data: bytes) -> None:
    with pytest.raises(ConversionError, match="Not a DOCX"):
        to_pdf(data)


def test_the_signature_is_the_letters_own_or_else_the_operators_usual_signer(content: LetterContent) -> None:
    assert signature_of_operator() == Signature()  # none set: an empty block for the clerk, not an error
    Operator.objects.update(signer_authority="KT. GIÁM ĐỐC", signer_title="Phó Giám đốc",
                            signer_name=unicodedata.normalize("NFD", "Trần Thị Bình"))
    usual = signature_of_operator()
    assert usual == Signature("KT. GIÁM ĐỐC", "Phó Giám đốc", "Trần Thị Bình")  # composed (NFC)
    assert signature_of_operator(own=Signature(name="Lê Văn Cường")) == Signature("", "", "Lê Văn Cường")
    assert signature_of_operator(own=Signature()) == usual
    text = docx_text(render_letter(LetterContent(**{**content.__dict__, "signature": usual})))
    assert_in_order(text, ["Nơi nhận:", "- Như trên;", "- Lưu: VT, CNTT.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                           "Trần Thị Bình"])


@pytest.mark.parametrize(("number", "archive"), [
    ("125/SKHCN-CNTT", "VT, CNTT"), ("12/SKHCN", "VT"), ("", "VT"), ("7/UBND-", "VT"), ("3/SKHCN-VP ", "VT, VP"),
])
def test_the_archive_line_names_the_drafting_unit_of_the_symbol(number: str, archive: str) -> None:
    assert archive_of(number) == archive
