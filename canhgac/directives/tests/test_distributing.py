"""Sending a directive: one copy per unit with a report row per task, the letter rendered once (DOCX and PDF),
one notice per unit to its focal points (e-mail and the console) with the letter attached; again changes nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.tests.factories import ContactFactory, UnitFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import Job, JobState
from canhgac.directives.jobs import STALE_AFTER, sending_is_stuck, start_distribution
from canhgac.directives.models import Directive, DirectiveState, Recipient, TaskReport
from canhgac.directives.planning import parse_plan
from canhgac.directives.services import create_directive, distribute_directive
from canhgac.directives.services.distributing import NOTICE_KIND, make_copies, notice_contents, resolve_recipients
from canhgac.letters.tests.test_letters import assert_in_order, pdf_text
from canhgac.notifications.models import Delivery, DeliveryChannel, Notice
from canhgac.notifications.services import prepare_notices

PLAN = """## Các sở, ban, ngành
kinds: department
- Trực 24/7 | Bố trí cán bộ trực 24/7 {period}.
- Rà soát mã độc | Rà soát mã độc, ưu tiên các địa chỉ IP trong danh sách botnet.
## Các doanh nghiệp viễn thông
kinds: telecom
- Xử lý IP botnet | Thông báo thuê bao, bóc gỡ mã độc.
"""


@pytest.fixture
def soc(db: None):  # type: ignore[no-untyped-def]
    return UserFactory(role=Role.SOC_ANALYST)


@pytest.fixture
def directive(body, soc) -> Directive:  # type: ignore[no-untyped-def]
    return create_directive(soc, {
        "number": "125/SKHCN-CNTT", "subject": "tăng cường bảo đảm an toàn thông tin mạng dịp nghỉ lễ 30/4",
        "reference_number": "1353/BTTTT-CATTT", "reference_date": datetime.date(2022, 4, 18),
        "reference_issuer": "Bộ Thông tin và Truyền thông", "period_start": datetime.date(2026, 4, 30),
        "period_end": datetime.date(2026, 5, 3), "report_deadline": timezone.now() + datetime.timedelta(days=7),
        "opening": "Thực hiện {reference}, đề nghị:", "signer_name": "Nguyễn Văn An"}, parse_plan(PLAN))


def test_sending_makes_copies_notices_and_the_letter(directive: Directive, tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://canhgac.example.gov.vn/"  # a trailing slash makes no double slash
    health = UnitFactory(code="SO-YT", kind="department")
    ContactFactory(unit=health, email="antt@soyte.example.gov.vn", focal_point=True)
    ContactFactory(unit=health, email="giamdoc@soyte.example.gov.vn", focal_point=False)
    telecom = UnitFactory(code="VNPT", kind="telecom")
    ContactFactory(unit=telecom, email="soc@vnpt.example.vn", focal_point=True)
    quiet = UnitFactory(code="SO-TC", kind="department")
    UnitFactory(code="BV", kind="hospital")  # in no group

    figures = distribute_directive(directive)

    directive.refresh_from_db()
    assert directive.state == DirectiveState.SENT and directive.distributed_at is not None
    assert figures["units"] == 3 and figures["tasks"] == 5 and figures["pdf"] is True
    assert set(Recipient.objects.filter(directive=directive).values_list("unit__code", flat=True)) == {
        "SO-YT", "VNPT", "SO-TC"}
    assert TaskReport.objects.filter(recipient__unit=health).count() == 2
    assert list(TaskReport.objects.filter(recipient__unit=telecom).values_list("task__title", flat=True)) == [
        "Xử lý IP botnet"]
    notice = Notice.objects.get(unit=health, kind="directive")
    assert notice.subject.startswith("Công văn 125/SKHCN-CNTT") or "125/SKHCN-CNTT" in notice.subject
    assert "Rà soát mã độc" in notice.body and "Xử lý IP botnet" not in notice.body
    link = f"https://canhgac.example.gov.vn/directives/received/{Recipient.objects.get(unit=health).pk}/"
    assert link in notice.body.split()  # absolute: an e-mail has no page to be relative to
    assert sorted(notice.attachments.values_list("name", flat=True)) == [
        "cong-van-125-SKHCN-CNTT.docx", "cong-van-125-SKHCN-CNTT.pdf"]
    assert list(Delivery.objects.filter(notice=notice, channel=DeliveryChannel.EMAIL)
                .values_list("recipient", flat=True)) == ["antt@soyte.example.gov.vn"]
    assert Delivery.objects.filter(notice=notice, channel=DeliveryChannel.IN_APP).exists()
    assert Notice.objects.get(unit=quiet).email_skipped == "no_recipients"  # still in its console inbox
    letter = Document(io.BytesIO(bytes(directive.letter_docx)))
    text = "\n".join(paragraph.text for paragraph in letter.paragraphs)
    assert "Thực hiện Công văn số 1353/BTTTT-CATTT ngày 18/4/2022 của Bộ Thông tin và Truyền thông" in text
    assert "từ ngày 30/4/2026 đến hết ngày 03/5/2026" in text  # {period} filled in
    assert bytes(directive.letter_pdf).startswith(b"%PDF-")
    assert_in_order(pdf_text(bytes(directive.letter_pdf), tmp_path), [
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 125/SKHCN-CNTT", "V/v tăng cường bảo đảm", "Kính gửi:",
        "- Các sở, ban, ngành;", "- Các doanh nghiệp viễn thông.", "Thực hiện Công văn số 1353/BTTTT-CATTT",
        "1. Đối với các sở, ban, ngành:", "a) Bố trí cán bộ trực 24/7", "b) Rà soát mã độc",
        "2. Đối với các doanh nghiệp viễn thông:", "a) Thông báo thuê bao", "Nơi nhận:", "- Như trên;",
        "- Lưu: VT, CNTT.", "Nguyễn Văn An"])


def test_sending_again_makes_nothing_twice(directive: Directive) -> None:
    UnitFactory(kind="department")
    distribute_directive(directive)
    counts = (Recipient.objects.count(), TaskReport.objects.count(), Notice.objects.count(), Delivery.objects.count())
    distribute_directive(directive)
    assert (Recipient.objects.count(), TaskReport.objects.count(), Notice.objects.count(),
            Delivery.objects.count()) == counts


def test_the_job_sends_it_and_only_the_soc_may_start_it(directive: Directive, soc) -> None:  # type: ignore[no-untyped-def]
    UnitFactory(kind="telecom")
    officer = UserFactory(role=Role.UNIT_OFFICER, units=[UnitFactory(kind="hospital")])
    with pytest.raises(PermissionDenied):
        start_distribution(directive, officer)
    job = start_distribution(directive, soc)
    with pytest.raises(ValidationError):
        start_distribution(directive, soc)  # already being sent
    finished = jobs.execute(job.pk)
    assert finished.state == JobState.SUCCEEDED, finished.error
    assert finished.result["units"] == 1 and finished.result["created"] == 1


def test_a_directive_nobody_would_receive_fails_and_stays_a_draft(directive: Directive, soc, english) -> None:  # type: ignore[no-untyped-def]
    job = start_distribution(directive, soc)  # no department and no telecom exists
    finished = jobs.execute(job.pk)
    assert finished.state == JobState.FAILED and "nobody would receive it" in finished.error
    directive.refresh_from_db()
    assert directive.state == DirectiveState.DRAFT


def test_a_sent_directive_no_longer_changes(directive: Directive, soc) -> None:  # type: ignore[no-untyped-def]
    from canhgac.directives.services import update_directive

    UnitFactory(kind="department")
    distribute_directive(directive)
    directive.refresh_from_db()
    with pytest.raises(ValidationError):
        update_directive(soc, directive, {"subject": "khác"}, parse_plan(PLAN))


def crash_midway(directive: Directive, soc, started: datetime.datetime) -> int:  # type: ignore[no-untyped-def]
    """What a server restart leaves: the job claimed by a worker that died after making every copy and the first
    unit's notice; the directive "being sent". The job's id."""
    job = start_distribution(directive, soc)
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=started)
    plan = resolve_recipients(directive)
    make_copies(directive, plan)
    first = min(plan)
    contents = notice_contents(directive, {first: plan[first]}, ())
    prepare_notices(NOTICE_KIND, str(directive.pk), contents)
    return job.pk


def test_a_sending_the_server_dropped_midway_is_sent_again_and_nothing_twice(directive: Directive, soc) -> None:  # type: ignore[no-untyped-def]
    units = [UnitFactory(kind="department"), UnitFactory(kind="department"), UnitFactory(kind="telecom")]
    for unit in units:
        ContactFactory(unit=unit, email=f"antt@{unit.code.lower()}.example.gov.vn", focal_point=True)
    now = timezone.now()
    dead = crash_midway(directive, soc, started=now - datetime.timedelta(minutes=5))
    directive.refresh_from_db()
    assert directive.state == DirectiveState.DISTRIBUTING and Notice.objects.count() == 1
    with pytest.raises(ValidationError):
        start_distribution(directive, soc)  # still recent: it may be running
    Job.objects.filter(pk=dead).update(started_at=now - STALE_AFTER - datetime.timedelta(minutes=1))
    assert sending_is_stuck(directive)

    again = start_distribution(directive, soc)
    assert Job.objects.get(pk=dead).state == JobState.FAILED
    finished = jobs.execute(again.pk)
    assert finished.state == JobState.SUCCEEDED, finished.error
    assert finished.result["created"] == 2 and finished.result["already_notified"] == 1
    directive.refresh_from_db()
    assert directive.state == DirectiveState.SENT and not sending_is_stuck(directive)
    for unit in units:
        assert Recipient.objects.filter(directive=directive, unit=unit).count() == 1
        assert Notice.objects.filter(unit=unit, kind=NOTICE_KIND).count() == 1
        assert Delivery.objects.filter(notice__unit=unit, channel=DeliveryChannel.EMAIL).count() == 1
    assert TaskReport.objects.count() == 2 + 2 + 1
    with pytest.raises(ValidationError):
        start_distribution(directive, soc)  # sent: nothing to recover


@pytest.mark.parametrize("ending", ["failed", "gone"])
def test_a_sending_whose_job_failed_or_is_gone_may_start_again(directive: Directive, soc, ending: str) -> None:  # type: ignore[no-untyped-def]
    UnitFactory(kind="department")
    dead = crash_midway(directive, soc, started=timezone.now())
    if ending == "failed":
        Job.objects.filter(pk=dead).update(state=JobState.FAILED)
    else:
        Job.objects.filter(pk=dead).delete()
    finished = jobs.execute(start_distribution(directive, soc).pk)
    assert finished.state == JobState.SUCCEEDED, finished.error
    assert Notice.objects.count() == 1 and Recipient.objects.count() == 1


def test_a_directive_without_its_own_signer_is_signed_by_the_operators_usual_signer(body, soc) -> None:  # type: ignore[no-untyped-def]
    from canhgac.directives.services import preset_fields
    from canhgac.directives.wording import letter_content
    from canhgac.letters.rendering import render_letter
    from canhgac.letters.tests.test_letters import docx_text

    body.signer_authority, body.signer_title, body.signer_name = "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Thị Bình"
    body.save()
    assert preset_fields("holiday")["signer_name"] == "Trần Thị Bình"  # the template takes the operator's signer
    unsigned = create_directive(soc, {
        "number": "7/SKHCN-VP", "subject": "thử", "period_start": datetime.date(2026, 4, 30),
        "period_end": datetime.date(2026, 5, 3), "report_deadline": timezone.now() + datetime.timedelta(days=7)},
        parse_plan(PLAN))
    text = docx_text(render_letter(letter_content(unsigned)))
    assert_in_order(text, ["Nơi nhận:", "- Như trên;", "- Lưu: VT, VP.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                           "Trần Thị Bình"])
