"""Importing feeds end to end through the job: a batch with its counts, hits and findings in one transaction; the
same file twice counted once; three monthly lists of real C2 addresses driving recurrence, verification of fixes
and reopening; who may import, and what officers see of it."""

from __future__ import annotations

import datetime
import gzip
import ipaddress
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from canhgac.constituency.models import Asset
from canhgac.constituency.services import save_asset
from canhgac.constituency.tests.factories import NetblockFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Job, JobState
from canhgac.findings.models import Finding, FindingState, Priority, Severity
from canhgac.findings.services import transition_finding
from canhgac.intel.models import FeedBatch, FeedSource, Hit
from canhgac.intel.services import create_feed_job, storing

pytestmark = pytest.mark.django_db

S = FindingState


def run(content: bytes | Path, user: Any, period: str = "2026-03", source: str = "vncert-botnet",
        name: str = "botnet.txt", **options: Any) -> Job:
    job = create_feed_job(content, source, "123/VNCERT-ĐPƯC", period, user, filename=name, **options)
    seen: list[tuple[int, int]] = []
    finished = jobs.execute(job.pk, on_progress=lambda done, total: seen.append((done, total)))
    finished.progress_seen = seen  # type: ignore[attr-defined]
    return finished


def block(unit: Any, text: str) -> None:
    NetblockFactory(unit=unit, block=text)


def test_a_list_becomes_a_batch_with_hits_and_findings(province, users, corpora):  # type: ignore[no-untyped-def]
    block(province.own_unit, "192.9.0.0/16")
    block(province.own_subunit, "192.9.135.0/24")  # nested: the sub-unit's block is the more specific
    portal = Asset(unit=province.own_subunit, name="Cổng thông tin", role="web_portal", ip_addresses="192.9.135.73")
    save_asset(portal, None, None)  # the registry's address index knows the host now
    analyst = users[Role.SOC_ANALYST]
    job = run(corpora / "botnet-feodo/ipblocklist-2024-04-03.csv", analyst, name="feodo.csv")
    assert job.state == JobState.SUCCEEDED, job.error
    batch = FeedBatch.objects.get()
    assert (batch.lines, batch.valid, batch.invalid, batch.duplicates, batch.matched, batch.outside, batch.skipped,
            batch.units_affected) == (37, 27, 0, 0, 1, 26, 10, 1)
    assert (batch.format, batch.reference, batch.period, batch.imported_by, batch.job_id) == (
        "csv", "123/VNCERT-ĐPƯC", "2026-03", analyst, job.pk)
    hit = Hit.objects.get()
    assert (hit.unit, hit.block, hit.asset, hit.indicator, hit.families, hit.ports) == (
        province.own_subunit, "192.9.135.0/24", portal, "192.9.135.73", "Pikabot", "1194")
    assert hit.seen_first == datetime.datetime(2023, 5, 23, 17, 51, 44, tzinfo=datetime.UTC)
    assert hit.extra == {"c2_status": "online", "last_online": "2024-04-01"}
    finding = Finding.objects.get()
    assert (finding.unit, finding.asset, finding.source, finding.dedup_key, finding.origin, finding.severity) == (
        province.own_subunit, portal, "botnet", "192.9.135.73", "vncert-botnet", Severity.HIGH)
    assert finding.priority == Priority.HIGH  # high, and a web portal
    assert job.result["findings"] == {"opened": 1, "refreshed": 0, "reopened": 0, "verified": 0}
    assert job.progress_seen[-1][0] == job.progress_seen[-1][1] > 0  # type: ignore[attr-defined]
    entry = AuditEntry.objects.get(object_type="intel.feedbatch")
    assert (entry.actor, entry.channel, entry.job_id, entry.unit_id) == (analyst, "job", job.pk, None)
    assert AuditEntry.objects.filter(object_type="intel.feedsource", object_repr="vncert-botnet").exists()


def test_the_same_file_twice_is_recognised_and_counted_once(province, users, corpora):  # type: ignore[no-untyped-def]
    block(province.own_unit, "192.9.135.0/24")
    sample = corpora / "botnet-feodo/ipblocklist-2024-04-03.csv"
    first = run(sample, users[Role.SOC_ANALYST])
    again = run(sample, users[Role.SOC_ADMIN], period="2026-04", source="another")
    assert again.state == JobState.SUCCEEDED and again.result["duplicate"]
    assert again.result["batch"] == first.result["batch"] and again.result["period"] == "2026-03"
    assert (FeedBatch.objects.count(), Hit.objects.count(), Finding.objects.get().times_seen) == (1, 1, 1)
    assert "already imported" in again.log or "đã được nhập" in again.log


def test_a_compressed_list_imports_like_the_list(province, users):  # type: ignore[no-untyped-def]
    block(province.own_unit, "203.113.0.0/16")
    job = run(gzip.compress(b"203.113.5.7\n203.113.5.8\n8.8.8.8\n"), users[Role.SOC_ADMIN], name="list.txt.gz")
    assert job.result["matched"] == 2 and FeedBatch.objects.get().metadata == {"compression": "gzip"}


def test_a_block_listed_across_units_hits_each_of_them(province, users):  # type: ignore[no-untyped-def]
    block(province.own_unit, "203.113.0.0/24")
    block(province.other_unit, "203.113.1.0/25")
    job = run(b"203.113.0.0/23\n", users[Role.SOC_ADMIN])
    assert (job.result["matched"], job.result["units_affected"]) == (1, 2)
    assert sorted(Finding.objects.values_list("unit__code", "dedup_key")) == [("BV-DK", "203.113.0.0/23"),
                                                                              ("SO-TTTT", "203.113.0.0/23")]


def monthly(corpora: Path) -> dict[str, set[str]]:
    return {month: set((corpora / f"botnet-c2-tracker/{month}/all.txt").read_text().split())
            for month in ("2023-05", "2023-06", "2023-07")}


def pick(addresses: set[str]) -> str:
    return min(addresses, key=lambda text: (ipaddress.ip_address(text).version, int(ipaddress.ip_address(text))))


@pytest.mark.corpora
def test_three_monthly_lists_drive_recurrence_verification_and_reopening(province, users, corpora):  # type: ignore[no-untyped-def]
    may, june, july = monthly(corpora).values()
    always = pick(may & june & july)  # listed every month
    returns = pick((may - june) & july)  # fixed, gone in June, back in July
    fixed = pick(may - june - july)  # fixed, gone for good
    ignored = pick((may - june - july) - {fixed})  # gone in June, but nobody said it was fixed
    units = {always: province.own_unit, returns: province.own_subunit, fixed: province.other_unit,
             ignored: province.other_unit}
    for address, unit in units.items():
        block(unit, address)
    analyst, officer = users[Role.SOC_ANALYST], users[Role.UNIT_OFFICER]

    def month(name: str) -> dict[str, Any]:
        job = run(corpora / f"botnet-c2-tracker/{name}/all.txt", analyst, period=name, source="c2-tracker")
        assert job.state == JobState.SUCCEEDED, job.error
        return job.result

    assert month("2023-05")["findings"] == {"opened": 4, "refreshed": 0, "reopened": 0, "verified": 0}
    findings = {finding.dedup_key: finding for finding in Finding.objects.all()}
    transition_finding(findings[returns], S.RESOLVED, user=officer, note="Đã gỡ mã độc, cài lại máy")
    transition_finding(findings[fixed], S.RESOLVED, user=analyst, note="Đơn vị báo đã xử lý")

    assert month("2023-06")["findings"] == {"opened": 0, "refreshed": 1, "reopened": 0, "verified": 2}
    states = dict(Finding.objects.values_list("dedup_key", "state"))
    assert states == {always: S.OPEN, returns: S.VERIFIED, fixed: S.VERIFIED, ignored: S.OPEN}

    july_result = month("2023-07")
    assert july_result["findings"] == {"opened": 0, "refreshed": 1, "reopened": 1, "verified": 0}
    findings = {finding.dedup_key: finding for finding in Finding.objects.all()}
    assert (findings[always].times_seen, findings[always].priority) == (3, Priority.HIGH)
    assert (findings[returns].state, findings[returns].reopen_count, findings[returns].times_seen) == (S.OPEN, 1, 2)
    assert findings[fixed].state == S.VERIFIED and findings[ignored].state == S.OPEN
    steps = [(event.from_state, event.to_state) for event in findings[returns].events.all()]
    assert steps == [(S.OPEN, S.RESOLVED), (S.RESOLVED, S.VERIFIED), (S.VERIFIED, S.OPEN)]
    assert f"#{july_result['batch']}" in findings[returns].events.last().note  # type: ignore[union-attr]
    assert Hit.objects.filter(indicator=always).count() == 3


def test_an_older_month_imported_late_verifies_nothing(province, users):  # type: ignore[no-untyped-def]
    block(province.own_unit, "203.113.0.0/24")
    run(b"203.113.0.1\n203.113.0.2\n", users[Role.SOC_ADMIN], period="2026-05")
    Finding.objects.update(state=S.RESOLVED)
    late = run(b"203.113.0.1\n", users[Role.SOC_ADMIN], period="2026-04")
    assert late.result["findings"]["verified"] == 0
    assert set(Finding.objects.values_list("state", flat=True)) == {S.OPEN, S.RESOLVED}


def test_an_event_feed_adds_but_never_verifies(province, users):  # type: ignore[no-untyped-def]
    block(province.own_unit, "203.113.0.0/24")
    run(b"203.113.0.1\n203.113.0.2\n", users[Role.SOC_ADMIN], period="2026-05")
    Finding.objects.update(state=S.RESOLVED, last_seen_at=timezone.now() - datetime.timedelta(days=1))
    bundle = b'{"type": "bundle", "objects": [{"type": "indicator", "pattern": "[ipv4-addr:value = \'203.113.0.9\']"}]}'
    job = run(bundle, users[Role.SOC_ADMIN], period="2026-06", name="bundle.json")
    assert job.result["findings"] == {"opened": 1, "refreshed": 0, "reopened": 0, "verified": 0}
    assert not FeedBatch.objects.get(pk=job.result["batch"]).complete


def test_a_failure_while_storing_leaves_nothing_behind(province, users, monkeypatch):  # type: ignore[no-untyped-def]
    block(province.own_unit, "203.113.0.0/24")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(storing, "open_or_refresh_findings_from", broken)
    job = run(b"203.113.0.1\n", users[Role.SOC_ADMIN])
    assert job.state == JobState.FAILED and "disk full" in job.error
    assert not FeedBatch.objects.exists() and not Hit.objects.exists() and not Finding.objects.exists()


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.AUDITOR])
def test_only_soc_staff_import_feeds(users, role):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        create_feed_job(b"203.113.0.1\n", "vncert-botnet", "", "2026-03", users[role])
    assert not Job.objects.exists()


@pytest.mark.parametrize(("source", "period", "format_name"), [
    ("VNCERT botnet", "2026-03", ""), ("vncert", "2026-13", ""), ("vncert", "03/2026", ""),
    ("vncert", "2026-03", "yaml")])
def test_bad_requests_are_refused_before_a_job_is_recorded(users, source, period, format_name):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        create_feed_job(b"203.113.0.1\n", source, "", period, users[Role.SOC_ADMIN], format_name=format_name)
    assert not Job.objects.exists()


def test_officers_see_their_units_hits_and_no_batches(province, users):  # type: ignore[no-untyped-def]
    block(province.own_unit, "203.113.0.0/24")
    block(province.own_subunit, "203.113.1.0/24")
    block(province.other_unit, "203.113.2.0/24")
    run(b"203.113.0.1\n203.113.1.1\n203.113.2.1\n", users[Role.SOC_ADMIN])
    officer = users[Role.UNIT_OFFICER]
    assert sorted(Hit.objects.for_user(officer).values_list("indicator", flat=True)) == ["203.113.0.1",
                                                                                        "203.113.1.1"]
    assert not FeedBatch.objects.for_user(officer).exists() and not FeedSource.objects.for_user(officer).exists()
    assert FeedBatch.objects.for_user(users[Role.AUDITOR]).count() == 1
    assert Hit.objects.for_user(users[Role.AUDITOR]).count() == 3


def test_deleting_a_unit_or_an_asset_still_reaches_its_hits(province, users):  # type: ignore[no-untyped-def]
    block(province.own_unit, "203.113.0.0/24")
    block(province.other_unit, "203.113.1.0/24")
    asset = Asset(unit=province.own_unit, name="Máy chủ thư", role="mail", ip_addresses="203.113.0.1")
    save_asset(asset, None, None)
    run(b"203.113.0.1\n203.113.1.1\n", users[Role.SOC_ADMIN])
    asset.delete()
    assert Hit.objects.get(indicator="203.113.0.1").asset is None
    province.other_unit.delete()
    assert list(Hit.objects.values_list("indicator", flat=True)) == ["203.113.0.1"]
