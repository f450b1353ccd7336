"""Query counts of the feeds' pages: the same with a few rows as with a full page (no query per row); the summary
adds one per month shown (its recurrences), whatever the number of hits."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from canhgac.constituency.models import Asset
from canhgac.constituency.services import save_asset
from canhgac.constituency.tests.factories import NetblockFactory
from canhgac.core.access import Role
from canhgac.intel.tests.viewdata import import_list

pytestmark = pytest.mark.django_db


def listing(first: int, count: int) -> str:
    families = ("Mirai", "Gafgyt", "Emotet")
    rows = [f"14.161.{n // 200}.{n % 200 + 1},{families[n % 3]},{n % 9000 + 1}" for n in range(first, first + count)]
    return "ip,malware,port\n" + "\n".join(rows) + "\n"


def queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("role", [Role.SOC_ANALYST, Role.UNIT_OFFICER])
def test_feed_pages_cost_the_same_with_12_or_372_rows(province: Any, users: dict[Any, Any], login: Any,
                                                    role: str) -> None:
    NetblockFactory(unit=province.own_unit, block="14.161.0.0/16")
    for n in range(60):
        save_asset(Asset(unit=province.own_unit, name=f"srv-{n}", ip_addresses=f"14.161.0.{n + 1}"), None, None)
    analyst, client = users[Role.SOC_ANALYST], login(users[role])
    import_list(listing(0, 12), analyst, "2026-01", name="jan.csv")  # more than the unit panel shows
    batch = province.own_unit.feed_hits.get(indicator="14.161.0.1").batch_id
    urls = [reverse("intel:batch_list"), reverse("intel:batch_detail", args=[batch]), reverse("intel:hit_list"),
            reverse("intel:address_list"), reverse("constituency:unit_detail", args=[province.own_unit.pk])]
    few = [queries(client, url) for url in urls]
    summary = queries(client, reverse("intel:summary"))
    for month in range(2, 8):
        import_list(listing(month, 60), analyst, f"2026-0{month}", name=f"{month}.csv")
    many = [queries(client, url) for url in urls]
    assert many == few, list(zip(urls, few, many, strict=True))
    assert queries(client, reverse("intel:summary")) == summary + 6  # one per month after the first: recurrences
