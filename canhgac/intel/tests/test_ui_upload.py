"""Uploading lists from the console: one job per file, the job's page linking to the batch, refused files listing
their lines and reasons with nothing stored, the column mapping and format override, and who may upload."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canhgac.constituency.tests.factories import NetblockFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import Job, JobState
from canhgac.findings.models import Finding
from canhgac.intel.models import FeedBatch, Hit
from canhgac.intel.services import JOB_KIND

pytestmark = pytest.mark.django_db


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/plain")


def form(**changes: Any) -> dict[str, Any]:
    return {"source": "vncert-botnet", "reference": "789/VNCERT-ĐPƯC", "period": "2026-06", "format": "",
            "columns": "", **changes}


@pytest.fixture
def analyst(province: Any, users: dict[Any, Any], login: Any) -> Any:
    NetblockFactory(unit=province.own_unit, block="14.161.0.0/24")
    return login(users[Role.SOC_ANALYST])


def test_an_upload_runs_as_a_job_whose_page_links_to_the_batch(analyst: Any) -> None:
    sample = b"# monthly list\n14.161.0.7\n8.8.8.8\n"
    response = analyst.post(reverse("intel:batch_upload"), form(file=upload("list.txt", sample)))
    job = Job.objects.get(kind=JOB_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert (job.params["reference"], job.params["period"], job.channel) == ("789/VNCERT-ĐPƯC", "2026-06", "ui")
    assert jobs.execute(job.pk).state == JobState.SUCCEEDED
    batch = FeedBatch.objects.get()
    assert (batch.reference, batch.period, batch.source.name, batch.matched) == (
        "789/VNCERT-ĐPƯC", "2026-06", "vncert-botnet", 1)
    html = analyst.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("intel:batch_detail", args=[batch.pk])}"' in html
    again = analyst.post(reverse("intel:batch_upload"), form(file=upload("copy.txt", sample)))
    second = jobs.execute(Job.objects.exclude(pk=job.pk).get().pk)
    assert again.status_code == 302 and second.result["duplicate"] and FeedBatch.objects.count() == 1
    html = analyst.get(reverse("core:job_detail", args=[second.pk])).content.decode()
    assert 'id="result-batch"' in html and f"#{batch.pk}" in html


def test_several_files_make_one_job_each(analyst: Any) -> None:
    files = [upload("a.txt", "14.161.0.1\n"), upload("b.txt", "14.161.0.2\n")]
    response = analyst.post(reverse("intel:batch_upload"), form(file=files))
    assert response.status_code == 302 and f"kind={JOB_KIND}" in response["Location"]
    for job in Job.objects.filter(kind=JOB_KIND):
        assert jobs.execute(job.pk).state == JobState.SUCCEEDED
    assert sorted(FeedBatch.objects.values_list("filename", flat=True)) == ["a.txt", "b.txt"]


def test_a_refused_file_lists_its_lines_and_reasons_and_stores_nothing(analyst: Any) -> None:
    junk = "".join(f"not-an-address-{n}\n" for n in range(1, 6))
    analyst.post(reverse("intel:batch_upload"), form(file=upload("junk.txt", junk)))
    job = jobs.execute(Job.objects.get(kind=JOB_KIND).pk)
    assert job.state == JobState.FAILED
    assert not FeedBatch.objects.exists() and not Hit.objects.exists() and not Finding.objects.exists()
    html = analyst.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'id="result-refused"' in html
    table = html.split('id="result-invalid"')[1].split("</table>")[0]
    assert '<td class="numeric">1</td>' in table and "not-an-address-5" in table


def test_the_column_mapping_and_format_override_reach_the_parser(analyst: Any) -> None:
    text = "seen_at;where;kind\n2026-06-01;14.161.0.9;Mirai\n"
    analyst.post(reverse("intel:batch_upload"), form(file=upload("odd.txt", text), format="csv",
                                                     columns="ip=where\nfamily=kind"))
    job = jobs.execute(Job.objects.get(kind=JOB_KIND).pk)
    assert job.state == JobState.SUCCEEDED, job.error
    hit = Hit.objects.get()
    assert (hit.indicator, hit.families, FeedBatch.objects.get().format) == ("14.161.0.9", "Mirai", "csv")


@pytest.mark.parametrize(("changes", "field"), [
    ({"period": "2026-13"}, "period"),
    ({"period": "06/2026"}, "period"),
    ({"source": "VNCERT Botnet!"}, "source"),
    ({"columns": "address=ip"}, "columns"),
    ({"columns": "ip=a\nip=b"}, "columns"),
    ({"format": "pdf"}, "format"),
])
def test_a_bad_request_is_shown_again_with_the_error_and_starts_nothing(analyst: Any, changes: dict[str, str],
                                                                         field: str) -> None:
    response = analyst.post(reverse("intel:batch_upload"), form(file=upload("a.txt", "14.161.0.1\n"), **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback d-block"' in response.content.decode()
    assert not Job.objects.exists()


def test_a_missing_file_is_an_error(analyst: Any) -> None:
    response = analyst.post(reverse("intel:batch_upload"), form())
    assert response.status_code == 200 and "file" in response.context["form"].errors and not Job.objects.exists()


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.AUDITOR])
def test_only_the_soc_uploads(province: Any, users: dict[Any, Any], login: Any, role: str) -> None:
    client = login(users[role])
    assert client.get(reverse("intel:batch_upload")).status_code == 403
    response = client.post(reverse("intel:batch_upload"), form(file=upload("a.txt", "14.161.0.1\n")))
    assert response.status_code == 403 and not Job.objects.exists()
    assert 'href="/feeds/upload/"' not in client.get(reverse("web:home")).content.decode()


def test_a_real_feodo_list_through_the_console(analyst: Any, province: Any, corpora: Any) -> None:
    NetblockFactory(unit=province.own_subunit, block="192.9.135.0/24")
    sample = (corpora / "botnet-feodo/ipblocklist-2024-04-03.csv").read_bytes()
    analyst.post(reverse("intel:batch_upload"), form(file=upload("ipblocklist-2024-04-03.csv", sample)))
    job = jobs.execute(Job.objects.get(kind=JOB_KIND).pk)
    batch = FeedBatch.objects.get(pk=job.result["batch"])
    html = analyst.get(reverse("intel:batch_detail", args=[batch.pk])).content.decode()
    for name, value in {"valid": 27, "matched": 1, "outside": 26, "units": 1}.items():
        assert f'id="count-{name}">{value}<' in html, name
    hits = analyst.get(reverse("intel:hit_list"), {"batch": batch.pk}).content.decode()
    assert "192.9.135.73" in hits and "Pikabot" in hits and "1194" in hits


@pytest.mark.parametrize(("role", "entries"), [
    (Role.SOC_ANALYST, ["/feeds/", "/feeds/addresses/", "/feeds/summary/", "/feeds/upload/"]),
    (Role.AUDITOR, ["/feeds/", "/feeds/addresses/", "/feeds/summary/"]),
    (Role.UNIT_OFFICER, ["/feeds/", "/feeds/addresses/", "/feeds/summary/"]),
])
def test_the_menu_offers_the_feed_pages_each_role_may_open(province: Any, users: dict[Any, Any], login: Any,
                                                           role: str, entries: list[str]) -> None:
    client = login(users[role])
    html = client.get(reverse("web:home")).content.decode()
    offered = [path for path in ("/feeds/", "/feeds/addresses/", "/feeds/summary/", "/feeds/upload/")
               if f'href="{path}"' in html]
    assert offered == entries
    for path in offered:
        assert client.get(path).status_code == 200


def test_binary_junk_is_refused_with_its_reason_and_nothing_stored(analyst: Any) -> None:
    import random

    junk = random.Random(7).randbytes(20_000)
    analyst.post(reverse("intel:batch_upload"), form(file=upload("list.txt", junk)))
    job = jobs.execute(Job.objects.get(kind=JOB_KIND).pk)
    assert job.state == JobState.FAILED and job.error
    assert not FeedBatch.objects.exists() and not Hit.objects.exists()
    html = analyst.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'id="result-refused"' in html and 'class="alert alert-danger job-error"' in html


def test_a_file_over_the_upload_limit_is_refused_before_any_job(analyst: Any, settings: Any) -> None:
    settings.MAX_UPLOAD_BYTES = 1000
    response = analyst.post(reverse("intel:batch_upload"), form(file=upload("big.txt", "14.161.0.1\n" * 200)))
    assert response.status_code == 200 and "file" in response.context["form"].errors and not Job.objects.exists()
