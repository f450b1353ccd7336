"""The SOC's writing pages: importing files with a letter (a job per file, its result page with counts or the bad
records named), a warning typed from a letter, a warning chosen from data — each stored by the one import job."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canhgac.advisories.models import Advisory, AdvisoryBatch, AdvisorySource, Exposure, Trust, Vulnerability
from canhgac.advisories.tests.helpers import host, load
from canhgac.advisories.tests.ui_world import ZIMBRA
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import Job, JobState
from canhgac.findings.models import Finding

pytestmark = pytest.mark.django_db


def run(job_id: int) -> Job:
    return jobs.execute(job_id)


def job_of(answer: Any) -> int:
    assert answer.status_code == 302, answer.content.decode()[:2000]
    return int(re.search(r"/jobs/(\d+)/", answer["Location"]).group(1))  # type: ignore[union-attr]


def upload(path: Path, name: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="application/json")


def test_importing_two_real_files_with_a_letter_starts_a_job_each(province: Any, users: Any, console: Any,
                                                                  corpora: Path) -> None:
    lb = host(province.own_unit, "lb", ("F5", "BIG-IP", "17.1.0.3"), internet_facing=True)
    soc = console(users[Role.SOC_ANALYST])
    assert soc.get(reverse("advisories:advisory_import")).status_code == 200
    answer = soc.post(reverse("advisories:advisory_import"), {
        "files": [upload(corpora / "cve-json5/CVE-2023-46747.json"),
                  upload(corpora / "nvd-cve/CVE-2023-46747.nvd-2.0.EXCERPT.json")],
        "reference": "1943/CATTT-NCSC", "reference_date": "2023-10-27", "deadline": "2023-11-10"})
    assert answer.status_code == 302 and "kind=advisories.import" in answer["Location"]
    started = list(Job.objects.filter(kind="advisories.import").order_by("pk"))
    assert len(started) == 2 and all(job.params["reference"] == "1943/CATTT-NCSC" for job in started)
    for job in started:
        assert run(job.pk).state == JobState.SUCCEEDED
    page = soc.get(reverse("core:job_detail", args=[started[0].pk])).content.decode()
    assert 'id="result-created">1<' in page and "1943/CATTT-NCSC" in page
    assert f"?batch={AdvisoryBatch.objects.order_by('pk').first().pk}" in page  # type: ignore[union-attr]
    finding = Finding.objects.get(asset=lb)
    assert finding.due_on == datetime.date(2023, 11, 10)  # the letter's deadline


def test_a_refused_file_names_its_bad_records_on_the_result_page_and_stores_nothing(
        province: Any, users: Any, console: Any, corpora: Path) -> None:
    records = json.loads((corpora / "cve-json5/CVE-2022-22965.json").read_text())
    deep: Any = []
    for _level in range(60):
        deep = [deep]
    hostile = [records, {"dataType": "CVE_RECORD", "cveMetadata": {"cveId": 42}},
               {"dataType": "CVE_RECORD", "cveMetadata": {}}, {"dataType": "CVE_RECORD", "x": deep}]
    soc = console(users[Role.SOC_ADMIN])
    job_id = job_of(soc.post(reverse("advisories:advisory_import"), {
        "files": [SimpleUploadedFile("bundle.json", json.dumps(hostile).encode())], "format": "cve5"}))
    assert run(job_id).state == JobState.FAILED
    page = soc.get(reverse("core:job_detail", args=[job_id])).content.decode()
    bad = rows_in(page, "bad-records")
    assert len(bad) == 3 and "bundle.json [1]" in bad[0] and "cveMetadata.cveId" in bad[0]
    assert "nested deeper than" in bad[2]
    assert Advisory.objects.count() == Vulnerability.objects.count() == AdvisoryBatch.objects.count() == 0


def rows_in(html: str, table: str) -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]


def test_the_import_page_refuses_no_file_too_many_and_outsiders(province: Any, users: Any, console: Any) -> None:
    soc = console(users[Role.SOC_ANALYST])
    page = soc.post(reverse("advisories:advisory_import"), {"reference": "x"})
    assert page.status_code == 200 and "Choose at least one file." in page.content.decode()
    many = [SimpleUploadedFile(f"f{index}.json", b"{}") for index in range(21)]
    assert "At most 20 files" in soc.post(reverse("advisories:advisory_import"), {"files": many}).content.decode()
    for role in (Role.UNIT_OFFICER, Role.AUDITOR):
        client = console(users[role])
        assert client.get(reverse("advisories:advisory_import")).status_code == 403
        assert client.post(reverse("advisories:warning_create"), {}).status_code == 403
    assert Job.objects.count() == 0


def zimbra_warning(**changes: str) -> dict[str, str]:
    return {"reference": "2216/CATTT-NCSC", "reference_date": "2023-11-17", "title": "Lỗ hổng zero-day Zimbra",
            "cves": "cve-2023-37580", "severity": "high", "known_exploited": "on", "deadline": "2023-11-24",
            "affected": "Zimbra | Zimbra Collaboration | >= 8.8.0, < 8.8.15 Patch 41\n"
                        "Zimbra | Zimbra Collaboration | >= 9.0.0, < 9.0.0 Patch 36",
            "summary": "Đề nghị các đơn vị cập nhật bản vá.", **changes}


def test_a_typed_warning_is_stored_by_the_soc_warning_import_and_matched(province: Any, users: Any,
                                                                         console: Any) -> None:
    mail = host(province.own_unit, "mail", ZIMBRA)
    patched = host(province.other_unit, "mail2", ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 41"))
    soc = console(users[Role.SOC_ANALYST])
    job_id = job_of(soc.post(reverse("advisories:warning_create"), zimbra_warning()))
    assert run(job_id).state == JobState.SUCCEEDED
    warning = Advisory.objects.get(source=AdvisorySource.SOC)
    assert (warning.source_id, str(warning.deadline), warning.known_exploited) == (
        "2216/CATTT-NCSC", "2023-11-24", True)
    assert set(warning.products.values_list("trust", flat=True)) == {Trust.SOC}
    exposure = Exposure.objects.get()
    assert exposure.asset == mail and not Exposure.objects.filter(asset=patched).exists()
    assert Finding.objects.get(asset=mail).due_on == datetime.date(2023, 11, 24)
    page = soc.get(reverse("advisories:advisory_detail", args=[warning.pk])).content.decode()
    assert "&lt; 8.8.15 Patch 41" in page and "affected[0].versions" in page
    again = job_of(soc.post(reverse("advisories:warning_create"), zimbra_warning()))
    assert run(again).result["duplicate"] is True  # the same warning again changes nothing


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"affected": "Zimbra | Zimbra Collaboration | see https://wiki.zimbra.com"}, "affected", "is not a version range"),
    ({"affected": "Zimbra | Zimbra Collaboration | >= 9.0.0, <"}, "affected", "is not a version range"),
    ({"affected": "just a product name"}, "affected", "Line 1: write vendor | product | versions."),
    ({"cves": "CVE-2023-37580, =cmd|calc"}, "cves", "Not CVE identifiers"),
    ({"deadline": "24/11/2023"}, "deadline", "Enter a valid date."),
    ({"title": ""}, "title", "This field is required."),
])
def test_a_typed_warning_with_mistakes_is_refused_naming_the_field(province: Any, users: Any, console: Any,
                                                                   changes: dict[str, str], field: str,
                                                                   message: str) -> None:
    page = console(users[Role.SOC_ANALYST]).post(reverse("advisories:warning_create"), zimbra_warning(**changes))
    assert page.status_code == 200
    html = page.content.decode()
    errors = re.search(rf'id="id_{field}".*?(<div class="invalid-feedback d-block">.*?</div>)', html, re.S)
    assert errors is not None and message in errors.group(1), html[:200]
    assert Job.objects.count() == 0


def test_a_warning_from_data_names_the_kev_entries_of_a_week(exposed: Any, users: Any, console: Any,
                                                             corpora: Path) -> None:
    load(corpora / "cisa-kev/known_exploited_vulnerabilities.json")
    soc = console(users[Role.SOC_ANALYST])
    query = {"exploited_from": "2025-08-18", "exploited_to": "2025-08-25", "known_exploited": "on"}
    preview = soc.get(reverse("advisories:warning_from_data"), query).content.decode()
    assert 'id="match-count">5<' in preview
    assert {"CVE-2025-48384"} <= set(re.findall(r'class="mono" href="[^"]+">(CVE-[\d-]+)<', preview))
    answer = soc.post(reverse("advisories:warning_from_data") + "?" + "&".join(f"{k}={v}" for k, v in query.items()),
                      {"reference": "3001/STTTT-CNTT", "title": "KEV tuần 18–25/8/2025", "deadline": "2025-09-01",
                       "confirm_count": "5"})
    assert run(job_of(answer)).state == JobState.SUCCEEDED
    warning = Advisory.objects.get(source=AdvisorySource.SOC)
    assert warning.details["selection"] == {"exploited_from": "2025-08-18", "exploited_to": "2025-08-25",
                                            "known_exploited": "yes"}
    assert warning.vulnerabilities.count() == 5 and warning.products.count() == 0
    assert set(warning.vulnerabilities.values_list("deadline", flat=True)) == {datetime.date(2025, 9, 1)}


def test_a_warning_from_data_for_a_vendor_and_period_gets_matched_with_its_deadline(
        exposed: Any, users: Any, console: Any) -> None:
    soc = console(users[Role.SOC_ANALYST])
    query = {"vendor": "VMware", "severity": ["high", "critical"], "published_from": "2022-01-01",
             "published_to": "2022-12-31"}
    preview = soc.get(reverse("advisories:warning_from_data"), query).content.decode()
    assert 'id="match-count">1<' in preview and "CVE-2022-22965" in preview
    stale = soc.post(reverse("advisories:warning_from_data") + "?vendor=VMware&severity=high&severity=critical&"
                     "published_from=2022-01-01&published_to=2022-12-31",
                     {"title": "Spring", "deadline": "2030-01-31", "confirm_count": "2"})
    assert "The data changed since the preview" in stale.content.decode()
    answer = soc.post(reverse("advisories:warning_from_data") + "?vendor=VMware&severity=high&severity=critical&"
                      "published_from=2022-01-01&published_to=2022-12-31",
                      {"title": "Spring", "reference": "99/CATTT", "deadline": "2030-01-31", "confirm_count": "1"})
    assert run(job_of(answer)).state == JobState.SUCCEEDED
    due = set(Finding.objects.filter(dedup_key__startswith="CVE-2022-22965@").values_list("due_on", flat=True))
    assert due == {datetime.date(2030, 1, 31)}  # the warning's deadline reaches every finding of its CVE
    warning = Advisory.objects.get(source=AdvisorySource.SOC)
    page = soc.get(reverse("advisories:advisory_detail", args=[warning.pk])).content.decode()
    assert 'id="selection"' in page and "own-app" in page and "names no product of its own" in page


def test_these_cves_names_the_unknown_ones_and_a_query_needs_a_criterion(exposed: Any, users: Any,
                                                                         console: Any) -> None:
    soc = console(users[Role.SOC_ANALYST])
    page = soc.get(reverse("advisories:warning_from_data"),
                   {"cves": "CVE-2023-37580 CVE-2023-46747\nCVE-2099-0001"}).content.decode()
    assert 'id="match-count">2<' in page and "CVE-2099-0001" in page.split('id="unknown-cves"', 1)[1][:300]
    empty = soc.get(reverse("advisories:warning_from_data"), {"vendor": ""}).content.decode()
    assert "Give at least one criterion." in empty and 'id="match-count"' not in empty
    hostile = soc.get(reverse("advisories:warning_from_data"), {"cves": "CVE-1'; DROP TABLE x"}).content.decode()
    assert "Not CVE identifiers" in hostile


def test_the_preset_this_weeks_kev_entries_previews_them(exposed: Any, users: Any, console: Any) -> None:
    from django.utils import timezone

    Vulnerability.objects.filter(identifier="CVE-2023-37580").update(exploited_added=timezone.localdate())
    soc = console(users[Role.SOC_ANALYST])
    page = soc.get(reverse("advisories:warning_from_data")).content.decode()
    presets = page.split('id="presets"', 1)[1].split("</nav>", 1)[0]
    link = re.search(r'href="(\?[^"]+)">Known exploited, added this week<', presets).group(1)  # type: ignore
    preview = soc.get(reverse("advisories:warning_from_data") + link.replace("&amp;", "&")).content.decode()
    assert 'id="match-count">1<' in preview and "CVE-2023-37580" in preview and 'id="create-warning"' in preview


def test_a_warning_from_data_needs_its_query_and_an_honest_count(exposed: Any, users: Any, console: Any) -> None:
    soc = console(users[Role.SOC_ANALYST])
    bare = soc.post(reverse("advisories:warning_from_data"), {"title": "x", "confirm_count": "1"})
    assert bare.status_code == 200 and 'id="create-warning"' not in bare.content.decode()
    for count in ("0", "5001", "-1", "abc"):
        refused = soc.post(reverse("advisories:warning_from_data") + "?cves=CVE-2023-37580",
                           {"title": "x", "confirm_count": count})
        assert refused.status_code == 200
    assert Job.objects.count() == 0 and not Advisory.objects.filter(source=AdvisorySource.SOC).exists()
