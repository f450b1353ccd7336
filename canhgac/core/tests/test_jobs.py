"""Jobs on the in-process path (no broker): submit → queued → running → succeeded/failed, with progress, log and
result kept on the row; a crashing handler fails its job; a job is claimed once, so it never runs twice.

These tests commit for real (``transaction=True``): a job starts only once the transaction that created it has
committed, and its thread reads the database through its own connection.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from canhgac.constituency.models import Unit
from canhgac.constituency.services import save_object
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.management.commands.serve import fail_interrupted_jobs
from canhgac.core.models import AuditEntry, Channel, Job, JobState

pytestmark = pytest.mark.django_db(transaction=True)

WAIT_SECONDS = 30


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_broker(settings: Any) -> None:
    settings.BROKER_URL = ""  # the in-process path, whatever the environment says


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, jobs.Handler], None]:
    def register(kind: str, function: jobs.Handler) -> None:
        monkeypatch.setitem(jobs._HANDLERS, kind, (function, "Test job"))

    return register


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def join_job_threads() -> None:
    """Wait for the job threads started by ``dispatch`` (Python names a thread after its target)."""
    for thread in threading.enumerate():
        if thread.name.endswith("(_run_in_thread)"):
            thread.join(WAIT_SECONDS)
            assert not thread.is_alive(), "a job thread is still running"


class Gate:
    """Holds a handler in the middle of its work until the test has looked at the running job."""

    def __init__(self) -> None:
        self.inside, self.go_on = threading.Event(), threading.Event()

    def pass_through(self) -> None:
        self.inside.set()
        assert self.go_on.wait(WAIT_SECONDS), "the test never let the job go on"


def fresh(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def test_a_submitted_job_runs_in_a_thread_from_queued_to_succeeded(handler: Any, users: Any) -> None:
    gate = Gate()

    def count_to_ten(context: jobs.JobContext) -> dict[str, Any]:
        context.log("starting")
        context.progress(3, 10)
        gate.pass_through()
        save_object(Unit(code="TU-VIEC", name=context.params["name"]))
        context.progress(10, 10)
        context.log("done")
        return {"counted": 10}

    handler("test.count", count_to_ten)
    analyst = users[Role.SOC_ANALYST]
    with transaction.atomic():
        job = jobs.submit("test.count", analyst, {"name": "Đơn vị <i>mới</i>"}, title="Đếm", channel=Channel.API)
        assert fresh(job).state == JobState.QUEUED  # nothing starts before the commit
        time.sleep(0.2)
        assert not gate.inside.is_set()
    assert gate.inside.wait(WAIT_SECONDS), "the job never started"
    running = fresh(job)
    assert running.state == JobState.RUNNING and running.started_at and not running.finished_at
    assert (running.progress_done, running.progress_total, running.percent, running.log) == (3, 10, 30, "starting\n")
    gate.go_on.set()
    join_job_threads()
    finished = fresh(job)
    assert finished.state == JobState.SUCCEEDED and finished.is_finished and finished.error == ""
    assert (finished.result, finished.log, finished.percent) == ({"counted": 10}, "starting\ndone\n", 100)
    assert (finished.progress_done, finished.progress_total) == (10, 10)
    assert finished.created_at <= finished.started_at <= finished.finished_at  # type: ignore[operator]
    entry = AuditEntry.objects.get(object_type="constituency.unit")
    assert (entry.actor, entry.channel, entry.job_id) == (analyst, Channel.API, job.pk)


def test_a_job_from_the_console_writes_on_the_job_channel(handler: Any, users: Any) -> None:
    handler("test.unit", lambda context: {"saved": save_object(Unit(code="TU-UI", name="Từ giao diện"))})
    job = jobs.submit("test.unit", users[Role.SOC_ADMIN], {}, channel=Channel.UI)
    wait_until(lambda: fresh(job).is_finished, "the job to finish")
    join_job_threads()
    assert fresh(job).result == {"saved": True}
    assert AuditEntry.objects.get(object_type="constituency.unit").channel == Channel.JOB


def test_a_refused_job_fails_with_its_message_and_result(handler: Any, users: Any) -> None:
    def refuse(context: jobs.JobContext) -> dict[str, Any]:
        context.progress(1, 4)
        raise jobs.JobError("Tệp có 2 dòng lỗi.", result={"errors": [{"row": 3}, {"row": 4}]})

    handler("test.refuse", refuse)
    job = jobs.submit("test.refuse", users[Role.SOC_ADMIN], {})
    wait_until(lambda: fresh(job).is_finished, "the job to fail")
    join_job_threads()
    failed = fresh(job)
    assert (failed.state, failed.error, failed.result) == (JobState.FAILED, "Tệp có 2 dòng lỗi.",
                                                           {"errors": [{"row": 3}, {"row": 4}]})
    assert "Traceback" not in failed.log and failed.finished_at and failed.percent == 25


def test_a_handler_crashing_mid_job_fails_it_with_the_error_and_keeps_its_progress(handler: Any, users: Any) -> None:
    def crash(context: jobs.JobContext) -> dict[str, Any]:
        context.progress(5, 10)
        context.log("row 5 written")
        raise RuntimeError("disk full")

    handler("test.crash", crash)
    job = jobs.submit("test.crash", users[Role.SOC_ADMIN], {})
    wait_until(lambda: fresh(job).is_finished, "the job to fail")
    join_job_threads()
    crashed = fresh(job)
    assert (crashed.state, crashed.error, crashed.result) == (JobState.FAILED, "RuntimeError: disk full", {})
    assert crashed.log.startswith("row 5 written\n") and "Traceback" in crashed.log and "disk full" in crashed.log
    assert (crashed.progress_done, crashed.progress_total, crashed.percent) == (5, 10, 50)


def test_a_job_left_running_by_a_dead_server_is_failed_at_the_next_start_and_never_rerun(handler: Any,
                                                                                       users: Any,
                                                                                       settings: Any) -> None:
    calls: list[int] = []
    handler("test.once", lambda context: {"call": calls.append(1) or len(calls)})
    job = jobs.create("test.once", users[Role.SOC_ADMIN], {})
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)  # the process died in the middle
    assert jobs.execute(job.pk).state == JobState.RUNNING and calls == []
    settings.BROKER_URL = "redis://127.0.0.1:1/0"
    assert fail_interrupted_jobs() == 0  # with a broker, a worker elsewhere may still be running it
    settings.BROKER_URL = ""
    assert fail_interrupted_jobs() == 1
    dead = fresh(job)
    assert dead.state == JobState.FAILED and dead.error and dead.finished_at
    assert jobs.execute(job.pk).state == JobState.FAILED and calls == []


def test_a_job_is_claimed_once_so_it_never_runs_twice(handler: Any, users: Any) -> None:
    calls: list[int] = []
    handler("test.once", lambda context: {"call": calls.append(1) or len(calls)})
    job = jobs.create("test.once", users[Role.SOC_ADMIN], {})
    assert jobs.execute(job.pk).result == {"call": 1}
    again = jobs.execute(job.pk)  # a redelivered message, or a second worker
    assert again.state == JobState.SUCCEEDED and again.result == {"call": 1} and calls == [1]


@pytest.mark.postgres
def test_two_workers_racing_for_one_job_run_it_once(handler: Any, users: Any) -> None:
    """Celery delivers at least once: two workers may get the same job at the same moment."""
    calls: list[str] = []
    handler("test.race", lambda context: {"by": calls.append(threading.current_thread().name) or calls[-1]})
    for _round in range(5):
        job = jobs.create("test.race", users[Role.SOC_ADMIN], {})
        start = threading.Barrier(4)
        states: list[str] = []

        def worker(job_id: int = job.pk, start: threading.Barrier = start, states: list[str] = states) -> None:
            start.wait()
            try:
                states.append(jobs.execute(job_id).state)
            finally:
                connection.close()

        racers = [threading.Thread(target=worker) for _ in range(4)]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(WAIT_SECONDS)
        assert fresh(job).state == JobState.SUCCEEDED and len(states) == 4
    assert len(calls) == 5


def test_the_cli_sees_every_progress_step_while_the_row_is_written_sparingly(handler: Any, users: Any) -> None:
    def many_rows(context: jobs.JobContext) -> dict[str, Any]:
        for done in range(1, 1001):
            context.progress(done, 1000)
        return {}

    handler("test.rows", many_rows)
    seen: list[tuple[int, int]] = []
    job = jobs.create("test.rows", users[Role.SOC_ADMIN], {}, channel=Channel.CLI)
    finished = jobs.execute(job.pk, on_progress=lambda done, total: seen.append((done, total)))
    assert len(seen) == 1000 and seen[-1] == (1000, 1000)
    assert (finished.progress_done, finished.progress_total) == (1000, 1000)


def test_a_job_submitted_in_a_transaction_that_rolls_back_never_starts(handler: Any, users: Any) -> None:
    started = threading.Event()
    handler("test.never", lambda context: {"started": started.set()})
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.submit("test.never", users[Role.SOC_ADMIN], {})
        raise RuntimeError("the request failed after submitting")
    assert not started.wait(0.5) and not Job.objects.exists()


def test_with_a_broker_the_job_is_sent_to_celery_after_the_commit(handler: Any, users: Any, settings: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from canhgac.core import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.run_job, "delay", sent.append)
    handler("test.remote", lambda context: {})
    settings.BROKER_URL = "redis://127.0.0.1:6379/15"
    with transaction.atomic():
        job = jobs.submit("test.remote", users[Role.SOC_ADMIN], {})
        assert sent == []
    assert sent == [job.pk] and fresh(job).state == JobState.QUEUED
    assert not [thread for thread in threading.enumerate() if thread.name.endswith("(_run_in_thread)")]


def test_the_task_goes_to_the_configured_broker_in_a_process_that_never_imported_the_celery_app(
        tmp_path: Any) -> None:
    """A web process imports only ``tasks``; a ``shared_task`` there would fall back to Celery's default app."""
    code = ("import django; django.setup(); from canhgac.core.tasks import run_job; "
            "print(run_job.app.main, run_job.app.conf.broker_url)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "canhgac.settings", "CANHGAC_DATA_DIR": str(tmp_path),
           "CANHGAC_BROKER_URL": "redis://127.0.0.1:6379/15"}
    answer = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert answer.stdout.split() == ["canhgac", "redis://127.0.0.1:6379/15"]


def test_kinds_are_registered_once_and_unknown_kinds_refused(handler: Any, users: Any) -> None:
    assert "constituency.import" in jobs.registered_kinds()
    with pytest.raises(ValueError, match="already registered"):
        jobs.register("constituency.import", "again")(lambda context: {})
    with pytest.raises(ValueError, match="unknown job kind"):
        jobs.create("no.such.kind", users[Role.SOC_ADMIN], {})
    assert not Job.objects.exists()


def test_a_job_keeps_its_input_file_for_a_worker_elsewhere(handler: Any, users: Any) -> None:
    handler("test.file", lambda context: {"name": context.input_name, "size": len(context.input_bytes())})
    job = jobs.create("test.file", users[Role.UNIT_OFFICER], {}, input_bytes=b"\xff\x00" * 1000,
                      input_name="tệp <b>tải lên</b>.csv")
    assert jobs.execute(job.pk).result == {"name": "tệp <b>tải lên</b>.csv", "size": 2000}


def test_canhgac_jobs_lists_them(handler: Any, users: Any, capsys: pytest.CaptureFixture[str]) -> None:
    handler("test.listed", lambda context: {})
    job = jobs.create("test.listed", users[Role.SOC_ADMIN], {}, title="Việc được liệt kê")
    jobs.execute(job.pk)
    call_command("jobs")
    assert "Việc được liệt kê" in capsys.readouterr().out
