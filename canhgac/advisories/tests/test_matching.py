"""Matching real advisories with assets just inside and just outside each range, with the reason of every match;
which source decides; exposures and findings kept current when the inventory or the advisories change."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from canhgac.advisories.models import Exposure, Trust
from canhgac.advisories.services import add_alias, match_all, match_assets
from canhgac.advisories.tests.helpers import host, load, warning
from canhgac.constituency.models import Asset
from canhgac.constituency.services import SoftwareItem, save_asset
from canhgac.findings.models import Finding, FindingState, Priority
from canhgac.findings.services import transition_finding

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


def exposed(*names: str) -> dict[str, list[str]]:
    """Asset name → the vulnerabilities it is exposed to (only for ``names``)."""
    found: dict[str, list[str]] = {name: [] for name in names}
    for asset_name, identifier in Exposure.objects.filter(asset__name__in=names).values_list(
            "asset__name", "vulnerability__identifier").order_by("vulnerability__identifier"):
        found[asset_name].append(identifier)
    return found


def finding(asset: Asset, identifier: str) -> Finding:
    return Finding.objects.get(asset=asset, dedup_key__startswith=f"{identifier}@")


def test_zimbra_the_cna_text_decides_over_nvd_holes(province: Any, corpora: Path) -> None:
    unit = province.own_unit
    for name, version in [("p39", "8.8.15 Patch 39"), ("p40", "8.8.15_P40"), ("p41", "8.8.15 Patch 41"),
                          ("old", "8.8.12"), ("nine", "9.0.0 Patch 36"), ("seven", "7.1.4")]:
        host(unit, name, ("Zimbra", "Zimbra Collaboration", version))
    load(corpora / "nvd-cve/CVE-2023-37580.nvd-1.1.json")
    only_nvd = exposed("p39", "p40", "p41")
    assert only_nvd == {"p39": [], "p40": ["CVE-2023-37580"], "p41": []}  # NVD lists p40 but not p39
    load(corpora / "cve-json5/CVE-2023-37580.json")
    assert exposed("p39", "p40", "p41", "old", "nine", "seven") == {
        "p39": ["CVE-2023-37580"], "p40": ["CVE-2023-37580"], "p41": [], "old": ["CVE-2023-37580"], "nine": [],
        "seven": []}
    evidence = finding(Asset.objects.get(name="p39"), "CVE-2023-37580").evidence
    [reason] = evidence["matched"]
    assert (reason["source"], reason["range"], reason["read_from"], reason["trust"]) == (
        "cve5", ">= 8, < 8.8.15 Patch 41", "containers.cna.descriptions (description)", Trust.TEXT)
    assert evidence["known_exploited"] is True and evidence["version"] == "8.8.15 Patch 39"


def test_f5_each_branch_until_its_hotfix(province: Any, corpora: Path) -> None:
    cases = {"a": "17.1.0.3", "b": "Hotfix-BIGIP-17.1.0.3.0.75.4-ENG.iso", "c": "16.1.4.1", "d": "16.1.4.1.0.50.5",
             "e": "13.1.5", "f": "12.1.6", "g": "17.1.0"}
    for name, version in cases.items():
        host(province.other_unit, name, ("F5", "BIG-IP Local Traffic Manager", version), role="edge")
    load(corpora / "cve-json5/CVE-2023-46747.json")
    load(corpora / "nvd-cve/CVE-2023-46747.nvd-2.0.EXCERPT.json")
    found = exposed(*cases)
    assert {name for name, ids in found.items() if ids} == {"a", "c", "e", "g"}
    reason = finding(Asset.objects.get(name="c"), "CVE-2023-46747").evidence["matched"][0]
    assert (reason["range"], reason["read_from"]) == (">= 16.1.0, < 17.1.0", "containers.cna.affected[0].versions[1]")


def test_f5_nvd_alone_speaks_per_module(province: Any, corpora: Path) -> None:
    host(province.other_unit, "apm", ("F5", "BIG-IP Access Policy Manager", "17.1.1"))
    host(province.other_unit, "ltm", ("F5", "BIG-IP", "17.1.1.1"))
    load(corpora / "nvd-cve/CVE-2023-46747.nvd-2.0.EXCERPT.json")
    assert exposed("apm", "ltm") == {"apm": ["CVE-2023-46747"], "ltm": []}  # <= 17.1.1 inclusive


def test_spring4shell_from_free_text(province: Any, corpora: Path) -> None:
    cases = {"a": "5.3.17", "b": "5.3.18", "c": "5.2.19", "d": "5.2.20", "e": "5.1.9.RELEASE", "f": "6.0.0"}
    for name, version in cases.items():
        host(province.own_subunit, name, ("VMware", "Spring Framework", version))
    load(corpora / "cve-json5/CVE-2022-22965.json")
    assert {name for name, ids in exposed(*cases).items() if ids} == {"a", "c", "e"}


def test_sharepoint_and_word_just_inside_and_outside(province: Any, corpora: Path) -> None:
    unit = province.own_unit
    host(unit, "sp-in", ("Microsoft", "SharePoint Server 2019", "16.0.10399.20004"))
    host(unit, "sp-out", ("Microsoft", "Microsoft SharePoint Server 2019", "16.0.10399.20005"))
    host(unit, "word-in", ("Microsoft", "Word 2016", "16.0.5412.1000"))
    host(unit, "word-out", ("Microsoft", "Word 2016", "16.0.5413.1000"))
    host(unit, "office", ("Microsoft", "Office 2019", "16.0.10407.20032"))
    load(corpora / "cve-json5/CVE-2023-29357.json")
    load(corpora / "cve-json5/CVE-2023-36761.json")
    assert exposed("sp-in", "sp-out", "word-in", "word-out", "office") == {
        "sp-in": ["CVE-2023-29357"], "sp-out": [], "word-in": ["CVE-2023-36761"], "word-out": [], "office": []}


def nvd_office_2019() -> dict[str, Any]:
    """NVD's configuration for CVE-2023-36761 names Office 2019 without a version range (all its builds)."""
    return {"id": "CVE-2023-36761", "sourceIdentifier": "secure@microsoft.com", "published": "2023-09-12T17:15:14",
            "descriptions": [{"lang": "en", "value": "Microsoft Word Information Disclosure Vulnerability"}],
            "configurations": [{"nodes": [{"operator": "OR", "negate": False, "cpeMatch": [
                {"vulnerable": True, "criteria": "cpe:2.3:a:microsoft:office:2019:*:*:*:*:*:*:*"}]}]}]}


def test_a_link_where_a_bound_should_be_falls_back_to_nvd(province: Any, corpora: Path) -> None:
    office = host(province.own_unit, "office", ("Microsoft", "Office 2019", "16.0.10407.20032"))
    load(corpora / "cve-json5/CVE-2023-36761.json")
    assert exposed("office") == {"office": []}  # the vendor's record gives no usable bound
    load(nvd_office_2019(), "nvd.json")
    assert exposed("office") == {"office": ["CVE-2023-36761"]}
    [reason] = finding(office, "CVE-2023-36761").evidence["matched"]
    assert (reason["source"], reason["range"], reason["trust"]) == ("nvd", "all versions", Trust.NVD)


def test_windows_from_microsofts_csaf_by_feature_update_and_build(province: Any) -> None:
    unit = province.own_unit
    host(unit, "w10-in", ("Microsoft", "Windows 10 22H2", "10.0.19045.3569"))
    host(unit, "w10-out", ("Microsoft", "Windows 10 22H2", "10.0.19045.3570"))
    host(unit, "w10-pro", ("Microsoft", "Windows 10 Pro", "10.0.19045.3448"))  # the build tells 22H2
    host(unit, "w10-21h2", ("Microsoft", "Windows 10 Enterprise", "10.0.19044.3448"))  # another branch
    host(unit, "srv-in", ("Microsoft", "Windows Server 2019 Datacenter", "10.0.17763.4973"))
    host(unit, "srv-out", ("Microsoft", "Windows Server 2019", "10.0.17763.4974"))
    host(unit, "cpe-only", ("microsoft", "windows 10 22h2", "10.0.19045.3000",
                            "cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.3000:*:*:*:*:*:x64:*"))
    load(DATA / "msrc_cve-2023-36563.json")
    found = exposed("w10-in", "w10-out", "w10-pro", "w10-21h2", "srv-in", "srv-out", "cpe-only")
    assert {name for name, ids in found.items() if ids} == {"w10-in", "w10-pro", "srv-in", "cpe-only"}
    assert finding(Asset.objects.get(name="w10-in"), "CVE-2023-36563").priority == Priority.URGENT  # Exploited:Yes


EXCHANGE_RECORD = {
    "dataType": "CVE_RECORD", "dataVersion": "5.0",
    "cveMetadata": {"cveId": "CVE-2023-36439", "state": "PUBLISHED", "datePublished": "2023-11-14T17:57:43.000Z"},
    "containers": {"cna": {
        "title": "Microsoft Exchange Server Remote Code Execution Vulnerability",
        "descriptions": [{"lang": "en-US", "value": "Microsoft Exchange Server Remote Code Execution Vulnerability"}],
        "affected": [
            {"vendor": "Microsoft", "product": "Microsoft Exchange Server 2019 Cumulative Update 13",
             "versions": [{"version": "15.02.0", "lessThan": "15.02.1258.028", "versionType": "custom",
                           "status": "affected"}]},
            {"vendor": "Microsoft", "product": "Microsoft Exchange Server 2019 Cumulative Update 12",
             "versions": [{"version": "15.02.0", "lessThan": "15.02.1118.040", "versionType": "custom",
                           "status": "affected"}]}],
        "metrics": [{"format": "CVSS", "cvssV3_1": {"version": "3.1", "baseScore": 8.0, "baseSeverity": "HIGH",
                                                    "vectorString": "CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}}]}}}


def test_exchange_cumulative_updates_are_separate_branches(province: Any) -> None:
    unit = province.own_unit
    for name, version in [("cu12-in", "15.2.1118.39"), ("cu12-out", "15.2.1118.40"), ("cu13-in", "15.2.1258.27"),
                          ("cu13-out", "15.2.1258.28"), ("cu13-text", "CU13 Nov23SU"), ("cu14", "15.2.1544.4")]:
        host(unit, name, ("Microsoft", "Exchange Server 2019", version), role="mail")
    load([EXCHANGE_RECORD])
    found = exposed("cu12-in", "cu12-out", "cu13-in", "cu13-out", "cu13-text", "cu14")
    assert {name for name, ids in found.items() if ids} == {"cu12-in", "cu13-in", "cu13-text"}
    evidence = finding(Asset.objects.get(name="cu13-text"), "CVE-2023-36439").evidence
    assert (evidence["version"], evidence["unplaced_update"]) == ("15.2.1258.0", "nov23su")


def test_the_socs_entry_overrides_the_other_sources(province: Any, corpora: Path) -> None:
    mail = host(province.own_unit, "mail", ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 41"), role="mail")
    load(corpora / "cve-json5/CVE-2023-37580.json")
    assert exposed("mail") == {"mail": []}
    load(warning("2216/CATTT-NCSC", ["CVE-2023-37580"],
                 [{"vendor": "Zimbra", "product": "Zimbra Collaboration", "versions": "< 8.8.15 Patch 42"}],
                 deadline="2023-11-24", severity="critical"))
    assert exposed("mail") == {"mail": ["CVE-2023-37580"]}
    found = finding(mail, "CVE-2023-37580")
    [reason] = found.evidence["matched"]
    assert (reason["source"], reason["reference"], reason["trust"]) == ("soc", "2216/CATTT-NCSC", Trust.SOC)
    assert (found.due_on, found.priority) == (datetime.date(2023, 11, 24), Priority.URGENT)


def test_a_version_that_cannot_be_compared_is_counted_not_matched(province: Any, corpora: Path) -> None:
    host(province.own_unit, "unknown", ("Zimbra", "Zimbra Collaboration", ""))
    host(province.own_unit, "garbage", ("Zimbra", "Zimbra Collaboration", "latest"))
    outcome = load(corpora / "cve-json5/CVE-2023-37580.json")
    assert outcome.batch.matching["undetermined"] == 2 and Exposure.objects.count() == 0


def test_priority_known_exploited_then_internet_facing_then_level_then_cvss(province: Any, corpora: Path) -> None:
    unit = province.own_unit
    spring = ("VMware", "Spring Framework", "5.3.17")
    internal = host(unit, "internal", spring)
    exposed_host = host(unit, "exposed", spring, internet_facing=True)
    important = host(unit, "important", spring, level=4)
    zimbra = host(unit, "zimbra-internal", ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 39"))
    load(corpora / "cve-json5/CVE-2022-22965.json")  # critical 9.8, known exploited
    load(corpora / "cve-json5/CVE-2023-37580.json")  # known exploited
    assert {finding(asset, "CVE-2022-22965").priority for asset in (internal, exposed_host, important)} == {
        Priority.URGENT}
    assert finding(zimbra, "CVE-2023-37580").priority == Priority.URGENT
    load(warning("LOCAL-1", ["CVE-2024-1111"], [{"vendor": "VMware", "product": "Spring Framework",
                                                 "versions": "< 5.3.18"}], severity="high"))
    assert [finding(asset, "CVE-2024-1111").priority for asset in (exposed_host, important, internal)] == [
        Priority.HIGH, Priority.NORMAL, Priority.LOW]
    load(warning("LOCAL-2", ["CVE-2024-2222"], [{"vendor": "VMware", "product": "Spring Framework",
                                                 "versions": "< 5.3.18"}], severity="low"))
    assert finding(exposed_host, "CVE-2024-2222").priority == Priority.LOW


def patch(asset: Asset, *software: tuple[str, ...]) -> None:
    save_asset(asset, None, [SoftwareItem(*item) for item in software])
    match_assets([asset.pk])


def test_a_patched_asset_resolves_its_finding_and_a_relapse_reopens_it(province: Any, corpora: Path,
                                                                       users: Any) -> None:
    mail = host(province.own_unit, "mail", ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 39"), role="mail")
    load(corpora / "cve-json5/CVE-2023-37580.json")
    assert finding(mail, "CVE-2023-37580").state == FindingState.OPEN
    patch(mail, ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 41"))
    resolved = finding(mail, "CVE-2023-37580")
    assert resolved.state == FindingState.RESOLVED and not Exposure.objects.exists()
    assert "no longer shows an affected version" in resolved.events.last().note  # type: ignore[union-attr]
    patch(mail, ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 40"))
    again = finding(mail, "CVE-2023-37580")
    assert (again.state, again.reopen_count, again.evidence["version"]) == (FindingState.OPEN, 1, "8.8.15 Patch 40")
    from canhgac.core.access import Role

    transition_finding(again, FindingState.RESOLVED, user=users[Role.UNIT_OFFICER], note="Cập nhật Patch 44")
    patch(mail, ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 44"))
    assert finding(mail, "CVE-2023-37580").state == FindingState.VERIFIED


def test_a_changed_version_still_affected_refreshes_the_evidence(province: Any, corpora: Path) -> None:
    mail = host(province.own_unit, "mail", ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 30"))
    load(corpora / "cve-json5/CVE-2023-37580.json")
    patch(mail, ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 39"))
    found = finding(mail, "CVE-2023-37580")
    assert (found.state, found.evidence["version"], found.times_seen) == (FindingState.OPEN, "8.8.15 Patch 39", 2)
    assert Exposure.objects.get().version == "8.8.15 Patch 39"


def test_saving_an_asset_matches_it_once_the_transaction_commits(province: Any, corpora: Path,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    load(corpora / "cve-json5/CVE-2022-22965.json")
    with django_capture_on_commit_callbacks(execute=True):
        app = host(province.own_unit, "app", ("VMware", "Spring Framework", "5.3.17"))
    assert exposed("app") == {"app": ["CVE-2022-22965"]}
    with django_capture_on_commit_callbacks(execute=True):
        save_asset(app, None, [SoftwareItem("VMware", "Spring Framework", "5.3.18")])
    assert finding(app, "CVE-2022-22965").state == FindingState.RESOLVED
    with django_capture_on_commit_callbacks(execute=True):
        save_asset(app, None, [SoftwareItem("VMware", "Spring Framework", "5.3.1")])
    with django_capture_on_commit_callbacks(execute=True):
        app.delete()
    [left] = Finding.objects.filter(dedup_key__startswith="CVE-2022-22965@")
    assert (left.state, left.asset_id) == (FindingState.RESOLVED, None)
    assert left.events.last().note == "The asset was removed from the register."  # type: ignore[union-attr]


def test_an_asset_moved_to_another_unit_moves_its_finding(province: Any, corpora: Path) -> None:
    app = host(province.own_unit, "app", ("VMware", "Spring Framework", "5.3.17"))
    load(corpora / "cve-json5/CVE-2022-22965.json")
    Asset.objects.filter(pk=app.pk).update(unit=province.other_unit)
    match_assets([app.pk])
    states = dict(Finding.objects.values_list("unit__code", "state"))
    assert states == {"SO-TTTT": FindingState.RESOLVED, "BV-DK": FindingState.OPEN}
    assert Exposure.objects.get().unit == province.other_unit


def test_a_full_matching_agrees_with_the_incremental_ones(province: Any, corpora: Path) -> None:
    host(province.own_unit, "a", ("VMware", "Spring Framework", "5.3.17"), ("Zimbra", "Zimbra Collaboration",
                                                                           "8.8.15 Patch 30"))
    host(province.other_unit, "b", ("F5", "BIG-IP", "16.1.3"))
    for path in ("cve-json5/CVE-2022-22965.json", "cve-json5/CVE-2023-37580.json", "cve-json5/CVE-2023-46747.json",
                 "nvd-cve/CVE-2023-37580.nvd-1.1.json"):
        load(corpora / path)
    incremental = set(Exposure.objects.values_list("vulnerability_id", "asset_id", "product", "version", "rules"))
    findings = set(Finding.objects.values_list("dedup_key", "state", "priority"))
    summary = match_all()
    assert (summary.new, summary.changed, summary.gone, summary.exposures) == (0, 0, 0, 3)
    assert set(Exposure.objects.values_list("vulnerability_id", "asset_id", "product", "version", "rules")) == \
        incremental
    assert set(Finding.objects.values_list("dedup_key", "state", "priority")) == findings
    Exposure.objects.all().delete()
    assert match_all().new == 3


def test_an_alias_the_soc_adds_names_old_rules_anew(province: Any) -> None:
    host(province.own_unit, "portal", ("Acme Corp", "Cổng thông tin", "2.1"))
    load(warning("LOCAL-3", ["CVE-2024-3333"], [{"vendor": "Acme Software", "product": "Portal Suite",
                                                 "versions": "< 3.0"}]))
    assert exposed("portal") == {"portal": []}
    _alias, renamed = add_alias("Acme Software", "Portal Suite", "Acme Corp", "Cổng thông tin")
    assert renamed == 1
    assert match_all().new == 1 and exposed("portal") == {"portal": ["CVE-2024-3333"]}


def test_officers_see_only_their_units_advisory_findings_and_exposures(province: Any, users: Any, corpora: Path,
                                                                       api_as: Any) -> None:
    from canhgac.core.access import Role

    spring = ("VMware", "Spring Framework", "5.3.17")
    host(province.own_unit, "own", spring)
    host(province.own_subunit, "sub", spring)
    other = host(province.other_unit, "other", spring)
    load(corpora / "cve-json5/CVE-2022-22965.json")
    officer = users[Role.UNIT_OFFICER]
    answer = api_as(officer).get("/api/findings/", {"source": "advisory"})
    assert answer.status_code == 200
    keys = {row["subject"] for row in answer.json()["results"]}
    assert len(keys) == 2 and not any(key.startswith(f"CVE-2022-22965@{other.pk}/") for key in keys)
    assert api_as(officer).get(f"/api/findings/{finding(other, 'CVE-2022-22965').pk}/").status_code == 404
    assert set(Exposure.objects.for_user(officer).values_list("asset__name", flat=True)) == {"own", "sub"}
    assert api_as(users[Role.SOC_ANALYST]).get("/api/findings/", {"source": "advisory"}).json()["count"] == 3


def test_a_big_matching_borrows_sqlite_pages_and_gives_them_back(province: Any, corpora: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from django.db import connection

    from canhgac.advisories.services import exposures

    def cache_size() -> Any:
        if connection.vendor != "sqlite":
            return None  # PostgreSQL: nothing is borrowed
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()

    before = cache_size()
    monkeypatch.setattr(exposures, "BIG_MATCH", 1)
    host(province.own_unit, "app", ("VMware", "Spring Framework", "5.3.17"))
    load(corpora / "cve-json5/CVE-2022-22965.json")
    assert Exposure.objects.count() == 1 and cache_size() == before
