"""A small province exposed to real records: Spring4Shell on three units' applications (one internet-facing, one
in a level-4 system), the Zimbra zero-day on the officer's mail server, F5 BIG-IP on the other unit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from canhgac.advisories.tests.helpers import host, load

SPRING = ("VMware", "Spring Framework", "5.3.17")
ZIMBRA = ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 39")
BIG_IP = ("F5", "BIG-IP", "17.1.0.3")


@pytest.fixture
def exposed(province: Any, corpora: Path) -> dict[str, Any]:
    assets = {
        "own": host(province.own_unit, "own-app", SPRING, internet_facing=True),
        "sub": host(province.own_subunit, "sub-app", SPRING, level=4),
        "other": host(province.other_unit, "other-app", SPRING),
        "mail": host(province.own_unit, "mail", ZIMBRA),
        "lb": host(province.other_unit, "lb", BIG_IP, internet_facing=True),
    }
    for name in ("CVE-2022-22965", "CVE-2023-37580", "CVE-2023-46747", "CVE-2023-36761"):
        load(corpora / f"cve-json5/{name}.json")
    return assets


@pytest.fixture
def console(client: Any, settings: Any) -> Any:
    """A signed-in console client reading English pages (the source strings asserted here)."""

    def sign_in(user: Any) -> Any:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(user)
        return client

    return sign_in
