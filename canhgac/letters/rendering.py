"""An administrative letter as a DOCX in the layout of Decree 30/2020/NĐ-CP (Appendix I).

A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman. The header is a borderless two-column
table: on the left the governing body (capitals, 13 pt), the issuing body (capitals, bold, 13 pt) with a short
centred rule under it, "Số: …" (13 pt) and the trích yếu "V/v …" (12 pt); on the right the national motto
(capitals, bold, 12–13 pt; "Độc lập - Tự do - Hạnh phúc" bold 13–14 pt, underlined over its own length) and the
place and date in italics. Then "Kính gửi:", the body (14 pt, justified, first line indented 1.27 cm, 6 pt
between paragraphs), and a second borderless table with "Nơi nhận:" (bold italic 12 pt, items 11 pt) on the left
and the signature block (authority and title in bold capitals, the signer's name in bold) on the right. Page
numbers from the second page, centred at the top. Text is kept in composed Unicode and marked Vietnamese.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from canhgac.letters.content import LetterContent, LetterTable, letter_date, listed, nfc

FONT = "Times New Roman"
BODY_PT = 14
HEADER_PT = 13
LEFT_COLUMN, RIGHT_COLUMN = Cm(7.6), Cm(9.6)
"""Together 172 mm: the header reaches 3.5 mm past each margin (as the decree's samples do) so that a body's
name like "SỞ KHOA HỌC VÀ CÔNG NGHỆ" and the motto each keep to one line."""
TABLE_SHIFT = Cm(-0.35)
FIRST_LINE = Cm(1.27)
SIGNATURE_SPACE = 4
"""Empty lines left for the signature and seal."""
LETTERS = "abcdefghiklmnopqrstuvxy"
"""Sub-items are lettered in the Vietnamese alphabet (no j, w, z; "đ" is left out as offices do)."""


def render_letter(content: LetterContent) -> bytes:
    """The letter as DOCX bytes, ready to be edited, signed and registered by the office."""
    document = Document()
    _set_up_page(document)
    _set_up_styles(document)
    _header(document, content)
    _addressees(document, content.recipients)
    _body(document, content)
    _closing_block(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up_page(document: DocumentObject) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True  # no number on the first page
    number = section.header.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(number)


def _page_field(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _set_up_styles(document: DocumentObject) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(language)
    spacing = normal.paragraph_format
    spacing.space_before, spacing.space_after, spacing.line_spacing = Pt(0), Pt(0), 1.0
    document.core_properties.language = "vi-VN"


def _line(container: DocumentObject | _Cell, text: str, size: float = BODY_PT, bold: bool = False,
          italic: bool = False, align: int = WD_ALIGN_PARAGRAPH.CENTER, underline: bool = False) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(nfc(text))
    run.font.size, run.font.bold, run.font.italic, run.font.underline = Pt(size), bold, italic, underline
    return paragraph


def _first_line(cell: _Cell, text: str, **style: object) -> Paragraph:
    """Write into the paragraph a new cell already holds (a cell is never empty), then add lines after it."""
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(nfc(text))
    run.font.size = Pt(float(style.get("size", BODY_PT)))  # type: ignore[arg-type]
    run.font.bold, run.font.italic = bool(style.get("bold")), bool(style.get("italic"))
    run.font.underline = bool(style.get("underline"))
    paragraph.alignment = style.get("align", WD_ALIGN_PARAGRAPH.CENTER)  # type: ignore[assignment]
    return paragraph


def _short_rule(cell: _Cell, width: float) -> None:
    """The rule under the issuing body: centred, a third to a half of the name's length (here ``width`` cm,
    drawn as the bottom border of an empty paragraph narrowed by equal indents)."""
    paragraph = cell.add_paragraph()
    indent = Cm(max(0.0, (LEFT_COLUMN.cm - width) / 2))
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    run = paragraph.add_run()
    run.font.size = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _borderless_table(document: DocumentObject, rows: int) -> list[tuple[_Cell, _Cell]]:
    table = document.add_table(rows=rows, cols=2)
    table.autofit = False
    _tight(table._tbl)
    cells = []
    for row in table.rows:
        left, right = row.cells
        left.width, right.width = LEFT_COLUMN, RIGHT_COLUMN
        cells.append((left, right))
    for column, width in zip(table.columns, (LEFT_COLUMN, RIGHT_COLUMN), strict=True):
        column.width = width
    return cells


def _tight(table: object) -> None:
    """No cell padding, and the table shifted left by :data:`TABLE_SHIFT` (it is wider than the text)."""
    properties = table.tblPr  # type: ignore[attr-defined]
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(int(TABLE_SHIFT.twips)))
    indent.set(qn("w:type"), "dxa")
    properties.append(indent)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.append(margins)


def _header(document: DocumentObject, content: LetterContent) -> None:
    head = content.letterhead
    (body_cell, motto_cell), (number_cell, date_cell), (subject_cell, _blank) = _borderless_table(document, 3)
    if head.governing_body:
        _first_line(body_cell, head.governing_body.upper(), size=HEADER_PT)
        _line(body_cell, head.issuing_body.upper(), size=HEADER_PT, bold=True)
    else:
        _first_line(body_cell, head.issuing_body.upper(), size=HEADER_PT, bold=True)
    _short_rule(body_cell, width=2.4)
    _first_line(motto_cell, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    _line(motto_cell, "Độc lập - Tự do - Hạnh phúc", size=HEADER_PT, bold=True, underline=True)
    number = f"Số: {content.number}" if content.number else "Số:        /"
    _first_line(number_cell, number, size=HEADER_PT).paragraph_format.space_before = Pt(6)
    dated = _first_line(date_cell, letter_date(head.place, content.date), size=BODY_PT, italic=True)
    dated.paragraph_format.space_before = Pt(6)
    _first_line(subject_cell, f"V/v {content.subject}", size=12)


def _addressees(document: DocumentObject, recipients: tuple[str, ...]) -> None:
    lines = listed(recipients)
    if len(lines) == 1:
        paragraph = _line(document, f"Kính gửi: {lines[0]}", align=WD_ALIGN_PARAGRAPH.CENTER)
        paragraph.paragraph_format.space_before = Pt(18)
        paragraph.paragraph_format.space_after = Pt(12)
        return
    heading = _line(document, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.LEFT)
    heading.paragraph_format.left_indent = Cm(2.5)
    heading.paragraph_format.space_before = Pt(18)
    for position, line in enumerate(lines):
        paragraph = _line(document, f"- {line}", align=WD_ALIGN_PARAGRAPH.LEFT)
        paragraph.paragraph_format.left_indent = Cm(4.5)
        paragraph.paragraph_format.first_line_indent = Cm(-0.4)
        if position == len(lines) - 1:
            paragraph.paragraph_format.space_after = Pt(12)


def _paragraph(document: DocumentObject, text: str, bold: bool = False) -> Paragraph:
    paragraph = _line(document, text, bold=bold, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    style = paragraph.paragraph_format
    style.first_line_indent, style.space_after, style.line_spacing = FIRST_LINE, Pt(6), 1.15
    return paragraph


def _body(document: DocumentObject, content: LetterContent) -> None:
    for text in content.opening:
        _paragraph(document, text)
    for number, item in enumerate(content.items, start=1):
        _paragraph(document, f"{number}. {item.text}")
        for letter, child in zip(LETTERS, item.children, strict=False):
            _paragraph(document, f"{letter}) {child}")
    for table in content.tables:
        _table(document, table)
    for text in content.closing:
        _paragraph(document, text)


def _table(document: DocumentObject, table: LetterTable) -> None:
    if table.title:
        _paragraph(document, table.title, bold=True)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    if len(table.widths) == len(table.header):
        grid.autofit = False
        for column, width in zip(grid.columns, table.widths, strict=True):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)
    for row_cells, values, bold in _table_rows(grid, table):
        for cell, value in zip(row_cells, values, strict=False):
            _first_line(cell, value, size=12, bold=bold,
                        align=WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT)
    document.add_paragraph().paragraph_format.space_after = Pt(6)


def _table_rows(grid: object, table: LetterTable) -> Iterable[tuple[list[_Cell], tuple[str, ...], bool]]:
    rows = grid.rows  # type: ignore[attr-defined]
    yield list(rows[0].cells), table.header, True
    for row, values in zip(rows[1:], table.rows, strict=True):
        yield list(row.cells), values, False


def _closing_block(document: DocumentObject, content: LetterContent) -> None:
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(6)
    ((copies_cell, signature_cell),) = _borderless_table(document, 1)
    _first_line(copies_cell, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in listed(["Như trên", *content.copies, f"Lưu: {content.archive}"]):
        _line(copies_cell, f"- {line}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    signature = content.signature
    lines = [text for text in (signature.authority, signature.title) if text]
    if lines:
        _first_line(signature_cell, lines[0].upper(), size=BODY_PT, bold=True)
        for text in lines[1:]:
            _line(signature_cell, text.upper(), size=BODY_PT, bold=True)
    for _ in range(SIGNATURE_SPACE):
        signature_cell.add_paragraph()
    if signature.name:
        _line(signature_cell, signature.name, size=BODY_PT, bold=True)
