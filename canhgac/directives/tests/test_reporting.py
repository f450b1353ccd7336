"""A unit's answer: receipt, a report per task (done, partly, not applicable) with evidence kept under a name of
our own; reminders before the deadline over a simulated clock; the matrix's "not acknowledged" and "overdue"."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.tests.factories import ContactFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry
from canhgac.directives.models import Directive, DirectiveState, Evidence, Recipient, ReportState, TaskReport
from canhgac.directives.planning import parse_plan
from canhgac.directives.querysets import NOT_ACKNOWLEDGED, OVERDUE, copies_of, filter_status, summary
from canhgac.directives.services import acknowledge, add_evidence, create_directive, report_task, send_reminders
from canhgac.directives.services.distributing import make_copies, resolve_recipients
from canhgac.directives.services.reporting import EVIDENCE_MAX_BYTES
from canhgac.notifications.models import Delivery, Notice

DEADLINE = datetime.datetime(2026, 5, 5, 17, 0, tzinfo=datetime.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def sent(body) -> Directive:  # type: ignore[no-untyped-def]
    """A directive sent to two departments (two tasks each), without rendering its letter."""
    for code in ("SO-YT", "SO-TC"):
        ContactFactory(unit=UnitFactory(code=code, kind="department"), email=f"antt@{code.lower()}.example.gov.vn")
    directive = create_directive(UserFactory(role=Role.SOC_ADMIN), {
        "number": "125/SKHCN-CNTT", "subject": "tăng cường bảo đảm an toàn thông tin mạng",
        "report_deadline": DEADLINE},
        parse_plan("## Các sở\nkinds: department\n- Trực 24/7 | Trực.\n- Rà soát mã độc | Rà soát.\n"))
    make_copies(directive, resolve_recipients(directive))
    Directive.objects.filter(pk=directive.pk).update(state=DirectiveState.SENT)
    directive.refresh_from_db()
    return directive


@pytest.fixture
def officer(sent):  # type: ignore[no-untyped-def]
    from canhgac.constituency.models import Unit

    return UserFactory(role=Role.UNIT_OFFICER, units=[Unit.objects.get(code="SO-YT")])


def copy_of(code: str) -> Recipient:
    return Recipient.objects.select_related("directive").get(unit__code=code)


def test_an_officer_acknowledges_and_reports_their_units_tasks(sent, officer) -> None:  # type: ignore[no-untyped-def]
    copy = copy_of("SO-YT")
    assert acknowledge(copy, officer) is True
    assert acknowledge(copy, officer) is False  # once
    duty, malware = TaskReport.objects.filter(recipient=copy).order_by("task__position")
    assert report_task(duty, officer, ReportState.DONE, "Đã bố trí 6 cán bộ trực")
    assert report_task(malware, officer, ReportState.PARTLY, "Còn 2 máy chưa xử lý")
    duty.refresh_from_db()
    assert duty.state == ReportState.DONE and duty.reported_by == officer and duty.reported_at is not None
    assert AuditEntry.objects.filter(object_type="directives.taskreport", object_id=str(duty.pk)).exists()
    figures = summary(sent, UserFactory(role=Role.SOC_ANALYST))
    assert (figures.copies, figures.acknowledged, figures.complete) == (2, 1, 1)
    assert [row.counts for row in figures.tasks] == [
        {"pending": 1, "done": 1, "partly": 0, "not_applicable": 0},
        {"pending": 1, "done": 0, "partly": 1, "not_applicable": 0}]


def test_reporting_acknowledges_receipt_too(sent, officer) -> None:  # type: ignore[no-untyped-def]
    copy = copy_of("SO-YT")
    report_task(TaskReport.objects.filter(recipient=copy).first(), officer, ReportState.DONE)
    copy.refresh_from_db()
    assert copy.acknowledged_by == officer


@pytest.mark.parametrize(("state", "note", "field"), [
    (ReportState.PARTLY, "", "note"), (ReportState.NOT_APPLICABLE, "  ", "note"), (ReportState.PENDING, "x", "state"),
    ("finished", "x", "state"), (ReportState.DONE, "x" * 5000, "note"),
])
def test_a_report_without_what_it_needs_is_refused(sent, officer, state, note, field) -> None:  # type: ignore[no-untyped-def]
    report = TaskReport.objects.filter(recipient=copy_of("SO-YT")).first()
    with pytest.raises(ValidationError) as refused:
        report_task(report, officer, state, note)
    assert field in refused.value.message_dict
    report.refresh_from_db()
    assert report.state == ReportState.PENDING


def test_an_officer_may_not_answer_for_another_unit(sent, officer) -> None:  # type: ignore[no-untyped-def]
    other = copy_of("SO-TC")
    with pytest.raises(PermissionDenied):
        acknowledge(other, officer)
    with pytest.raises(PermissionDenied):
        report_task(TaskReport.objects.filter(recipient=other).first(), officer, ReportState.DONE)
    auditor = UserFactory(role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        acknowledge(other, auditor)
    assert list(copies_of(sent, officer).values_list("unit__code", flat=True)) == ["SO-YT"]


def test_evidence_is_kept_under_a_name_of_our_own(sent, officer, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    report = TaskReport.objects.filter(recipient=copy_of("SO-YT")).first()
    evidence = add_evidence(report, officer, "../../../etc/cron.d/bien ban\x00 <trực>.pdf", PDF)
    stored = Path(evidence.file.path).resolve()
    assert stored.is_relative_to((data_dir / "evidence").resolve())
    assert stored.read_bytes() == PDF and ".." not in evidence.file.name and "cron" not in evidence.file.name
    assert evidence.name == "bien ban trực.pdf"
    assert evidence.content_type == "application/pdf" and evidence.size == len(PDF)


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("virus.exe", b"MZ\x90\x00", "evidence is a PDF"),
    ("bao-cao.pdf", b"MZ\x90\x00 not a pdf", "is not really a PDF"),
    ("anh.png", b"\xff\xd8\xff\xe0 a jpeg", "is not really a PNG"),
    ("ghi-chu.txt", b"\xff\xfe\x00\x00", "is not UTF-8 text"),
    ("ghi-chu.txt", b"abc\x00def", "is not UTF-8 text"),
    ("trong.pdf", b"", "The file is empty"),
    ("lon.pdf", b"%PDF-" + b"0" * EVIDENCE_MAX_BYTES, "at most 10 MB"),
    ("trang.html", b"<script>alert(1)</script>", "evidence is a PDF"),
])
def test_evidence_of_a_wrong_kind_or_size_is_refused(sent, officer, name, content, problem, english) -> None:  # type: ignore[no-untyped-def]
    report = TaskReport.objects.filter(recipient=copy_of("SO-YT")).first()
    with pytest.raises(ValidationError) as refused:
        add_evidence(report, officer, name, content)
    assert problem in " ".join(refused.value.messages)
    assert not Evidence.objects.exists()


def test_a_report_takes_at_most_ten_files(sent, officer, english) -> None:  # type: ignore[no-untyped-def]
    report = TaskReport.objects.filter(recipient=copy_of("SO-YT")).first()
    for number in range(10):
        add_evidence(report, officer, f"{number}.csv", b"ip,trang_thai\n1.2.3.4,sach\n")
    with pytest.raises(ValidationError, match="at most 10 evidence files"):
        add_evidence(report, officer, "11.csv", b"x\n")


def test_reminders_follow_the_clock_to_the_deadline(sent, officer) -> None:  # type: ignore[no-untyped-def]
    def reminded(at: datetime.datetime) -> int:
        return send_reminders(now=at)["reminded"]

    assert reminded(DEADLINE - datetime.timedelta(days=4)) == 0  # too early
    assert reminded(DEADLINE - datetime.timedelta(days=3)) == 2  # 3 days before: both units are incomplete
    assert reminded(DEADLINE - datetime.timedelta(days=2, hours=23)) == 0  # the same stage is sent once
    notice = Notice.objects.get(unit__code="SO-YT", kind="directive_reminder")
    assert "2" in notice.body and "http://127.0.0.1:8000/directives/received/" in notice.body  # the default site
    assert Delivery.objects.filter(notice=notice, channel="email").count() == 1

    copy = copy_of("SO-YT")
    for report in TaskReport.objects.filter(recipient=copy):
        report_task(report, officer, ReportState.DONE)
    assert reminded(DEADLINE - datetime.timedelta(hours=20)) == 1  # 1 day before: only the unit still missing
    assert Notice.objects.filter(unit__code="SO-TC", kind="directive_reminder").count() == 2
    assert Notice.objects.filter(unit__code="SO-YT", kind="directive_reminder").count() == 1
    assert reminded(DEADLINE + datetime.timedelta(minutes=1)) == 0  # after the deadline: no more reminders
    late = copy_of("SO-TC")
    assert (late.reminders_sent, late.last_reminded_at) == (2, DEADLINE - datetime.timedelta(hours=20))


def test_a_unit_first_reached_a_day_before_gets_only_the_last_reminder(sent) -> None:  # type: ignore[no-untyped-def]
    assert send_reminders(now=DEADLINE - datetime.timedelta(hours=10))["reminded"] == 2
    assert set(Notice.objects.filter(kind="directive_reminder").values_list("dedup_key", flat=True)) == {
        f"{sent.pk}:24h"}


def test_not_acknowledged_and_overdue_as_the_clock_moves(sent, officer) -> None:  # type: ignore[no-untyped-def]
    soc = UserFactory(role=Role.SOC_ANALYST)
    acknowledge(copy_of("SO-YT"), officer)
    copies = copies_of(sent, soc)
    assert list(filter_status(copies, sent, NOT_ACKNOWLEDGED).values_list("unit__code", flat=True)) == ["SO-TC"]
    before = DEADLINE - datetime.timedelta(hours=1)
    after = DEADLINE + datetime.timedelta(hours=1)
    assert not filter_status(copies, sent, OVERDUE, now=before).exists()
    assert sorted(filter_status(copies, sent, OVERDUE, now=after).values_list("unit__code", flat=True)) == [
        "SO-TC", "SO-YT"]
    for report in TaskReport.objects.filter(recipient__unit__code="SO-YT"):
        report_task(report, officer, ReportState.NOT_APPLICABLE, "Đơn vị không có máy chủ")
    assert list(filter_status(copies, sent, OVERDUE, now=after).values_list("unit__code", flat=True)) == ["SO-TC"]
    assert summary(sent, soc, now=after).overdue == 1
    assert timezone.is_aware(sent.report_deadline)


def test_reminders_run_on_the_schedule(sent) -> None:  # type: ignore[no-untyped-def]
    from canhgac.core import schedule

    task = next(task for task in schedule.registered() if task.name == "directives.send_reminders")
    assert task.every == datetime.timedelta(minutes=15)
    assert schedule.run_task("directives.send_reminders") is True  # runs as the system; past the deadline: no notice
    assert not Notice.objects.filter(kind="directive_reminder").exists()
