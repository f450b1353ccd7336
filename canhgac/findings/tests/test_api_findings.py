"""Findings through the API: scoped list with filters and ordering, a finding with its history, single steps with
the workflow's refusals as 400, the SOC's bulk step by ids or filter (other units' ids reported as not found, large
sets as a job), officers and auditors refused where they may not write, and bounded query counts."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from canhgac.constituency.tests.factories import AssetFactory
from canhgac.core.access import Role
from canhgac.core.jobs import execute
from canhgac.core.models import AuditEntry, Channel, Job, JobState
from canhgac.findings import jobs
from canhgac.findings.models import Finding, FindingEvent, FindingState
from canhgac.findings.services import transition_finding
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db
S = FindingState
LIST, BULK = "/api/findings/", "/api/findings/bulk-transition/"


@pytest.fixture
def api_as(api_as: Any) -> Any:
    """The shared fixture, in English (the API answers in Vietnamese unless the user switched), to read reasons."""

    def client_for(user: Any) -> Any:
        client = api_as(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return client_for


@pytest.fixture
def findings(province: Any) -> dict[str, Finding]:
    late = timezone.localdate() - datetime.timedelta(days=1)
    asset = AssetFactory(unit=province.own_subunit, name="cong-dich-vu")
    return {
        "own": FindingFactory(unit=province.own_unit, dedup_key="14.161.0.7", severity="high", due_on=late),
        "sub": FindingFactory(unit=province.own_subunit, asset=asset, dedup_key="14.161.0.10", severity="critical",
                              evidence={"family": ["mirai"], "port": 23}, source="advisory"),
        "other": FindingFactory(unit=province.other_unit, dedup_key="14.162.0.9", severity="low"),
    }


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def state_of(finding: Finding) -> str:
    return Finding.objects.values_list("state", flat=True).get(pk=finding.pk)


@pytest.mark.parametrize(("role", "seen"), [(Role.SOC_ADMIN, 3), (Role.SOC_ANALYST, 3), (Role.AUDITOR, 3),
                                            (Role.UNIT_OFFICER, 2)])
def test_the_list_holds_what_the_user_may_see(api_as: Any, users: dict, findings: dict, role: str,
                                              seen: int) -> None:
    listed = ids(api_as(users[role]).get(LIST))
    assert len(listed) == seen
    assert (findings["other"].pk in listed) == (role != Role.UNIT_OFFICER)


def test_filters_select_by_unit_source_state_severity_priority_overdue_and_text(api_as: Any, users: dict,
                                                                                findings: dict) -> None:
    api = api_as(users[Role.SOC_ANALYST])
    own, sub, other = findings["own"].pk, findings["sub"].pk, findings["other"].pk
    assert set(ids(api.get(LIST, {"unit": "SO-TTTT"}))) == {own}
    assert set(ids(api.get(LIST, {"unit_tree": "so-tttt"}))) == {own, sub}
    assert set(ids(api.get(LIST, {"source": "advisory"}))) == {sub}
    assert set(ids(api.get(LIST, {"severity": "low"}))) == {other}
    assert set(ids(api.get(LIST, {"overdue": "true"}))) == {own}
    assert set(ids(api.get(LIST, {"overdue": "false"}))) == {sub, other}
    assert set(ids(api.get(LIST, {"q": "cong-dich"}))) == {sub}
    Finding.objects.filter(pk=other).update(priority=1)
    assert set(ids(api.get(LIST, {"priority": 1}))) == {other}
    transition_finding(findings["own"], S.IN_PROGRESS, user=users[Role.SOC_ANALYST])
    assert set(ids(api.get(LIST, {"state": "in_progress"}))) == {own}
    assert set(ids(api.get(LIST, {"state": "active"}))) == {own, sub, other}


@pytest.mark.parametrize("query", [{"state": "nonsense"}, {"severity": "worst"}, {"priority": "9"},
                                   {"asset": "x"}])
def test_bad_filter_values_are_400(api_as: Any, users: dict, findings: dict, query: dict) -> None:
    assert api_as(users[Role.SOC_ADMIN]).get(LIST, query).status_code == 400


def test_ordering_by_gravity_and_a_row_in_full(api_as: Any, users: dict, findings: dict) -> None:
    api = api_as(users[Role.SOC_ADMIN])
    assert ids(api.get(LIST, {"ordering": "severity_rank"})) == [findings["sub"].pk, findings["own"].pk,
                                                                 findings["other"].pk]
    row = next(row for row in api.get(LIST).json()["results"] if row["id"] == findings["sub"].pk)
    assert row["unit_code"] == "TT-CNTT" and row["asset_name"] == "cong-dich-vu"
    assert row["subject"] == "14.161.0.10" and row["evidence"] == {"family": ["mirai"], "port": 23}
    assert row["overdue"] is False and row["state"] == "open"


def test_a_finding_comes_with_its_history(api_as: Any, users: dict, findings: dict) -> None:
    officer = users[Role.UNIT_OFFICER]
    transition_finding(findings["own"], S.IN_PROGRESS, user=officer, note="Đang xử lý")
    body = api_as(officer).get(f"{LIST}{findings['own'].pk}/").json()
    assert [(e["from_state"], e["to_state"], e["actor"], e["note"]) for e in body["events"]] == \
        [("open", "in_progress", "officer", "Đang xử lý")]
    assert body["overdue"] is True


def test_an_officer_gets_404_for_another_units_finding(api_as: Any, users: dict, findings: dict) -> None:
    api = api_as(users[Role.UNIT_OFFICER])
    other = findings["other"]
    assert api.get(f"{LIST}{other.pk}/").status_code == 404
    response = api.post(f"{LIST}{other.pk}/transition/", {"state": "in_progress"}, format="json")
    assert response.status_code == 404 and state_of(other) == S.OPEN


def test_an_officer_works_their_finding(api_as: Any, users: dict, findings: dict) -> None:
    api, finding = api_as(users[Role.UNIT_OFFICER]), findings["sub"]
    response = api.post(f"{LIST}{finding.pk}/transition/", {"state": "resolved", "note": "Đã gỡ mã độc"},
                        format="json")
    assert response.status_code == 200 and response.json()["state"] == "resolved"
    assert response.json()["events"][-1]["note"] == "Đã gỡ mã độc"
    event = FindingEvent.objects.get(finding=finding)
    assert event.channel == Channel.API
    assert AuditEntry.objects.filter(object_type="findings.finding", object_id=str(finding.pk),
                                     channel=Channel.API).count() == 1


def test_illegal_steps_and_missing_notes_are_400_with_the_reason(api_as: Any, users: dict, findings: dict) -> None:
    officer, analyst, finding = api_as(users[Role.UNIT_OFFICER]), api_as(users[Role.SOC_ANALYST]), findings["own"]
    url = f"{LIST}{finding.pk}/transition/"
    response = officer.post(url, {"state": "false_positive", "note": "Không phải"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [
        "Your role may not move a finding from Open to False positive; the SOC does that."]}
    response = analyst.post(url, {"state": "accepted_risk"}, format="json")
    assert response.json() == {"non_field_errors": [
        "Say why in a note: moving a finding from Open to Accepted risk needs one."]}
    response = analyst.post(url, {"state": "verified"}, format="json")
    assert response.json()["non_field_errors"][0].startswith("A finding that is Open cannot become Verified")
    response = analyst.post(url, {"state": "closed"}, format="json")
    assert response.status_code == 400 and "state" in response.json()
    assert analyst.post(url, {}, format="json").status_code == 400
    assert state_of(finding) == S.OPEN


def test_the_auditor_may_read_but_not_write(api_as: Any, users: dict, findings: dict) -> None:
    api = api_as(users[Role.AUDITOR])
    assert api.get(f"{LIST}{findings['own'].pk}/").status_code == 200
    assert api.post(f"{LIST}{findings['own'].pk}/transition/", {"state": "in_progress"},
                    format="json").status_code == 403
    assert api.post(BULK, {"ids": [findings["own"].pk], "state": "in_progress"}, format="json").status_code == 403
    assert state_of(findings["own"]) == S.OPEN


def test_a_read_only_token_may_not_take_a_step(client: Any, users: dict, findings: dict) -> None:
    from canhgac.accounts.tokens import issue_token

    raw = issue_token(users[Role.SOC_ADMIN], "reader", read_only=True)[1]
    response = client.post(f"{LIST}{findings['own'].pk}/transition/", {"state": "in_progress"},
                           content_type="application/json", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 403 and state_of(findings["own"]) == S.OPEN


def test_the_soc_moves_findings_by_ids_and_hears_about_every_one(api_as: Any, users: dict, findings: dict) -> None:
    transition_finding(findings["other"], S.RESOLVED, user=users[Role.SOC_ADMIN])
    transition_finding(findings["other"], S.VERIFIED, user=users[Role.SOC_ADMIN])
    chosen = [findings["own"].pk, findings["sub"].pk, findings["other"].pk, 999999]
    response = api_as(users[Role.SOC_ANALYST]).post(BULK, {"ids": chosen, "state": "in_progress", "note": "Đợt 1"},
                                                    format="json")
    assert response.status_code == 200
    assert response.json() == {"state": "in_progress", "done": 2, "refused_count": 1, "not_found": [999999],
                               "refused": [{"id": findings["other"].pk, "reason": "A finding that is Verified cannot "
                                            "become In progress; from Verified it can become: Open."}]}
    assert [state_of(findings[name]) for name in ("own", "sub")] == [S.IN_PROGRESS] * 2


def test_the_soc_moves_every_finding_matching_a_filter(api_as: Any, users: dict, findings: dict) -> None:
    response = api_as(users[Role.SOC_ADMIN]).post(
        BULK, {"filter": {"unit_tree": "SO-TTTT", "overdue": False}, "state": "false_positive",
               "note": "Dải NAT"}, format="json")
    assert response.status_code == 200 and response.json()["done"] == 1
    assert [state_of(findings[name]) for name in ("own", "sub", "other")] == [S.OPEN, S.FALSE_POSITIVE, S.OPEN]


@pytest.mark.parametrize("body", [{"state": "resolved"}, {"ids": [1], "filter": {}, "state": "resolved"},
                                  {"ids": [], "state": "resolved"}, {"ids": ["x"], "state": "resolved"},
                                  {"ids": [1], "state": "gone"}, {"filter": {"state": "nonsense"}, "state": "open"},
                                  {"filter": "all", "state": "resolved"},
                                  {"ids": [1], "state": "accepted_risk", "note": ""}])
def test_bad_bulk_requests_are_400_and_move_nothing(api_as: Any, users: dict, findings: dict, body: dict) -> None:
    response = api_as(users[Role.SOC_ADMIN]).post(BULK, body, format="json")
    assert response.status_code == 400, response.content
    assert FindingEvent.objects.count() == 0


def test_an_officer_has_no_bulk_step_even_for_their_own_or_anothers_ids(api_as: Any, users: dict,
                                                                         findings: dict) -> None:
    api = api_as(users[Role.UNIT_OFFICER])
    for chosen in ([findings["own"].pk], [findings["own"].pk, findings["other"].pk]):
        response = api.post(BULK, {"ids": chosen, "state": "in_progress"}, format="json")
        assert response.status_code == 403
    assert response.json() == {"detail": "Only the SOC moves findings in bulk."}
    assert FindingEvent.objects.count() == 0


def test_ids_of_another_unit_are_never_selected_for_an_officer(users: dict, findings: dict) -> None:
    """The scoping under every bulk step: were officers ever given one, another unit's ids stay out and are named."""
    chosen, missing = jobs.select_findings(users[Role.UNIT_OFFICER], ids=[findings["own"].pk, findings["other"].pk])
    assert list(chosen.values_list("pk", flat=True)) == [findings["own"].pk]
    assert missing == [findings["other"].pk]
    chosen, missing = jobs.select_findings(users[Role.UNIT_OFFICER], filters={"unit": "BV-DK"})
    assert not chosen.exists() and missing == []


def test_a_large_bulk_step_runs_as_a_job(api_as: Any, users: dict, province: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(jobs, "INLINE_LIMIT", 2)
    batch = FindingFactory.create_batch(4, unit=province.other_unit)
    response = api_as(users[Role.SOC_ADMIN]).post(BULK, {"filter": {"unit": "BV-DK"}, "state": "resolved"},
                                                  format="json")
    assert response.status_code == 202
    body = response.json()
    job = Job.objects.get(pk=body["job"]["id"])
    assert body["done"] == 0 and body["job"]["url"].endswith(f"/api/jobs/{job.pk}/")
    assert job.channel == Channel.API
    assert execute(job.pk).state == JobState.SUCCEEDED
    assert [state_of(finding) for finding in batch] == [S.RESOLVED] * 4
    assert api_as(users[Role.SOC_ADMIN]).get(f"/api/jobs/{job.pk}/").json()["result"]["done"] == 4


def test_the_list_costs_a_fixed_number_of_queries(api_as: Any, users: dict, province: Any,
                                                  django_assert_max_num_queries: Any) -> None:
    for _ in range(30):
        FindingFactory(unit=province.own_unit, asset=AssetFactory(unit=province.own_unit))
    api = api_as(users[Role.UNIT_OFFICER])
    with django_assert_max_num_queries(6):
        assert len(ids(api.get(LIST))) == 30
    finding = Finding.objects.first()
    for _ in range(10):
        transition_finding(finding, S.IN_PROGRESS, user=users[Role.UNIT_OFFICER])
        transition_finding(finding, S.OPEN, user=users[Role.UNIT_OFFICER])
    with django_assert_max_num_queries(6):
        assert len(api.get(f"{LIST}{finding.pk}/").json()["events"]) == 20


def test_the_schema_describes_the_findings_routes_without_warnings(tmp_path: Any) -> None:
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    paths = yaml.safe_load(target.read_text())["paths"]
    for path in ("/api/findings/", "/api/findings/{id}/", "/api/findings/{id}/transition/",
                 "/api/findings/bulk-transition/"):
        assert path in paths, path
    parameters = {parameter["name"] for parameter in paths["/api/findings/"]["get"]["parameters"]}
    assert {"unit", "unit_tree", "source", "state", "severity", "priority", "overdue", "q", "ordering"} <= parameters
    assert set(paths["/api/findings/bulk-transition/"]["post"]["responses"]) >= {"200", "202", "400", "403"}
