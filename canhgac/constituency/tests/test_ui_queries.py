"""Query-count baselines of the registry pages: a page costs the same few queries with 3 rows or 50.

The baselines include the session (read, and saved on every request: 4 queries), the user, the officer's scope
(2) and the operator's name in the footer; a list adds its count and its rows (per-row figures are subqueries); a
detail page adds the first rows of each related list and, when a list is full, its total. Raise a baseline only
for a new feature of the page, never for a loop.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from canhgac.advisories.tests.factories import ExposureFactory
from canhgac.awareness.tests.factories import RecipientFactory
from canhgac.constituency.models import Asset, Software
from canhgac.constituency.services import SoftwareItem, save_asset, software_rows
from canhgac.constituency.tests.factories import (
    AssetFactory,
    ContactFactory,
    DomainFactory,
    InformationSystemFactory,
    NetblockFactory,
    UnitFactory,
)
from canhgac.constituency.tests.test_ui_pages import fast_passwords  # noqa: F401  (autouse fixture)
from canhgac.core.access import Role
from canhgac.duty.tests.factories import AssignmentFactory, DutyAlertFactory, RosterFactory, ShiftFactory
from canhgac.findings.tests.factories import FindingFactory
from canhgac.intel.tests.factories import HitFactory

pytestmark = pytest.mark.django_db

BASELINES = {"unit_list": 10, "contact_list": 10, "netblock_list": 10, "domain_list": 10, "asset_list": 10,
             "informationsystem_list": 10, "unit_detail": 39, "asset_detail": 12, "informationsystem_detail": 10,
             "netblock_detail": 14}
"""For an officer (whose scope costs two queries more than a SOC user's); every section of a detail page full. The
unit page (39 for an officer, 37 for the SOC, measured with every section and panel showing and full) is 23 of its
own (the session, the user and scope, the unit, its breadcrumb, the first rows of six sections and their totals,
the operator) and 16 for the panels of other apps:
- findings: the unit tree (read once for all the panels below) and its open findings by severity — 2;
- advisories: exposures counted, the most urgent vulnerabilities — 2;
- feeds (botnet): the listed addresses, what the lists said of them, their findings, and their count when there
  are more than shown — 4 (3 when all are shown, 1 when none; one more for the assets when a hit names one);
- notifications: latest notices, unread count, settings and recipients — 3;
- duty: whether the unit has a roster, who is on duty now, its open gaps — 3 (1 when it has no roster);
- awareness: its latest bulletins and those not opened — 2 (1 when it received none)."""
SOC_SAVES = 2
"""A SOC user's scope is everything: no units to read."""


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


def populate_panels(unit: Any, rows: int) -> None:
    """``rows`` of what every panel of the unit page shows, in ``unit`` and in new sub-units: exposures, listed
    addresses with their findings, bulletins received, rosters with a shift running now, a person on it and a gap."""
    now = timezone.now()
    for _ in range(rows):
        for owner in (unit, UnitFactory(parent=unit)):
            ExposureFactory(asset=AssetFactory(unit=owner))
            hit = HitFactory(unit=owner)
            FindingFactory(unit=owner, dedup_key=hit.indicator)
            RecipientFactory(unit=owner)
            roster = RosterFactory(unit=owner, starts_on=now.date() - timedelta(days=1),
                                   ends_on=now.date() + timedelta(days=1))
            shift = ShiftFactory(roster=roster, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7))
            AssignmentFactory(shift=shift)
            DutyAlertFactory(shift=shift)


def count_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


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


@pytest.mark.parametrize("role", [Role.SOC_ANALYST, Role.UNIT_OFFICER])
def test_unit_page_with_every_panel_full_costs_its_baseline_whatever_the_rows(login: Any, users: dict,
                                                                              province: Any, role: str) -> None:
    """Exactly the baseline (so a new query is seen, not hidden under a loose limit), and the same again with
    more rows in every section and panel: a per-row query would add at least five."""
    client = login(users[role])
    unit = province.own_unit
    url = reverse("constituency:unit_detail", kwargs={"pk": unit.pk})
    expected = BASELINES["unit_detail"] - (SOC_SAVES if role == Role.SOC_ANALYST else 0)
    populate(unit, 55, 0, nested=False)
    populate(unit, 55, 100)
    populate_panels(unit, 11)
    assert count_queries(client, url) == expected
    populate(unit, 5, 55, nested=False)
    populate_panels(unit, 5)
    assert count_queries(client, url) == expected
