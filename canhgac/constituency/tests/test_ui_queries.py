"""Query-count baselines of the registry pages: a page costs the same few queries with 3 rows or 50.

The baselines include the session (read, and saved on every request: 4 queries), the user, the officer's scope
(2) and the operator's name in the footer; a list adds its count and its rows (per-row figures are subqueries); a
detail page adds the first rows of each related list and, when a list is full, its total. Raise a baseline only
for a new feature of the page, never for a loop.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from canhgac.constituency.models import Asset, Software
from canhgac.constituency.services import SoftwareItem, save_asset, software_rows
from canhgac.constituency.tests.factories import (
    ContactFactory,
    DomainFactory,
    InformationSystemFactory,
    NetblockFactory,
    UnitFactory,
)
from canhgac.constituency.tests.test_ui_pages import fast_passwords  # noqa: F401  (autouse fixture)
from canhgac.core.access import Role

pytestmark = pytest.mark.django_db

BASELINES = {"unit_list": 10, "contact_list": 10, "netblock_list": 10, "domain_list": 10, "asset_list": 10,
             "informationsystem_list": 10, "unit_detail": 35, "asset_detail": 12, "informationsystem_detail": 10,
             "netblock_detail": 14}
"""For an officer (whose scope costs two queries more than a SOC user's); every section of a detail page full. The
unit page includes the panels of other apps (findings: the unit's sub-tree and its open findings by severity;
notifications: latest notices, unread count, settings and recipients — a fixed four; feeds: the unit's sub-tree
and its listed addresses — two, and up to four more to count and describe them when it has any;
duty: whether it has a roster, and two more (who is on duty now, its open gaps) when it has; awareness: its
latest bulletins, and one more (those not opened) when it has any; advisories: the unit's sub-tree, its exposures
counted and its most urgent vulnerabilities — a fixed three)."""


def populate(unit: Any, rows: int, start: int, nested: bool = True) -> None:
    """``rows`` of every kind in sub-units of ``unit`` (or in it), each with what could tempt a per-row query."""
    for n in range(start, start + rows):
        child = UnitFactory(parent=unit) if nested else unit
        ContactFactory(unit=child)
        DomainFactory(unit=child)
        NetblockFactory(unit=child, block=f"10.{n // 250}.{n % 250}.0/24")
        asset = Asset(unit=child, name=f"srv-{n}", ip_addresses=f"10.{n // 250}.{n % 250}.5")
        save_asset(asset, None, [SoftwareItem("Apache", "Tomcat", "9.0.80")])
        system = InformationSystemFactory(unit=child)
        system.assets.add(asset)
        Software.objects.bulk_create(software_rows(asset, [SoftwareItem("nginx", "nginx", "1")]))


def queries_of(client: Any, url: str, django_assert_max_num_queries: Any, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.SOC_ADMIN, Role.UNIT_OFFICER])
@pytest.mark.parametrize("name", [name for name in BASELINES if name.endswith("_list")])
def test_list_pages_cost_the_same_with_3_or_50_rows(login: Any, users: dict, province: Any, role: str, name: str,
                                                    django_assert_max_num_queries: Any) -> None:
    client = login(users[role])
    url = reverse(f"constituency:{name}")
    populate(province.own_unit, 3, 0)
    queries_of(client, url, django_assert_max_num_queries, BASELINES[name])
    populate(province.own_unit, 50, 3)
    queries_of(client, url, django_assert_max_num_queries, BASELINES[name])
    queries_of(client, url + "?sort=-unit&q=srv&page=2", django_assert_max_num_queries, BASELINES[name])


@pytest.mark.parametrize("role", [Role.SOC_ANALYST, Role.UNIT_OFFICER])
def test_detail_pages_cost_the_same_with_3_or_50_related_rows(login: Any, users: dict, province: Any, role: str,
                                                             django_assert_max_num_queries: Any) -> None:
    client = login(users[role])
    unit = province.own_unit
    outer = NetblockFactory(unit=unit, block="10.0.0.0/8")
    for rows, start in ((3, 0), (50, 3)):
        populate(unit, rows, start, nested=False)
        populate(unit, rows, 100 + start)  # sub-units
        system = InformationSystemFactory(unit=unit)
        system.assets.set(Asset.objects.all())
        asset = Asset.objects.order_by("-pk").first()
        for name, obj in (("unit_detail", unit), ("informationsystem_detail", system),
                          ("asset_detail", asset), ("netblock_detail", outer)):
            url = reverse(f"constituency:{name}", kwargs={"pk": obj.pk})
            queries_of(client, url, django_assert_max_num_queries, BASELINES[name])
