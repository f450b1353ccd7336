"""Nobody presses "send": the e-mail of a notice goes out by itself, from ``canhgac serve`` when there is no
broker and from ``canhgac worker --beat`` when there is one, each time as a real process sending to the real
test SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from canhgac.constituency.tests.factories import ContactFactory, UnitFactory
from canhgac.core.tests.cli_runner import Cli
from canhgac.core.tests.test_cli import wait_for_server
from canhgac.core.tests.test_jobs_celery import broker, test_database_url
from canhgac.notifications.content import NoticeContent
from canhgac.notifications.models import Delivery, DeliveryChannel, DeliveryState
from canhgac.notifications.services import prepare_notices
from canhgac.notifications.tests.smtp import SmtpServer, free_port

__all__ = ["broker"]  # a fixture, used by name below

WAIT_SECONDS = 60
SUBJECT = "Cảnh báo botnet đợt 11/2026"

PREPARE = """
import django
django.setup()
from canhgac.constituency.models import Contact, Unit
from canhgac.notifications.content import NoticeContent
from canhgac.notifications.services import prepare_notices
unit = Unit.objects.create(code="SO-YT", name="Sở Y tế")
Contact.objects.create(unit=unit, name="Trần Thị Đầu Mối", email="daumoi@soyte.example.gov.vn", focal_point=True)
prepare_notices("botnet_batch", "2026-11", {unit.pk: NoticeContent(%r, "Kính gửi Sở Y tế.\\n")})
"""


def smtp_environment(smtp: SmtpServer) -> dict[str, str]:
    return {"CANHGAC_SMTP_HOST": "127.0.0.1", "CANHGAC_SMTP_PORT": str(smtp.port), "CANHGAC_SMTP_STARTTLS": "no",
            "CANHGAC_SMTP_FROM": "soc@canhgac.example"}


def wait_for_mail(smtp: SmtpServer, process: subprocess.Popen[bytes], log: Path) -> list[Any]:
    deadline = time.monotonic() + WAIT_SECONDS
    while not smtp.messages():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"no e-mail arrived; the process said:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)
    time.sleep(1)  # anything sent twice would arrive now
    return smtp.messages()


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


@pytest.mark.slow
def test_canhgac_serve_sends_a_prepared_notice_by_itself(smtp: SmtpServer, tmp_path: Path) -> None:
    run = Cli(tmp_path / "data")
    run.ok("init")
    env = {**run.env, **smtp_environment(smtp), "DJANGO_SETTINGS_MODULE": "canhgac.settings"}
    subprocess.run([sys.executable, "-c", PREPARE % SUBJECT], env=env, check=True, timeout=120)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(run.command("serve", "--port", str(port)), stdout=sink, stderr=subprocess.STDOUT,
                                  env=env, start_new_session=True)
    try:
        wait_for_server(server, port)
        messages = wait_for_mail(smtp, server, log)
    finally:
        stop(server)
    assert [(str(message["To"]), str(message["Subject"]).strip()) for message in messages] == [
        ("daumoi@soyte.example.gov.vn", SUBJECT)]
    assert run.query("SELECT state, attempts FROM notifications_delivery WHERE channel = 'email'") == [("sent", 1)]


@pytest.fixture
def beat_worker(broker: str, smtp: SmtpServer, tmp_path: Path, transactional_db: None,
                ) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    env = {**os.environ, **smtp_environment(smtp), "CANHGAC_DATABASE_URL": test_database_url(),
           "CANHGAC_BROKER_URL": broker, "CANHGAC_DATA_DIR": str(tmp_path / "worker-data"), "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "worker.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "canhgac.cli", "worker", "--concurrency", "1", "--beat"],
                                   stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    yield process, log
    stop(process)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_canhgac_worker_with_beat_sends_a_prepared_notice_by_itself(
        beat_worker: tuple[subprocess.Popen[bytes], Path], smtp: SmtpServer) -> None:
    unit = UnitFactory()
    ContactFactory(unit=unit, email="daumoi@example.gov.vn", focal_point=True)
    prepare_notices("botnet_batch", "2026-11", {unit.pk: NoticeContent(SUBJECT, "Kính gửi đơn vị.\n")})

    process, log = beat_worker
    messages = wait_for_mail(smtp, process, log)

    assert [str(message["To"]) for message in messages] == ["daumoi@example.gov.vn"]
    delivery = Delivery.objects.get(channel=DeliveryChannel.EMAIL)
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)
    assert "canhgac.run_periodic" in log.read_text(errors="replace")
