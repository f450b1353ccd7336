"""Console job pages: who sees which job, the progress bar, polling only while a job runs, results and logs."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from canhgac.core.access import Role
from canhgac.core.models import Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def jobs(users):  # type: ignore[no-untyped-def]
    return {
        "officer": Job.objects.create(kind="constituency.import", title="Nhập tài sản",
                                      created_by=users[Role.UNIT_OFFICER], state=JobState.RUNNING, progress_done=5,
                                      progress_total=10, log="row 1 ok\n", params={"kind": "assets"}),
        "admin": Job.objects.create(kind="constituency.import", title="Nhập <b>đơn vị</b>",
                                    created_by=users[Role.SOC_ADMIN], state=JobState.FAILED,
                                    error="<script>alert(1)</script>", log="<i>log</i>\n",
                                    result={"errors": [{"row": 3, "column": "Mã đơn vị", "message": "trống"}],
                                            "more": 0, "count": 1}),
    }


@pytest.mark.parametrize("role,visible", [
    (Role.SOC_ADMIN, {"officer", "admin"}), (Role.SOC_ANALYST, {"officer", "admin"}),
    (Role.AUDITOR, {"officer", "admin"}), (Role.UNIT_OFFICER, {"officer"}),
])
def test_job_list_is_scoped_like_the_api(login, users, jobs, role, visible):  # type: ignore[no-untyped-def]
    page = login(users[role]).get(reverse("core:job_list"))
    assert page.status_code == 200
    listed = {name for name, job in jobs.items() if reverse("core:job_detail", args=[job.pk]) in page.content.decode()}
    assert listed == visible


def test_an_officer_gets_404_for_someone_elses_job(login, users, jobs):  # type: ignore[no-untyped-def]
    client = login(users[Role.UNIT_OFFICER])
    assert client.get(reverse("core:job_detail", args=[jobs["admin"].pk])).status_code == 404
    assert client.get(reverse("core:job_status", args=[jobs["admin"].pk])).status_code == 404
    assert client.get(reverse("core:job_detail", args=[jobs["officer"].pk])).status_code == 200
    assert client.get(reverse("core:job_detail", args=[999999])).status_code == 404


def test_a_running_job_polls_every_second_and_shows_its_progress(login, users, jobs):  # type: ignore[no-untyped-def]
    job = jobs["officer"]
    page = login(users[Role.UNIT_OFFICER]).get(reverse("core:job_detail", args=[job.pk])).content.decode()
    status_url = reverse("core:job_status", args=[job.pk])
    assert f'hx-get="{status_url}"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress class="job-progress" max="100" value="50"' in page and "row 1 ok" in page


def test_the_status_block_stops_polling_once_the_job_is_finished(login, users, jobs):  # type: ignore[no-untyped-def]
    job = jobs["officer"]
    client = login(users[Role.UNIT_OFFICER])
    running = client.get(reverse("core:job_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in running and "<html" not in running
    Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED, progress_done=10,
                                         result={"kind": "assets", "total": 10, "created": 7, "updated": 2,
                                                 "unchanged": 1})
    finished = client.get(reverse("core:job_status", args=[job.pk])).content.decode()
    assert "hx-trigger" not in finished and "hx-get" not in finished
    assert 'value="100"' in finished
    assert 'id="count-created">7<' in finished and 'id="count-unchanged">1<' in finished


def test_a_failed_import_shows_its_row_errors_escaped(login, users, jobs):  # type: ignore[no-untyped-def]
    page = login(users[Role.AUDITOR]).get(reverse("core:job_detail", args=[jobs["admin"].pk])).content.decode()
    assert "hx-trigger" not in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>đơn vị</b>" not in page and "&lt;b&gt;đơn vị&lt;/b&gt;" in page
    assert "<i>log</i>" not in page
    assert "import-errors" in page and "Mã đơn vị" in page and "trống" in page


def test_a_job_of_an_unknown_kind_shows_its_result_as_a_table(login, users):  # type: ignore[no-untyped-def]
    job = Job.objects.create(kind="feeds.match", title="x", created_by=users[Role.SOC_ADMIN],
                             state=JobState.SUCCEEDED, result={"matched": 12})
    page = login(users[Role.SOC_ADMIN]).get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "job-result" in page and "matched" in page and "12" in page


def test_job_list_filters_by_state(login, users, jobs):  # type: ignore[no-untyped-def]
    page = login(users[Role.SOC_ADMIN]).get(reverse("core:job_list"), {"state": "failed"}).content.decode()
    assert reverse("core:job_detail", args=[jobs["admin"].pk]) in page
    assert reverse("core:job_detail", args=[jobs["officer"].pk]) not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, jobs):  # type: ignore[no-untyped-def]
    response = client.get(reverse("core:job_detail", args=[jobs["officer"].pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
