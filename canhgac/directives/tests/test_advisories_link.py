"""A directive names the warnings its units are to fix: the SOC links them on the form, the letter cites them with
their CVE ids, and a unit's copy counts that unit's findings of them — never another unit's."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from canhgac.accounts.tests.factories import UserFactory
from canhgac.advisories.models import FINDING_SOURCE, AdvisorySource
from canhgac.advisories.tests.factories import AdvisoryFactory, VulnerabilityFactory
from canhgac.constituency.models import Unit
from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.directives.models import Directive, DirectiveState, Recipient
from canhgac.directives.planning import parse_plan
from canhgac.directives.services import create_directive
from canhgac.directives.services.distributing import make_copies, resolve_recipients
from canhgac.directives.wording import letter_content
from canhgac.findings.models import FindingState
from canhgac.findings.tests.factories import FindingFactory
from canhgac.letters.rendering import render_letter

PLAN = "## Các sở\nkinds: department\n- Khắc phục lỗ hổng | Khắc phục các lỗ hổng đã được cảnh báo.\n"


@pytest.fixture
def english_console(client, settings):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def warning(db):  # type: ignore[no-untyped-def]
    return AdvisoryFactory(source=AdvisorySource.SOC, source_id="CB-2026-7", reference="412/CATTT-NCSC",
                           reference_date=datetime.date(2026, 4, 2), title="Lỗ hổng Exchange",
                           vulnerabilities=[VulnerabilityFactory(identifier="CVE-2026-21001"),
                                            VulnerabilityFactory(identifier="CVE-2026-21002")])


def test_the_form_saves_the_linked_warnings(english_console, body, warning) -> None:  # type: ignore[no-untyped-def]
    unrelated = AdvisoryFactory(source=AdvisorySource.CVE5)  # a bare CVE record is not offered
    english_console.force_login(UserFactory(role=Role.SOC_ANALYST))
    page = english_console.get(reverse("directives:directive_create"))
    offered = list(page.context["form"].fields["advisory_ids"].queryset)
    assert warning in offered and unrelated not in offered
    data = {"plan": PLAN, "subject": "khắc phục lỗ hổng", "issued_on": "2026-04-18",
            "report_deadline": "2026-05-05T17:00", "advisory_ids": [warning.pk]}
    answer = english_console.post(reverse("directives:directive_create"), data)
    directive = Directive.objects.get()
    assert answer.status_code == 302 and list(directive.advisories.all()) == [warning]
    assert english_console.get(f"/api/directives/{directive.pk}/").json()["advisories"] == [warning.pk]
    refused = english_console.post(reverse("directives:directive_update", args=[directive.pk]),
                                   {**data, "advisory_ids": [unrelated.pk]})
    assert refused.status_code == 200 and "advisory_ids" in refused.context["form"].errors
    assert list(Directive.objects.get().advisories.all()) == [warning]


def test_the_letter_names_the_warning_and_its_cves(body, warning) -> None:  # type: ignore[no-untyped-def]
    directive = create_directive(UserFactory(role=Role.SOC_ADMIN), {
        "subject": "khắc phục lỗ hổng", "report_deadline": timezone.now() + datetime.timedelta(days=3)},
        parse_plan(PLAN), advisory_ids=[warning.pk])
    document = Document(io.BytesIO(render_letter(letter_content(directive))))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert re.search(r"Công văn số 412/CATTT-NCSC ngày 2/4/2026 \(Lỗ hổng Exchange\): CVE-2026-21001, "
                     r"CVE-2026-21002", text), text


def test_a_copy_counts_its_units_findings_only(english_console, body, warning) -> None:  # type: ignore[no-untyped-def]
    unit_a = UnitFactory(code="SO-YT", kind="department")
    unit_b = UnitFactory(code="SO-TC", kind="department")
    sub_a = UnitFactory(code="BV-TINH", kind="department", parent=unit_a)
    directive = create_directive(UserFactory(role=Role.SOC_ADMIN), {
        "subject": "khắc phục lỗ hổng", "report_deadline": timezone.now() + datetime.timedelta(days=3)},
        parse_plan(PLAN), advisory_ids=[warning.pk])
    make_copies(directive, resolve_recipients(directive))
    Directive.objects.filter(pk=directive.pk).update(state=DirectiveState.SENT)
    past = timezone.localdate() - datetime.timedelta(days=2)

    def finding(unit: Unit, host: str, **fields: object) -> None:
        FindingFactory(unit=unit, source=FINDING_SOURCE, dedup_key=f"CVE-2026-21001@{host}", **fields)

    finding(unit_a, "mail-a", due_on=past)  # open and overdue
    finding(unit_a, "web-a", state=FindingState.RESOLVED)
    finding(sub_a, "mail-sub")  # open, in a sub-unit
    for number in range(7):  # unit B's: many, all overdue, so a leak would show
        finding(unit_b, f"mail-b{number}", due_on=past)
    FindingFactory(unit=unit_a, source=FINDING_SOURCE, dedup_key="CVE-2020-1@other")  # another warning's
    officer = UserFactory(role=Role.UNIT_OFFICER, units=[unit_a])
    english_console.force_login(officer)
    copy = Recipient.objects.get(directive=directive, unit=unit_a)
    page = english_console.get(reverse("directives:recipient_detail", args=[copy.pk]))
    html = page.content.decode()
    row = html[html.index(f'id="warning-{warning.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "412/CATTT-NCSC" in row and reverse("advisories:advisory_detail", args=[warning.pk]) in row
    assert re.search(r'warning-open">2<', row) and re.search(r'warning-overdue text-danger">1<', row)
    assert re.search(r'warning-fixed">1<', row)
    assert page.context["warnings"][0] | {"advisory": None, "label": ""} == {
        "advisory": None, "label": "", "open": 2, "overdue": 1, "fixed": 1, "may_open": True}
    other = Recipient.objects.get(directive=directive, unit=unit_b)
    assert english_console.get(reverse("directives:recipient_detail", args=[other.pk])).status_code == 404
    english_console.force_login(UserFactory(role=Role.SOC_ANALYST))  # the SOC reading B's copy sees B's only
    counts = english_console.get(reverse("directives:recipient_detail", args=[other.pk])).context["warnings"][0]
    assert (counts["open"], counts["overdue"], counts["fixed"]) == (7, 7, 0)
