"""Preparing notices: who receives them, preview without writing, one per unit and key, re-send and preferences."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.template import TemplateDoesNotExist, engines
from django.utils import timezone

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.tests.factories import ContactFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.core.audit import snapshot
from canhgac.core.models import AuditEntry
from canhgac.notifications.content import Attachment, NoticeContent, render_notice
from canhgac.notifications.models import Delivery, DeliveryChannel, DeliveryState, Notice, NoticeAttachment
from canhgac.notifications.services import (
    mark_read,
    next_digest_at,
    preference_of,
    prepare_notices,
    preparing,
    resend,
    save_preference,
)
from canhgac.notifications.services.delivering import claim_due
from canhgac.notifications.tests.factories import DeliveryFactory, NoticeFactory, PreferenceFactory

pytestmark = pytest.mark.django_db

CSV = Attachment("ip.csv", "text/csv", b"ip\r\n203.113.1.5\r\n")


def warning(subject: str = "Cảnh báo botnet") -> NoticeContent:
    return NoticeContent(subject, "Kính gửi đơn vị.\n", attachments=(CSV,))


def test_a_preview_shows_every_message_and_its_recipients_and_writes_nothing() -> None:
    told, quiet, nobody = UnitFactory(), UnitFactory(), UnitFactory()
    ContactFactory(unit=told, email="a@example.gov.vn")
    PreferenceFactory(unit=quiet, do_not_notify=True)

    preview = prepare_notices("botnet_batch", "b1", {told.pk: warning("A"), quiet.pk: warning("B"),
                                                     nobody.pk: warning("C")}, preview=True)

    assert Notice.objects.count() == Delivery.objects.count() == NoticeAttachment.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    by_unit = {plan.unit_id: plan for plan in preview.plans}
    assert by_unit[told.pk].recipients == ["a@example.gov.vn"] and by_unit[told.pk].content.subject == "A"
    assert by_unit[quiet.pk].email_skipped == "do_not_notify" and by_unit[quiet.pk].recipients == []
    assert by_unit[nobody.pk].email_skipped == "no_recipients"
    assert preview.created == []
    assert preview.counts() == {"units": 3, "created": 0, "already_notified": 0, "emails": 1, "do_not_notify": 1,
                                "no_recipients": 1}


def test_a_preview_after_sending_says_which_units_were_already_told() -> None:
    unit = UnitFactory()
    prepare_notices("botnet_batch", "b2", {unit.pk: warning()})
    again = prepare_notices("botnet_batch", "b2", {unit.pk: warning()}, preview=True)
    assert [plan.already_notified for plan in again.plans] == [True]


def test_each_notice_is_recorded_in_the_audit_trail_with_its_unit() -> None:
    unit = UnitFactory()
    prepared = prepare_notices("botnet_batch", "b3", {unit.pk: warning()})
    entry = AuditEntry.objects.get(object_type="notifications.notice")
    assert (entry.action, entry.object_id, entry.unit_id) == ("create", str(prepared.created[0]), unit.pk)


def test_a_call_racing_another_for_the_same_key_creates_nothing_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    unit = UnitFactory()
    plans_before_the_other_call = preparing.plan_notices("botnet_batch", "b4", {unit.pk: warning()})
    prepare_notices("botnet_batch", "b4", {unit.pk: warning()})  # the other call wins the race
    monkeypatch.setattr(preparing, "plan_notices", lambda *args: plans_before_the_other_call)

    late = prepare_notices("botnet_batch", "b4", {unit.pk: warning()})

    assert late.created == [] and late.plans[0].already_notified
    assert Notice.objects.count() == 1 and NoticeAttachment.objects.count() == 1


def test_an_unknown_unit_is_refused_before_anything_is_written() -> None:
    unit = UnitFactory()
    with pytest.raises(ValueError, match="999999"):
        prepare_notices("botnet_batch", "b5", {unit.pk: warning(), 999999: warning()})
    assert Notice.objects.count() == 0


def test_the_attachment_is_kept_whole_in_the_database() -> None:
    unit = UnitFactory()
    big = bytes(range(256)) * 4096
    prepare_notices("botnet_batch", "b6", {unit.pk: NoticeContent("s", "b", attachments=(
        Attachment("dump.bin", "application/octet-stream", big),))})
    stored = NoticeAttachment.objects.get()
    assert bytes(stored.content) == big and stored.size == len(big)


@pytest.mark.parametrize(("interval", "made", "leaves"), [
    ("none", "2026-11-23 20:00", None),
    ("daily", "2026-11-23 20:00", "2026-11-24 07:00"),
    ("daily", "2026-11-23 06:59", "2026-11-23 07:00"),
    ("daily", "2026-11-23 07:00", "2026-11-24 07:00"),
    ("weekly", "2026-11-23 06:00", "2026-11-23 07:00"),  # a Monday
    ("weekly", "2026-11-23 08:00", "2026-11-30 07:00"),
    ("weekly", "2026-11-26 12:00", "2026-11-30 07:00"),
])
def test_digests_leave_at_seven_in_the_morning_local_time(interval: str, made: str, leaves: str | None) -> None:
    def local(text: str) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.strptime(text, "%Y-%m-%d %H:%M"))

    assert next_digest_at(interval, local(made)) == (local(leaves) if leaves else None)


def test_re_sending_replaces_waiting_deliveries_and_is_audited() -> None:
    unit = UnitFactory()
    ContactFactory(unit=unit, email="a@example.gov.vn")
    prepared = prepare_notices("botnet_batch", "b7", {unit.pk: warning()})
    notice = Notice.objects.get(pk=prepared.created[0])

    new = resend(notice)

    assert [delivery.recipient for delivery in new] == ["a@example.gov.vn"]
    states = list(notice.deliveries.filter(channel=DeliveryChannel.EMAIL).order_by("pk").values_list("state",
                                                                                                     flat=True))
    assert states == [DeliveryState.CANCELLED, DeliveryState.PENDING]
    entry = AuditEntry.objects.filter(object_type="notifications.notice", action="update").get()
    assert entry.changes == {"resent_to": [None, ["a@example.gov.vn"]]}


def test_re_sending_is_refused_with_the_reason_when_nobody_may_or_can_receive_it() -> None:
    notice = NoticeFactory()
    with pytest.raises(ValidationError, match="no focal point"):
        resend(notice)
    PreferenceFactory(unit=notice.unit, do_not_notify=True, extra_recipients="x@example.gov.vn")
    with pytest.raises(ValidationError, match="asked not to be notified"):
        resend(notice)
    assert not notice.deliveries.exists()


def test_a_notice_made_without_recipients_loses_that_mark_once_re_sent() -> None:
    unit = UnitFactory()
    prepared = prepare_notices("botnet_batch", "b8", {unit.pk: warning()})
    notice = Notice.objects.get(pk=prepared.created[0])
    assert notice.email_skipped == "no_recipients"
    ContactFactory(unit=unit, email="new@example.gov.vn")
    resend(notice)
    notice.refresh_from_db()
    assert notice.email_skipped == ""


def test_marking_read_and_unread_records_who_when_and_an_audit_entry(province: Any) -> None:
    officer = UserFactory(role=Role.UNIT_OFFICER, units=[province.own_unit])
    notice = NoticeFactory(unit=province.own_unit)

    assert mark_read(notice, officer) is True
    assert notice.read_at is not None and notice.read_by == officer
    assert mark_read(notice, officer) is False  # already read: nothing written
    assert mark_read(notice, officer, read=False) is True and notice.read_at is None
    assert AuditEntry.objects.filter(object_type="notifications.notice").count() == 2


def test_preferences_are_validated_normalised_and_audited() -> None:
    unit = UnitFactory()
    preference = preference_of(unit)
    assert preference.pk is None and not preference.do_not_notify  # defaults until someone sets them

    preference.extra_recipients = " a@example.gov.vn, b@example.gov.vn\n\n"
    assert save_preference(preference, None) is True
    assert preference.extra_recipients == "a@example.gov.vn\nb@example.gov.vn"

    before = snapshot(preference)
    preference.extra_recipients = "a@example.gov.vn\nnot an address <script>"
    with pytest.raises(ValidationError, match="not an e-mail address"):
        save_preference(preference, before)
    preference.extra_recipients = "\n".join(f"p{index}@example.gov.vn" for index in range(21))
    with pytest.raises(ValidationError, match="At most 20"):
        save_preference(preference, before)
    preference.extra_recipients = "x" * 250 + "@example.gov.vn"
    with pytest.raises(ValidationError, match="not an e-mail address"):
        save_preference(preference, before)
    assert AuditEntry.objects.filter(object_type="notifications.unitnotificationpreference").count() == 1


def test_render_notice_keeps_plain_text_unescaped_and_escapes_the_html(monkeypatch: pytest.MonkeyPatch) -> None:
    sources = {"n/w_subject.txt": "Cảnh báo cho {{ unit }}\n", "n/w.txt": "Kính gửi {{ unit }}:\n{{ count }} IP.",
               "n/w.html": "<p>Kính gửi {{ unit }}</p>"}
    engine = engines["django"]

    def get_template(name: str) -> Any:
        if name not in sources:
            raise TemplateDoesNotExist(name)
        return engine.from_string(sources[name])

    monkeypatch.setattr(engine, "get_template", get_template)

    content = render_notice("n/w", {"unit": "Sở A & B <x>", "count": 3}, (CSV,))

    assert content.subject == "Cảnh báo cho Sở A & B <x>"
    assert content.body == "Kính gửi Sở A & B <x>:\n3 IP.\n"
    assert content.body_html == "<p>Kính gửi Sở A &amp; B &lt;x&gt;</p>"
    assert content.attachments == (CSV,)


def test_the_smtp_password_is_never_printed_by_canhgac_config(monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CANHGAC_SMTP_PASSWORD", "mật-khẩu-thư")
    call_command("config", "--json")
    out = capsys.readouterr().out
    assert "mật-khẩu-thư" not in out and '"CANHGAC_SMTP_PASSWORD"' in out


def test_deliveries_are_never_claimed_for_the_console_channel() -> None:
    DeliveryFactory(channel=DeliveryChannel.IN_APP, recipient="", state=DeliveryState.PENDING)
    assert claim_due(timezone.now(), 10) == []


def test_a_notice_to_the_soc_goes_to_its_active_users_and_the_operator_once_and_units_are_unchanged() -> None:
    from canhgac.constituency.models import Operator

    UserFactory(username="a", role=Role.SOC_ADMIN, email="Admin@soc.gov.vn")
    UserFactory(username="b", role=Role.SOC_ANALYST, email="analyst@soc.gov.vn")
    UserFactory(username="c", role=Role.SOC_ANALYST, email="")
    UserFactory(username="d", role=Role.SOC_ANALYST, email="gone@soc.gov.vn", is_active=False)
    UserFactory(username="e", role=Role.UNIT_OFFICER, email="officer@unit.gov.vn")
    UserFactory(username="f", role=Role.AUDITOR, email="auditor@soc.gov.vn")
    Operator.objects.create(governing_body="UBND", name="Sở KH&CN", abbreviation="SKHCN", province="P",
                            place="P", email="admin@soc.gov.vn")
    unit = UnitFactory()
    ContactFactory(unit=unit, email="focal@unit.gov.vn")

    prepared = prepare_notices("duty_gap", "g1", {None: warning("SOC"), unit.pk: warning("Unit")})

    soc = Notice.objects.get(unit__isnull=True)
    emails = set(soc.deliveries.filter(channel=DeliveryChannel.EMAIL).values_list("recipient", flat=True))
    assert emails == {"Admin@soc.gov.vn", "analyst@soc.gov.vn"}  # the operator's address once, case aside
    assert soc.subject == "SOC" and soc.email_skipped == "" and len(prepared.created) == 2
    told = Notice.objects.get(unit=unit)
    assert list(told.deliveries.filter(channel=DeliveryChannel.EMAIL).values_list("recipient", flat=True)) == [
        "focal@unit.gov.vn"]
    again = prepare_notices("duty_gap", "g1", {None: warning("SOC"), unit.pk: warning("Unit")})
    assert again.created == [] and all(plan.already_notified for plan in again.plans)
    assert Notice.objects.count() == 2
    entry = AuditEntry.objects.get(object_type="notifications.notice", object_id=str(soc.pk))
    assert entry.unit_id is None


def test_a_notice_to_the_soc_without_any_address_says_so_and_re_sending_it_is_refused() -> None:
    UserFactory(role=Role.SOC_ANALYST, email="")
    prepare_notices("duty_gap", "g2", {None: warning()})
    notice = Notice.objects.get()
    assert notice.unit_id is None and notice.email_skipped == "no_soc_address"
    assert not notice.deliveries.filter(channel=DeliveryChannel.EMAIL).exists()
    with pytest.raises(ValidationError, match="operator"):
        resend(notice)
    UserFactory(role=Role.SOC_ADMIN, email="late@soc.gov.vn")
    assert [delivery.recipient for delivery in resend(notice)] == ["late@soc.gov.vn"]
