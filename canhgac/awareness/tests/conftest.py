from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english(client: Any, settings: Any) -> Iterator[None]:
    """Refusals and pages asserted in their English source form whatever the Vietnamese catalogue says: the console
    (its language cookie) and the services (the active language). Notices are still written in Vietnamese."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
