"""Console import (a job followed on its page), export downloads and the blank import templates."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from canhgac.constituency.models import Asset, Contact, Netblock
from canhgac.constituency.tests.data.builders import csv_bytes, xlsx_bytes
from canhgac.constituency.tests.factories import AssetFactory, ContactFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry, Job, JobState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def import_file(client, kind: str, name: str, content: bytes):  # type: ignore[no-untyped-def]
    """Post the file, run the job it started (the test database never commits, so no thread picks it up)."""
    response = client.post(reverse("constituency:import"), {"kind": kind, "file": upload(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get()
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    jobs.execute(job.pk)
    return job, client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("role,kinds", [
    (Role.SOC_ADMIN, {"units", "contacts", "netblocks", "assets"}),
    (Role.SOC_ANALYST, {"units", "contacts", "netblocks", "assets"}),
    (Role.UNIT_OFFICER, {"contacts", "assets"}),
])
def test_import_offers_the_kinds_the_user_may_add(login, users, role, kinds):  # type: ignore[no-untyped-def]
    response = login(users[role]).get(reverse("constituency:import"))
    assert response.status_code == 200
    assert {value for value, _label in response.context["form"].fields["kind"].choices} == kinds


def test_auditors_may_not_import(login, users):  # type: ignore[no-untyped-def]
    client = login(users[Role.AUDITOR])
    assert client.get(reverse("constituency:import")).status_code == 403
    assert client.post(reverse("constituency:import"),
                       {"kind": "assets", "file": upload("a.csv", b"x")}).status_code == 403
    assert reverse("constituency:import") not in client.get(reverse("web:home")).content.decode()
    assert not Job.objects.exists()


def test_an_officer_cannot_import_a_kind_not_offered(login, users):  # type: ignore[no-untyped-def]
    content = csv_bytes([["Mã đơn vị", "Dải IP"], ["SO-TTTT", "14.224.0.0/16"]])
    response = login(users[Role.UNIT_OFFICER]).post(reverse("constituency:import"),
                                                    {"kind": "netblocks", "file": upload("n.csv", content)})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert not Job.objects.exists()


def test_a_good_csv_imports_and_the_job_page_shows_the_counts(login, users, province):  # type: ignore[no-untyped-def]
    content = csv_bytes([["Mã đơn vị", "Dải IP", "Mô tả"], ["SO-TTTT", "14.224.0.0/16", "Mạng <b>LAN</b>"],
                         ["BV-DK", "2405:4800::/32", ""]])
    job, page = import_file(login(users[Role.SOC_ANALYST]), "netblocks", "khối.csv", content)
    assert Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED
    assert Netblock.objects.count() == 2
    assert 'id="count-created">2<' in page and 'id="count-updated">0<' in page and 'id="count-unchanged">0<' in page
    assert 'value="100"' in page and "hx-trigger" not in page and "khối.csv" in page
    entries = AuditEntry.objects.filter(object_type="constituency.netblock")
    assert entries.count() == 2 and {entry.job_id for entry in entries} == {job.pk}


def test_the_same_file_again_changes_nothing(login, users, province):  # type: ignore[no-untyped-def]
    content = csv_bytes([["unit", "block"], ["SO-TTTT", "14.224.0.0/16"]])
    client = login(users[Role.SOC_ADMIN])
    import_file(client, "netblocks", "n.csv", content)
    Job.objects.all().delete()
    _job, page = import_file(client, "netblocks", "n.csv", content)
    assert 'id="count-unchanged">1<' in page and 'id="count-created">0<' in page


def test_a_bad_file_shows_every_row_and_column_error(login, users, province):  # type: ignore[no-untyped-def]
    content = csv_bytes([["unit", "block"], ["SO-TTTT", "14.224.0.0/16"], ["SO-TTTT", "999.1.1.0/24"],
                         ["<script>x</script>", "10.0.0.0/8"]])
    job, page = import_file(login(users[Role.SOC_ADMIN]), "netblocks", "bad.csv", content)
    assert Job.objects.get(pk=job.pk).state == JobState.FAILED
    assert not Netblock.objects.exists()
    assert "import-errors" in page
    rows = page.split('<table class="table table-sm table-striped import-errors">')[1].split("</table>")[0]
    assert rows.count("<tr>") == 3  # header + two bad rows
    assert '<td class="numeric">3</td>' in rows and '<td class="numeric">4</td>' in rows
    assert "<td>block</td>" in rows and "<td>unit</td>" in rows
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page


def test_an_officer_imports_assets_into_own_units_only(login, users, province):  # type: ignore[no-untyped-def]
    client = login(users[Role.UNIT_OFFICER])
    own = csv_bytes([["Mã đơn vị", "Tên tài sản", "Phần mềm"], ["TT-CNTT", "portal", "nginx | nginx | 1.24.0"]])
    job, _page = import_file(client, "assets", "own.csv", own)
    assert Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED
    assert Asset.objects.get().unit == province.own_subunit
    Job.objects.all().delete()
    other = csv_bytes([["Mã đơn vị", "Tên tài sản"], ["BV-DK", "his"]])
    job, page = import_file(client, "assets", "other.csv", other)
    assert Job.objects.get(pk=job.pk).state == JobState.FAILED and Asset.objects.count() == 1
    assert "import-errors" in page


def test_an_xlsx_file_imports(login, users, province):  # type: ignore[no-untyped-def]
    content = xlsx_bytes([["Unit code", "Name", "E-mail", "Focal point"], ["SO-TTTT", "Phạm Thị Lan",
                                                                        "lan@example.gov.vn", "x"]])
    job, page = import_file(login(users[Role.SOC_ADMIN]), "contacts", "lienhe.xlsx", content)
    assert Job.objects.get(pk=job.pk).state == JobState.SUCCEEDED
    assert Contact.objects.get().focal_point and 'id="count-created">1<' in page


def test_a_file_over_the_limit_is_refused_before_any_job(login, users, settings):  # type: ignore[no-untyped-def]
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    big = b"a" * (1024 * 1024 + 1)
    response = login(users[Role.SOC_ADMIN]).post(reverse("constituency:import"),
                                                 {"kind": "units", "file": upload("big.csv", big)})
    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert "1 MB" in response.context["form"].errors["file"][0]
    assert not Job.objects.exists()


def test_an_import_without_a_file_is_refused(login, users):  # type: ignore[no-untyped-def]
    response = login(users[Role.SOC_ADMIN]).post(reverse("constituency:import"), {"kind": "units"})
    assert response.status_code == 200 and "file" in response.context["form"].errors


# --- export ---------------------------------------------------------------------------------------------------------


def test_export_form_and_a_scoped_csv(login, users, province):  # type: ignore[no-untyped-def]
    AssetFactory(unit=province.own_unit, name="own-portal")
    AssetFactory(unit=province.own_subunit, name="sub-portal")
    AssetFactory(unit=province.other_unit, name="other-portal")
    client = login(users[Role.UNIT_OFFICER])
    form = client.get(reverse("constituency:export"))
    assert form.status_code == 200 and "attachment" not in form.get("Content-Disposition", "")
    units = {unit.code for unit in form.context["form"].fields["unit"].queryset}
    assert units == {"SO-TTTT", "TT-CNTT"}
    response = client.get(reverse("constituency:export"), {"kind": "assets", "format": "csv", "language": "en"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    assert text.startswith("Unit code,Name")
    assert "own-portal" in text and "sub-portal" in text and "other-portal" not in text


def test_export_of_one_unit_with_or_without_sub_units(login, users, province):  # type: ignore[no-untyped-def]
    AssetFactory(unit=province.own_unit, name="own-portal")
    AssetFactory(unit=province.own_subunit, name="sub-portal")
    client = login(users[Role.SOC_ADMIN])
    query = {"kind": "assets", "format": "csv", "language": "vi", "unit": province.own_unit.pk}
    alone = client.get(reverse("constituency:export"), query).content.decode("utf-8-sig")
    tree = client.get(reverse("constituency:export"), {**query, "subunits": "on"}).content.decode("utf-8-sig")
    assert "own-portal" in alone and "sub-portal" not in alone
    assert "own-portal" in tree and "sub-portal" in tree


def test_an_officer_cannot_export_another_units_objects(login, users, province):  # type: ignore[no-untyped-def]
    ContactFactory(unit=province.other_unit, name="Người ngoài")
    response = login(users[Role.UNIT_OFFICER]).get(
        reverse("constituency:export"), {"kind": "contacts", "format": "csv", "unit": province.other_unit.pk})
    assert response.status_code == 200 and "unit" in response.context["form"].errors


def test_export_xlsx_for_an_auditor(login, users, province):  # type: ignore[no-untyped-def]
    response = login(users[Role.AUDITOR]).get(reverse("constituency:export"),
                                              {"kind": "units", "format": "xlsx", "language": "vi"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Mã đơn vị" and {"SO-TTTT", "TT-CNTT", "BV-DK"} <= {row[0] for row in values[1:]}


@pytest.mark.parametrize("query", [{"kind": "secrets", "format": "csv"}, {"kind": "units", "format": "pdf"}])
def test_bad_export_requests_show_the_form_again(login, users, query):  # type: ignore[no-untyped-def]
    response = login(users[Role.SOC_ADMIN]).get(reverse("constituency:export"), query)
    assert response.status_code == 200 and response.context["form"].errors


# --- templates ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_the_templates_page_lists_every_kinds_columns(login, users, role):  # type: ignore[no-untyped-def]
    page = login(users[role]).get(reverse("constituency:import_templates")).content.decode()
    for header in ("Mã đơn vị", "Unit code", "Dải IP", "Block", "Họ và tên", "Phần mềm", "Software"):
        assert header in page
    assert (f'href="{reverse("constituency:import")}"' in page) == (role != Role.AUDITOR)


@pytest.mark.parametrize("language,first", [("vi", "Mã đơn vị"), ("en", "Unit code")])
def test_a_blank_template_is_the_header_the_import_reads(login, users, province, language, first):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    csv_file = client.get(reverse("constituency:import_template", args=["netblocks"]),
                          {"format": "csv", "language": language})
    assert csv_file["Content-Disposition"].startswith("attachment;")
    header = csv_file.content.decode("utf-8-sig").strip()
    assert header.split(",")[0] == first
    xlsx_file = client.get(reverse("constituency:import_template", args=["assets"]),
                           {"format": "xlsx", "language": language})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_file.content)).active
    assert sheet.max_row == 1 and sheet.cell(1, 1).value == first
    filled = header + "\r\nSO-TTTT,14.224.0.0/16,\r\n"  # the blank file, filled in, imports
    _job, page = import_file(client, "netblocks", "filled.csv", filled.encode())
    assert 'id="count-created">1<' in page


def test_template_downloads_refuse_unknown_kinds_and_formats(login, users):  # type: ignore[no-untyped-def]
    client = login(users[Role.UNIT_OFFICER])
    assert client.get(reverse("constituency:import_template", args=["secrets"])).status_code == 404
    assert client.get(reverse("constituency:import_template", args=["units"]), {"format": "pdf"}).status_code == 400


def test_a_dry_run_checks_and_counts_but_writes_nothing(login, users, province):  # type: ignore[no-untyped-def]
    client = login(users[Role.SOC_ADMIN])
    content = csv_bytes([["unit", "block"], ["SO-TTTT", "14.224.0.0/16"], ["BV-DK", "14.225.0.0/16"]])
    response = client.post(reverse("constituency:import"),
                           {"kind": "netblocks", "file": upload("n.csv", content), "dry_run": "on"})
    job = Job.objects.get()
    assert job.params == {"kind": "netblocks", "dry_run": True}
    jobs.execute(job.pk)
    page = client.get(response["Location"]).content.decode()
    assert Job.objects.get().state == JobState.SUCCEEDED
    assert not Netblock.objects.exists() and not AuditEntry.objects.exists()
    assert "dry-run" in page and 'id="count-created">2<' in page
    Job.objects.all().delete()
    bad = csv_bytes([["unit", "block"], ["SO-TTTT", "nonsense"]])
    client.post(reverse("constituency:import"), {"kind": "netblocks", "file": upload("b.csv", bad), "dry_run": "on"})
    job = jobs.execute(Job.objects.get().pk)
    assert job.state == JobState.FAILED and job.result["errors"][0]["row"] == 2
