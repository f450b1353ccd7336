"""The mail path against a real SMTP server process (aiosmtpd): what arrives, what waits, and nothing twice."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from canhgac.constituency.tests.factories import ContactFactory, UnitFactory
from canhgac.notifications.content import Attachment, NoticeContent, SourceRef
from canhgac.notifications.models import Delivery, DeliveryChannel, DeliveryState, Notice
from canhgac.notifications.services import deliver_pending, prepare_notices, resend
from canhgac.notifications.services.delivering import MAX_ATTEMPTS, STALE_CLAIM, claim_due
from canhgac.notifications.tests.factories import PreferenceFactory
from canhgac.notifications.tests.smtp import SmtpServer

pytestmark = pytest.mark.django_db

SUBJECT = "Cảnh báo: 2 địa chỉ IP của đơn vị nằm trong danh sách mạng botnet tháng 10/2026"
BODY = ("Kính gửi Sở Thông tin và Truyền thông,\n\nTrung tâm Giám sát an toàn không gian mạng thông báo các địa chỉ "
        "IP sau bị nhiễm mã độc. Đề nghị đơn vị kiểm tra, xử lý và báo cáo kết quả.\n")
CSV = "ip,họ mã độc,cổng\r\n203.113.1.5,mirai,23\r\n203.113.1.9,conficker,445\r\n".encode()


def content(subject: str = SUBJECT, html: str = "") -> NoticeContent:
    return NoticeContent(subject, BODY, html, (Attachment("botnet-2026-10.csv", "text/csv", CSV),))


def unit_with_focal_points(*addresses: str) -> Any:
    unit = UnitFactory()
    for address in addresses:
        ContactFactory(unit=unit, email=address, focal_point=True)
    return unit


def subject(message: Any) -> str:
    """The decoded subject; Django folds a long encoded one onto a continuation line, which readers unfold."""
    return str(message["Subject"]).strip()


def text_of(message: Any) -> str:
    """The plain-text part with the wire's CRLF line ends read as the newlines they stand for."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def email_deliveries() -> list[Delivery]:
    return list(Delivery.objects.filter(channel=DeliveryChannel.EMAIL).order_by("pk"))


def test_a_warning_reaches_each_focal_point_once_with_its_subject_vietnamese_text_and_csv(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("daumoi@so-tttt.example.gov.vn")
    ContactFactory(unit=unit, email="not-focal@so-tttt.example.gov.vn", focal_point=False)
    ContactFactory(unit=unit, email="", focal_point=True)  # a focal point without an address is skipped
    PreferenceFactory(unit=unit, extra_recipients="lanhdao@so-tttt.example.gov.vn\nDAUMOI@so-tttt.example.gov.vn")

    prepared = prepare_notices("botnet_batch", "batch-7", {unit.pk: content()})
    report = deliver_pending()

    assert report.sent == 2 and report.retrying == report.failed == 0
    messages = smtp.messages()
    assert sorted(str(message["To"]) for message in messages) == [
        "daumoi@so-tttt.example.gov.vn", "lanhdao@so-tttt.example.gov.vn"]
    message = messages[0]
    assert subject(message) == SUBJECT
    assert str(message["From"]) == "Canh Gác <soc@canhgac.example>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert text_of(message) == BODY
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "botnet-2026-10.csv"
    assert attachment.get_content_type() == "text/csv"
    assert attachment.get_content().encode() == CSV
    delivery = Delivery.objects.get(recipient=str(message["To"]))
    assert message["Message-ID"] == delivery.message_id
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.SENT, 1, "")
    notice = Notice.objects.get(pk=prepared.created[0])
    assert notice.deliveries.get(channel=DeliveryChannel.IN_APP).state == DeliveryState.SENT  # the console inbox


def test_with_the_server_stopped_deliveries_wait_with_the_error_and_go_out_once_when_it_is_back(
        smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn", "b@example.gov.vn")
    prepare_notices("botnet_batch", "batch-8", {unit.pk: content()})
    smtp.stop()
    now = timezone.now()

    report = deliver_pending(now=now)

    assert (report.sent, report.retrying) == (0, 2)
    for delivery in email_deliveries():
        assert delivery.state == DeliveryState.PENDING and delivery.attempts == 1
        assert "ConnectionRefusedError" in delivery.last_error
        assert delivery.next_attempt_at == now + datetime.timedelta(minutes=1)
    assert deliver_pending(now=now + datetime.timedelta(seconds=30)).retrying == 0  # not due yet: no new try

    later = now + datetime.timedelta(minutes=1)
    deliver_pending(now=later)
    assert {delivery.attempts for delivery in email_deliveries()} == {2}
    assert {delivery.next_attempt_at for delivery in email_deliveries()} == {later + datetime.timedelta(minutes=2)}

    smtp.start()
    assert deliver_pending(now=later + datetime.timedelta(minutes=2)).sent == 2
    assert deliver_pending(now=later + datetime.timedelta(hours=1)).sent == 0
    assert sorted(str(message["To"]) for message in smtp.messages()) == ["a@example.gov.vn", "b@example.gov.vn"]
    assert {(delivery.state, delivery.attempts) for delivery in email_deliveries()} == {(DeliveryState.SENT, 3)}


def test_a_refused_recipient_fails_at_once_and_a_busy_one_is_tried_again(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("refused@example.gov.vn", "busy@example.gov.vn", "ok@example.gov.vn")
    prepare_notices("botnet_batch", "batch-9", {unit.pk: content()})

    report = deliver_pending()

    assert (report.sent, report.retrying, report.failed) == (1, 1, 1)
    by_address = {delivery.recipient: delivery for delivery in email_deliveries()}
    refused, busy = by_address["refused@example.gov.vn"], by_address["busy@example.gov.vn"]
    assert refused.state == DeliveryState.FAILED and refused.last_error.startswith("550")
    assert refused.next_attempt_at is None
    assert busy.state == DeliveryState.PENDING and busy.last_error.startswith("450")
    assert [str(message["To"]) for message in smtp.messages()] == ["ok@example.gov.vn"]


def test_the_last_allowed_attempt_fails_the_delivery_for_good(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn")
    prepare_notices("botnet_batch", "batch-10", {unit.pk: content()})
    Delivery.objects.filter(channel=DeliveryChannel.EMAIL).update(attempts=MAX_ATTEMPTS - 1)
    smtp.stop()

    assert deliver_pending().failed == 1
    delivery = email_deliveries()[0]
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (DeliveryState.FAILED, MAX_ATTEMPTS,
                                                                             None)
    smtp.start()
    assert deliver_pending(now=timezone.now() + datetime.timedelta(days=2)).sent == 0
    assert smtp.messages() == []


def test_running_twice_sends_nothing_twice(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn", "b@example.gov.vn")
    prepare_notices("botnet_batch", "batch-11", {unit.pk: content()})

    assert deliver_pending().sent == 2
    assert deliver_pending().sent == 0
    assert len(smtp.messages()) == 2


def test_a_delivery_another_run_has_claimed_is_left_to_it(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn", "b@example.gov.vn")
    prepare_notices("botnet_batch", "batch-12", {unit.pk: content()})
    now = timezone.now()
    held_by_other_run = claim_due(now, size=1)

    assert len(held_by_other_run) == 1
    assert deliver_pending(now=now).sent == 1  # only the one not claimed
    assert claim_due(now, size=10) == []
    others = {"a@example.gov.vn", "b@example.gov.vn"} - {held_by_other_run[0].recipient}
    assert [str(message["To"]) for message in smtp.messages()] == sorted(others)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_senders_racing_on_postgresql_send_each_delivery_exactly_once(smtp: SmtpServer) -> None:
    units = [unit_with_focal_points(f"u{index}a@example.gov.vn", f"u{index}b@example.gov.vn") for index in range(20)]
    prepare_notices("botnet_batch", "race", {unit.pk: content() for unit in units})
    start, reports = threading.Barrier(4), []

    def sender() -> None:
        try:
            start.wait()
            reports.append(deliver_pending())
        finally:
            connection.close()

    racers = [threading.Thread(target=sender) for _ in range(4)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(60)

    assert sum(report.sent for report in reports) == 40 and len(reports) == 4
    addresses = [str(message["To"]) for message in smtp.messages()]
    assert len(addresses) == 40 and len(set(addresses)) == 40
    assert set(Delivery.objects.filter(channel=DeliveryChannel.EMAIL).values_list("state", "attempts")) == {
        (DeliveryState.SENT, 1)}


def test_a_claim_left_by_a_sender_that_died_is_sent_after_a_while_with_the_same_message_id(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn")
    prepare_notices("botnet_batch", "batch-13", {unit.pk: content()})
    now = timezone.now()
    [claimed] = claim_due(now, size=5)  # and then the process died

    assert deliver_pending(now=now + datetime.timedelta(minutes=5)).sent == 0
    report = deliver_pending(now=now + STALE_CLAIM + datetime.timedelta(seconds=1))

    assert (report.recovered, report.sent) == (1, 1)
    assert [message["Message-ID"] for message in smtp.messages()] == [claimed.message_id]


def test_a_unit_that_asked_not_to_be_notified_gets_no_email_but_its_notice_is_in_the_console(
        smtp: SmtpServer) -> None:
    quiet = unit_with_focal_points("quiet@example.gov.vn")
    PreferenceFactory(unit=quiet, do_not_notify=True, extra_recipients="extra@example.gov.vn")

    prepared = prepare_notices("botnet_batch", "batch-14", {quiet.pk: content()})
    deliver_pending()

    notice = Notice.objects.get(unit=quiet)
    assert notice.email_skipped == "do_not_notify" and prepared.counts()["do_not_notify"] == 1
    assert [delivery.channel for delivery in notice.deliveries.all()] == [DeliveryChannel.IN_APP]
    assert smtp.messages() == []


def test_deliveries_prepared_before_a_unit_opted_out_are_cancelled_not_sent(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn")
    prepare_notices("botnet_batch", "batch-15", {unit.pk: content()})
    PreferenceFactory(unit=unit, do_not_notify=True)

    assert deliver_pending().cancelled == 1
    assert email_deliveries()[0].state == DeliveryState.CANCELLED
    assert smtp.messages() == []


def test_the_same_warning_is_prepared_and_sent_only_once(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn")
    first = prepare_notices("botnet_batch", "batch-16", {unit.pk: content()})
    again = prepare_notices("botnet_batch", "batch-16", {unit.pk: content("Another wording")})
    deliver_pending()

    assert len(first.created) == 1 and again.created == [] and again.counts()["already_notified"] == 1
    assert Notice.objects.count() == 1 and len(email_deliveries()) == 1
    assert len(smtp.messages()) == 1
    assert len(prepare_notices("botnet_batch", "batch-17", {unit.pk: content()}).created) == 1  # a new batch


def test_re_sending_on_demand_sends_the_notice_again_to_the_current_recipients(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn")
    prepared = prepare_notices("botnet_batch", "batch-18", {unit.pk: content()})
    deliver_pending()
    ContactFactory(unit=unit, email="new@example.gov.vn", focal_point=True)

    resend(Notice.objects.get(pk=prepared.created[0]))
    deliver_pending()

    assert sorted(str(message["To"]) for message in smtp.messages()) == [
        "a@example.gov.vn", "a@example.gov.vn", "new@example.gov.vn"]
    assert [subject(message) for message in smtp.messages()] == [SUBJECT] * 3


def test_a_daily_digest_holds_the_warnings_until_seven_and_sends_them_as_one_message(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn")
    PreferenceFactory(unit=unit, digest="daily")
    evening = timezone.make_aware(datetime.datetime(2026, 11, 23, 20, 0))
    prepare_notices("botnet_batch", "batch-19", {unit.pk: content("Đợt 19")}, now=evening)
    prepare_notices("advisory", "CVE-2026-0001", {unit.pk: NoticeContent("Lỗ hổng nghiêm trọng", "Cập nhật ngay.\n")},
                    now=evening)
    seven = timezone.make_aware(datetime.datetime(2026, 11, 24, 7, 0))
    assert {delivery.next_attempt_at for delivery in email_deliveries()} == {seven}

    assert deliver_pending(now=evening + datetime.timedelta(hours=1)).sent == 0
    assert deliver_pending(now=seven).sent == 2

    [message] = smtp.messages()
    assert unit.name in subject(message)
    text = text_of(message)
    assert "Đợt 19" in text and "Lỗ hổng nghiêm trọng" in text and "Cập nhật ngay." in text
    assert [part.get_filename() for part in message.iter_attachments()] == ["botnet-2026-10.csv"]
    assert {delivery.message_id for delivery in email_deliveries()} == {message["Message-ID"]}


def test_an_html_version_travels_as_an_alternative_and_names_stay_as_typed(smtp: SmtpServer) -> None:
    unit = unit_with_focal_points("a@example.gov.vn")
    title = "Cảnh báo <script>alert(1)</script> & đơn vị A&B"
    prepare_notices("botnet_batch", "batch-20", {unit.pk: content(title, html="<p>Kính gửi</p>")})
    deliver_pending()

    [message] = smtp.messages()
    assert subject(message) == title
    assert message.get_body(("html",)).get_content().strip() == "<p>Kính gửi</p>"  # type: ignore[union-attr]


def test_without_a_mail_server_configured_nothing_is_tried(settings: Any) -> None:
    settings.EMAIL_HOST = ""
    unit = unit_with_focal_points("a@example.gov.vn")
    prepare_notices("botnet_batch", "batch-21", {unit.pk: content()})

    assert deliver_pending().as_dict() == {"sent": 0, "retrying": 0, "failed": 0, "cancelled": 0, "recovered": 0}
    delivery = email_deliveries()[0]
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.PENDING, 0, "")


def test_the_notice_keeps_its_source_and_each_unit_gets_its_own(smtp: SmtpServer) -> None:
    first, second = unit_with_focal_points("a@example.gov.vn"), unit_with_focal_points("b@example.gov.vn")
    prepared = prepare_notices("botnet_batch", "batch-22", {first.pk: content("A"), second.pk: content("B")},
                               source=SourceRef("intel", "feedbatch", "22"))
    deliver_pending()

    assert {(notice.unit_id, notice.subject, notice.source_app, notice.source_model, notice.source_id)
            for notice in Notice.objects.all()} == {(first.pk, "A", "intel", "feedbatch", "22"),
                                                    (second.pk, "B", "intel", "feedbatch", "22")}
    assert len(prepared.created) == 2
    assert {(str(message["To"]), subject(message)) for message in smtp.messages()} == {
        ("a@example.gov.vn", "A"), ("b@example.gov.vn", "B")}


def test_starttls_refuses_a_server_whose_certificate_nobody_trusts_and_sends_once_it_is_trusted(
        tls_smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch) -> None:
    unit = unit_with_focal_points("a@example.gov.vn")
    prepare_notices("botnet_batch", "batch-23", {unit.pk: content()})
    now = timezone.now()

    assert deliver_pending(now=now).retrying == 1
    delivery = email_deliveries()[0]
    assert delivery.state == DeliveryState.PENDING and "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert tls_smtp.messages() == []

    assert tls_smtp.certificate is not None
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_smtp.certificate[0]))  # as an office trusting its own authority
    assert deliver_pending(now=now + datetime.timedelta(minutes=1)).sent == 1
    assert [str(message["To"]) for message in tls_smtp.messages()] == ["a@example.gov.vn"]
