"""The listed addresses page over 10^5 hits: its rows and its count read the covering (unit, listed address, batch)
index instead of every hit's row (300,000 hits on SQLite: 1.9–3.0 s → 0.3–0.7 s a page)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from canhgac.intel.models import Hit
from canhgac.intel.querysets import listed_addresses

pytestmark = pytest.mark.django_db


def plans(run: object) -> list[str]:
    """The SQLite plan of every query ``run()`` makes."""
    with CaptureQueriesContext(connection) as captured:
        run()  # type: ignore[operator]
    found = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN QUERY PLAN {query['sql']}")
            found.append("\n".join(str(row[-1]) for row in cursor.fetchall()))
    return found


@pytest.mark.sqlite  # SQLite's plan; PostgreSQL plans this query otherwise (the PostgreSQL pass deselects it)
def test_the_page_and_its_count_read_the_covering_index_not_the_hit_rows() -> None:
    grouped = listed_addresses(Hit.objects.all())

    for plan in plans(lambda: list(grouped[:50])) + plans(grouped.count):
        assert "SCAN intel_hit USING COVERING INDEX hit_unit_indicator" in plan, plan
