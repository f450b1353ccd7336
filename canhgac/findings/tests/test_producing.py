"""What producers (feed imports, later advisories and checks) do through the services: open a finding per new
subject, refresh it when reported again, reopen it when it comes back after a fix, leave the SOC's dismissals
alone, verify fixes a later complete report confirms; priorities follow recurrence, the host and its system."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from canhgac.constituency.tests.factories import AssetFactory, InformationSystemFactory
from canhgac.core.access import Role
from canhgac.core.audit import acting_as
from canhgac.core.models import AuditEntry, Channel
from canhgac.findings.models import Finding, FindingState, Priority, Severity
from canhgac.findings.services import Observation, open_or_refresh_findings, verify_findings_not_seen_since
from canhgac.findings.tests.factories import FindingFactory
from canhgac.findings.workflow import AssetContext, priority_for

pytestmark = pytest.mark.django_db
S = FindingState


def observe(unit, *keys, asset=None):  # type: ignore[no-untyped-def]
    return [Observation(unit.pk, key, f"Botnet-listed address {key}", asset.pk if asset else None,
                        {"batch": 1}) for key in keys]


def report(observations, at, origin="vncert"):  # type: ignore[no-untyped-def]
    return open_or_refresh_findings("botnet", observations, severity=Severity.HIGH, origin=origin, seen_at=at,
                                    note="listed again")


def test_a_first_report_opens_one_finding_per_unit_and_subject(province):  # type: ignore[no-untyped-def]
    at = timezone.now()
    counts = report(observe(province.own_unit, "1.2.3.4", "1.2.3.5", "1.2.3.4") + observe(province.other_unit,
                                                                                          "1.2.3.4"), at)
    assert counts.as_dict() == {"opened": 3, "refreshed": 0, "reopened": 0, "verified": 0}
    finding = Finding.objects.get(unit=province.own_unit, dedup_key="1.2.3.4")
    assert (finding.state, finding.times_seen, finding.origin, finding.evidence) == (S.OPEN, 1, "vncert", {"batch": 1})
    assert finding.due_on == timezone.localdate(at) + datetime.timedelta(days=7)
    assert finding.first_seen_at == finding.last_seen_at == finding.created_at == at
    assert finding.priority == Priority.NORMAL and finding.title == "Botnet-listed address 1.2.3.4"


def test_reporting_again_refreshes_and_raises_the_priority(province):  # type: ignore[no-untyped-def]
    first = timezone.now() - datetime.timedelta(days=30)
    report(observe(province.own_unit, "1.2.3.4"), first)
    counts = report(observe(province.own_unit, "1.2.3.4"), timezone.now(), origin="shadowserver")
    assert (counts.opened, counts.refreshed) == (0, 1)
    finding = Finding.objects.get()
    assert (finding.times_seen, finding.origin, finding.priority) == (2, "shadowserver", Priority.HIGH)
    assert finding.first_seen_at == first and finding.last_seen_at > first
    assert not finding.events.exists()


@pytest.mark.parametrize("state", [S.RESOLVED, S.VERIFIED])
def test_a_fixed_finding_reported_again_reopens_with_an_event(province, users, state):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.own_unit, dedup_key="1.2.3.4", state=state, origin="vncert")
    with acting_as(users[Role.SOC_ANALYST], Channel.JOB):
        counts = report(observe(province.own_unit, "1.2.3.4"), timezone.now())
    assert counts.reopened == 1
    finding.refresh_from_db()
    assert (finding.state, finding.reopen_count, finding.times_seen) == (S.OPEN, 1, 2)
    event = finding.events.get()
    assert (event.from_state, event.to_state, event.note, event.actor) == (state, S.OPEN, "listed again",
                                                                            users[Role.SOC_ANALYST])
    entry = AuditEntry.objects.get(object_id=str(finding.pk))
    assert entry.changes["state"] == [state, S.OPEN] and entry.channel == "job"


@pytest.mark.parametrize("state", [S.ACCEPTED_RISK, S.FALSE_POSITIVE, S.IN_PROGRESS])
def test_dismissed_or_worked_findings_are_only_refreshed(province, state):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.own_unit, dedup_key="1.2.3.4", state=state)
    counts = report(observe(province.own_unit, "1.2.3.4"), timezone.now())
    finding.refresh_from_db()
    assert (counts.refreshed, finding.state, finding.times_seen) == (1, state, 2)


def test_verification_confirms_fixes_absent_from_a_later_complete_report(province):  # type: ignore[no-untyped-def]
    earlier = timezone.now() - datetime.timedelta(days=31)
    report(observe(province.own_unit, "1.1.1.1", "2.2.2.2", "3.3.3.3"), earlier)
    Finding.objects.filter(dedup_key__in=["1.1.1.1", "2.2.2.2"]).update(state=S.RESOLVED)
    FindingFactory(unit=province.own_unit, dedup_key="4.4.4.4", state=S.RESOLVED, origin="other-feed",
                   last_seen_at=earlier)
    now = timezone.now()
    counts = report(observe(province.own_unit, "2.2.2.2"), now)
    verified = verify_findings_not_seen_since("botnet", "vncert", now, note="absent from batch #2")
    states = dict(Finding.objects.values_list("dedup_key", "state"))
    assert (counts.reopened, verified) == (1, 1)
    assert states == {"1.1.1.1": S.VERIFIED, "2.2.2.2": S.OPEN, "3.3.3.3": S.OPEN, "4.4.4.4": S.RESOLVED}
    event = Finding.objects.get(dedup_key="1.1.1.1").events.get()
    assert (event.from_state, event.to_state, event.note) == (S.RESOLVED, S.VERIFIED, "absent from batch #2")


def test_the_host_and_its_system_raise_the_priority(province):  # type: ignore[no-untyped-def]
    portal = AssetFactory(unit=province.own_unit, role="web_portal", internet_facing=True)
    InformationSystemFactory(unit=province.own_unit, security_level=3).assets.add(portal)
    InformationSystemFactory(unit=province.own_unit, security_level=4).assets.add(portal)
    camera = AssetFactory(unit=province.own_unit, role="iot")
    report(observe(province.own_unit, "1.1.1.1", asset=portal) + observe(province.own_unit, "2.2.2.2", asset=camera),
           timezone.now())
    priorities = dict(Finding.objects.values_list("dedup_key", "priority"))
    assert priorities == {"1.1.1.1": Priority.URGENT, "2.2.2.2": Priority.NORMAL}


def test_a_finding_adopts_its_host_once_the_registry_knows_it(province):  # type: ignore[no-untyped-def]
    report(observe(province.own_unit, "1.1.1.1"), timezone.now())
    asset = AssetFactory(unit=province.own_unit)
    report(observe(province.own_unit, "1.1.1.1", asset=asset), timezone.now())
    assert Finding.objects.get().asset == asset


@pytest.mark.parametrize(("severity", "times", "reopened", "asset", "expected"), [
    (Severity.INFO, 1, 0, None, Priority.LOW),
    (Severity.LOW, 1, 0, None, Priority.LOW),
    (Severity.MEDIUM, 1, 0, None, Priority.NORMAL),
    (Severity.HIGH, 2, 0, None, Priority.HIGH),
    (Severity.HIGH, 3, 0, None, Priority.HIGH),
    (Severity.HIGH, 3, 0, AssetContext("vpn", False, None), Priority.URGENT),
    (Severity.CRITICAL, 1, 0, None, Priority.HIGH),
    (Severity.CRITICAL, 1, 2, None, Priority.URGENT),
    (Severity.LOW, 1, 0, AssetContext("workstation", False, 5), Priority.NORMAL),
    (Severity.MEDIUM, 1, 0, AssetContext("workstation", False, 5), Priority.HIGH),
])
def test_priority_points(severity, times, reopened, asset, expected):  # type: ignore[no-untyped-def]
    assert priority_for(severity, times, reopened, asset) == expected


@pytest.mark.parametrize("scan_from", [0, 10_000])
def test_existing_findings_are_found_whether_looked_up_or_read_by_unit(province, monkeypatch, scan_from):  # type: ignore[no-untyped-def]
    from canhgac.findings import services

    monkeypatch.setattr(services, "SCAN_FROM", scan_from)
    report(observe(province.own_unit, "1.1.1.1", "2.2.2.2") + observe(province.other_unit, "1.1.1.1"),
           timezone.now())
    Finding.objects.filter(dedup_key="2.2.2.2").update(state=S.RESOLVED)
    counts = report(observe(province.own_unit, "1.1.1.1", "2.2.2.2", "3.3.3.3"), timezone.now())
    assert (counts.opened, counts.refreshed, counts.reopened) == (1, 1, 1)
    assert Finding.objects.get(unit=province.other_unit).times_seen == 1
