"""The feeds API: batches and hits (filters; officers: their units' hits, the batches that listed them, without
the province's figures) and the multipart upload that starts the import job."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import Job, JobState
from canhgac.intel.models import FeedBatch, Hit
from canhgac.intel.querysets import PROVINCE_FIELDS
from canhgac.intel.tests.viewdata import HOSTILE_FAMILY, Feeds, import_list

pytestmark = pytest.mark.django_db


def rows(client: Any, url: str, **query: Any) -> list[dict[str, Any]]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_batches_with_their_counts_filtered_by_source_and_period(feeds: Feeds, api_as: Any) -> None:
    import_list("14.161.0.77\n", feeds.users[Role.SOC_ADMIN], "2026-04", name="ss.txt", source="shadowserver")
    client = api_as(feeds.users[Role.AUDITOR])
    listed = rows(client, reverse("feedbatch-list"))
    assert [row["period"] for row in listed] == ["2026-04", "2026-04", "2026-03"]
    march = next(row for row in listed if row["id"] == feeds.march.pk)
    assert (march["source"], march["reference"], march["lines"], march["valid"], march["invalid"], march["duplicates"],
            march["matched"], march["outside"], march["units_affected"], march["hits"]) == (
        "vncert-botnet", "123/VNCERT-ĐPƯC", 9, 7, 1, 1, 5, 1, 3, 5)
    assert march["invalid_lines"][0][0] == 9 and march["sha256"] == feeds.march.sha256
    assert [row["id"] for row in rows(client, reverse("feedbatch-list"), source="shadowserver")] == [listed[0]["id"]]
    assert [row["id"] for row in rows(client, reverse("feedbatch-list"), period="2026-03")] == [feeds.march.pk]
    assert client.get(reverse("feedbatch-list"), {"period": "March"}).status_code == 400


def test_an_officer_reads_the_batches_of_their_units_without_the_province_figures(feeds: Feeds, api_as: Any) -> None:
    other_only = import_list("14.162.0.99\n", feeds.users[Role.SOC_ADMIN], "2026-05", name="other.txt")
    client = api_as(feeds.users[Role.UNIT_OFFICER])
    listed = rows(client, reverse("feedbatch-list"))
    assert sorted(row["id"] for row in listed) == [feeds.march.pk, feeds.april.pk]
    detail = client.get(reverse("feedbatch-detail", args=[feeds.march.pk])).json()
    assert (detail["lines"], detail["valid"], detail["hits"]) == (9, 7, 3)
    assert all(detail[name] is None for name in PROVINCE_FIELDS)
    assert client.get(reverse("feedbatch-detail", args=[other_only.result["batch"]])).status_code == 404


def test_hits_filtered_by_unit_batch_ip_and_family(feeds: Feeds, api_as: Any) -> None:
    client = api_as(feeds.users[Role.SOC_ANALYST])
    url = reverse("hit-list")
    assert len(rows(client, url)) == 8
    assert {row["indicator"] for row in rows(client, url, unit="BV-DK", batch=feeds.april.pk)} == {
        "14.162.0.31", "14.162.0.32"}
    assert {row["indicator"] for row in rows(client, url, unit_tree="SO-TTTT", batch=feeds.march.pk)} == {
        "14.161.0.10", "14.161.0.11", "14.161.1.20"}
    assert [row["period"] for row in rows(client, url, ip="14.161.0.10")] == ["2026-04", "2026-03"]
    assert {row["indicator"] for row in rows(client, url, family="emot")} == {"14.162.0.32"}
    hostile = rows(client, url, family="script")
    assert [row["families"] for row in hostile] == [HOSTILE_FAMILY]  # JSON carries the text as it was listed
    portal = rows(client, url, ip="14.161.0.10", period="2026-03")[0]
    assert (portal["unit_code"], portal["asset_name"], portal["ports"], portal["source"]) == (
        "SO-TTTT", "Cổng thông tin điện tử", "23", "vncert-botnet")
    assert client.get(url, {"ip": "14.161.0.999"}).status_code == 400


def test_an_officer_reads_only_their_units_hits(feeds: Feeds, api_as: Any) -> None:
    client = api_as(feeds.users[Role.UNIT_OFFICER])
    indicators = {row["indicator"] for row in rows(client, reverse("hit-list"))}
    assert indicators == {"14.161.0.10", "14.161.0.11", "14.161.1.20"}
    assert rows(client, reverse("hit-list"), unit="BV-DK") == []
    foreign = Hit.objects.filter(unit=feeds.province.other_unit).first()
    assert client.get(reverse("hit-detail", args=[foreign.pk])).status_code == 404


def test_the_upload_starts_the_import_job_and_answers_its_id(feeds: Feeds, api_as: Any) -> None:
    client = api_as(feeds.users[Role.SOC_ADMIN])
    body = {"file": SimpleUploadedFile("june.tsv", b"where\tkind\n14.161.0.10\tMirai\n14.162.0.40\tQakbot\n"),
            "source": "vncert-botnet", "reference": "999/VNCERT", "period": "2026-06", "format": "csv",
            "column": ["ip=where", "family=kind"]}
    response = client.post(reverse("feedbatch-import-file"), body, format="multipart")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job"])
    assert response.json()["url"].endswith(reverse("job-detail", args=[job.pk]))
    assert (job.channel, job.params["columns"]) == ("api", {"ip": "where", "family": "kind"})
    assert jobs.execute(job.pk).state == JobState.SUCCEEDED
    batch = FeedBatch.objects.get(period="2026-06")
    assert (batch.reference, batch.matched, batch.units_affected) == ("999/VNCERT", 2, 2)
    assert set(batch.hits.values_list("families", flat=True)) == {"Mirai", "Qakbot"}


@pytest.mark.parametrize(("body", "field"), [
    ({"period": "2026-6"}, "period"),
    ({"source": "Bad Name"}, "source"),
    ({"format": "docx"}, "format"),
    ({"column": ["addr=ip"]}, "column"),
])
def test_a_bad_upload_is_refused_and_starts_nothing(province: Any, users: dict[Any, Any], api_as: Any,
                                                    body: dict[str, Any], field: str) -> None:
    client = api_as(users[Role.SOC_ANALYST])
    data = {"file": SimpleUploadedFile("a.txt", b"14.161.0.1\n"), **body}
    response = client.post(reverse("feedbatch-import-file"), data, format="multipart")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Job.objects.exists()


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.AUDITOR])
def test_only_the_soc_uploads_through_the_api(province: Any, users: dict[Any, Any], api_as: Any, role: str) -> None:
    data = {"file": SimpleUploadedFile("a.txt", b"14.161.0.1\n")}
    response = api_as(users[role]).post(reverse("feedbatch-import-file"), data, format="multipart")
    assert response.status_code == 403 and not Job.objects.exists()


def test_the_schema_describes_the_feed_routes(api_as: Any, users: dict[Any, Any]) -> None:
    schema = api_as(users[Role.AUDITOR]).get("/api/schema/", {"format": "json"}).json()
    assert {"/api/feed-batches/", "/api/feed-batches/import/", "/api/feed-hits/"} <= set(schema["paths"])
    upload = schema["paths"]["/api/feed-batches/import/"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"] and "202" in upload["responses"]


def test_an_upload_over_the_limit_is_refused(province: Any, users: dict[Any, Any], api_as: Any,
                                             settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    data = {"file": SimpleUploadedFile("big.txt", b"14.161.0.1\n" * 200)}
    response = api_as(users[Role.SOC_ADMIN]).post(reverse("feedbatch-import-file"), data, format="multipart")
    assert response.status_code == 400 and not Job.objects.exists()
