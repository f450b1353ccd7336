from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from canhgac.notifications.tests.smtp import SmtpServer, free_port, self_signed_certificate


@pytest.fixture(autouse=True)
def english(client: Any, settings: Any) -> Iterator[None]:
    """Messages asserted in English whatever the Vietnamese catalogue says: the console (its cookie) and the
    services (the active language); the letters themselves are rendered in Vietnamese regardless."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def smtp(settings: Any, tmp_path: Path) -> Iterator[SmtpServer]:
    """A running SMTP server on a free local port, and the settings that send to it (no STARTTLS, no login)."""
    yield from _running(SmtpServer(free_port(), tmp_path / "mailbox"), settings)


@pytest.fixture
def tls_smtp(settings: Any, tmp_path: Path) -> Iterator[SmtpServer]:
    """The same server requiring STARTTLS with a self-signed certificate, and settings that use STARTTLS."""
    server = SmtpServer(free_port(), tmp_path / "mailbox", certificate=self_signed_certificate(tmp_path))
    yield from _running(server, settings, starttls=True)


def _running(server: SmtpServer, settings: Any, starttls: bool = False) -> Iterator[SmtpServer]:
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, starttls
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Canh Gác <soc@canhgac.example>"
    server.start()
    yield server
    server.stop()
