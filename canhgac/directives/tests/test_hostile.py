"""No 500 on any input: every field of a new directive, of a report and of the console's forms gets hostile values."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from canhgac.accounts.tests.factories import UserFactory
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.directives.models import Directive, DirectiveState, TaskReport
from canhgac.directives.planning import parse_plan
from canhgac.directives.services import create_directive
from canhgac.directives.services.distributing import make_copies, resolve_recipients
from tests.test_api_fuzz import HOSTILE

VALID = {"subject": "thử", "report_deadline": "2026-05-05T17:00:00Z", "groups": [
    {"label": "Các sở", "unit_kinds": ["department"], "tasks": [{"title": "Trực", "text": "Trực 24/7."}]}]}
FIELDS = ["reference_number", "reference_date", "reference_issuer", "number", "issued_on", "subject", "period_start",
          "period_end", "report_deadline", "opening", "closing", "copies", "signer_name", "template", "contacts",
          "groups"]


@pytest.mark.django_db
@pytest.mark.parametrize("field", FIELDS)
def test_a_hostile_field_of_a_new_directive_is_refused_not_a_crash(api_as, body, field: str) -> None:  # type: ignore[no-untyped-def]
    api = api_as(UserFactory(role=Role.SOC_ADMIN))
    for value in HOSTILE:
        answer = api.post("/api/directives/", {**VALID, field: value}, format="json")
        assert answer.status_code in (201, 400), (field, repr(value)[:80], answer.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("part", ["label", "unit_kinds", "units", "include_subunits", "tasks"])
def test_a_hostile_group_is_refused_not_a_crash(api_as, body, part: str) -> None:  # type: ignore[no-untyped-def]
    api = api_as(UserFactory(role=Role.SOC_ADMIN))
    for value in HOSTILE:
        group = {**VALID["groups"][0], part: value}  # type: ignore[index]
        answer = api.post("/api/directives/", {**VALID, "groups": [group]}, format="json")
        assert answer.status_code in (201, 400), (part, repr(value)[:80], answer.status_code)


@pytest.fixture
def report(body) -> TaskReport:  # type: ignore[no-untyped-def]
    unit = UnitFactory(code="SO-YT", kind="department")
    directive = create_directive(UserFactory(role=Role.SOC_ADMIN), {
        "subject": "thử", "report_deadline": timezone.now() + datetime.timedelta(days=3)},
        parse_plan("## Các sở\nkinds: department\n- Trực | Trực 24/7.\n"))
    make_copies(directive, resolve_recipients(directive))
    Directive.objects.filter(pk=directive.pk).update(state=DirectiveState.SENT)
    report = TaskReport.objects.get()
    report.officer = UserFactory(role=Role.UNIT_OFFICER, units=[unit])  # type: ignore[attr-defined]
    return report


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["state", "note"])
def test_a_hostile_report_is_refused_not_a_crash(api_as, report: Any, field: str) -> None:
    api = api_as(report.officer)
    for value in HOSTILE:
        answer = api.patch(f"/api/directive-reports/{report.pk}/", {"state": "done", field: value}, format="json")
        assert answer.status_code in (200, 400), (field, repr(value)[:80], answer.status_code)


@pytest.mark.django_db
def test_hostile_console_input_is_refused_not_a_crash(client, report: Any) -> None:  # type: ignore[no-untyped-def]
    client.force_login(report.officer)
    url = reverse("directives:report_update", args=[report.pk])
    for value in ("", "\x00", "x" * 70_000, "<script>alert(1)</script>", "done\x00"):
        assert client.post(url, {f"r{report.pk}-state": value, f"r{report.pk}-note": value}).status_code in (200, 302)
    client.force_login(UserFactory(role=Role.SOC_ADMIN))
    for value in ("", "\x00", "x" * 70_000, "2026-13-45", "../../etc/passwd"):
        answer = client.post(reverse("directives:directive_create"), {
            field: value for field in ("subject", "issued_on", "report_deadline", "plan", "period_start",
                                       "contact_ids", "number")})
        assert answer.status_code == 200
    matrix = reverse("directives:directive_matrix", args=[report.task.directive_id])
    for query in ({"page": "x" * 500}, {"status": "\x00"}, {"kind": "🙂"}, {"q": "%' OR 1=1"}, {"unit_tree": "\x00"}):
        assert client.get(matrix, query).status_code == 200
    letter = reverse("directives:directive_letter", args=[report.task.directive_id])
    assert client.get(letter, {"format": "../../x"}).status_code == 400
