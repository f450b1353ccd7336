"""The feed sources console against a real local HTTP server: the SOC adds a source (its URL and interval checked,
with the reason at the field), sees its last pull, error and next due date, switches its schedule, and "pull now"
starts the pull job whose page links to the batch; auditors read the list without its buttons, officers get 403."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from canhgac.constituency.tests.factories import NetblockFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Job, JobState
from canhgac.intel.models import FeedBatch, FeedSource
from canhgac.intel.services.pulling import PULL_JOB, save_source
from canhgac.intel.tests.httpfeed import Answer, FeedServer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = b"203.113.5.7\n203.113.128.9\n8.8.8.8\n"


@pytest.fixture(autouse=True)
def english_console(client: Any, settings: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def analyst(users: dict[Any, Any], login: Any, province: Any) -> Any:
    NetblockFactory(unit=province.own_unit, block="203.113.0.0/16")
    NetblockFactory(unit=province.other_unit, block="203.113.128.0/24")
    return login(users[Role.SOC_ANALYST])


def form(server: FeedServer, **changes: Any) -> dict[str, Any]:
    return {"name": "vncert-botnet", "label": "VNCERT/CC botnet", "category": "botnet", "severity": "high",
            "url": server.url("/botnet.txt"), "pull_format": "", "pull_every": "6h", "pull_enabled": "on",
            "allow_http": "on", "active": "on", "description": "", **changes}


def row_of(html: str, source: FeedSource) -> str:
    return html.split(f'id="source-{source.pk}"')[1].split("</tr>")[0]


def test_the_soc_adds_a_source_then_pulls_it_now_as_a_job_linking_to_the_batch(analyst: Any,
                                                                               server: FeedServer) -> None:
    server.answers["/botnet.txt"] = Answer(LIST, headers={"ETag": '"v1"'})

    response = analyst.post(reverse("intel:source_create"), form(server))

    assert response.status_code == 302 and response["Location"] == reverse("intel:source_list")
    source = FeedSource.objects.get()
    assert (source.url, source.pull_every, source.pull_enabled, source.allow_http) == (
        server.url("/botnet.txt"), datetime.timedelta(hours=6), True, True)
    assert AuditEntry.objects.filter(object_type="intel.feedsource", action="create").count() == 1
    html = analyst.get(reverse("intel:source_list")).content.decode()
    row = row_of(html, source)
    assert server.url("/botnet.txt") in row and ">6h<" in row and "due now" in row and "pull-now" in row

    pulled = analyst.post(reverse("intel:source_pull", args=[source.pk]))

    job = Job.objects.get(kind=PULL_JOB)
    assert pulled["Location"] == reverse("core:job_detail", args=[job.pk]) and server.requests == []
    done = jobs.execute(job.pk)  # as its thread would
    assert done.state == JobState.SUCCEEDED and done.created_by.username == "analyst"
    batch = FeedBatch.objects.get()
    assert (batch.source, batch.matched, batch.units_affected) == (source, 2, 2)
    page = analyst.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert reverse("intel:batch_detail", args=[batch.pk]) in page
    assert reverse("core:job_detail", args=[done.result["job"]]) in page  # the import job
    row = row_of(analyst.get(reverse("intel:source_list")).content.decode(), source)
    assert "due now" not in row and reverse("core:job_detail", args=[job.pk]) in row


def test_pull_now_while_a_pull_is_queued_starts_nothing(analyst: Any, server: FeedServer) -> None:
    source = save_source(FeedSource(name="vncert-botnet", url=server.url("/botnet.txt"), allow_http=True))
    analyst.post(reverse("intel:source_pull", args=[source.pk]))

    again = analyst.post(reverse("intel:source_pull", args=[source.pk]), follow=True)

    assert Job.objects.filter(kind=PULL_JOB).count() == 1
    assert "Another pull of this source is running." in again.content.decode()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"allow_http": ""}, "url", "Only HTTPS addresses are pulled"),
    ({"url": "ftp://feeds.example/botnet.txt"}, "url", "Only HTTPS addresses are pulled"),
    ({"url": "javascript:alert(1)//"}, "url", "Enter a valid URL"),
    ({"url": "", "pull_enabled": "on"}, "url", "needs a URL"),
    ({"pull_every": "1m"}, "pull_every", "at most every 15 minutes"),
    ({"pull_every": "40d"}, "pull_every", "at least every 31 days"),
    ({"pull_every": "fortnight"}, "pull_every", "30m, 6h, 1d, 1w"),
    ({"name": "VNCERT Botnet!"}, "name", "lower-case letters"),
])
def test_a_bad_source_is_shown_again_with_the_reason_at_its_field_and_nothing_is_saved(
        analyst: Any, server: FeedServer, changes: dict[str, str], field: str, message: str) -> None:
    response = analyst.post(reverse("intel:source_create"), form(server, **changes))

    assert response.status_code == 200 and not FeedSource.objects.exists()
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors


def test_an_edit_keeps_the_name_and_switching_the_schedule_off_and_on_is_audited(analyst: Any,
                                                                                server: FeedServer) -> None:
    source = save_source(FeedSource(name="vncert-botnet", url=server.url("/a.txt"), allow_http=True,
                                    pull_enabled=True))

    analyst.post(reverse("intel:source_update", args=[source.pk]),
                 form(server, name="renamed", url=server.url("/b.txt"), pull_every="1w"))
    analyst.post(reverse("intel:source_toggle", args=[source.pk]), {"enabled": "0"})

    source.refresh_from_db()
    assert (source.name, source.url, source.pull_every, source.pull_enabled) == (
        "vncert-botnet", server.url("/b.txt"), datetime.timedelta(weeks=1), False)
    assert AuditEntry.objects.filter(object_type="intel.feedsource", action="update").count() == 2
    row = row_of(analyst.get(reverse("intel:source_list")).content.decode(), source)
    assert 'class="text-nowrap next-due">—<' in row and ">Enable<" in row
    analyst.post(reverse("intel:source_toggle", args=[source.pk]), {"enabled": "1"})
    assert FeedSource.objects.get().pull_enabled


def test_the_list_shows_the_last_error_and_when_a_failed_pull_is_tried_again(analyst: Any,
                                                                             server: FeedServer) -> None:
    pulled = timezone.now() - datetime.timedelta(minutes=10)
    source = save_source(FeedSource(name="vncert-botnet", url=server.url("/a.txt"), allow_http=True,
                                    pull_enabled=True, pull_every=datetime.timedelta(days=1)))
    FeedSource.objects.filter(pk=source.pk).update(pulled_at=pulled, pull_error="<b>answered 503</b>")

    row = row_of(analyst.get(reverse("intel:source_list")).content.decode(), source)

    assert "&lt;b&gt;answered 503&lt;/b&gt;" in row and "<b>answered" not in row
    due = timezone.localtime(pulled + datetime.timedelta(hours=1))
    assert row.split('class="text-nowrap next-due">')[1].startswith(date_format(due, "SHORT_DATETIME_FORMAT"))


def test_auditors_read_the_list_without_its_buttons_and_officers_are_refused(users: dict[Any, Any], login: Any,
                                                                            server: FeedServer) -> None:
    source = save_source(FeedSource(name="vncert-botnet", url=server.url("/a.txt"), allow_http=True))
    auditor = login(users[Role.AUDITOR])
    html = auditor.get(reverse("intel:source_list")).content.decode()
    assert server.url("/a.txt") in html and "pull-now" not in html and 'id="add"' not in html
    assert auditor.post(reverse("intel:source_pull", args=[source.pk])).status_code == 403
    officer = login(users[Role.UNIT_OFFICER])
    assert officer.get(reverse("intel:source_list")).status_code == 403
    assert officer.post(reverse("intel:source_toggle", args=[source.pk]), {"enabled": "1"}).status_code == 403
    assert Job.objects.count() == 0 and server.requests == []
