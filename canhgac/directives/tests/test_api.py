"""The directives API: the SOC creates one from the template and sends it (a job); an officer lists their units'
copies, acknowledges, reports on a task and uploads evidence; another unit's copy or report is a 404."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.models import Unit
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core import jobs
from canhgac.core.access import Role
from canhgac.core.models import Job, JobState
from canhgac.directives.models import Directive, DirectiveState, Recipient, ReportState, TaskReport
from canhgac.directives.planning import parse_plan
from canhgac.directives.services import create_directive
from canhgac.directives.services.distributing import make_copies, resolve_recipients


@pytest.fixture
def sent(body) -> Directive:  # type: ignore[no-untyped-def]
    for code in ("SO-YT", "SO-TC"):
        UnitFactory(code=code, kind="department")
    directive = create_directive(UserFactory(role=Role.SOC_ADMIN), {
        "number": "125/SKHCN-CNTT", "subject": "thử", "report_deadline": timezone.now() + datetime.timedelta(days=3)},
        parse_plan("## Các sở\nkinds: department\n- Trực 24/7 | Trực.\n"))
    make_copies(directive, resolve_recipients(directive))
    Directive.objects.filter(pk=directive.pk).update(state=DirectiveState.SENT)
    return directive


def test_the_soc_creates_from_the_template_and_sends(api_as, body) -> None:  # type: ignore[no-untyped-def]
    UnitFactory(kind="telecom")
    api = api_as(UserFactory(role=Role.SOC_ANALYST))
    answer = api.post("/api/directives/", {"template": "holiday", "number": "7/SKHCN-CNTT",
                                           "report_deadline": "2026-05-05T17:00:00+07:00"}, format="json")
    assert answer.status_code == 201, answer.json()
    created = answer.json()
    assert [len(group["tasks"]) for group in created["groups"]] == [8, 6]
    assert created["subject"].startswith("tăng cường bảo đảm an toàn thông tin mạng")
    sending = api.post(f"/api/directives/{created['id']}/distribute/")
    assert sending.status_code == 202
    job = Job.objects.get(pk=sending.json()["job"]["id"])
    assert jobs.execute(job.pk).state == JobState.SUCCEEDED
    assert api.post(f"/api/directives/{created['id']}/distribute/").status_code == 400  # already sent
    figures = api.get(f"/api/directives/{created['id']}/summary/").json()
    assert figures["units"] == 1 and figures["acknowledged"] == 0 and len(figures["tasks"]) == 14


@pytest.mark.parametrize(("body_", "field"), [
    ({"subject": "x", "report_deadline": "2026-05-05T17:00:00Z"}, "plan"),
    ({"subject": "x", "report_deadline": "2026-05-05T17:00:00Z", "groups": [
        {"label": "Nhóm", "unit_kinds": ["spaceship"], "tasks": [{"title": "a", "text": "b"}]}]}, "groups"),
    ({"template": "no-such", "report_deadline": "2026-05-05T17:00:00Z"}, "non_field_errors"),
    ({"subject": "x", "report_deadline": "2026-05-05T17:00:00Z", "contacts": [999999], "groups": [
        {"label": "Nhóm", "unit_kinds": ["department"], "tasks": [{"title": "a", "text": "b"}]}]}, "contacts"),
])
def test_a_wrong_directive_is_refused_with_the_field(api_as, body, body_, field) -> None:  # type: ignore[no-untyped-def]
    answer = api_as(UserFactory(role=Role.SOC_ADMIN)).post("/api/directives/", body_, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert not Directive.objects.exists()


def test_an_officer_works_on_their_units_copy_only(api_as, sent) -> None:  # type: ignore[no-untyped-def]
    officer = UserFactory(role=Role.UNIT_OFFICER, units=[Unit.objects.get(code="SO-YT")])
    api = api_as(officer)
    assert api.get("/api/directives/").status_code == 403
    copies = api.get("/api/directive-copies/").json()["results"]
    assert [row["unit_code"] for row in copies] == ["SO-YT"] and copies[0]["pending"] == 1
    own, other = Recipient.objects.get(unit__code="SO-YT"), Recipient.objects.get(unit__code="SO-TC")
    assert api.post(f"/api/directive-copies/{other.pk}/acknowledge/").status_code == 404
    assert api.post(f"/api/directive-copies/{own.pk}/acknowledge/").json()["acknowledged_at"]
    report = TaskReport.objects.get(recipient=own)
    answer = api.patch(f"/api/directive-reports/{report.pk}/", {"state": "partly", "note": "Còn 1 ca"},
                       format="json")
    assert answer.status_code == 200 and answer.json()["state"] == ReportState.PARTLY
    assert api.patch(f"/api/directive-reports/{report.pk}/", {"state": "partly"}, format="json").status_code == 400
    upload = api.post(f"/api/directive-reports/{report.pk}/evidence/",
                      {"file": SimpleUploadedFile("lich-truc.pdf", b"%PDF-1.4 lich")}, format="multipart")
    assert upload.status_code == 201 and upload.json()["name"] == "lich-truc.pdf"
    fake = api.post(f"/api/directive-reports/{report.pk}/evidence/",
                    {"file": SimpleUploadedFile("x.pdf", b"MZ")}, format="multipart")
    assert fake.status_code == 400 and "file" in fake.json()
    other_report = TaskReport.objects.get(recipient=other)
    assert api.patch(f"/api/directive-reports/{other_report.pk}/", {"state": "done"},
                     format="json").status_code == 404
    assert api.post(f"/api/directive-reports/{other_report.pk}/evidence/",
                    {"file": SimpleUploadedFile("x.pdf", b"%PDF-")}, format="multipart").status_code == 404
