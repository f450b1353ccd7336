"""The set-based producer path (``findings.bulk``) leaves findings, their steps and the audit trail exactly as the
row-by-row services do, whatever state the findings were in: both run on the same data and are compared."""

from __future__ import annotations

import datetime
import random
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from canhgac.constituency.tests.factories import AssetFactory, InformationSystemFactory, UnitFactory
from canhgac.core.access import Role
from canhgac.core.audit import acting_as
from canhgac.core.models import AuditEntry, Channel
from canhgac.findings.bulk import Subjects, open_or_refresh_findings_from
from canhgac.findings.models import Finding, FindingEvent, FindingState, Severity
from canhgac.findings.services import Observation, open_or_refresh_findings
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db
S = FindingState
EVIDENCE = {"feed_source": "vncert", "first_batch": 7}


def subjects_query(observations: list[Observation]) -> Subjects:
    """The observations as a query, as a producer's stored rows would give them."""
    one = ("SELECT CAST(%s AS BIGINT) AS unit_id, CAST(%s AS VARCHAR(255)) AS dedup_key, "
           "CAST(%s AS VARCHAR(255)) AS title, CAST(%s AS BIGINT) AS asset_id")
    sql = " UNION ALL ".join([one] * len(observations))
    return Subjects(sql, [value for o in observations for value in (o.unit_id, o.key, o.title, o.asset_id)])


def outcome() -> dict[str, Any]:
    """Everything a producer may have changed, keyed by subject (new findings' ids differ between the runs)."""
    subject = {pk: (unit, key) for pk, unit, key in Finding.objects.values_list("pk", "unit_id", "dedup_key")}
    fields = [f.attname for f in Finding._meta.concrete_fields if f.attname != "id"]
    findings = {subject[row["id"]]: {name: row[name] for name in fields}
                for row in Finding.objects.values("id", *fields)}
    events = sorted((subject[e.finding_id], e.at, e.actor_id, e.actor_label, e.channel, e.from_state, e.to_state,
                     e.note) for e in FindingEvent.objects.all())
    entries = sorted((subject[int(a.object_id)], a.action, a.actor_id, a.actor_label, a.channel, a.object_repr,
                      a.unit_id, a.changes, a.job_id, a.at)
                     for a in AuditEntry.objects.filter(object_type="findings.finding"))
    return {"findings": findings, "events": events, "entries": entries}


def run_both(observations: list[Observation], at: datetime.datetime, **options: Any) -> tuple[Any, Any]:
    """(counts, outcome) of the services, then of the bulk path, each from the same starting data."""
    results = []
    for bulk in (False, True):
        with transaction.atomic():
            if bulk:
                counts = open_or_refresh_findings_from("botnet", subjects_query(observations), evidence=EVIDENCE,
                                                       **options, seen_at=at)
            else:
                counts = open_or_refresh_findings("botnet", observations, seen_at=at, **options)
            results.append((counts.as_dict(), outcome()))
            transaction.set_rollback(True)
    return results[0], results[1]


def scenario(seed: int) -> tuple[list[Observation], datetime.datetime]:
    """Findings in every state, seen and reopened a few times, some on hosts that raise their priority (or whose
    host is known only now); and the observations of a new report covering most of them and new subjects."""
    rng = random.Random(seed)
    units: list[Any] = [UnitFactory() for _ in range(3)]
    portal: Any = AssetFactory(unit=units[0], role="web_portal", internet_facing=True)
    system: Any = InformationSystemFactory(unit=units[0], security_level=4)
    system.assets.add(portal)
    assets: list[Any] = [portal, AssetFactory(unit=units[1], role="iot"), AssetFactory(unit=units[2], role="database")]
    observations = []
    for number in range(60):
        unit = rng.choice(units)
        key = f"203.113.{number // 250}.{number % 250}"
        asset = rng.choice([None, None, *assets])
        if rng.random() < 0.7:
            FindingFactory(unit=unit, dedup_key=key, state=rng.choice(S.values), times_seen=rng.randint(1, 4),
                           reopen_count=rng.randint(0, 3), severity=rng.choice(Severity.values),
                           asset=rng.choice([None, asset]), origin="vncert",
                           title=f"Listed earlier {key}")
        if rng.random() < 0.85:
            observations.append(Observation(unit.pk, key, f"{key} listed as Botnet / C2",
                                            asset.pk if asset else None, EVIDENCE))
    return observations, timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_bulk_path_leaves_what_the_services_leave(seed, users):  # type: ignore[no-untyped-def]
    observations, at = scenario(seed)
    with acting_as(users[Role.SOC_ANALYST], Channel.JOB):
        (counts, expected), (bulk_counts, found) = run_both(observations, at, severity=Severity.HIGH,
                                                            origin="vncert", note="listed again in batch #7")
    assert bulk_counts == counts and counts["reopened"] and counts["refreshed"] and counts["opened"]
    assert found["findings"] == expected["findings"]
    assert found["events"] == expected["events"] and found["entries"] == expected["entries"]


def test_a_first_report_into_an_empty_table_opens_everything(province):  # type: ignore[no-untyped-def]
    portal = AssetFactory(unit=province.own_unit, role="web_portal", internet_facing=True)
    observations = [Observation(province.own_unit.pk, "1.1.1.1", "1.1.1.1 listed", portal.pk, EVIDENCE),
                    Observation(province.other_unit.pk, "1.1.1.1", "1.1.1.1 listed", None, EVIDENCE)]
    (counts, expected), (bulk_counts, found) = run_both(observations, timezone.now(), severity=Severity.MEDIUM,
                                                        origin="shadowserver")
    assert bulk_counts == counts == {"opened": 2, "refreshed": 0, "reopened": 0, "verified": 0}
    assert found == expected


def test_nothing_observed_changes_nothing_and_leaves_no_work_tables(province):  # type: ignore[no-untyped-def]
    FindingFactory(unit=province.own_unit, dedup_key="1.1.1.1", state=S.RESOLVED)
    counts = open_or_refresh_findings_from("botnet", Subjects("SELECT * FROM (SELECT CAST(NULL AS BIGINT) AS unit_id, "
                                                              "'' AS dedup_key, '' AS title, CAST(NULL AS BIGINT) "
                                                              "AS asset_id) s WHERE unit_id IS NOT NULL"),
                                           severity=Severity.HIGH, origin="vncert", seen_at=timezone.now())
    assert counts.as_dict() == {"opened": 0, "refreshed": 0, "reopened": 0, "verified": 0}
    assert Finding.objects.get().state == S.RESOLVED
    open_or_refresh_findings_from("botnet", subjects_query([Observation(province.own_unit.pk, "1.1.1.1", "t")]),
                                  severity=Severity.HIGH, origin="vncert", seen_at=timezone.now())
    assert Finding.objects.get().state == S.OPEN  # the work tables of the first call did not get in the way


@pytest.mark.postgres
@pytest.mark.parametrize("callers", ["on", "off"])
def test_the_planner_setting_of_the_refresh_is_the_callers_again_after(callers):  # type: ignore[no-untyped-def]
    """PostgreSQL: the refresh of most of a table turns nested loops off for its own ``UPDATE`` statements only."""
    observations, at = scenario(5)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [callers])
        counts = open_or_refresh_findings_from("botnet", subjects_query(observations), severity=Severity.HIGH,
                                               origin="vncert", seen_at=at)
        cursor.execute("SELECT current_setting('enable_nestloop')")
        assert cursor.fetchone() == (callers,)
        assert counts.refreshed and counts.reopened
