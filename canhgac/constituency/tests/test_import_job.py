"""The import job: handler registered, progress and summary logged, bad rows stored as the failed job's result."""

from __future__ import annotations

import pytest

from canhgac.constituency.importing import JOB_KIND, start_import
from canhgac.constituency.models import Netblock
from canhgac.constituency.tests.data.builders import csv_bytes
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Job, JobState

pytestmark = pytest.mark.django_db


def run_job(user, content: bytes, kind: str = "netblocks"):  # type: ignore[no-untyped-def]
    job = jobs.create(JOB_KIND, user, {"kind": kind}, channel="ui", input_bytes=content, input_name="n.csv")
    seen: list[tuple[int, int]] = []
    finished = jobs.execute(job.pk, on_progress=lambda done, total: seen.append((done, total)))
    return finished, seen


def test_a_good_file_succeeds_with_counts_progress_and_audit_on_the_job_channel(province, users):  # type: ignore[no-untyped-def]
    content = csv_bytes([["Mã đơn vị", "Dải IP"], ["SO-TTTT", "14.224.0.0/16"], ["BV-DK", "2405:4800::/32"]])
    job, seen = run_job(users[Role.SOC_ADMIN], content)
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.result == {"kind": "netblocks", "total": 2, "created": 2, "updated": 0, "unchanged": 0}
    assert seen[-1] == (2, 2) and "2 tạo mới" in job.log  # jobs log in the default language, Vietnamese
    entries = AuditEntry.objects.filter(object_type="constituency.netblock")
    assert entries.count() == 2 and {(e.channel, e.job_id, e.actor_id) for e in entries} == {
        ("job", job.pk, users[Role.SOC_ADMIN].pk)}


def test_a_bad_file_fails_the_job_with_every_error_and_writes_nothing(province, users):  # type: ignore[no-untyped-def]
    content = csv_bytes([["unit", "block"], ["SO-TTTT", "14.224.0.0/16"], ["SO-TTTT", "999.1.1.0/24"],
                         ["NOPE", "10.0.0.0/8"]])
    job, _seen = run_job(users[Role.SOC_ADMIN], content)
    assert job.state == JobState.FAILED and job.error
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [(3, "block"), (4, "unit")]
    assert "dòng 3" in job.log and not Netblock.objects.exists()


def test_start_import_records_the_file_and_the_channel(province, users):  # type: ignore[no-untyped-def]
    content = csv_bytes([["unit", "block"], ["SO-TTTT", "14.225.0.0/16"]])
    job = start_import("netblocks", users[Role.SOC_ADMIN], "blocks.csv", content, channel="cli")
    assert (job.kind, job.params, job.channel, job.state) == (JOB_KIND, {"kind": "netblocks"}, "cli", "queued")
    assert bytes(job.input.content) == content and job.input.filename == "blocks.csv"
    assert jobs.execute(job.pk).state == JobState.SUCCEEDED
    assert AuditEntry.objects.get(object_type="constituency.netblock").channel == "cli"


def test_start_import_refuses_an_unknown_kind(users):  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        start_import("passwords", users[Role.SOC_ADMIN], "x.csv", b"a\n", channel="ui")
    assert not Job.objects.exists()
