"""The SOC's bulk steps from the findings list: selected rows or every row matching the filter, with counts of what
moved, what was refused and why, and what was not found; officers and auditors may not; large sets run as a job."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from canhgac.core.access import Role
from canhgac.core.jobs import execute
from canhgac.core.models import Channel, Job, JobState
from canhgac.findings import jobs
from canhgac.findings.models import Finding, FindingEvent, FindingState
from canhgac.findings.services import transition_finding
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db
S = FindingState
BULK = "/findings/bulk/"


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def soc(login: Any, users: dict) -> Any:
    client = login(users[Role.SOC_ANALYST])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def said(response: Any) -> list[str]:
    """The messages this answer left (each test reads them once; the next request would show and clear them)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def read(client: Any) -> None:
    client.get(reverse("findings:finding_list"))  # shows, and so clears, the messages left so far


def states(*findings: Finding) -> list[str]:
    return [Finding.objects.get(pk=finding.pk).state for finding in findings]


def test_selected_findings_move_with_the_note(soc: Any, province: Any) -> None:
    chosen = FindingFactory.create_batch(3, unit=province.other_unit)
    untouched = FindingFactory(unit=province.other_unit)
    response = soc.post(BULK, {"scope": "selected", "ids": [f.pk for f in chosen], "state": S.IN_PROGRESS,
                               "note": "Đã gửi công văn cảnh báo", "query": "unit=BV-DK&sort=-due"})
    assert response.status_code == 302 and response["Location"] == "/findings/?unit=BV-DK&sort=-due"
    assert said(response) == ["3 findings moved to In progress."]
    assert states(*chosen, untouched) == [S.IN_PROGRESS] * 3 + [S.OPEN]
    notes = set(FindingEvent.objects.filter(finding__in=chosen).values_list("note", "channel"))
    assert notes == {("Đã gửi công văn cảnh báo", Channel.UI)}


def test_every_finding_matching_the_filter_moves(soc: Any, province: Any) -> None:
    matching = FindingFactory.create_batch(4, unit=province.own_subunit, severity="low")
    others = [FindingFactory(unit=province.own_subunit, severity="high"), FindingFactory(unit=province.other_unit,
                                                                                         severity="low")]
    query = urlencode({"unit_tree": "SO-TTTT", "severity": "low", "page": "2", "sort": "due"})
    response = soc.post(BULK, {"scope": "matching", "state": S.FALSE_POSITIVE, "note": "Dải IP NAT của nhà mạng",
                               "query": query})
    assert said(response) == ["4 findings moved to False positive."]
    assert states(*matching) == [S.FALSE_POSITIVE] * 4 and states(*others) == [S.OPEN, S.OPEN]


def test_refusals_are_counted_and_explained(soc: Any, province: Any) -> None:
    movable = FindingFactory(unit=province.other_unit)
    verified = FindingFactory(unit=province.other_unit, state=S.VERIFIED)
    response = soc.post(BULK, {"scope": "selected", "ids": [movable.pk, verified.pk], "state": S.RESOLVED})
    assert said(response) == [
        "1 finding moved to Resolved.",
        f"1 finding was not moved: #{verified.pk}: A finding that is Verified cannot become Resolved; from "
        "Verified it can become: Open.",
    ]


def test_a_note_the_target_always_needs_is_asked_for_before_anything_moves(soc: Any, province: Any) -> None:
    finding = FindingFactory(unit=province.other_unit)
    response = soc.post(BULK, {"scope": "selected", "ids": [finding.pk], "state": S.ACCEPTED_RISK, "note": " "})
    assert said(response) == ["Say why in a note: moving findings to Accepted risk needs one."]
    assert states(finding) == [S.OPEN]


def test_ids_that_do_not_exist_or_are_not_numbers_are_reported(soc: Any, province: Any) -> None:
    finding = FindingFactory(unit=province.other_unit)
    response = soc.post(BULK, {"scope": "selected", "ids": [finding.pk, 987654, "x'); DROP"], "state": S.RESOLVED})
    assert said(response) == ["1 finding moved to Resolved.",
                              "2 selected findings were not found (deleted, or not yours to see); they were not "
                              "moved."]


def test_nothing_selected_or_an_invalid_filter_moves_nothing(soc: Any, province: Any) -> None:
    finding = FindingFactory(unit=province.other_unit)
    response = soc.post(BULK, {"scope": "selected", "state": S.RESOLVED})
    assert said(response) == ["Select the findings to move, or apply the step to every finding matching the "
                              "filter."]
    read(soc)
    response = soc.post(BULK, {"scope": "matching", "state": S.RESOLVED, "query": "state=nonsense"})
    assert said(response)[0].startswith("The filter is not valid: state:")
    read(soc)
    response = soc.post(BULK, {"scope": "selected", "ids": [finding.pk], "state": "closed"})
    assert said(response) == ["Select a valid choice. closed is not one of the available choices."]
    assert states(finding) == [S.OPEN]


@pytest.mark.parametrize("role", [Role.UNIT_OFFICER, Role.AUDITOR])
def test_officers_and_auditors_have_no_bulk_steps(login: Any, users: dict, province: Any, role: str) -> None:
    own = FindingFactory(unit=province.own_unit)
    client = login(users[role])
    response = client.post(BULK, {"scope": "selected", "ids": [own.pk], "state": S.IN_PROGRESS})
    assert response.status_code == 403 and states(own) == [S.OPEN]
    html = client.get(reverse("findings:finding_list")).content.decode()
    assert 'id="bulk"' not in html and 'name="ids"' not in html


def test_the_soc_sees_the_bulk_form_and_a_checkbox_per_row(soc: Any, province: Any) -> None:
    FindingFactory.create_batch(2, unit=province.other_unit)
    html = soc.get(reverse("findings:finding_list") + "?unit=BV-DK").content.decode()
    assert 'id="bulk"' in html and html.count('name="ids"') == 2
    assert 'name="query" value="unit=BV-DK"' in html
    assert "all 2 findings matching the filter" in html


def test_many_findings_move_in_a_job(soc: Any, users: dict, province: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(jobs, "INLINE_LIMIT", 3)
    monkeypatch.setattr(jobs, "CHUNK", 2)
    findings = FindingFactory.create_batch(5, unit=province.other_unit)
    transition_finding(findings[0], S.RESOLVED, user=users[Role.SOC_ADMIN])
    verified = findings[0]
    transition_finding(verified, S.VERIFIED, user=users[Role.SOC_ADMIN])
    response = soc.post(BULK, {"scope": "matching", "state": S.RESOLVED, "note": "", "query": "unit=BV-DK"})
    job = Job.objects.get(kind=jobs.JOB_KIND)
    assert response["Location"] == reverse("core:job_detail", args=[job.pk])
    assert said(response) == ["5 findings are being moved in the background: this job reports how it goes."]
    assert states(*findings[1:]) == [S.OPEN] * 4  # nothing moves until the job runs
    job = execute(job.pk)
    assert job.state == JobState.SUCCEEDED, job.error
    assert (job.result["done"], job.result["refused_count"]) == (4, 1)
    assert job.result["refused"][0]["id"] == verified.pk
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert states(*findings[1:]) == [S.RESOLVED] * 4
    assert set(FindingEvent.objects.filter(to_state=S.RESOLVED, finding__in=findings[1:])
               .values_list("channel", flat=True)) == {Channel.JOB}
    html = soc.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert 'id="result-done">4<' in html and f'href="/findings/{verified.pk}/"' in html
