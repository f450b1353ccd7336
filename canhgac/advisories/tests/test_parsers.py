"""Each parser on the real records of the shared corpora (and a hand-made Microsoft CSAF document): what it reads,
which rules, where each was read, and what it could not use (said, not guessed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from canhgac.advisories.models import AdvisorySource, RuleStatus, Trust
from canhgac.advisories.parsers import ParsedAdvisory, RecordError, choose_parser, parsers, register
from canhgac.advisories.parsers.base import check_shape
from canhgac.advisories.parsers.kev import KevParser

DATA = Path(__file__).parent / "data"


def parse(path: Path) -> list[ParsedAdvisory]:
    document = json.loads(path.read_text())
    parser = choose_parser(None, document)
    return [advisory for _where, record in parser.records(document) for advisory in parser.parse(record)]


def rules(advisory: ParsedAdvisory) -> list[tuple[Any, ...]]:
    return [(rule.vendor, rule.product, rule.exact, rule.start, rule.end, rule.end_inclusive, rule.status, rule.trust)
            for rule in advisory.rules]


def test_the_registry_refuses_a_second_parser_of_the_same_name() -> None:
    assert set(parsers()) == {"kev", "cve5", "nvd", "csaf", "soc"}
    with pytest.raises(ValueError, match="already registered"):
        register(KevParser)


@pytest.mark.parametrize(("path", "name"), [
    ("cisa-kev/known_exploited_vulnerabilities.json", "kev"), ("cve-json5/CVE-2023-46747.json", "cve5"),
    ("nvd-cve/CVE-2023-46747.nvd-2.0.EXCERPT.json", "nvd"), ("nvd-cve/CVE-2023-37580.nvd-1.1.json", "nvd"),
    ("csaf-examples/examples/csaf/cisco-sa-20180328-smi2.json", "csaf"),
])
def test_each_format_is_recognised_from_its_content(corpora: Path, path: str, name: str) -> None:
    assert choose_parser(None, json.loads((corpora / path).read_text())).name == name


def test_kev_both_editions(corpora: Path) -> None:
    new = parse(corpora / "cisa-kev/known_exploited_vulnerabilities.json")
    old = parse(corpora / "cisa-kev/known_exploited_vulnerabilities.v2025.01.24.json")
    assert (len(new), len(old)) == (1404, 1252)
    assert len({a.source_id for a in new} - {a.source_id for a in old}) == 152
    f5 = next(a for a in new if a.source_id == "CVE-2023-46747")
    assert (f5.source, f5.known_exploited, str(f5.exploited_added), f5.vendor, f5.rules) == (
        AdvisorySource.KEV, True, "2023-10-31", "F5", [])
    assert f5.details["kev_due_date"] == "2023-11-21" and f5.details["ransomware"] == "Known"
    assert f5.deadline is None  # CISA's federal due date is a fact of the entry, not our units' deadline


def test_cve5_f5_each_branch_with_its_hotfix(corpora: Path) -> None:
    [advisory] = parse(corpora / "cve-json5/CVE-2023-46747.json")
    assert (advisory.cvss, advisory.severity, advisory.known_exploited) == (9.8, "critical", False)
    assert rules(advisory)[:4] == [
        ("F5", "BIG-IP", "", "17.1.0", "", False, RuleStatus.AFFECTED, Trust.VENDOR),
        ("F5", "BIG-IP", "", "Hotfix-BIGIP-17.1.0.3.0.75.4-ENG.iso", "", False, RuleStatus.UNAFFECTED, Trust.VENDOR),
        ("F5", "BIG-IP", "", "16.1.0", "17.1.0", False, RuleStatus.AFFECTED, Trust.VENDOR),  # ends at the next branch
        ("F5", "BIG-IP", "", "Hotfix-BIGIP-16.1.4.1.0.50.5-ENG.iso", "17.1.0", False, RuleStatus.UNAFFECTED,
         Trust.VENDOR),
    ]
    assert advisory.rules[1].origin == "containers.cna.affected[0].versions[0].changes[0]"
    assert advisory.review == [] and advisory.vendor == "F5"


def test_cve5_zimbra_names_no_product_so_the_description_is_read_and_said(corpora: Path) -> None:
    [advisory] = parse(corpora / "cve-json5/CVE-2023-37580.json")
    assert (advisory.known_exploited, str(advisory.exploited_added), advisory.cvss) == (True, "2023-07-27", None)
    assert rules(advisory) == [("", "Zimbra Collaboration (ZCS)", "", "8", "8.8.15 Patch 41", False,
                                RuleStatus.AFFECTED, Trust.TEXT)]
    assert advisory.rules[0].origin == "containers.cna.descriptions (description)"
    assert [note.code for note in advisory.review] == ["no_product", "read_from_description"]


def test_cve5_spring4shell_free_text_versions_are_read_with_less_trust(corpora: Path) -> None:
    [advisory] = parse(corpora / "cve-json5/CVE-2022-22965.json")
    assert (advisory.cvss, advisory.known_exploited) == (9.8, True)  # from CISA's ADP container
    assert [(r.vendor, r.product, r.start, r.end, r.trust) for r in advisory.rules] == [
        ("n/a", "Spring Framework", "5.3", "5.3.18", Trust.TEXT), ("n/a", "Spring Framework", "5.2", "5.2.20",
                                                                    Trust.TEXT),
        ("n/a", "Spring Framework", "", "5.2", Trust.TEXT)]
    assert [note.code for note in advisory.review] == ["read_from_text"]


def test_cve5_microsoft_link_instead_of_a_bound_makes_the_rule_unusable(corpora: Path) -> None:
    [advisory] = parse(corpora / "cve-json5/CVE-2023-36761.json")
    office = next(rule for rule in advisory.rules if rule.product == "Microsoft Office 2019")
    assert office.end == "https://aka.ms/OfficeSecurityReleases"
    assert office.problem == "“https://aka.ms/OfficeSecurityReleases”: a link, not a version"
    word = next(rule for rule in advisory.rules if rule.product == "Microsoft Word 2016")
    assert (word.start, word.end, word.problem) == ("16.0.1", "16.0.5413.1000", "")
    assert {note.code for note in advisory.review} == {"bound_not_version"}
    from_cpes = [rule for rule in advisory.rules if rule.origin.startswith("containers.cna.cpeApplicability")]
    assert len(from_cpes) == 6 and from_cpes[3].cpe == "cpe:2.3:a:microsoft:word:*:*:*:*:*:*:*:*"


def test_cve5_sharepoint_range_and_cpe(corpora: Path) -> None:
    [advisory] = parse(corpora / "cve-json5/CVE-2023-29357.json")
    assert rules(advisory) == [("Microsoft", "Microsoft SharePoint Server 2019", "", "16.0.0", "16.0.10399.20005",
                                False, RuleStatus.AFFECTED, Trust.VENDOR)]


def test_nvd_2_0_configurations_give_ranges_per_module(corpora: Path) -> None:
    [advisory] = parse(corpora / "nvd-cve/CVE-2023-46747.nvd-2.0.EXCERPT.json")
    assert (advisory.source, advisory.known_exploited, str(advisory.exploited_added), advisory.cvss) == (
        AdvisorySource.NVD, True, "2023-10-31", 9.8)
    assert len(advisory.rules) == 35 and all(rule.trust == Trust.NVD for rule in advisory.rules)
    assert advisory.vendor == "f5"
    first = advisory.rules[4]
    assert (first.product, first.start, first.end, first.end_inclusive, first.origin) == (
        "big-ip_access_policy_manager", "17.1.0", "17.1.1", True, "configurations[0].nodes[0].cpeMatch[4]")


def test_nvd_1_1_zimbra_patch_levels_in_the_cpe_update_field(corpora: Path) -> None:
    [advisory] = parse(corpora / "nvd-cve/CVE-2023-37580.nvd-1.1.json")
    exact = [rule.exact for rule in advisory.rules if rule.exact]
    assert exact[:3] == ["8.8.15 p3", "8.8.15 p5", "8.8.15 p11"] and "8.8.15 p40" in exact
    assert "8.8.15 p39" not in exact  # NVD's list has holes; the CNA's text is the real rule
    ranged = next(rule for rule in advisory.rules if not rule.exact)
    assert (ranged.start, ranged.end, ranged.end_inclusive) == ("8.8.0", "8.8.15", False)
    assert (advisory.cvss, advisory.severity) == (6.1, "medium")


def test_csaf_bsi_versions_named_in_the_tree(corpora: Path) -> None:
    [advisory] = parse(corpora / "csaf-examples/examples/csaf/bsi-2022-0001.json")
    assert (advisory.source_id, advisory.vulnerabilities, advisory.cvss) == (
        "www.bsi.bund.de/BSI-2022-0001", ["CVE-2022-27193"], 6.1)
    assert [(rule.exact, rule.status) for rule in advisory.rules][-2:] == [
        ("1.0.0-rc1", RuleStatus.AFFECTED), ("1.0.0-rc2", RuleStatus.UNAFFECTED)]
    assert advisory.rules[0].vendor == "CSAF Tools" and advisory.rules[0].product == "CVRF-CSAF-Converter"


def test_csaf_cisco_deep_tree_service_packs(corpora: Path) -> None:
    [advisory] = parse(corpora / "csaf-examples/examples/csaf/cisco-sa-20180328-smi2.json")
    assert advisory.vulnerabilities == ["CVE-2018-0171"] and advisory.severity == "critical"
    assert len(advisory.rules) > 200
    assert ("Cisco", "IOS", "12.2(55)SE") in {(rule.vendor, rule.product, rule.exact) for rule in advisory.rules}


def test_csaf_red_hat_relationships_and_vex(corpora: Path) -> None:
    for path in sorted((corpora / "csaf-examples/examples/csaf").glob("rhsa-*.json")):
        for advisory in parse(path):
            assert advisory.source_id.startswith("www.redhat.com/RHSA-")
    for path in sorted((corpora / "csaf-examples/examples/csaf/csaf_vex").glob("*.json")):
        assert parse(path)  # every VEX use case reads


def test_csaf_range_from_the_validator_tests(corpora: Path) -> None:
    path = corpora / "csaf-examples/test/validator/data/mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-31-11.json"
    document = json.loads(path.read_text())
    document.setdefault("vulnerabilities", [{"product_status": {"known_affected": ["CSAFPID-9080700"]}}])
    [advisory] = choose_parser("csaf", document).parse(document)
    assert [(rule.vendor, rule.product, rule.end) for rule in advisory.rules] == [
        ("Example Company", "Product A", "4.2")]


def test_microsoft_csaf_shape(corpora: Path) -> None:
    [advisory] = parse(DATA / "msrc_cve-2023-36563.json")
    assert (advisory.source_id, advisory.vulnerabilities, advisory.known_exploited, advisory.cvss,
            advisory.severity) == ("msrc.microsoft.com/msrc_CVE-2023-36563", ["CVE-2023-36563"], True, 6.5, "medium")
    windows = [(rule.product, rule.end, rule.exact, rule.status) for rule in advisory.rules[:2]]
    assert windows == [("Windows 10 Version 22H2 for x64-based Systems", "10.0.19045.3570", "", RuleStatus.AFFECTED),
                       ("Windows 10 Version 22H2 for 32-bit Systems", "10.0.19045.3570", "", RuleStatus.AFFECTED)]
    fixed = [rule for rule in advisory.rules if rule.status == RuleStatus.UNAFFECTED]
    assert fixed[0].exact == "10.0.19045.3570"
    office = next(rule for rule in advisory.rules if "Office" in rule.product)
    assert office.problem and [note.code for note in advisory.review] == ["free_text"]


def test_a_soc_warning() -> None:
    document = {"kind": "canhgac.warning", "reference": "2216/CATTT-NCSC", "reference_date": "2023-11-17",
                "title": "Lỗ hổng Zimbra", "cves": ["cve-2023-37580"], "severity": "high", "deadline": "2023-11-24",
                "affected": [{"vendor": "Zimbra", "product": "Zimbra Collaboration", "versions": "< 8.8.15 Patch 41"},
                             {"vendor": "Zimbra", "product": "Zimbra Collaboration",
                              "versions": ">= 9.0.0, < 9.0.0 Patch 36"}]}
    [advisory] = choose_parser(None, document).parse(document)
    assert (advisory.source, advisory.source_id, advisory.vulnerabilities, str(advisory.deadline),
            advisory.severity) == (AdvisorySource.SOC, "2216/CATTT-NCSC", ["CVE-2023-37580"], "2023-11-24", "high")
    assert [(rule.start, rule.end, rule.trust) for rule in advisory.rules] == [
        ("", "8.8.15 Patch 41", Trust.SOC), ("9.0.0", "9.0.0 Patch 36", Trust.SOC)]


@pytest.mark.parametrize(("change", "where"), [
    ({"severity": "very bad"}, "severity"),
    ({"cves": ["CVE-23-1"]}, "cves[0]"),
    ({"affected": []}, "affected"),
    ({"affected": [{"vendor": "Zimbra", "product": "Zimbra", "versions": "the latest ones"}]}, "affected[0].versions"),
    ({"title": ["a", "list"]}, "title"),
    ({"deadline": "24/11/2023"}, "deadline"),
])
def test_a_soc_warning_with_mistakes_names_the_field(change: dict[str, Any], where: str) -> None:
    document = {"kind": "canhgac.warning", "title": "T", "cves": [], "affected": [{"product": "X", "versions": ""}],
                **change}
    with pytest.raises(RecordError) as raised:
        choose_parser("soc", document).parse(document)
    assert raised.value.where == where


@pytest.mark.parametrize(("record", "where"), [
    ({"dataType": "CVE_RECORD", "cveMetadata": {"cveId": 2023}}, "cveMetadata.cveId"),
    ({"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2023-1234"}, "containers": {"cna": {"affected": {}}}},
     "containers.cna.affected"),
    ({"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2023-1234"},
      "containers": {"cna": {"affected": [{"vendor": "A", "product": "B", "versions": [{"version": ["1"]}]}]}}},
     "containers.cna.affected[0].versions[0].version"),
    ({"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2023-1234"},
      "containers": {"cna": {"metrics": [{"cvssV3_1": {"baseScore": 99}}]}}}, "containers.cna.metrics[0].cvssV3_1"
     ".baseScore"),
    ({"dataType": "CVE_RECORD", "cveMetadata": "CVE-2023-1234"}, "cveMetadata"),
])
def test_wrong_types_in_a_cve_record_name_the_field(record: dict[str, Any], where: str) -> None:
    with pytest.raises(RecordError) as raised:
        choose_parser("cve5", record).parse(record)
    assert raised.value.where == where


def test_a_rejected_cve_is_skipped() -> None:
    record = {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-2023-1234", "state": "REJECTED"}}
    assert choose_parser(None, record).parse(record) == []


def test_shape_limits_depth_and_string_length() -> None:
    deep: Any = "x"
    for _level in range(100):
        deep = [deep]
    with pytest.raises(RecordError, match="nested deeper"):
        check_shape({"a": deep})
    with pytest.raises(RecordError, match="characters"):
        check_shape({"descriptions": [{"value": "x" * 1_000_001}]})
    check_shape({"fine": [[["x" * 1000]]]})
