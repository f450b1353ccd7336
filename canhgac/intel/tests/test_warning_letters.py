"""The official letter of each unit's batch warning (issue 5, "letter per unit"): a DOCX that python-docx opens,
addressed to the unit ("Kính gửi: <unit>") on the operator's letterhead, citing the list's reference letter, with the
unit's count and its own addresses only and what to do; its PDF from LibreOffice; attached once to the notice next to
the CSV, e-mailed once (a re-send sends the stored files again, nothing is made twice); and downloadable per unit
from the batch's warnings page (a draft before sending, the letter sent after). Without an operator, no letter."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest
from django.urls import reverse

from canhgac.constituency.models import Operator
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.intel.tests.test_warnings import imported, registry, smtp
from canhgac.intel.warnings import KIND, send_warnings
from canhgac.notifications.models import Notice, NoticeAttachment
from canhgac.notifications.services import deliver_pending, resend
from canhgac.notifications.tests.smtp import SmtpServer

__all__ = ["registry", "smtp"]  # fixtures, used by name below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def english_console(client: Any, settings: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def operator(db: None) -> Operator:
    return Operator.objects.create(governing_body="UBND tỉnh Lam Sơn", name="Sở Khoa học và Công nghệ",
                                   abbreviation="SKHCN", province="Lam Sơn", place="Lam Sơn", phone="0237 3 852 000",
                                   email="soc@skhcn.lamson.example.gov.vn",
                                   soc_team_name="Đội ứng cứu sự cố an toàn thông tin mạng tỉnh Lam Sơn",
                                   signer_authority="KT. GIÁM ĐỐC", signer_title="Phó Giám đốc",
                                   signer_name="Trần Thị Bình")


def text_of(content: bytes) -> tuple[str, list[list[str]]]:
    """The letter's paragraphs (every table cell included) and the rows of its tables."""
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    return "\n".join([paragraph.text for paragraph in document.paragraphs] + cells), rows


def opening_of(text: str) -> str:
    """The paragraph naming the list: it gives the unit's count (checked as a whole number, whatever the language)."""
    return next(line for line in text.splitlines() if "vncert-botnet" in line)


def test_each_unit_gets_its_own_letter_once_next_to_the_csv(registry: Any, operator: Operator) -> None:
    batch = imported()

    send_warnings(batch)

    own, sub, other = registry.own_unit, registry.own_subunit, registry.other_unit
    notice = Notice.objects.get(kind=KIND, unit=own)
    files = list(notice.attachments.order_by("pk"))
    assert [item.content_type for item in files] == ["text/csv", DOCX, "application/pdf"]
    assert files[1].name == f"cong-van-canh-bao-vncert-botnet-2026-03-{own.code}.docx"
    assert bytes(files[2].content).startswith(b"%PDF")
    text, rows = text_of(bytes(files[1].content))
    assert f"Kính gửi: {own.name}" in text and "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text and "UBND TỈNH LAM SƠN" in text
    opening = opening_of(text)
    assert "123/VNCERT" in opening and "2026-03" in opening and own.name in opening and re.search(r"\b2\b", opening)
    assert "Đội ứng cứu sự cố an toàn thông tin mạng tỉnh Lam Sơn" in text and "0237 3 852 000" in text
    signed = text[text.index("Nơi nhận:"):]  # the operator's signer, after "Như trên" and the archive
    assert all(part in signed for part in ("Như trên;", "Lưu: VT", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình"))
    listed = [row[0] for row in rows if row and row[0].count(".") == 3]
    assert listed == ["203.113.5.7", "203.113.5.8"]  # its own addresses only: not its sub-unit's nor the hospital's
    for unit, count in ((sub, 1), (other, 1)):  # the hospital asked not to be e-mailed: its inbox has the letter
        letter = NoticeAttachment.objects.get(notice__unit=unit, notice__kind=KIND, content_type=DOCX)
        text, _rows = text_of(bytes(letter.content))
        assert f"Kính gửi: {unit.name}" in text and re.search(rf"\b{count}\b", opening_of(text))
        assert own.name not in text


def test_sending_again_or_re_sending_makes_no_second_letter(registry: Any, operator: Operator,
                                                            smtp: SmtpServer) -> None:
    batch = imported()
    send_warnings(batch)
    notice = Notice.objects.get(kind=KIND, unit=registry.own_unit)
    before = list(NoticeAttachment.objects.order_by("pk").values_list("pk", flat=True))

    assert send_warnings(batch).counts()["created"] == 0
    deliver_pending()
    resend(notice)
    deliver_pending()

    assert list(NoticeAttachment.objects.order_by("pk").values_list("pk", flat=True)) == before
    mails = [message for message in smtp.messages() if message["To"] == "daumoi@so-tttt.example.gov.vn"]
    assert len(mails) == 2  # the warning, then its re-send
    for message in mails:
        names = [part.get_filename() for part in message.iter_attachments()]
        assert sorted(name.rsplit(".", 1)[1] for name in names) == ["csv", "docx", "pdf"], names


def test_the_warnings_page_offers_each_units_letter_draft_then_as_sent(registry: Any, operator: Operator,
                                                                      users: dict[Any, Any], login: Any) -> None:
    batch = imported()
    own = registry.own_unit
    url = reverse("intel:batch_warning_letter", args=[batch.pk])
    auditor = login(users[Role.AUDITOR])
    html = auditor.get(reverse("intel:batch_warnings", args=[batch.pk])).content.decode()
    assert f"{url}?unit={own.pk}&amp;format=docx" in html and f"{url}?unit={own.pk}&amp;format=pdf" in html

    draft = auditor.get(url, {"unit": own.pk, "format": "docx"})

    assert draft["Content-Type"] == DOCX and "attachment" in draft["Content-Disposition"]
    assert f"Kính gửi: {own.name}" in text_of(draft.content)[0]
    send_warnings(batch)
    sent = NoticeAttachment.objects.get(notice__unit=own, notice__kind=KIND, content_type="application/pdf")
    assert auditor.get(url, {"unit": own.pk, "format": "pdf"}).content == bytes(sent.content)
    assert auditor.get(url, {"unit": own.pk, "format": "exe"}).status_code == 400
    assert auditor.get(url, {"unit": "1 OR 1=1"}).status_code == 400
    outside = UnitFactory(code="UBND-X", name="UBND xã X")
    assert auditor.get(url, {"unit": outside.pk}).status_code == 404  # not a unit of this batch
    assert login(users[Role.UNIT_OFFICER]).get(url, {"unit": own.pk}).status_code == 403


def test_without_an_operator_the_warning_goes_without_a_letter_and_the_page_says_so(
        registry: Any, users: dict[Any, Any], login: Any) -> None:
    batch = imported()
    client = login(users[Role.SOC_ANALYST])
    html = client.get(reverse("intel:batch_warnings", args=[batch.pk])).content.decode()
    assert 'id="letters-off"' in html and "format=docx" not in html
    response = client.get(reverse("intel:batch_warning_letter", args=[batch.pk]),
                          {"unit": registry.own_unit.pk, "format": "docx"})
    assert response.status_code == 503 and b"No operator is set" in response.content

    send_warnings(batch)

    assert set(NoticeAttachment.objects.values_list("content_type", flat=True)) == {"text/csv"}
