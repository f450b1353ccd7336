"""The set-based writes of big imports and matchings (one UPDATE … FROM a staged table on PostgreSQL, one prepared
statement on SQLite) give the same rows as writing one by one, on both databases; the planner statistics refreshed
after big writes run inside the caller's transaction."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from canhgac.advisories.models import Advisory, AffectedProduct, Exposure, Vulnerability
from canhgac.advisories.services import Letter, match_all, storing
from canhgac.advisories.services import exposures as exposure_services
from canhgac.advisories.tests.helpers import host, load
from canhgac.core.bulk import db_value, update_rows
from canhgac.findings.models import Finding

pytestmark = pytest.mark.django_db

COUNT = 120


def record(number: int, title: str, score: float, fixed: str) -> dict[str, Any]:
    identifier = f"CVE-2024-{10000 + number}"
    return {"dataType": "CVE_RECORD", "dataVersion": "5.1", "cveMetadata": {"cveId": identifier, "state": "PUBLISHED"},
            "containers": {"cna": {
                "title": f"{title} {number}", "descriptions": [{"lang": "en", "value": f"{identifier} in Example"}],
                "metrics": [{"cvssV3_1": {"version": "3.1", "baseScore": score, "baseSeverity": "HIGH",
                                          "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
                "affected": [{"vendor": "Example", "product": f"Server {number % 7}", "defaultStatus": "unaffected",
                              "versions": [{"version": "1.0", "lessThan": fixed, "status": "affected"}]}]}}}


def test_many_changed_records_are_each_rewritten_and_summarised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storing, "ANALYZE_FROM", 1)  # the statistics refresh of big imports runs too
    load([record(number, "First", 5.0, "1.4") for number in range(COUNT)])
    letter = Letter("99/CATTT-NCSC", datetime.date(2024, 5, 2), datetime.date(2024, 5, 30))
    outcome = load([record(number, "Second", 9.8, "1.6") for number in range(COUNT)], letter=letter)
    assert (outcome.batch.created, outcome.batch.updated, outcome.batch.unchanged) == (0, COUNT, 0)
    assert set(Advisory.objects.values_list("title", "reference", "deadline", "cvss")) == {
        (f"Second {number}", "99/CATTT-NCSC", datetime.date(2024, 5, 30), 9.8) for number in range(COUNT)}
    assert set(Vulnerability.objects.values_list("title", "severity", "cvss", "deadline")) == {
        (f"Second {number}", "critical", 9.8, datetime.date(2024, 5, 30)) for number in range(COUNT)}
    assert set(AffectedProduct.objects.values_list("version_end", flat=True)) == {"1.6"}
    assert AffectedProduct.objects.count() == COUNT


def test_update_rows_sets_the_fields_of_the_rows_given_by_key() -> None:
    load([record(number, "Title", 5.0, "1.4") for number in range(3)])
    first, second, third = Vulnerability.objects.order_by("pk")
    when = db_value(Vulnerability, "updated_at", datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.UTC))
    updated = update_rows(Vulnerability, ("title", "cvss", "deadline", "updated_at"), [
        ("Tab\tand\nnewline \\ kept", None, "2024-06-01", when, first.pk),
        ("Đã sửa", 7.5, None, when, second.pk)])
    assert updated == 2
    rows = {pk: (title, cvss, deadline) for pk, title, cvss, deadline in
            Vulnerability.objects.values_list("pk", "title", "cvss", "deadline")}
    assert rows == {first.pk: ("Tab\tand\nnewline \\ kept", None, datetime.date(2024, 6, 1)),
                    second.pk: ("Đã sửa", 7.5, None), third.pk: (third.title, third.cvss, third.deadline)}
    assert update_rows(Vulnerability, ("title",), []) == 0


def test_a_big_matching_refreshes_statistics_inside_its_transaction(province: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exposure_services, "BIG_MATCH", 1)
    unit = province.own_unit
    host(unit, "web-01", ("Example", "Server 1", "1.2"))
    load([record(1, "Title", 8.8, "1.4")], match=False)
    summary = match_all()
    assert (summary.new, summary.opened) == (1, 1)
    assert Exposure.objects.get().version == "1.2" and Finding.objects.get().unit == unit
    assert match_all().new == 0
