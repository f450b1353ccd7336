"""The directives console: writing one from the holiday template, its letter, the matrix and its filters, the
summary exports, and a unit's copy (receipt, a report with evidence) — each officer seeing their units' only."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.models import Unit
from canhgac.constituency.seeding import seed_national_bodies
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.directives.models import Directive, DirectiveState, Evidence, Recipient, ReportState, TaskReport
from canhgac.directives.planning import parse_plan
from canhgac.directives.services import create_directive, report_task
from canhgac.directives.services.distributing import make_copies, resolve_recipients

PLAN = "## Các sở\nkinds: department\n- Trực 24/7 | Trực.\n- Rà soát mã độc | Rà soát.\n"


@pytest.fixture
def english_console(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def sent(body) -> Directive:  # type: ignore[no-untyped-def]
    for code in ("SO-YT", "SO-TC", "SO-NV"):
        UnitFactory(code=code, kind="department")
    directive = create_directive(UserFactory(role=Role.SOC_ADMIN), {
        "number": "125/SKHCN-CNTT", "subject": "tăng cường bảo đảm an toàn thông tin mạng",
        "report_deadline": timezone.now() + datetime.timedelta(days=3)}, parse_plan(PLAN))
    make_copies(directive, resolve_recipients(directive))
    Directive.objects.filter(pk=directive.pk).update(state=DirectiveState.SENT)
    directive.refresh_from_db()
    return directive


@pytest.fixture
def officer(sent):  # type: ignore[no-untyped-def]
    return UserFactory(username="can.bo", role=Role.UNIT_OFFICER, units=[Unit.objects.get(code="SO-YT")])


def all_text(docx: bytes) -> str:
    """Every paragraph, those of table cells included, in document order."""
    body = Document(io.BytesIO(docx)).element.body
    return "\n".join("".join(node.text or "" for node in paragraph.iter() if node.tag.endswith("}t"))
                     for paragraph in body.iter() if paragraph.tag.endswith("}p"))


def test_the_soc_writes_a_directive_from_the_holiday_template(english_console, body) -> None:  # type: ignore[no-untyped-def]
    seed_national_bodies()
    english_console.force_login(UserFactory(role=Role.SOC_ANALYST))
    page = english_console.get(reverse("directives:directive_create") + "?template=holiday")
    assert page.status_code == 200
    form = page.context["form"]
    assert "## Các sở, ban, ngành" in form.initial["plan"] and "- Rà soát mã độc |" in form.initial["plan"]
    data = {key: value for key, value in form.initial.items() if isinstance(value, str)}
    data.update(number="125/SKHCN-CNTT", issued_on="2026-04-18", report_deadline="2026-05-05T17:00",
                period_start="2026-04-30", period_end="2026-05-03", contact_ids=form.initial["contact_ids"][:2])
    answer = english_console.post(reverse("directives:directive_create"), data)
    directive = Directive.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("directives:directive_detail",
                                                                        args=[directive.pk])
    assert directive.template == "holiday" and directive.tasks.count() == 14 and directive.contacts.count() == 2
    detail = english_console.get(answer["Location"])
    assert "Rà soát mã độc" in detail.content.decode() and 'id="send"' in detail.content.decode()
    letter = english_console.get(reverse("directives:directive_letter", args=[directive.pk]) + "?format=docx")
    text = "\n".join(paragraph.text for paragraph in Document(io.BytesIO(letter.content)).paragraphs)
    assert "Kính gửi:" in text and "b) Rà soát, phát hiện và bóc gỡ mã độc" in text


def test_a_wrong_plan_comes_back_with_its_line(english_console, body) -> None:  # type: ignore[no-untyped-def]
    english_console.force_login(UserFactory(role=Role.SOC_ANALYST))
    answer = english_console.post(reverse("directives:directive_create"), {
        "subject": "thử", "issued_on": "2026-04-18", "report_deadline": "2026-05-05T17:00",
        "plan": "## Nhóm\nkinds: department\nunits: KHONG-CO\n- A | B"})
    assert answer.status_code == 200 and "Line 3: no unit has the code KHONG-CO" in answer.content.decode()
    assert not Directive.objects.exists()


def test_the_matrix_filters_not_acknowledged_and_overdue(english_console, sent, officer) -> None:  # type: ignore[no-untyped-def]
    copy = Recipient.objects.get(unit__code="SO-YT")
    report = TaskReport.objects.filter(recipient=copy).first()
    report_task(report, officer, ReportState.DONE, "Đã trực")
    english_console.force_login(UserFactory(role=Role.SOC_ANALYST))
    url = reverse("directives:directive_matrix", args=[sent.pk])
    page = english_console.get(url).content.decode()
    assert 'id="unit-SO-YT"' in page and "report-done" in page and 'id="unit-SO-NV"' in page
    waiting = english_console.get(url + "?status=not_acknowledged").content.decode()
    assert 'id="unit-SO-YT"' not in waiting and 'id="unit-SO-TC"' in waiting
    assert 'id="unit-SO-TC"' not in english_console.get(url + "?status=overdue").content.decode()
    Directive.objects.filter(pk=sent.pk).update(report_deadline=timezone.now() - datetime.timedelta(hours=1))
    late = english_console.get(url + "?status=overdue").content.decode()
    assert 'id="unit-SO-TC"' in late and 'id="unit-SO-YT"' in late  # one task of SO-YT is still not reported
    assert english_console.get(url + "?status=bogus").status_code == 200


def test_the_matrix_page_reads_a_fixed_number_of_queries(english_console, sent, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for number in range(30):
        UnitFactory(code=f"XA-{number}", kind="department")
    make_copies(sent, resolve_recipients(sent))
    english_console.force_login(UserFactory(role=Role.SOC_ANALYST))
    with django_assert_max_num_queries(14):
        assert english_console.get(reverse("directives:directive_matrix", args=[sent.pk])).status_code == 200


def test_the_summary_exports_open(english_console, sent, officer) -> None:  # type: ignore[no-untyped-def]
    report_task(TaskReport.objects.filter(recipient__unit__code="SO-YT").first(), officer, ReportState.PARTLY,
                "Còn 2 máy")
    english_console.force_login(UserFactory(role=Role.SOC_ANALYST))
    url = reverse("directives:directive_export", args=[sent.pk])
    book = load_workbook(io.BytesIO(english_console.get(url + "?format=xlsx").content))
    rows = list(book["Đơn vị"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Mã đơn vị", "Tên đơn vị", "Đã xác nhận")
    assert ("SO-YT" in [row[0] for row in rows]) and "Thực hiện một phần: Còn 2 máy" in [
        cell for row in rows for cell in row]
    text = all_text(english_console.get(url + "?format=docx").content)
    assert "V/v báo cáo kết quả triển khai Công văn số 125/SKHCN-CNTT" in text
    assert "Số đơn vị đã xác nhận tiếp nhận văn bản: 1/3." in text
    assert english_console.get(url + "?format=exe").status_code == 400


def test_an_officer_reads_their_copy_acknowledges_and_reports_with_evidence(english_console, sent, officer) -> None:  # type: ignore[no-untyped-def]
    english_console.force_login(officer)
    listing = english_console.get(reverse("directives:recipient_list")).content.decode()
    assert "SO-YT" in listing and "SO-TC" not in listing
    assert english_console.get(reverse("directives:directive_list")).status_code == 403
    copy = Recipient.objects.get(unit__code="SO-YT")
    other = Recipient.objects.get(unit__code="SO-TC")
    assert english_console.get(reverse("directives:recipient_detail", args=[other.pk])).status_code == 404
    english_console.post(reverse("directives:recipient_acknowledge", args=[copy.pk]))
    copy.refresh_from_db()
    assert copy.acknowledged_by == officer
    report = TaskReport.objects.filter(recipient=copy).first()
    answer = english_console.post(reverse("directives:report_update", args=[report.pk]), {
        f"r{report.pk}-state": "done", f"r{report.pk}-note": "Đã trực đủ",
        f"r{report.pk}-file": SimpleUploadedFile("../lich truc.csv", b"ngay,can_bo\n30/4,An\n")})
    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.DONE and report.evidence.get().name == "lich truc.csv"
    download = english_console.get(reverse("directives:evidence_download", args=[report.evidence.get().pk]))
    assert b"".join(download.streaming_content) == b"ngay,can_bo\n30/4,An\n"
    assert download["Content-Type"] == "application/octet-stream"
    refused = english_console.post(reverse("directives:report_update", args=[report.pk]), {
        f"r{report.pk}-state": "partly", f"r{report.pk}-note": ""})
    assert refused.status_code == 200 and "needs one" in refused.content.decode()
    other_report = TaskReport.objects.filter(recipient=other).first()
    assert english_console.post(reverse("directives:report_update", args=[other_report.pk]), {
        f"r{other_report.pk}-state": "done"}).status_code == 404
    assert Evidence.objects.count() == 1


def test_a_sending_the_server_dropped_offers_send_again_to_the_soc_only(english_console, sent) -> None:  # type: ignore[no-untyped-def]
    from canhgac.core.models import Job, JobState
    from canhgac.directives.jobs import JOB_KIND, STALE_AFTER

    Directive.objects.filter(pk=sent.pk).update(state=DirectiveState.DISTRIBUTING)
    job = Job.objects.create(kind=JOB_KIND, title="Gửi", params={"directive": sent.pk}, state=JobState.RUNNING,
                             started_at=timezone.now())
    url = reverse("directives:directive_detail", args=[sent.pk])
    english_console.force_login(UserFactory(role=Role.SOC_ANALYST))
    assert 'id="send-again"' not in english_console.get(url).content.decode()  # it may still be running
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - STALE_AFTER - datetime.timedelta(minutes=1))
    assert 'id="send-again"' in english_console.get(url).content.decode()
    english_console.force_login(UserFactory(role=Role.AUDITOR))
    assert 'id="send-again"' not in english_console.get(url).content.decode()
    answer = english_console.post(reverse("directives:directive_distribute", args=[sent.pk]))
    assert answer.status_code == 403 and Job.objects.get(pk=job.pk).state == JobState.RUNNING
