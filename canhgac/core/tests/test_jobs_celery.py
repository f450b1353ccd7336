"""Jobs on the Celery path, for real: a ``canhgac worker`` process on Redis runs an import submitted here.

The worker is another process with its own data directory, sharing only the (PostgreSQL) test database and the
broker, as a worker on another machine would: it reads the uploaded file from the job's row, not from disk.
Needs ``CANHGAC_DATABASE_URL=postgresql://…`` and ``CANHGAC_TEST_BROKER_URL=redis://…`` (scripts/test sets
both in its PostgreSQL pass; the Redis database named there is emptied).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from canhgac.celery import app as celery_app
from canhgac.constituency.importing import start_import
from canhgac.constituency.models import Netblock
from canhgac.constituency.tests.data.builders import csv_bytes
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Channel, Job, JobState

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BROKER_URL = os.environ.get("CANHGAC_TEST_BROKER_URL", "")
WAIT_SECONDS = 90
ROWS = 600


def test_database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test_…), for the worker to share."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    host = db["HOST"] or "127.0.0.1"
    return f"postgresql://{credentials}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


test_database_url.__test__ = False  # type: ignore[attr-defined]


class Worker:
    def __init__(self, process: subprocess.Popen[bytes], log: Path):
        self.process, self.log = process, log

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture
def broker(settings: Any) -> Iterator[str]:
    """This process sends to the test broker (an emptied Redis database) as ``canhgac serve`` would."""
    redis.Redis.from_url(BROKER_URL).flushdb()
    settings.BROKER_URL = BROKER_URL
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = BROKER_URL
    celery_app.close()  # drop connections made to any earlier broker
    yield BROKER_URL
    celery_app.conf.broker_url = previous
    celery_app.close()
    redis.Redis.from_url(BROKER_URL).flushdb()


@pytest.fixture
def worker(broker: str, tmp_path: Path, transactional_db: None) -> Iterator[Worker]:
    env = {**os.environ, "CANHGAC_DATABASE_URL": test_database_url(), "CANHGAC_BROKER_URL": broker,
           "CANHGAC_DATA_DIR": str(tmp_path / "worker-data"), "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "worker.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "canhgac.cli", "worker", "--concurrency", "1"],
                                   stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    running = Worker(process, log)
    yield running
    process.send_signal(signal.SIGTERM)  # a warm shutdown, as an operator's Ctrl+C or systemd would
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def wait_for_jobs(worker: Worker, jobs: list[Job]) -> list[Job]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        current = [Job.objects.get(pk=job.pk) for job in jobs]
        if all(job.is_finished for job in current):
            return current
        if worker.process.poll() is not None:
            pytest.fail(f"the worker exited with {worker.process.returncode}:\n{worker.output()}")
        if time.monotonic() > deadline:
            pytest.fail(f"jobs still {[job.state for job in current]} after {WAIT_SECONDS} s; worker said:\n"
                        f"{worker.output()}")
        time.sleep(0.2)


def test_an_import_runs_on_a_celery_worker_with_progress_result_and_audit(worker: Worker, users: Any,
                                                                          province: Any) -> None:
    admin = users[Role.SOC_ADMIN]
    good = csv_bytes([["Mã đơn vị", "Dải IP", "Mô tả"]]
                     + [["SO-TTTT", f"10.{i // 256}.{i % 256}.0/24", f"Mạng {i}"] for i in range(ROWS)])
    bad = csv_bytes([["unit", "block"], ["BV-DK", "203.113.0.0/16"], ["BV-DK", "10.0.0.5/24"], ["NOPE", "1.1.1.0/24"]])
    imported = start_import("netblocks", admin, "mang.csv", good, channel=Channel.API)
    refused = start_import("netblocks", admin, "loi.csv", bad, channel=Channel.UI)
    assert not [thread for thread in threading.enumerate() if thread.name.endswith("(_run_in_thread)")]

    imported, refused = wait_for_jobs(worker, [imported, refused])

    assert imported.state == JobState.SUCCEEDED, (imported.error, imported.log, worker.output())
    assert imported.result == {"kind": "netblocks", "total": ROWS, "created": ROWS, "updated": 0, "unchanged": 0}
    assert (imported.progress_done, imported.progress_total, imported.percent) == (ROWS, ROWS, 100)
    with translation.override(django_settings.LANGUAGE_CODE):  # a worker writes in the deployment's language
        summary = gettext("%(total)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
    assert imported.log == summary % imported.result + "\n" and imported.started_at and imported.finished_at
    assert Netblock.objects.filter(unit=province.own_unit).count() == ROWS
    entries = AuditEntry.objects.filter(object_type="constituency.netblock")
    assert entries.count() == ROWS
    assert set(entries.values_list("actor", "channel", "job")) == {(admin.pk, Channel.API, imported.pk)}

    assert refused.state == JobState.FAILED and refused.error
    assert [(error["row"], error["column"]) for error in refused.result["errors"]] == [(3, "block"), (4, "unit")]
    assert not Netblock.objects.filter(unit=province.other_unit).exists()

    output = worker.output()
    assert "canhgac.run_job" in output and output.count("succeeded in") == 2, output
