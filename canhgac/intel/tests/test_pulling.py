"""Scheduled pulls against a real local HTTP server: the periodic task queues a pull job per due source (nothing is
fetched in the schedule's thread); the job fetches and imports the list as a batch by the ordinary import job, asks
conditionally the next time (304: nothing imported), and every failure — an error status, a timeout, a body too
large (declared or not, plain or gzip-encoded), a scheme not allowed — stores nothing and is recorded on the source
for the SOC, then tried again."""

from __future__ import annotations

import datetime
import gzip
import threading
from typing import Any

import httpx
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from canhgac.constituency.tests.factories import NetblockFactory
from canhgac.core import jobs, schedule
from canhgac.core.models import Channel, Job, JobState
from canhgac.core.tests.test_jobs import join_job_threads
from canhgac.intel.models import FeedBatch, FeedSource, Hit
from canhgac.intel.services import fetching
from canhgac.intel.services.pulling import (
    CHECK_EVERY,
    PULL_JOB,
    RETRY_FAILED,
    STALE_PULL,
    pull_due_sources,
    pull_source,
    save_source,
)
from canhgac.intel.tests.httpfeed import Answer, FeedServer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LIST = b"# botnet list\n203.113.5.7\n203.113.128.9\n8.8.8.8\n"
LAST_MODIFIED = "Mon, 02 Mar 2026 01:00:00 GMT"


@pytest.fixture
def blocks(province: Any) -> None:
    NetblockFactory(unit=province.own_unit, block="203.113.0.0/16")
    NetblockFactory(unit=province.other_unit, block="203.113.128.0/24")


def source_for(server: FeedServer, path: str = "/botnet.txt", **fields: Any) -> FeedSource:
    name = fields.pop("name", "vncert-botnet")
    values = {"url": server.url(path), "pull_enabled": True, "allow_http": True, **fields}
    return save_source(FeedSource(name=name, **values))


def run_due(now: datetime.datetime) -> list[dict[str, Any]]:
    """The periodic task, then each pull job it queued run here as its thread or worker would run it: the
    outcomes the jobs recorded. The schedule itself fetches nothing."""
    queued = pull_due_sources(now=now)
    assert [outcome.state for outcome in queued] == ["queued"] * len(queued)
    return [jobs.execute(outcome.job).result for outcome in queued if outcome.job]


def test_a_due_source_is_imported_as_a_batch_then_asked_conditionally(server: FeedServer, blocks: None,
                                                                       settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "Canh Gác <soc@canhgac.example>"
    server.answers["/botnet.txt"] = Answer(LIST, headers={"ETag": '"v1"', "Last-Modified": LAST_MODIFIED})
    source = source_for(server)
    now = timezone.now()

    [outcome] = run_due(now)

    assert outcome["state"] == "imported" and outcome["error"] == ""
    batch = FeedBatch.objects.get()
    assert (batch.source, batch.filename, batch.matched, batch.outside, batch.units_affected) == (
        source, "botnet.txt", 2, 1, 2)
    job = Job.objects.get(pk=outcome["job"])
    assert (job.kind, job.state, job.channel) == ("intel.feed_import", JobState.SUCCEEDED, Channel.SYSTEM)
    asked = server.requests[0].headers
    assert asked["user-agent"].startswith("CanhGac/") and "soc@canhgac.example" in asked["user-agent"]
    assert "if-none-match" not in asked
    source.refresh_from_db()
    assert (source.pulled_at, source.pull_etag, source.pull_last_modified, source.pull_error, source.pull_started_at
            ) == (now, '"v1"', LAST_MODIFIED, "", None)

    assert pull_due_sources(now=now + datetime.timedelta(hours=23)) == []  # not due: the server is not asked
    assert len(server.requests) == 1

    [again] = run_due(now + datetime.timedelta(days=1))
    assert again["state"] == "unchanged"
    assert server.requests[1].headers["if-none-match"] == '"v1"'
    assert server.requests[1].headers["if-modified-since"] == LAST_MODIFIED
    assert FeedBatch.objects.count() == 1
    assert Job.objects.filter(kind="intel.feed_import").count() == 1 and Job.objects.filter(kind=PULL_JOB).count() == 2


def test_the_periodic_task_only_queues_a_job_and_a_waiting_pull_is_not_queued_twice(server: FeedServer,
                                                                                   blocks: None) -> None:
    server.answers["/botnet.txt"] = Answer(LIST)
    source_for(server)
    now = timezone.now()

    [queued] = pull_due_sources(now=now)

    assert queued.state == "queued" and server.requests == [] and FeedBatch.objects.count() == 0
    job = Job.objects.get()
    assert (job.pk, job.kind, job.state, job.channel) == (queued.job, PULL_JOB, JobState.QUEUED, Channel.SYSTEM)
    [waiting] = pull_due_sources(now=now + CHECK_EVERY)  # the worker has not taken the job yet
    assert waiting.state == "busy" and Job.objects.count() == 1
    assert jobs.execute(job.pk).result["state"] == "imported" and FeedBatch.objects.get().matched == 2


def test_a_pull_job_whose_claim_was_taken_over_fetches_nothing(server: FeedServer, blocks: None) -> None:
    server.answers["/botnet.txt"] = Answer(LIST)
    source_for(server)
    now = timezone.now()
    [late] = pull_due_sources(now=now)
    [later] = pull_due_sources(now=now + STALE_PULL + CHECK_EVERY)  # no worker took the first for hours

    stale = jobs.execute(late.job)

    assert later.state == "queued" and stale.state == JobState.FAILED and "took its place" in stale.error
    assert server.requests == [] and FeedBatch.objects.count() == 0
    assert jobs.execute(later.job).result["state"] == "imported" and len(server.requests) == 1


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_schedule_returns_at_once_and_the_pull_runs_in_a_job_thread(
        server: FeedServer, blocks: None, settings: Any) -> None:
    """The schedule's thread also sends the mail: a slow server or a large list must not hold it up. The server
    answers only once the schedule has returned, so a schedule that waited for the pull would get no list (the
    held answer gives up after a minute with a 503) instead of passing on a fast machine."""
    settings.BROKER_URL = ""
    answer_now = threading.Event()
    server.answers["/botnet.txt"] = Answer(LIST, hold=answer_now)
    source = source_for(server)
    try:
        assert schedule.run_task("intel.pull_feeds")
        job = Job.objects.get(kind=PULL_JOB)
        assert FeedBatch.objects.count() == 0 and job.state in (JobState.QUEUED, JobState.RUNNING)
    finally:
        answer_now.set()
    join_job_threads()
    assert Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED
    assert FeedBatch.objects.get().source == source and FeedSource.objects.get().pull_started_at is None


def test_the_same_file_under_a_new_etag_is_recognised_and_not_counted_twice(server: FeedServer,
                                                                             blocks: None) -> None:
    server.answers["/botnet.txt"] = Answer(LIST, headers={"ETag": '"v1"'})
    source = source_for(server)
    first = pull_source(source)
    server.answers["/botnet.txt"] = Answer(LIST, headers={"ETag": '"v2"'})

    second = pull_source(FeedSource.objects.get(pk=source.pk))

    assert (first.state, second.state) == ("imported", "duplicate")
    assert first.batches == second.batches and FeedBatch.objects.count() == 1
    assert Hit.objects.count() == 2


def test_a_server_error_stores_nothing_is_recorded_and_tried_again_within_the_hour(server: FeedServer,
                                                                                   blocks: None) -> None:
    server.answers["/botnet.txt"] = Answer(b"<h1>Internal error</h1>", status=500)
    source = source_for(server, pull_every=datetime.timedelta(days=7))
    now = timezone.now()

    [outcome] = pull_due_sources(now=now)
    failed = jobs.execute(outcome.job)

    assert failed.state == JobState.FAILED and "answered 500" in failed.error and "answered 500" in failed.log
    source.refresh_from_db()
    assert "answered 500" in source.pull_error and FeedBatch.objects.count() == 0
    assert pull_due_sources(now=now + RETRY_FAILED - datetime.timedelta(minutes=1)) == []
    server.answers["/botnet.txt"] = Answer(LIST)
    [retried] = run_due(now + RETRY_FAILED)
    assert retried["state"] == "imported"
    source.refresh_from_db()
    assert source.pull_error == ""


def test_a_server_that_does_not_answer_in_time_fails_the_pull(server: FeedServer, blocks: None,
                                                              monkeypatch: Any) -> None:
    monkeypatch.setattr(fetching, "TIMEOUT", httpx.Timeout(0.5))
    never = threading.Event()  # the server answers after the test, whatever the load
    server.answers["/botnet.txt"] = Answer(LIST, hold=never)
    try:
        outcome = pull_source(source_for(server))
    finally:
        never.set()
    assert outcome.state == "failed" and "did not answer in time" in outcome.error
    assert FeedBatch.objects.count() == 0


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_larger_than_the_upload_limit_is_refused(server: FeedServer, blocks: None, settings: Any,
                                                        declared: bool) -> None:
    settings.MAX_UPLOAD_BYTES = 1 << 20
    server.answers["/botnet.txt"] = Answer(b"203.113.5.7\n" * 200_000, declare_length=declared)
    outcome = pull_source(source_for(server))
    assert outcome.state == "failed" and "more than 1 MB" in outcome.error
    assert FeedBatch.objects.count() == 0 and Job.objects.count() == 0


def test_a_gzip_encoded_body_is_decoded_and_a_gzip_bomb_is_stopped_at_the_limit(server: FeedServer,
                                                                               blocks: None, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1 << 20
    server.answers["/botnet.txt"] = Answer(gzip.compress(LIST), headers={"Content-Encoding": "gzip"})
    server.answers["/bomb.txt"] = Answer(gzip.compress(b"0" * (64 << 20)), headers={"Content-Encoding": "gzip"})

    imported = pull_source(source_for(server))
    bomb = pull_source(source_for(server, "/bomb.txt", name="bomb"))

    assert imported.state == "imported" and FeedBatch.objects.get().matched == 2
    assert server.requests[0].headers["accept-encoding"] == "gzip, deflate"
    assert bomb.state == "failed" and "more than 1 MB" in bomb.error


def test_a_gz_file_is_imported_through_the_bounded_reader_and_a_corrupt_encoding_is_refused(
        server: FeedServer, blocks: None) -> None:
    server.answers["/botnet.txt.gz"] = Answer(gzip.compress(LIST), headers={"Content-Type": "application/gzip"})
    server.answers["/broken.txt"] = Answer(b"\x1f\x8b\x08\x00not gzip at all", headers={"Content-Encoding": "gzip"})

    imported = pull_source(source_for(server, "/botnet.txt.gz"))
    broken = pull_source(source_for(server, "/broken.txt", name="broken"))

    batch = FeedBatch.objects.get()
    assert imported.state == "imported" and batch.metadata["compression"] == "gzip" and batch.matched == 2
    assert broken.state == "failed" and "corrupt compressed body" in broken.error


def test_redirects_are_followed_and_a_plain_http_address_is_refused_unless_allowed(server: FeedServer,
                                                                                  blocks: None) -> None:
    server.answers["/old"] = Answer(status=301, headers={"Location": "/botnet.txt"})
    server.answers["/botnet.txt"] = Answer(LIST)
    assert pull_source(source_for(server, "/old")).state == "imported"
    assert server.paths() == ["/old", "/botnet.txt"]

    with pytest.raises(ValidationError, match="Only HTTPS"):
        source_for(server, name="plain", allow_http=False)
    sneaky = FeedSource.objects.create(name="sneaky", url=server.url("/botnet.txt"), pull_enabled=True)
    outcome = pull_source(sneaky)  # saved around the check: the pull checks again
    assert outcome.state == "failed" and "Only HTTPS" in outcome.error
    assert len(server.requests) == 2


def test_a_source_being_pulled_is_not_pulled_twice_at_once(server: FeedServer, blocks: None) -> None:
    server.answers["/botnet.txt"] = Answer(LIST)
    source = source_for(server)
    now = timezone.now()
    FeedSource.objects.filter(pk=source.pk).update(pull_started_at=now - datetime.timedelta(minutes=5))
    assert pull_source(source, now=now).state == "busy"
    assert server.requests == []
    FeedSource.objects.filter(pk=source.pk).update(pull_started_at=now - datetime.timedelta(hours=3))
    assert pull_source(source, now=now).state == "imported"  # a claim left by a dead pull is taken over


def test_an_unexpected_error_is_recorded_and_frees_the_source(server: FeedServer, blocks: None) -> None:
    server.answers["/botnet.txt"] = Answer(LIST)
    odd = FeedSource.objects.create(name="odd", url=server.url("/botnet.txt"), pull_format="gone-parser",
                                    allow_http=True, pull_enabled=True)  # a format no longer known
    outcome = pull_source(odd)
    odd.refresh_from_db()
    assert outcome.state == "failed" and "ValidationError" in odd.pull_error
    assert odd.pull_started_at is None and FeedBatch.objects.count() == 0


def test_the_pulls_are_a_periodic_task() -> None:
    [task] = [task for task in schedule.registered() if task.name == "intel.pull_feeds"]
    assert (task.every, task.func) == (CHECK_EVERY, pull_due_sources)


def test_source_settings_are_checked(server: FeedServer) -> None:
    with pytest.raises(ValidationError, match="Unknown feed format"):
        source_for(server, pull_format="excel")
    with pytest.raises(ValidationError, match="at most every 15 minutes"):
        source_for(server, pull_every=datetime.timedelta(minutes=1))
    assert source_for(server, pull_format="misp-feed").pull_format == "misp-feed"
