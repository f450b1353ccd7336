"""Import (a job) and export (a download) through the API: limits, permissions, scope, and a round trip."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from canhgac.constituency.models import Asset, Netblock
from canhgac.constituency.tests.factories import AssetFactory, NetblockFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Job, JobState

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> dict[str, SimpleUploadedFile]:
    return {"file": SimpleUploadedFile(name, content, content_type="text/csv")}


def test_import_without_a_file_is_400(api_as, users, province):  # type: ignore[no-untyped-def]
    response = api_as(users[Role.SOC_ADMIN]).post("/api/imports/assets/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_import_larger_than_the_limit_is_413(api_as, users, province, settings):  # type: ignore[no-untyped-def]
    settings.MAX_UPLOAD_BYTES = 100
    response = api_as(users[Role.SOC_ADMIN]).post("/api/imports/assets/", upload("big.csv", b"x" * 101),
                                                  format="multipart")
    assert response.status_code == 413 and response.json()["detail"]
    assert not Job.objects.exists()


def test_import_sent_as_json_is_refused(api_as, users, province):  # type: ignore[no-untyped-def]
    response = api_as(users[Role.SOC_ADMIN]).post("/api/imports/assets/", {"file": "a,b"}, format="json")
    assert response.status_code == 415


@pytest.mark.parametrize("role,kind,status", [
    (Role.UNIT_OFFICER, "units", 403), (Role.UNIT_OFFICER, "netblocks", 403), (Role.AUDITOR, "assets", 403),
])
def test_import_needs_the_right_to_add_that_kind(api_as, users, province, role, kind, status):  # type: ignore[no-untyped-def]
    response = api_as(users[role]).post(f"/api/imports/{kind}/", upload("x.csv", b"a,b\n"), format="multipart")
    assert response.status_code == status


def test_unknown_kind_is_404(api_as, users, province):  # type: ignore[no-untyped-def]
    api = api_as(users[Role.SOC_ADMIN])
    assert api.post("/api/imports/secrets/", upload("x.csv", b"a\n"), format="multipart").status_code == 404
    assert api.get("/api/exports/secrets/").status_code == 404


def test_export_is_scoped_and_filtered_like_the_list(api_as, users, province):  # type: ignore[no-untyped-def]
    AssetFactory(unit=province.own_unit, name="own-portal")
    AssetFactory(unit=province.own_subunit, name="sub-portal")
    AssetFactory(unit=province.other_unit, name="other-portal")
    officer = api_as(users[Role.UNIT_OFFICER])
    response = officer.get("/api/exports/assets/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    assert "own-portal" in text and "sub-portal" in text and "other-portal" not in text
    filtered = officer.get("/api/exports/assets/", {"format": "csv", "unit": "TT-CNTT"}).content.decode("utf-8-sig")
    assert "sub-portal" in filtered and "own-portal" not in filtered


def test_export_xlsx_is_a_workbook(api_as, users, province):  # type: ignore[no-untyped-def]
    NetblockFactory(unit=province.other_unit, block="14.170.0.0/16")
    response = api_as(users[Role.AUDITOR]).get("/api/exports/netblocks/", {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "14.170.0.0/16" in [str(cell.value) for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("query", [{"format": "pdf"}, {"format": "csv", "role": "spaceship"}])
def test_bad_export_requests_are_400(api_as, users, province, query):  # type: ignore[no-untyped-def]
    assert api_as(users[Role.SOC_ADMIN]).get("/api/exports/assets/", query).status_code == 400


def test_netblocks_round_trip_through_export_and_import_jobs(api_as, users, province):  # type: ignore[no-untyped-def]
    api = api_as(users[Role.SOC_ADMIN])
    NetblockFactory(unit=province.own_unit, block="14.180.0.0/16", description="Mạng tỉnh")
    NetblockFactory(unit=province.other_unit, block="2405:4800:1::/48")
    exported = api.get("/api/exports/netblocks/", {"format": "csv"}).content
    Netblock.objects.all().delete()
    response = api.post("/api/imports/netblocks/", upload("netblocks.csv", exported), format="multipart")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["url"].endswith(f"/api/jobs/{body['id']}/") and body["state"] == JobState.QUEUED
    jobs.execute(body["id"])  # the worker thread starts on commit, which a test transaction never reaches
    finished = api.get(f"/api/jobs/{body['id']}/").json()
    assert finished["state"] == JobState.SUCCEEDED, finished
    assert sorted(Netblock.objects.values_list("block", "unit__code")) == [
        ("14.180.0.0/16", "SO-TTTT"), ("2405:4800:1::/48", "BV-DK")]
    assert Job.objects.get(pk=body["id"]).channel == "api"


def _run(api, kind: str, content: bytes) -> dict:  # type: ignore[no-untyped-def,type-arg]
    response = api.post(f"/api/imports/{kind}/", upload(f"{kind}.csv", content), format="multipart")
    assert response.status_code == 202, response.content
    jobs.execute(response.json()["id"])
    return api.get(response.json()["url"]).json()


def test_officer_imports_assets_of_own_units_only(api_as, users, province):  # type: ignore[no-untyped-def]
    admin, officer = api_as(users[Role.SOC_ADMIN]), api_as(users[Role.UNIT_OFFICER])
    AssetFactory(unit=province.own_subunit, name="own-host")
    AssetFactory(unit=province.other_unit, name="other-host")
    own_file = admin.get("/api/exports/assets/", {"format": "csv", "unit": "TT-CNTT"}).content
    other_file = admin.get("/api/exports/assets/", {"format": "csv", "unit": "BV-DK"}).content
    Asset.objects.all().delete()
    refused = _run(officer, "assets", other_file)
    assert refused["state"] == JobState.FAILED and not Asset.objects.exists()
    accepted = _run(officer, "assets", own_file)
    assert accepted["state"] == JobState.SUCCEEDED, accepted
    assert list(Asset.objects.values_list("name", "unit__code")) == [("own-host", "TT-CNTT")]
    entry = AuditEntry.objects.get(object_type="constituency.asset", action="create")
    assert entry.actor_label == "officer" and entry.channel == "api"


def test_export_headers_in_english_on_request(api_as, users, province):  # type: ignore[no-untyped-def]
    api = api_as(users[Role.SOC_ADMIN])
    vietnamese = api.get("/api/exports/units/", {"format": "csv"}).content.decode("utf-8-sig").splitlines()[0]
    english = api.get("/api/exports/units/", {"format": "csv", "language": "en"}).content.decode("utf-8-sig")
    assert english.splitlines()[0] != vietnamese and "SO-TTTT" in english
    assert api.get("/api/exports/units/", {"language": "fr"}).status_code == 400
