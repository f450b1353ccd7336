"""The console inbox and settings: who sees which notices, read/unread, re-send, files, the units' settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from canhgac.constituency.tests.factories import ContactFactory
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry
from canhgac.notifications.models import Delivery, DeliveryChannel, DeliveryState, Notice, UnitNotificationPreference
from canhgac.notifications.tests.factories import AttachmentFactory, DeliveryFactory, NoticeFactory, PreferenceFactory

pytestmark = pytest.mark.django_db

ADMIN, ANALYST, OFFICER, AUDITOR = Role.SOC_ADMIN, Role.SOC_ANALYST, Role.UNIT_OFFICER, Role.AUDITOR
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def notices(province: Any) -> dict[str, Notice]:
    return {"own": NoticeFactory(unit=province.own_unit, subject="Cảnh báo cho Sở"),
            "sub": NoticeFactory(unit=province.own_subunit, subject="Cảnh báo cho Trung tâm"),
            "other": NoticeFactory(unit=province.other_unit, subject="Cảnh báo cho Bệnh viện")}


def listed(client: Any, **query: str) -> list[str]:
    response = client.get(reverse("notifications:notice_list"), query)
    assert response.status_code == 200
    return [row.subject for row in response.context["object_list"]]


def test_an_officer_sees_the_notices_of_their_units_and_sub_units_and_the_soc_sees_all(
        login: Any, users: dict, notices: dict[str, Notice]) -> None:
    assert sorted(listed(login(users[OFFICER]))) == ["Cảnh báo cho Sở", "Cảnh báo cho Trung tâm"]
    for role in (ADMIN, ANALYST, AUDITOR):
        assert len(listed(login(users[role]))) == 3


def test_another_units_notice_its_file_and_its_actions_are_hidden_from_an_officer(
        login: Any, users: dict, notices: dict[str, Notice]) -> None:
    client = login(users[OFFICER])
    other = notices["other"]
    attachment = AttachmentFactory(notice=other)
    assert client.get(reverse("notifications:notice_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("notifications:attachment_download", args=[attachment.pk])).status_code == 404
    assert client.post(reverse("notifications:notice_read", args=[other.pk])).status_code == 404
    assert client.post(reverse("notifications:notice_resend", args=[notices["own"].pk])).status_code == 403
    assert client.get(reverse("notifications:notice_detail", args=[99999999999999999999])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None and not Delivery.objects.exists()


def test_an_officer_marks_a_notice_read_and_unread_and_the_inbox_shows_it(
        login: Any, users: dict, notices: dict[str, Notice]) -> None:
    client = login(users[OFFICER])
    notice = notices["own"]
    page = client.get(reverse("notifications:notice_detail", args=[notice.pk])).content.decode()
    assert 'id="mark-read"' in page
    assert listed(client, unread="true") == ["Cảnh báo cho Trung tâm", "Cảnh báo cho Sở"]

    response = client.post(reverse("notifications:notice_read", args=[notice.pk]), {"read": "1"})

    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    notice.refresh_from_db()
    assert notice.read_at is not None and notice.read_by == users[OFFICER]
    assert listed(client, unread="true") == ["Cảnh báo cho Trung tâm"]
    assert listed(client, unread="false") == ["Cảnh báo cho Sở"]
    assert 'id="mark-unread"' in client.get(notice.get_absolute_url()).content.decode()
    client.post(reverse("notifications:notice_read", args=[notice.pk]), {"read": "0"})
    notice.refresh_from_db()
    assert notice.read_at is None
    assert AuditEntry.objects.filter(object_type="notifications.notice", channel="ui").count() == 2


def test_an_auditor_reads_but_may_not_mark_or_re_send(login: Any, users: dict, notices: dict[str, Notice]) -> None:
    client = login(users[AUDITOR])
    page = client.get(notices["own"].get_absolute_url()).content.decode()
    assert 'id="mark-read"' not in page and 'id="resend"' not in page
    assert client.post(reverse("notifications:notice_read", args=[notices["own"].pk])).status_code == 403
    assert client.post(reverse("notifications:notice_resend", args=[notices["own"].pk])).status_code == 403


def test_the_notice_page_shows_each_delivery_with_its_state_attempts_and_error_escaped(
        login: Any, users: dict, notices: dict[str, Notice]) -> None:
    notice = notices["own"]
    Notice.objects.filter(pk=notice.pk).update(subject=HOSTILE, body=f"Kính gửi\n{HOSTILE}")
    DeliveryFactory(notice=notice, recipient="daumoi@example.gov.vn", state=DeliveryState.PENDING, attempts=3,
                    last_error=f"ConnectionRefusedError: {HOSTILE}")
    DeliveryFactory(notice=notice, recipient="refused@example.gov.vn", state=DeliveryState.FAILED, attempts=1,
                    last_error="550 5.1.1 No such mailbox here")
    DeliveryFactory(notice=notice, channel=DeliveryChannel.IN_APP, recipient="", state=DeliveryState.SENT)

    page = login(users[ANALYST]).get(notice.get_absolute_url()).content.decode()

    assert HOSTILE not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "daumoi@example.gov.vn" in page and "550 5.1.1 No such mailbox here" in page
    assert page.count('<tr id="delivery-') == 3
    assert 'id="resend"' in page and 'id="mail-off"' in page  # no mail server in the test settings


def test_the_soc_re_sends_a_notice_to_the_current_focal_points(login: Any, users: dict,
                                                               notices: dict[str, Notice]) -> None:
    client = login(users[ANALYST])
    notice = notices["own"]
    refused = client.post(reverse("notifications:notice_resend", args=[notice.pk]), follow=True)
    assert "no focal point with an e-mail address" in refused.content.decode()
    assert not Delivery.objects.exists()

    ContactFactory(unit=notice.unit, email="daumoi@example.gov.vn", focal_point=True)
    response = client.post(reverse("notifications:notice_resend", args=[notice.pk]), follow=True)

    assert response.redirect_chain[-1][0] == notice.get_absolute_url()
    assert "once a mail server is configured" in response.content.decode()
    delivery = Delivery.objects.get()
    assert (delivery.recipient, delivery.state, delivery.channel) == ("daumoi@example.gov.vn", "pending", "email")
    audit = AuditEntry.objects.get(object_type="notifications.notice")
    assert (audit.actor, audit.channel) == (users[ANALYST], "ui")


@pytest.mark.parametrize(("stored", "served"), [
    ("text/csv", "text/csv"),
    ("text/html", "application/octet-stream"),
    ("image/svg+xml", "application/octet-stream"),
])
def test_an_attachment_downloads_whole_as_a_file_never_as_a_page(login: Any, users: dict, province: Any,
                                                                 stored: str, served: str) -> None:
    attachment = AttachmentFactory(notice__unit=province.own_unit, name='botnet "tháng 10".csv',
                                   content_type=stored, content=b"ip\r\n203.113.1.5\r\n<script>")
    response = login(users[OFFICER]).get(reverse("notifications:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == served
    assert response["Content-Disposition"].startswith("attachment;")
    assert "th%C3%A1ng" in response["Content-Disposition"]
    assert response.content == b"ip\r\n203.113.1.5\r\n<script>"


def test_filters_by_unit_kind_and_email_state(login: Any, users: dict, notices: dict[str, Notice]) -> None:
    DeliveryFactory(notice=notices["own"], state=DeliveryState.FAILED)
    DeliveryFactory(notice=notices["sub"], state=DeliveryState.SENT)
    DeliveryFactory(notice=notices["other"], state=DeliveryState.PENDING)
    Notice.objects.filter(pk=notices["other"].pk).update(kind="advisory")
    client = login(users[ADMIN])

    assert listed(client, email="failed") == ["Cảnh báo cho Sở"]
    assert listed(client, email="sent") == ["Cảnh báo cho Trung tâm"]
    assert listed(client, email="waiting") == ["Cảnh báo cho Bệnh viện"]
    assert listed(client, kind="advisory") == ["Cảnh báo cho Bệnh viện"]
    assert listed(client, unit="so-tttt") == ["Cảnh báo cho Sở"]
    assert sorted(listed(client, unit_tree="SO-TTTT")) == ["Cảnh báo cho Sở", "Cảnh báo cho Trung tâm"]
    assert listed(client, q="Bệnh viện") == ["Cảnh báo cho Bệnh viện"]
    assert len(listed(client, sort="-nonsense", page="999")) == 3  # unknown sort and page out of range: no error


def test_the_inbox_costs_the_same_queries_with_many_notices(login: Any, users: dict, province: Any) -> None:
    client = login(users[ADMIN])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("notifications:notice_list")).status_code == 200
        return len(captured)

    DeliveryFactory(notice=NoticeFactory(unit=province.own_unit))
    few = queries()
    for _ in range(30):
        DeliveryFactory(notice=NoticeFactory(unit=province.other_unit), state=DeliveryState.FAILED)
    assert queries() == few


def test_an_officer_sets_their_units_recipients_and_sees_the_error_of_a_bad_address(
        login: Any, users: dict, province: Any) -> None:
    client = login(users[OFFICER])
    url = reverse("notifications:preference_update", args=[province.own_subunit.pk])
    ContactFactory(unit=province.own_subunit, name="Lê Văn Đầu Mối", email="daumoi@example.gov.vn")
    page = client.get(url).content.decode()
    assert "Lê Văn Đầu Mối" in page and "daumoi@example.gov.vn" in page

    refused = client.post(url, {"extra_recipients": f"ok@example.gov.vn\n{HOSTILE}", "digest": "none"})
    assert refused.status_code == 200 and "is not an e-mail address" in refused.content.decode()
    assert HOSTILE not in refused.content.decode()
    assert not UnitNotificationPreference.objects.exists()

    saved = client.post(url, {"extra_recipients": "lanhdao@example.gov.vn, pho@example.gov.vn",
                              "do_not_notify": "on", "digest": "weekly"})
    assert saved.status_code == 302 and saved["Location"] == reverse("notifications:preference_list")
    preference = UnitNotificationPreference.objects.get(unit=province.own_subunit)
    assert (preference.extra_recipients, preference.do_not_notify, preference.digest) == (
        "lanhdao@example.gov.vn\npho@example.gov.vn", True, "weekly")
    audit = AuditEntry.objects.get(object_type="notifications.unitnotificationpreference")
    assert (audit.actor, audit.action, audit.unit_id) == (users[OFFICER], "create", province.own_subunit.pk)


def test_another_units_settings_are_hidden_from_an_officer_and_closed_to_an_auditor(
        login: Any, users: dict, province: Any) -> None:
    other = reverse("notifications:preference_update", args=[province.other_unit.pk])
    assert login(users[OFFICER]).post(other, {"digest": "none", "do_not_notify": "on"}).status_code == 404
    own = reverse("notifications:preference_update", args=[province.own_unit.pk])
    assert login(users[AUDITOR]).get(own).status_code == 403
    assert not UnitNotificationPreference.objects.exists()


def test_the_settings_list_shows_each_visible_unit_with_its_settings_or_the_defaults(
        login: Any, users: dict, province: Any) -> None:
    PreferenceFactory(unit=province.own_subunit, do_not_notify=True, extra_recipients="a@example.gov.vn")
    ContactFactory(unit=province.own_unit, email="daumoi@example.gov.vn", focal_point=True)
    url = reverse("notifications:preference_list")

    officer = login(users[OFFICER]).get(url)
    assert [unit.code for unit in officer.context["object_list"]] == ["SO-TTTT", "TT-CNTT"]
    page = officer.content.decode()
    assert "a@example.gov.vn" in page and "do not notify" in page
    admin = login(users[ADMIN])
    assert [unit.code for unit in admin.get(url, {"do_not_notify": "true"}).context["object_list"]] == ["TT-CNTT"]
    assert [unit.code for unit in admin.get(url, {"do_not_notify": "false"}).context["object_list"]] == [
        "BV-DK", "SO-TTTT"]
    assert [unit.focal_point_count for unit in admin.get(url, {"unit": "so-tttt"}).context["object_list"]] == [1]
    edit = reverse("notifications:preference_update", args=[province.other_unit.pk])
    assert f'href="{edit}"' in admin.get(url).content.decode()
    auditor = login(users[AUDITOR]).get(url)  # the same test client, signed in as someone else
    assert auditor.context["may_edit"] is False and f'href="{edit}"' not in auditor.content.decode()


def test_the_unit_page_shows_its_notices_and_who_receives_them(login: Any, users: dict, province: Any,
                                                               notices: dict[str, Notice]) -> None:
    ContactFactory(unit=province.own_unit, email="daumoi@example.gov.vn", focal_point=True)
    PreferenceFactory(unit=province.own_unit, extra_recipients="lanhdao@example.gov.vn", digest="daily")

    page = login(users[OFFICER]).get(province.own_unit.get_absolute_url()).content.decode()

    assert 'id="notifications"' in page and "Cảnh báo cho Sở" in page
    assert "Cảnh báo cho Trung tâm" not in page  # the sub-unit's notices are on its own page
    assert "daumoi@example.gov.vn" in page and "lanhdao@example.gov.vn" in page
    assert reverse("notifications:preference_update", args=[province.own_unit.pk]) + "?back=unit" in page


def test_saving_from_the_unit_page_goes_back_to_it(login: Any, users: dict, province: Any) -> None:
    url = reverse("notifications:preference_update", args=[province.own_unit.pk])
    response = login(users[ADMIN]).post(url, {"digest": "daily", "back": "unit"})
    assert response["Location"] == province.own_unit.get_absolute_url()


def test_the_menu_and_the_home_page_lead_to_the_inbox(login: Any, users: dict, notices: dict[str, Notice]) -> None:
    client = login(users[OFFICER])
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("notifications:notice_list") in home and reverse("notifications:preference_list") in home
    assert reverse("notifications:notice_list") + "?unread=true" in home


def test_a_notice_to_the_soc_is_hidden_from_an_officer_and_shown_to_the_soc_and_auditors(
        login: Any, users: dict, notices: dict[str, Notice]) -> None:
    soc = NoticeFactory(unit=None, subject="Gửi SOC: ca trực trống")
    attachment = AttachmentFactory(notice=soc)
    officer = login(users[OFFICER])
    assert "Gửi SOC: ca trực trống" not in listed(officer)
    assert listed(officer, q="SOC") == []
    for name in ("notice_detail", "attachment_download"):
        target = attachment.pk if name == "attachment_download" else soc.pk
        assert officer.get(reverse(f"notifications:{name}", args=[target])).status_code == 404
    assert officer.post(reverse("notifications:notice_read", args=[soc.pk])).status_code == 404
    soc.refresh_from_db()
    assert soc.read_at is None
    for role in (ADMIN, ANALYST, AUDITOR):
        client = login(users[role])
        assert "Gửi SOC: ca trực trống" in listed(client)
        page = client.get(reverse("notifications:notice_detail", args=[soc.pk]))
        assert page.status_code == 200 and 'id="to-soc"' in page.content.decode()
        assert client.get(reverse("notifications:attachment_download", args=[attachment.pk])).status_code == 200
    analyst = login(users[ANALYST])
    assert analyst.post(reverse("notifications:notice_read", args=[soc.pk])).status_code == 302
    soc.refresh_from_db()
    assert soc.read_at is not None and soc.read_by == users[ANALYST]
