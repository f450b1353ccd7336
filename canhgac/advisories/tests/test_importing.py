"""Importing files as batches: whole or nothing, idempotent, the letter they came with, bundles in every form, and
hostile input (not JSON, deep nesting, huge strings, wrong types, bombs) refused with a reason and nothing stored."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canhgac.advisories.models import (
    Advisory,
    AdvisoryBatch,
    AdvisoryVulnerability,
    AffectedProduct,
    Exposure,
    Vulnerability,
)
from canhgac.advisories.reading import AdvisoryFileRefused
from canhgac.advisories.services import Letter, create_import_job, parse_day
from canhgac.advisories.tests.helpers import load, warning
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, JobState

pytestmark = pytest.mark.django_db

TABLES = (AdvisoryBatch, Advisory, Vulnerability, AdvisoryVulnerability, AffectedProduct, Exposure)


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in TABLES)


def cve_record(identifier: str, **cna: Any) -> dict[str, Any]:
    return {"dataType": "CVE_RECORD", "dataVersion": "5.1", "cveMetadata": {"cveId": identifier, "state": "PUBLISHED"},
            "containers": {"cna": {"descriptions": [{"lang": "en", "value": f"{identifier} in Example"}],
                                   "affected": [{"vendor": "Example", "product": "Server",
                                                 "versions": [{"version": "1.0", "lessThan": "1.4",
                                                               "status": "affected"}]}], **cna}}}


def test_a_kev_catalogue_then_its_next_edition(corpora: Path) -> None:
    first = load(corpora / "cisa-kev/known_exploited_vulnerabilities.v2025.01.24.json")
    assert (first.batch.records, first.batch.created, first.batch.updated, first.batch.unchanged) == (1252, 1252, 0, 0)
    second = load(corpora / "cisa-kev/known_exploited_vulnerabilities.json")
    batch = second.batch
    assert (batch.records, batch.created, batch.format) == (1404, 152, "kev")
    assert batch.updated + batch.unchanged == 1252
    assert Advisory.objects.count() == Vulnerability.objects.count() == 1404
    assert Vulnerability.objects.filter(known_exploited=True).count() == 1404
    f5 = Vulnerability.objects.get(identifier="CVE-2023-46747")
    assert (f5.title, str(f5.exploited_added), f5.severity) == (
        "F5 BIG-IP Configuration Utility Authentication Bypass Vulnerability", "2023-10-31", "high")
    assert Advisory.objects.get(source_id="CVE-2023-46747").batch == batch  # last delivered by the newer edition


def test_a_record_needs_a_soc_entry_only_when_matching_lacks_something(corpora: Path) -> None:
    assert load(corpora / "cve-json5/CVE-2023-37580.json").batch.needs_review == 0  # the description was read
    assert load(corpora / "cve-json5/CVE-2023-36761.json").batch.needs_review == 1  # a link where a bound should be
    unnamed = warning("LOCAL-9", [], [{"vendor": "", "product": "Phần mềm một cửa", "versions": "< 2.0"}])
    assert load(unnamed).batch.needs_review == 1  # no vendor, no alias


def test_the_same_file_twice_changes_nothing(corpora: Path) -> None:
    path = corpora / "cve-json5/CVE-2023-46747.json"
    first = load(path)
    before = counts()
    again = load(path, "renamed.json")
    assert again.duplicate and again.batch == first.batch and counts() == before
    assert AuditEntry.objects.filter(object_type="advisories.advisorybatch").count() == 1


def test_the_same_file_with_a_letter_updates_its_advisories(corpora: Path) -> None:
    path = corpora / "cve-json5/CVE-2023-37580.json"
    load(path)
    letter = Letter("2216/CATTT-NCSC", parse_day("2023-11-17"), parse_day("2023-11-24"))
    outcome = load(path, letter=letter)
    assert not outcome.duplicate and (outcome.batch.updated, outcome.batch.reference) == (1, "2216/CATTT-NCSC")
    advisory = Advisory.objects.get(source_id="CVE-2023-37580")
    assert (advisory.reference, str(advisory.deadline)) == ("2216/CATTT-NCSC", "2023-11-24")
    assert str(Vulnerability.objects.get(identifier="CVE-2023-37580").deadline) == "2023-11-24"
    assert load(path, letter=letter).duplicate
    assert advisory.record()["cveMetadata"]["cveId"] == "CVE-2023-37580"  # kept as received


def test_a_changed_record_replaces_its_rules() -> None:
    load([cve_record("CVE-2024-0001")])
    changed = cve_record("CVE-2024-0001")
    changed["containers"]["cna"]["affected"][0]["versions"][0]["lessThan"] = "1.5"
    outcome = load([changed])
    assert (outcome.batch.created, outcome.batch.updated) == (0, 1)
    assert list(AffectedProduct.objects.values_list("version_end", flat=True)) == ["1.5"]
    assert AdvisoryVulnerability.objects.count() == 1


@pytest.mark.parametrize("shape", ["array", "bundle", "lines", "zip", "gzip-lines"])
def test_bundles_in_every_form(shape: str) -> None:
    records = [cve_record(f"CVE-2024-{number:04d}") for number in range(1, 6)]
    if shape == "array":
        content, name = json.dumps(records).encode(), "bundle.json"
    elif shape == "bundle":
        content, name = json.dumps({"cveRecords": records}).encode(), "bundle.json"
    elif shape == "lines":
        content, name = "\n".join(json.dumps(record) for record in records).encode(), "bundle.jsonl"
    elif shape == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for record in records:
                archive.writestr(f"cves/2024/0xxx/{record['cveMetadata']['cveId']}.json", json.dumps(record))
            archive.writestr("README.md", "not a record")
        content, name = buffer.getvalue(), "cves.zip"
    else:
        content = gzip.compress("\n".join(json.dumps(record) for record in records).encode())
        name = "bundle.jsonl.gz"
    outcome = load(content, name)
    assert (outcome.batch.records, outcome.batch.created, outcome.batch.format) == (5, 5, "cve5")


def test_a_utf16_file_with_its_mark_is_read() -> None:
    content = json.dumps(cve_record("CVE-2024-0001"), ensure_ascii=False).encode("utf-16")
    assert load(content, "record.json").batch.created == 1


def refused(content: bytes | dict[str, Any] | list[Any], name: str = "file.json") -> AdvisoryFileRefused:
    before = counts()
    with pytest.raises(AdvisoryFileRefused) as raised:
        load(content, name)
    assert counts() == before, "a refused file must store nothing"
    return raised.value


def test_a_bad_record_refuses_the_whole_file_and_names_every_bad_one() -> None:
    records = [cve_record("CVE-2024-0001"), {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": 7}},
               cve_record("CVE-2024-0003"), {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": "CVE-1"}}]
    refusal = refused(records)
    assert "2 of 4 records are not valid" in str(refusal)
    assert refusal.details["bad_records"] == [
        ["file.json [1]", "cveMetadata.cveId: “7” is not a CVE identifier (CVE-YYYY-NNNN)"],
        ["file.json [3]", "cveMetadata.cveId: “CVE-1” is not a CVE identifier (CVE-YYYY-NNNN)"]]


def test_a_bad_record_after_thousands_of_good_ones_still_stores_nothing() -> None:
    lines = [json.dumps(cve_record(f"CVE-2024-{number:05d}")) for number in range(1, 4500)] + ["{not json"]
    refusal = refused("\n".join(lines).encode(), "many.jsonl")
    assert refusal.details["bad_records"][0][0] == "many.jsonl line 4500"


def test_deep_nesting_is_refused() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    assert "nested too deeply" in str(refused(deep.encode()))
    record = cve_record("CVE-2024-0001")
    nest: Any = "x"
    for _level in range(60):
        nest = {"a": nest}
    record["containers"]["cna"]["x_extra"] = nest
    assert "nested deeper than 48 levels" in str(refused([record]))


def test_huge_strings_are_refused() -> None:
    record = cve_record("CVE-2024-0001")
    record["containers"]["cna"]["descriptions"][0]["value"] = "A" * 3_000_000
    assert "a text of 3000000 characters" in str(refused([record]))


def test_a_number_of_thousands_of_digits_is_refused() -> None:
    refusal = refused(b'{"dataType": "CVE_RECORD", "cveMetadata": {"cveId": ' + b"9" * 6000 + b"}}")
    assert "not valid JSON" in str(refusal)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "is empty"),
    (b"\x00\x01\x02binary\xff\xfe\x00junk", "not UTF-8 text"),
    (b"{\"dataType\": \"CVE_RECORD\", ", "not valid JSON"),
    (b"[1, 2, 3]", "not in a known advisory format"),
    (b"{\"hello\": \"world\"}", "not in a known advisory format"),
    (b"\"just a string\"", "not in a known advisory format"),
    (json.dumps({"kind": "canhgac.warning"}).encode(), "not valid"),
    (json.dumps({"catalogVersion": "1", "vulnerabilities": "all of them"}).encode(), "not valid"),
    (json.dumps({"vulnerabilities": [{"cveID": None}], "catalogVersion": "x"}).encode(), "cveID: missing"),
])
def test_files_that_are_not_advisories_are_refused(content: bytes, message: str) -> None:
    assert message in str(refused(content))


def test_a_truncated_gzip_is_refused() -> None:
    content = gzip.compress(json.dumps(cve_record("CVE-2024-0001")).encode())[:-20]
    assert "truncated or corrupt" in str(refused(content, "cut.json.gz"))


def test_a_decompression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from canhgac.advisories import reading

    monkeypatch.setattr(reading, "RATIO_GRACE_BYTES", 1 << 20)
    content = gzip.compress(b" " * (300 << 20) + json.dumps(cve_record("CVE-2024-0001")).encode())
    assert "decompression bomb" in str(refused(content, "bomb.json.gz"))


def test_an_archive_in_an_archive_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner.zip", b"PK\x03\x04")
    assert "holds other archives" in str(refused(buffer.getvalue(), "outer.zip"))


def test_the_import_job_records_a_refusal_with_its_bad_records(province: Any, users: Any) -> None:
    analyst = users[Role.SOC_ANALYST]
    job = create_import_job(json.dumps([{"dataType": "CVE_RECORD", "cveMetadata": {}}]).encode(), user=analyst,
                            filename="bad.json")
    finished = jobs.execute(job.pk)
    assert finished.state == JobState.FAILED and "nothing was imported" in finished.error
    assert finished.result["bad_records"] == [["bad.json [0]", "cveMetadata.cveId: missing"]]
    assert counts() == (0, 0, 0, 0, 0, 0)


def test_the_import_job_succeeds_with_a_summary_and_an_audit_entry(province: Any, users: Any, corpora: Path) -> None:
    analyst = users[Role.SOC_ANALYST]
    job = create_import_job(corpora / "cve-json5/CVE-2023-46747.json", user=analyst,
                            letter=Letter("1943/CATTT-NCSC", deadline=parse_day("2023-11-10")))
    finished = jobs.execute(job.pk)
    assert finished.state == JobState.SUCCEEDED, finished.error
    assert (finished.result["created"], finished.result["reference"], finished.result["matching"]["exposures"]) == (
        1, "1943/CATTT-NCSC", 0)
    batch = AdvisoryBatch.objects.get()
    assert (batch.imported_by, batch.job_id, str(batch.deadline)) == (analyst, job.pk, "2023-11-10")
    entry = AuditEntry.objects.get(object_type="advisories.advisorybatch")
    assert (entry.actor, entry.channel, entry.unit_id) == (analyst, "job", None)


def test_who_may_import(province: Any, users: Any) -> None:
    for role in (Role.UNIT_OFFICER, Role.AUDITOR):
        with pytest.raises(PermissionDenied):
            create_import_job(b"{}", user=users[role])
    with pytest.raises(ValidationError, match="Unknown advisory format"):
        create_import_job(b"{}", user=users[Role.SOC_ADMIN], format_name="cvrf")


def test_soc_warnings_import_and_update_by_reference() -> None:
    first = warning("2216/CATTT-NCSC", ["CVE-2023-37580"],
                    [{"vendor": "Zimbra", "product": "Zimbra Collaboration", "versions": "< 8.8.15 Patch 41"}])
    load(first)
    second = {**first, "deadline": "2023-11-24"}
    outcome = load(second)
    assert (outcome.batch.created, outcome.batch.updated, outcome.batch.format) == (0, 1, "soc")
    advisory = Advisory.objects.get(source="soc")
    assert (advisory.source_id, advisory.reference, str(advisory.deadline)) == (
        "2216/CATTT-NCSC", "2216/CATTT-NCSC", "2023-11-24")
    assert list(advisory.vulnerabilities.values_list("identifier", flat=True)) == ["CVE-2023-37580"]
