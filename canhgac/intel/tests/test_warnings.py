"""Warnings to units after a batch, end to end against a real SMTP server process (aiosmtpd): a preview that writes
nothing, one message per unit with a CSV of its own addresses only (formula-safe), preferences respected, nothing
sent twice whatever is re-imported, re-run or pressed again, nothing lost while the mail server is down; the
automatic mode of a source; and the SOC's page (who sees it, who may send)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from canhgac.constituency.models import Asset
from canhgac.constituency.services import save_asset
from canhgac.constituency.tests.factories import ContactFactory, NetblockFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import Job
from canhgac.intel.models import FeedBatch, FeedSource
from canhgac.intel.services import create_feed_job
from canhgac.intel.ui.warnings import warnings_link_context
from canhgac.intel.warnings import JOB_KIND as WARNINGS_JOB
from canhgac.intel.warnings import KIND, affected_units, preview_warnings, send_warnings, warning_status
from canhgac.notifications.models import Delivery, DeliveryChannel, DeliveryState, Notice
from canhgac.notifications.services import deliver_pending, resend
from canhgac.notifications.tests.factories import PreferenceFactory
from canhgac.notifications.tests.smtp import SmtpServer, free_port

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = (b"ip,malware,port\n"
        b"203.113.5.7,mirai,23\n"
        b"203.113.5.8,\"=HYPERLINK(\"\"http://evil.example\"\")\",445\n"
        b"203.113.128.9,conficker,445\n"
        b"14.160.0.5,emotet,8080\n"
        b"8.8.8.8,mirai,23\n")


@pytest.fixture(autouse=True)
def english_console(client: Any, settings: Any) -> None:
    """The console's pages in English too (the assertions read English source messages)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def smtp(settings: Any, tmp_path: Path) -> Iterator[SmtpServer]:
    """The notifications tests' real SMTP server on a free port, and settings that send to it."""
    server = SmtpServer(free_port(), tmp_path / "mailbox")
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Canh Gác <soc@canhgac.example>"
    server.start()
    yield server
    server.stop()


@pytest.fixture
def registry(province: Any) -> Any:
    """Three units with blocks; the sub-unit's own block is nested in its parent's. Focal points everywhere;
    the hospital asked not to be e-mailed; the sub-unit wants a daily digest and an extra recipient."""
    NetblockFactory(unit=province.own_unit, block="203.113.0.0/16")
    NetblockFactory(unit=province.own_subunit, block="203.113.128.0/24")
    NetblockFactory(unit=province.other_unit, block="14.160.0.0/16")
    ContactFactory(unit=province.own_unit, email="daumoi@so-tttt.example.gov.vn", focal_point=True)
    ContactFactory(unit=province.own_unit, email="khong-phai@so-tttt.example.gov.vn", focal_point=False)
    ContactFactory(unit=province.own_subunit, email="daumoi@tt-cntt.example.gov.vn", focal_point=True)
    ContactFactory(unit=province.other_unit, email="daumoi@bv-dk.example.gov.vn", focal_point=True)
    PreferenceFactory(unit=province.other_unit, do_not_notify=True)
    PreferenceFactory(unit=province.own_subunit, digest="daily", extra_recipients="lanhdao@tt-cntt.example.gov.vn")
    portal = Asset(unit=province.own_unit, name="Cổng thông tin điện tử", role="web_portal",
                   ip_addresses="203.113.5.7")
    save_asset(portal, None, None)
    return province


def imported(content: bytes = LIST, period: str = "2026-03", source: str = "vncert-botnet") -> FeedBatch:
    job = jobs.execute(create_feed_job(content, source, "123/VNCERT", period, None, filename="botnet.csv").pk)
    assert job.state == "succeeded", job.error
    return FeedBatch.objects.get(pk=job.result["batch"])


def rows_of(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel reads the Vietnamese header as UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_preview_shows_each_units_recipients_message_and_own_csv_and_writes_nothing(registry: Any) -> None:
    batch = imported()

    plans = {plan.unit_id: plan for plan in preview_warnings(batch, affected_units(batch)).plans}

    assert Notice.objects.count() == 0 and Delivery.objects.count() == 0
    own, sub, other = registry.own_unit, registry.own_subunit, registry.other_unit
    assert plans[own.pk].recipients == ["daumoi@so-tttt.example.gov.vn"]
    assert sorted(plans[sub.pk].recipients) == ["daumoi@tt-cntt.example.gov.vn", "lanhdao@tt-cntt.example.gov.vn"]
    assert plans[sub.pk].digest == "daily"
    assert (plans[other.pk].recipients, plans[other.pk].email_skipped) == ([], "do_not_notify")
    content = plans[own.pk].content
    assert "2" in content.subject and "2026-03" in content.subject and own.name in content.subject
    assert "203.113.5.7" in content.body and "203.113.128.9" not in content.body
    assert "http://127.0.0.1:8000/findings/" in content.body.split()  # absolute, from CANHGAC_SITE_URL
    rows = rows_of(content.attachments[0].content)
    assert [row[0] for row in rows[1:]] == ["203.113.5.7", "203.113.5.8"]  # its own addresses, not its sub-unit's
    assert rows[1][4:] == ["mirai", "23", "Cổng thông tin điện tử"]
    assert rows[2][4] == "'=HYPERLINK(\"http://evil.example\")"  # a formula from the feed is kept as text
    assert content.attachments[0].name == f"canhgac-vncert-botnet-2026-03-{own.code}.csv"


def test_warnings_go_once_per_unit_whatever_is_imported_run_or_pressed_again(registry: Any, smtp: SmtpServer
                                                                              ) -> None:
    batch = imported()

    counts = send_warnings(batch).counts()
    report = deliver_pending()

    assert (counts["created"], counts["emails"], counts["do_not_notify"]) == (3, 3, 1)
    assert report.sent == 1  # the sub-unit's two wait for its daily digest; the hospital gets none
    [message] = smtp.messages()
    assert str(message["To"]) == "daumoi@so-tttt.example.gov.vn"
    attachment = next(message.iter_attachments())
    assert [row[0] for row in rows_of(attachment.get_content().encode("utf-8"))[1:]] == ["203.113.5.7",
                                                                                        "203.113.5.8"]
    held = Delivery.objects.filter(notice__unit=registry.own_subunit, channel=DeliveryChannel.EMAIL)
    assert {(delivery.state, delivery.digest) for delivery in held} == {(DeliveryState.PENDING, True)}
    assert Notice.objects.filter(kind=KIND, unit=registry.other_unit).get().email_skipped == "do_not_notify"

    again = imported()  # the same file again: the same batch
    rerun = jobs.execute(create_feed_job(LIST, "other-name", "", "2026-04", None, filename="copy.csv").pk)
    assert again == batch and rerun.result["duplicate"]
    assert send_warnings(again).counts()["created"] == 0
    assert Notice.objects.filter(kind=KIND).count() == 3
    assert deliver_pending().sent == 0 and len(smtp.messages()) == 1
    assert warning_status(batch).waiting == 0


def test_with_the_mail_server_stopped_no_warning_is_lost_or_sent_twice(registry: Any, smtp: SmtpServer) -> None:
    ContactFactory(unit=registry.own_unit, email="pho-daumoi@so-tttt.example.gov.vn", focal_point=True)
    batch = imported()
    send_warnings(batch)
    smtp.stop()
    now = timezone.now()

    down = deliver_pending(now=now)

    assert (down.sent, down.retrying) == (0, 2)
    waiting = Delivery.objects.filter(channel=DeliveryChannel.EMAIL, notice__unit=registry.own_unit)
    assert {(delivery.state, delivery.attempts) for delivery in waiting} == {(DeliveryState.PENDING, 1)}
    assert all("ConnectionRefusedError" in delivery.last_error for delivery in waiting)
    assert send_warnings(batch).counts()["created"] == 0  # pressing again while it waits adds nothing

    smtp.start()
    back = deliver_pending(now=now + datetime.timedelta(minutes=1))
    later = deliver_pending(now=now + datetime.timedelta(hours=2))

    assert (back.sent, later.sent) == (2, 0)
    assert sorted(str(message["To"]) for message in smtp.messages()) == [
        "daumoi@so-tttt.example.gov.vn", "pho-daumoi@so-tttt.example.gov.vn"]
    assert {(delivery.state, delivery.attempts) for delivery in waiting.all()} == {(DeliveryState.SENT, 2)}


def test_a_warning_is_re_sent_on_demand_with_its_csv(registry: Any, smtp: SmtpServer) -> None:
    batch = imported()
    send_warnings(batch, [registry.own_unit.pk])
    deliver_pending()
    notice = Notice.objects.get(kind=KIND, unit=registry.own_unit)

    resend(notice)
    deliver_pending()

    first, second = smtp.messages()
    assert first["Subject"] == second["Subject"] and first["Message-ID"] != second["Message-ID"]
    assert [part.get_filename() for part in second.iter_attachments()] == [notice.attachments.get().name]


def test_the_csv_tells_when_the_source_first_and_last_listed_each_address_and_how_often(registry: Any) -> None:
    march = imported(b"203.113.5.7\n", "2026-03")
    FeedBatch.objects.filter(pk=march.pk).update(received_at=timezone.now() - datetime.timedelta(days=60))
    april = imported(b"203.113.5.7\n203.113.5.9\n", "2026-04")
    FeedBatch.objects.filter(pk=april.pk).update(received_at=timezone.now() - datetime.timedelta(days=30))
    imported(b"203.113.5.7\n203.113.5.9\n203.113.5.10\n", "2026-05")
    april.refresh_from_db()

    plan = preview_warnings(april, [registry.own_unit.pk]).plans[0]

    rows = rows_of(plan.content.attachments[0].content)
    day = lambda days: timezone.localtime(timezone.now() - datetime.timedelta(days=days)).strftime("%Y-%m-%d")  # noqa: E731
    assert rows[1][:4] == ["203.113.5.7", day(60), day(30), "2"]  # the May list is later than this warning
    assert rows[2][:4] == ["203.113.5.9", day(30), day(30), "1"]
    assert "203.113.5.9" in plan.content.body and "203.113.5.10" not in plan.content.body


def test_a_source_that_warns_at_once_sends_with_the_import_and_not_again_on_a_rerun(registry: Any) -> None:
    FeedSource.objects.create(name="trusted", auto_warn=True)
    content = b"203.113.5.7\n14.160.0.5\n"
    first = jobs.execute(create_feed_job(content, "trusted", "", "2026-03", None, filename="a.txt").pk)
    rerun = jobs.execute(create_feed_job(content, "trusted", "", "2026-03", None, filename="a.txt").pk)

    assert first.result["warnings"]["created"] == 2
    assert rerun.result["duplicate"] and rerun.result["warnings"]["created"] == 0
    assert Notice.objects.filter(kind=KIND).count() == 2
    assert "warnings" not in imported(b"203.113.5.8\n").job.result  # type: ignore[union-attr]


def test_the_batch_warnings_page_previews_and_sends_for_the_soc_only(registry: Any, users: dict, login: Any
                                                                     ) -> None:
    batch = imported()
    url = reverse("intel:batch_warnings", kwargs={"pk": batch.pk})

    page = login(users[Role.SOC_ANALYST]).get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "daumoi@so-tttt.example.gov.vn" in text and "khong-phai@" not in text
    assert "The unit asked not to be notified by e-mail" in text
    assert "203.113.5.7" in text and "Cổng thông tin điện tử" in text
    assert 'id="send-warnings"' in text and Notice.objects.count() == 0

    analyst = login(users[Role.SOC_ANALYST])
    started = analyst.post(url)
    job = Job.objects.get(kind=WARNINGS_JOB)
    assert started.status_code == 302 and started["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (job.params, job.created_by) == ({"batch": batch.pk}, users[Role.SOC_ANALYST])
    assert jobs.execute(job.pk).result["created"] == 3
    assert Notice.objects.filter(kind=KIND).count() == 3
    result = analyst.get(started["Location"]).content.decode()
    assert 'id="result-warnings"' in result and url in result
    assert 'id="send-warnings"' not in analyst.get(url).content.decode()
    again = login(users[Role.SOC_ADMIN]).post(url, follow=True)
    assert "nothing was sent twice" in again.content.decode() and Notice.objects.count() == 3
    assert Job.objects.filter(kind=WARNINGS_JOB).count() == 1

    auditor = login(users[Role.AUDITOR])
    assert auditor.get(url).status_code == 200 and auditor.post(url).status_code == 403
    officer = login(users[Role.UNIT_OFFICER])
    assert officer.get(url).status_code == 403 and officer.post(url).status_code == 403


def test_a_batch_outside_every_unit_has_nobody_to_warn(registry: Any, users: dict, login: Any) -> None:
    batch = imported(b"8.8.8.8\n1.1.1.1\n")
    url = reverse("intel:batch_warnings", kwargs={"pk": batch.pk})
    analyst = login(users[Role.SOC_ANALYST])
    assert 'id="no-units"' in analyst.get(url).content.decode()
    assert "nobody to warn" in analyst.post(url, follow=True).content.decode()
    assert not Job.objects.filter(kind=WARNINGS_JOB).exists() and not Notice.objects.exists()


def test_the_batch_page_hook_links_the_soc_to_the_warnings(registry: Any, users: dict) -> None:
    batch = imported()
    send_warnings(batch, [registry.own_unit.pk])

    html = render_to_string("intel/_batch_warnings_link.html",
                            {"batch": batch, **warnings_link_context(batch, users[Role.AUDITOR])})

    assert reverse("intel:batch_warnings", kwargs={"pk": batch.pk}) in html and "1 of 3 units warned" in html
    assert warnings_link_context(batch, users[Role.UNIT_OFFICER]) == {}
