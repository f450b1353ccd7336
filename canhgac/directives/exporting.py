"""The summary the SOC sends up to the Ministry: a spreadsheet (per task, and every unit × task) and a report
letter made by the letters app (figures, a table per task, the units still missing)."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from canhgac.directives.models import Directive, ReportState
from canhgac.directives.querysets import OVERDUE, copies_of, filter_status, states_by_copy, summary, tasks_of
from canhgac.directives.wording import padded, reference_text
from canhgac.letters.content import LetterContent, LetterItem, LetterTable, Signature, short_date
from canhgac.letters.letterhead import letterhead_of_operator, operator
from canhgac.letters.rendering import render_letter

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATE_WORDS = {ReportState.PENDING: "Chưa báo cáo", ReportState.DONE: "Đã thực hiện",
               ReportState.PARTLY: "Thực hiện một phần", ReportState.NOT_APPLICABLE: "Không áp dụng"}
"""The report goes to the Ministry in Vietnamese whatever the console's language."""
MISSING_LISTED = 300


def export_stem(directive: Directive) -> str:
    return f"bao-cao-cong-van-{directive.pk}-{timezone.localdate():%Y%m%d}"


def summary_xlsx(directive: Directive, user: Any) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Tổng hợp"
    figures = summary(directive, user)
    sheet.append(["STT", "Nhiệm vụ", *STATE_WORDS.values()])
    for number, row in enumerate(figures.tasks, start=1):
        sheet.append([number, f"{row.task.label}) {row.task.title}",
                      *(row.counts.get(state, 0) for state in STATE_WORDS)])
    matrix = book.create_sheet("Đơn vị")
    tasks = tasks_of(directive)
    matrix.append(["Mã đơn vị", "Tên đơn vị", "Đã xác nhận", *(f"{task.label}) {task.title}" for task in tasks)])
    copies = list(copies_of(directive, user).order_by("unit__code"))
    reports = states_by_copy([copy.pk for copy in copies])
    for copy in copies:
        cells = [_cell(reports[copy.pk].get(task.pk)) for task in tasks]
        acknowledged = timezone.localtime(copy.acknowledged_at).strftime("%d/%m/%Y %H:%M") \
            if copy.acknowledged_at else "Chưa"
        matrix.append([copy.unit.code, copy.unit.name, acknowledged, *cells])
    for worksheet in (sheet, matrix):
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(report: Any) -> str:
    if report is None:
        return ""
    word = STATE_WORDS.get(report.state, report.state)
    return f"{word}: {report.note}" if report.note else word


def summary_docx(directive: Directive, user: Any, today: datetime.date | None = None) -> bytes:
    return render_letter(summary_letter(directive, user, today))


def summary_letter(directive: Directive, user: Any, today: datetime.date | None = None) -> LetterContent:
    body = operator()
    figures = summary(directive, user)
    ours = f"Công văn số {directive.number or '…'} ngày {short_date(directive.issued_on)}"
    opening = (f"Thực hiện {reference_text(directive)}, {body.name} đã ban hành {ours} V/v {directive.subject}, "
               f"gửi {figures.copies} cơ quan, đơn vị, doanh nghiệp trên địa bàn tỉnh. "
               f"{body.name} báo cáo kết quả triển khai như sau:",)
    deadline = timezone.localtime(directive.report_deadline)
    items = (
        LetterItem(f"Số đơn vị đã xác nhận tiếp nhận văn bản: {figures.acknowledged}/{figures.copies}."),
        LetterItem(f"Số đơn vị đã báo cáo đầy đủ các nhiệm vụ: {figures.complete}/{figures.copies}."),
        LetterItem(f"Số đơn vị quá hạn báo cáo ({deadline:%H} giờ {deadline:%M} ngày {padded(deadline.date())}) "
                   f"mà chưa báo cáo đầy đủ: {figures.overdue}."),
        LetterItem("Kết quả thực hiện từng nhiệm vụ được tổng hợp tại bảng dưới đây."),
    )
    tables: tuple[LetterTable, ...] = (LetterTable(("STT", "Nhiệm vụ", *STATE_WORDS.values()), tuple(
        (str(number), f"{row.task.label}) {row.task.title}",
         *(str(row.counts.get(state, 0)) for state in STATE_WORDS))
        for number, row in enumerate(figures.tasks, start=1)), title="Bảng 1. Kết quả thực hiện theo nhiệm vụ",
        widths=(1.2, 5.6, 2.4, 2.4, 2.4, 2.4)),)
    missing = list(filter_status(copies_of(directive, user, progress=True), directive, OVERDUE).order_by("unit__code")
                   [:MISSING_LISTED])
    if missing:
        tables += (LetterTable(("STT", "Đơn vị", "Nhiệm vụ chưa báo cáo"), tuple(
            (str(number), copy.unit.name, str(getattr(copy, "pending", "")))
            for number, copy in enumerate(missing, start=1)),
            title="Bảng 2. Các đơn vị chưa báo cáo đầy đủ", widths=(1.2, 11.0, 4.2)),)
    recipient = directive.reference_issuer or "Cơ quan cấp trên"
    return LetterContent(
        letterhead=letterhead_of_operator(body), number="", date=today or timezone.localdate(),
        subject=f"báo cáo kết quả triển khai {ours}", recipients=(recipient,), opening=opening, items=items,
        tables=tables, closing=(f"{body.name} trân trọng báo cáo./.",),
        signature=Signature(directive.signer_authority, directive.signer_title, directive.signer_name))
