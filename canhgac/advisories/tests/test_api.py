"""The advisories API: advisories with their rules and what they could not use, vulnerabilities, exposures with
the rules that matched (officers: their units' only), batches; importing and matching as jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from canhgac.advisories.models import AdvisoryBatch, Exposure
from canhgac.advisories.tests.helpers import host, load
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture
def exposed_world(province: Any, corpora: Path) -> dict[str, Any]:
    spring = ("VMware", "Spring Framework", "5.3.17")
    own = host(province.own_unit, "own-app", spring, internet_facing=True)
    sub = host(province.own_subunit, "sub-app", spring)
    other = host(province.other_unit, "other-app", spring)
    host(province.own_unit, "mail", ("Zimbra", "Zimbra Collaboration", "8.8.15 Patch 39"))
    load(corpora / "cve-json5/CVE-2022-22965.json")
    load(corpora / "cve-json5/CVE-2023-37580.json")
    load(corpora / "cve-json5/CVE-2023-36761.json")
    return {"own": own, "sub": sub, "other": other}


def test_an_advisory_lists_its_rules_and_what_it_could_not_use(exposed_world: Any, users: Any, api_as: Any) -> None:
    api = api_as(users[Role.AUDITOR])
    rows = api.get("/api/advisories/", {"cve": "CVE-2023-36761"}).json()["results"]
    assert [row["source_id"] for row in rows] == ["CVE-2023-36761"]
    detail = api.get(f"/api/advisories/{rows[0]['id']}/").json()
    office = next(rule for rule in detail["products"] if rule["product"] == "Microsoft Office 2019")
    assert (office["usable"], office["range"], office["origin"]) == (
        False, ">= 19.0.0, < https://aka.ms/OfficeSecurityReleases", "containers.cna.affected[0].versions[0]")
    assert "a link, not a version" in office["problem"]
    assert {note["code"] for note in detail["review"]} == {"bound_not_version"}
    assert detail["review"][0]["message"] not in ("", "bound_not_version")  # in the reader's language
    assert detail["vulnerabilities"] == ["CVE-2023-36761"] and detail["known_exploited"] is True
    zimbra = api.get("/api/advisories/", {"q": "CVE-2023-37580"}).json()["results"][0]
    detail = api.get(f"/api/advisories/{zimbra['id']}/").json()
    assert (detail["units_affected"], detail["exposures"]) == (1, 1)
    needing = api.get("/api/advisories/", {"needs_review": "true"}).json()["results"]
    assert [row["source_id"] for row in needing] == ["CVE-2023-36761"]  # Zimbra and Spring were read from text
    assert api.get("/api/advisories/", {"needs_review": "false"}).json()["count"] == 2


def test_vulnerabilities_with_their_advisories(exposed_world: Any, users: Any, api_as: Any) -> None:
    api = api_as(users[Role.SOC_ANALYST])
    rows = api.get("/api/vulnerabilities/", {"exposed": "true", "ordering": "-exposure_count"}).json()["results"]
    assert [(row["identifier"], row["exposures"]) for row in rows] == [("CVE-2022-22965", 3), ("CVE-2023-37580", 1)]
    detail = api.get(f"/api/vulnerabilities/{rows[0]['id']}/").json()
    assert (detail["cvss"], detail["severity"], [a["source"] for a in detail["advisories"]]) == (
        9.8, "critical", ["cve5"])


def test_exposures_say_why_and_officers_see_their_units_only(exposed_world: Any, users: Any, api_as: Any,
                                                             django_assert_max_num_queries: Any) -> None:
    officer = api_as(users[Role.UNIT_OFFICER])
    rows = officer.get("/api/exposures/", {"cve": "CVE-2022-22965"}).json()["results"]
    assert {row["asset_name"] for row in rows} == {"own-app", "sub-app"}
    [reason] = rows[0]["matched"]
    assert (reason["source"], reason["record"], reason["range"], reason["read_from"]) == (
        "cve5", "CVE-2022-22965", ">= 5.3, < 5.3.18", "containers.cna.affected[0].versions[0] (text)")
    assert (rows[0]["known_exploited"], rows[0]["cvss"], rows[0]["version"]) == (True, 9.8, "5.3.17")
    hidden = Exposure.objects.get(asset=exposed_world["other"])
    assert officer.get(f"/api/exposures/{hidden.pk}/").status_code == 404
    assert officer.get("/api/advisories/").status_code == 403
    soc = api_as(users[Role.SOC_ANALYST])
    with django_assert_max_num_queries(8):  # the matched rules of a page are read in one query
        answer = soc.get("/api/exposures/").json()
    assert answer["count"] == 4 and answer["results"][0]["known_exploited"] is True


def test_importing_and_matching_through_the_api(province: Any, users: Any, api_as: Any, corpora: Path) -> None:
    host(province.own_unit, "lb", ("F5", "BIG-IP", "17.1.0.3"))
    api = api_as(users[Role.SOC_ANALYST])
    upload = SimpleUploadedFile("CVE-2023-46747.json", (corpora / "cve-json5/CVE-2023-46747.json").read_bytes())
    answer = api.post("/api/advisories/import/", {"file": upload, "reference": "1943/CATTT-NCSC",
                                                   "deadline": "2023-11-10"}, format="multipart")
    assert answer.status_code == 202, answer.content
    job = jobs.execute(answer.json()["job"])
    assert job.state == JobState.SUCCEEDED, job.error
    batch = AdvisoryBatch.objects.get()
    assert (batch.reference, str(batch.deadline), batch.matching["exposures"]) == ("1943/CATTT-NCSC", "2023-11-10", 1)
    assert api.get(f"/api/advisory-batches/{batch.pk}/").json()["created"] == 1
    answer = api.post("/api/advisories/match/", {"assets": []}, format="json")
    assert answer.status_code == 202
    assert jobs.execute(answer.json()["job"]).state == JobState.SUCCEEDED
    refused = api.post("/api/advisories/import/", {"file": SimpleUploadedFile("x.json", b"{\"a\": 1}")},
                       format="multipart")
    assert refused.status_code == 202
    failed = jobs.execute(refused.json()["job"])
    assert failed.state == JobState.FAILED and "x.json" in failed.error  # in the request's language
    officer = api_as(users[Role.UNIT_OFFICER])
    assert officer.post("/api/advisories/match/", {}, format="json").status_code == 403
    assert Job.objects.count() == 3
