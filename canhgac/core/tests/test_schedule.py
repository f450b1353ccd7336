"""Periodic tasks: registered once by name, run at start and then every period by a thread of ``canhgac serve``
(no broker) or by Celery beat (``canhgac worker --beat``)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from canhgac.core import schedule
from canhgac.core.audit import current_actor
from canhgac.core.management.commands import worker
from canhgac.core.models import Channel


@pytest.fixture
def tasks(monkeypatch: pytest.MonkeyPatch) -> dict[str, schedule.PeriodicTask]:
    """An empty registry for the test (the apps' own tasks are put back afterwards)."""
    registry: dict[str, schedule.PeriodicTask] = {}
    monkeypatch.setattr(schedule, "_TASKS", registry)
    return registry


def test_the_apps_register_sending_due_email_every_minute() -> None:
    [task] = [task for task in schedule.registered() if task.name == "notifications.deliver_pending"]
    assert task.every == timedelta(minutes=1)


def test_a_name_is_registered_once_and_a_period_under_a_second_is_refused(tasks: dict[str, Any]) -> None:
    schedule.register("pull.feeds", timedelta(hours=1), lambda: None)
    with pytest.raises(ValueError, match="already registered"):
        schedule.register("pull.feeds", timedelta(hours=2), lambda: None)
    with pytest.raises(ValueError, match="once a second"):
        schedule.register("too.often", timedelta(milliseconds=10), lambda: None)


def test_a_task_runs_as_the_system_and_a_failure_is_logged_not_raised(tasks: dict[str, Any],
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    seen: list[str] = []
    schedule.register("works", timedelta(minutes=1), lambda: seen.append(current_actor().channel))
    schedule.register("breaks", timedelta(minutes=1), lambda: 1 / 0)

    assert schedule.run_task("works") is True and seen == [Channel.SYSTEM]
    assert schedule.run_task("breaks") is False
    assert "periodic task breaks failed" in caplog.text and "ZeroDivisionError" in caplog.text
    assert schedule.run_task("nobody.registered.this") is False


def test_the_thread_runs_each_task_at_start_then_every_period_until_stopped(tasks: dict[str, Any]) -> None:
    runs: dict[str, list[float]] = {"often": [], "rarely": [], "broken": []}
    schedule.register("often", timedelta(seconds=1), lambda: runs["often"].append(time.monotonic()))
    schedule.register("rarely", timedelta(hours=1), lambda: runs["rarely"].append(time.monotonic()))
    schedule.register("broken", timedelta(seconds=1), lambda: runs["broken"].append(1 / 0))  # type: ignore[func-returns-value]
    started = time.monotonic()
    thread = schedule.ScheduleThread()
    thread.start()
    time.sleep(2.5)
    thread.stop(timeout=5)

    assert not thread.is_alive()
    assert len(runs["often"]) == 3 and runs["often"][0] - started < 0.5  # at 0 s, 1 s and 2 s
    assert len(runs["rarely"]) == 1
    count = len(runs["often"])
    time.sleep(1.2)
    assert len(runs["often"]) == count  # stopped means stopped


def test_serve_starts_the_thread_only_without_a_broker(tasks: dict[str, Any], settings: Any) -> None:
    ran = threading.Event()
    schedule.register("ping", timedelta(minutes=1), ran.set)

    settings.BROKER_URL = "redis://127.0.0.1:6379/15"
    assert schedule.start_in_process() is None  # Celery beat sends them there
    settings.BROKER_URL = ""
    thread = schedule.start_in_process()
    assert thread is not None
    try:
        assert ran.wait(5)
    finally:
        thread.stop(timeout=5)


def test_celery_beat_sends_every_task_by_name_and_drops_a_sending_older_than_its_period(
        tasks: dict[str, Any]) -> None:
    schedule.register("deliver", timedelta(minutes=1), lambda: None)
    schedule.register("pull", timedelta(hours=6), lambda: None)

    assert schedule.beat_schedule() == {
        "deliver": {"task": "canhgac.run_periodic", "schedule": 60.0, "args": ("deliver",),
                    "options": {"expires": 60.0}},
        "pull": {"task": "canhgac.run_periodic", "schedule": 21600.0, "args": ("pull",),
                 "options": {"expires": 21600.0}},
    }


def test_the_worker_task_runs_the_named_periodic_task(tasks: dict[str, Any]) -> None:
    from canhgac.core.tasks import run_periodic

    ran: list[bool] = []
    schedule.register("mark", timedelta(minutes=1), lambda: ran.append(True))
    assert run_periodic("mark") is True and ran == [True]


def test_beat_sends_every_task_once_when_it_starts(tasks: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from canhgac.core import tasks as celery_tasks

    sent: list[str] = []
    monkeypatch.setattr(celery_tasks.run_periodic, "delay", sent.append)
    schedule.register("a", timedelta(minutes=1), lambda: None)
    schedule.register("b", timedelta(hours=1), lambda: None)

    worker.send_every_periodic_task(sender=None)
    assert sent == ["a", "b"]
