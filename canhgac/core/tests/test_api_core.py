"""Jobs and audit trail through the API, and the OpenAPI schema (generated and validated, no warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from canhgac.constituency.tests.factories import AssetFactory
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(users):  # type: ignore[no-untyped-def]
    return {
        "officer": Job.objects.create(kind="import.assets", title="Nhập tài sản", created_by=users[Role.UNIT_OFFICER],
                                      state=JobState.RUNNING, progress_done=5, progress_total=10, log="row 1 ok\n"),
        "admin": Job.objects.create(kind="import.units", title="Nhập đơn vị", created_by=users[Role.SOC_ADMIN],
                                    state=JobState.FAILED, error="Dòng 3: mã trống", result={"rows": 0}),
    }


@pytest.mark.parametrize("role,visible", [
    (Role.SOC_ADMIN, {"officer", "admin"}), (Role.SOC_ANALYST, {"officer", "admin"}),
    (Role.AUDITOR, {"officer", "admin"}), (Role.UNIT_OFFICER, {"officer"}),
])
def test_jobs_list_by_role(api_as, users, jobs, role, visible):  # type: ignore[no-untyped-def]
    listed = {row["id"] for row in api_as(users[role]).get("/api/jobs/").json()["results"]}
    assert listed == {jobs[name].pk for name in visible}


def test_job_detail_shows_state_progress_log_result_and_error(api_as, users, jobs):  # type: ignore[no-untyped-def]
    officer = api_as(users[Role.UNIT_OFFICER])
    body = officer.get(f"/api/jobs/{jobs['officer'].pk}/").json()
    assert (body["state"], body["percent"], body["log"], body["created_by"]) == ("running", 50, "row 1 ok\n",
                                                                                 "officer")
    assert officer.get(f"/api/jobs/{jobs['admin'].pk}/").status_code == 404
    failed = api_as(users[Role.AUDITOR]).get(f"/api/jobs/{jobs['admin'].pk}/").json()
    assert failed["error"] == "Dòng 3: mã trống" and failed["result"] == {"rows": 0} and failed["is_finished"]


def test_jobs_cannot_be_written(api_as, users, jobs):  # type: ignore[no-untyped-def]
    admin = api_as(users[Role.SOC_ADMIN])
    assert admin.post("/api/jobs/", {"kind": "x"}, format="json").status_code in (403, 405)
    assert admin.delete(f"/api/jobs/{jobs['admin'].pk}/").status_code in (403, 405)


@pytest.fixture
def trail(api_as, users, province):  # type: ignore[no-untyped-def]
    admin = api_as(users[Role.SOC_ADMIN])
    admin.patch(f"/api/units/{province.other_unit.pk}/", {"name": "BV mới"}, format="json")
    officer = api_as(users[Role.UNIT_OFFICER])
    officer.post("/api/assets/", {"unit": province.own_unit.pk, "name": "srv"}, format="json")
    AssetFactory(unit=province.own_unit)  # no audit: factories bypass services
    return AuditEntry.objects.all()


@pytest.mark.parametrize("role,status", [(Role.SOC_ADMIN, 200), (Role.AUDITOR, 200), (Role.SOC_ANALYST, 403),
                                         (Role.UNIT_OFFICER, 403)])
def test_audit_is_for_admins_and_auditors(api_as, users, trail, role, status):  # type: ignore[no-untyped-def]
    assert api_as(users[role]).get("/api/audit/").status_code == status


@pytest.mark.parametrize("query,expected", [
    ("", 2), ("object_type=constituency.asset", 1), ("action=update", 1), ("actor=officer", 1),
    ("channel=api", 2), ("channel=ui", 0), ("since=2000-01-01T00:00:00Z", 2), ("until=2000-01-01T00:00:00Z", 0),
])
def test_audit_filters(api_as, users, province, trail, query, expected):  # type: ignore[no-untyped-def]
    body = api_as(users[Role.AUDITOR]).get(f"/api/audit/?{query}").json()
    assert body["count"] == expected


def test_audit_filter_by_unit_and_before_after(api_as, users, province, trail):  # type: ignore[no-untyped-def]
    rows = api_as(users[Role.SOC_ADMIN]).get(f"/api/audit/?unit={province.other_unit.pk}").json()["results"]
    assert len(rows) == 1 and rows[0]["changes"]["name"] == ["Bệnh viện Đa khoa tỉnh", "BV mới"]
    assert rows[0]["actor"] == "admin" and rows[0]["channel"] == "api"


@pytest.mark.parametrize("query", ["since=yesterday", "unit=abc", "action=explode", "channel=" + "x" * 3000])
def test_bad_audit_filters_are_400(api_as, users, trail, query):  # type: ignore[no-untyped-def]
    assert api_as(users[Role.AUDITOR]).get(f"/api/audit/?{query}").status_code == 400


def test_audit_cannot_be_written(api_as, users, trail):  # type: ignore[no-untyped-def]
    entry = trail.first()
    admin = api_as(users[Role.SOC_ADMIN])
    assert admin.delete(f"/api/audit/{entry.pk}/").status_code in (403, 405)
    assert admin.patch(f"/api/audit/{entry.pk}/", {"changes": {}}, format="json").status_code in (403, 405)


def test_openapi_schema_generates_and_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    for path in ("/api/units/", "/api/assets/{id}/", "/api/netblocks/lookup/", "/api/imports/{kind}/",
                 "/api/exports/{kind}/", "/api/me/", "/api/tokens/", "/api/users/", "/api/jobs/{id}/",
                 "/api/audit/"):
        assert path in schema["paths"], path
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_is_served(api_as, users) -> None:  # type: ignore[no-untyped-def]
    response = api_as(users[Role.AUDITOR]).get("/api/schema/")
    assert response.status_code == 200 and b"/api/netblocks/lookup/" in response.content

