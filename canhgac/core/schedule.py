"""Periodic tasks: work that must happen without anyone asking (sending due e-mail, later scheduled feed pulls).

Apps register a task by name with its period when they are ready (duplicates refused). Who runs them depends on
how Canh Gác is deployed, as for jobs:

- no broker (the embedded default): :func:`start_in_process` starts one thread inside ``canhgac serve``;
- ``CANHGAC_BROKER_URL`` set: Celery beat (``canhgac worker --beat``, one such worker) sends each task by name
  (:func:`beat_schedule`) and any worker runs it.

Each task runs once at start and then every period. Tasks must be safe to run twice at once (a second beat, a
slow run overlapping the next): this module is a timer, not a lock; the tasks claim their own rows.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from canhgac.core.audit import acting_as
from canhgac.core.models import Channel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every: timedelta
    func: Callable[[], Any]


_TASKS: dict[str, PeriodicTask] = {}


def register(name: str, every: timedelta, func: Callable[[], Any]) -> PeriodicTask:
    if name in _TASKS:
        raise ValueError(f"periodic task {name!r} is already registered")
    if every.total_seconds() < 1:
        raise ValueError(f"periodic task {name!r} must run at most once a second")
    task = PeriodicTask(name, every, func)
    _TASKS[name] = task
    return task


def unregister(name: str) -> None:
    _TASKS.pop(name, None)


def registered() -> tuple[PeriodicTask, ...]:
    return tuple(_TASKS.values())


def run_task(name: str) -> bool:
    """Run one task now, as the system; whether it succeeded. A failure is logged, never raised: the next
    period tries again, and one broken task must not stop the others."""
    task = _TASKS.get(name)
    if task is None:
        logger.warning("periodic task %s is not registered here", name)
        return False
    try:
        with acting_as(None, Channel.SYSTEM):
            task.func()
        return True
    except Exception:
        logger.exception("periodic task %s failed", name)
        return False


class ScheduleThread(threading.Thread):
    """Runs every registered task at start and then every period, until :meth:`stop`."""

    def __init__(self, tasks: tuple[PeriodicTask, ...] | None = None):
        super().__init__(name="canhgac-schedule", daemon=True)
        self.tasks = tasks if tasks is not None else registered()
        self._stopping = threading.Event()

    def run(self) -> None:
        due = {task.name: time.monotonic() for task in self.tasks}
        while not self._stopping.is_set():
            for task in self.tasks:
                if time.monotonic() >= due[task.name] and not self._stopping.is_set():
                    run_task(task.name)
                    close_old_connections()  # a thread's connection is not closed by any request cycle
                    due[task.name] = time.monotonic() + task.every.total_seconds()
            self._stopping.wait(max(0.0, min(due.values(), default=time.monotonic() + 60) - time.monotonic()))

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        self.join(timeout)


def start_in_process() -> ScheduleThread | None:
    """The thread of ``canhgac serve`` when there is no broker; with one, Celery beat runs the tasks instead."""
    if settings.BROKER_URL or not _TASKS:
        return None
    thread = ScheduleThread()
    thread.start()
    return thread


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Celery beat's schedule: one entry per task, sent to the ``canhgac.run_periodic`` task by name. A sending
    no worker picked up within one period expires: the next one does the same work."""
    return {task.name: {"task": "canhgac.run_periodic", "schedule": task.every.total_seconds(),
                        "args": (task.name,), "options": {"expires": task.every.total_seconds()}}
            for task in registered()}
