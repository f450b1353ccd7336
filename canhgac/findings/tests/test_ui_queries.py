"""Query counts of the findings pages do not grow with their rows, and the list stays quick with 100,000 findings.

Baselines count the session (4), the user, the officer's scope (2), the operator's name, the source choices, the
rows' count, the rows (unit and asset joined) and the counts per state. Raise one only for a new feature of the
page, never for a loop.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from canhgac.constituency.tests.factories import AssetFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.core.bulk import db_value, insert_rows
from canhgac.findings.models import Finding, FindingState, Severity
from canhgac.findings.services import transition_finding
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db

LIST_BASELINE = 12
TREE_FILTER = 2
"""Filtering by a unit with its sub-units reads the unit and the tree."""
DETAIL_BASELINE = 12
"""For an officer (a SOC user costs two queries fewer)."""


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def populate(unit: Any, count: int) -> None:
    for n in range(count):
        child = UnitFactory(parent=unit)
        FindingFactory(unit=child, asset=AssetFactory(unit=child), evidence={"family": "mirai", "n": n})


@pytest.mark.parametrize("role", [Role.SOC_ADMIN, Role.UNIT_OFFICER])
@pytest.mark.parametrize("query", ["", "?sort=-severity", "?state=active&overdue=false&q=203", "?unit_tree=SO-TTTT"])
def test_the_list_costs_the_same_with_3_or_50_rows(login: Any, users: dict, province: Any, role: str, query: str,
                                                   django_assert_max_num_queries: Any) -> None:
    client, url = login(users[role]), reverse("findings:finding_list") + query
    baseline = LIST_BASELINE + (TREE_FILTER if "unit_tree" in query else 0)
    populate(province.own_unit, 3)
    with django_assert_max_num_queries(baseline):
        assert client.get(url).status_code == 200
    populate(province.own_unit, 47)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    if "q=" not in query:
        assert response.content.decode().count('href="/findings/') >= 50


def test_a_findings_page_costs_the_same_with_a_long_history(login: Any, users: dict, province: Any,
                                                            django_assert_max_num_queries: Any) -> None:
    officer = users[Role.UNIT_OFFICER]
    finding = FindingFactory(unit=province.own_unit, asset=AssetFactory(unit=province.own_unit))
    client, url = login(officer), reverse("findings:finding_detail", args=[finding.pk])
    with django_assert_max_num_queries(DETAIL_BASELINE):
        assert client.get(url).status_code == 200
    for _ in range(20):
        transition_finding(finding, FindingState.IN_PROGRESS, user=officer)
        transition_finding(finding, FindingState.OPEN, user=officer)
    with django_assert_max_num_queries(DETAIL_BASELINE):
        assert client.get(url).content.decode().count("→") >= 40


def insert_findings(total: int, units: list[int]) -> None:
    """``total`` open findings spread over ``units``, inserted as a producer would (core.bulk), not one by one."""
    now = db_value(Finding, "created_at", timezone.now())
    due = db_value(Finding, "due_on", timezone.localdate())
    evidence = db_value(Finding, "evidence", {"family": "mirai"})
    severities = Severity.values
    fields = ("unit", "source", "dedup_key", "title", "evidence", "origin", "severity", "priority", "state", "due_on",
              "times_seen", "reopen_count", "first_seen_at", "last_seen_at", "state_changed_at", "created_at")
    rows = ((units[n % len(units)], "botnet", f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
             f"Botnet-listed address {n}", evidence, "vncert", severities[n % 5], 1 + n % 4,
             FindingState.OPEN if n % 3 else FindingState.RESOLVED, due, 1, 0, now, now, now, now)
            for n in range(total))
    insert_rows(Finding, fields, rows)


@pytest.mark.slow
def test_the_list_answers_quickly_with_100000_findings(login: Any, users: dict, province: Any) -> None:
    units = [province.own_unit.pk, province.own_subunit.pk, province.other_unit.pk]
    units += [unit.pk for unit in UnitFactory.create_batch(97)]
    insert_findings(100_000, units)
    timings = {}
    for role in (Role.SOC_ANALYST, Role.UNIT_OFFICER):
        client = login(users[role])
        for query in ("", "?state=active&sort=-severity", "?q=10.1.2&unit_tree=SO-TTTT", "?overdue=true",
                      "?page=1000"):
            started = time.perf_counter()
            response = client.get(reverse("findings:finding_list") + query)
            timings[(role, query)] = time.perf_counter() - started
            assert response.status_code == 200
    slowest = max(timings.values())
    assert slowest < 3.0, timings
