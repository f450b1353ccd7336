"""The workflow of a finding: every allowed step for the SOC and for officers, every other step refused with a
message that says what is allowed, notes where a step needs one, the officer's unit scope, and the audit trail."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from canhgac.constituency.tests.factories import AssetFactory, InformationSystemFactory
from canhgac.core.access import Role
from canhgac.core.audit import acting_as
from canhgac.core.models import AuditEntry, Channel
from canhgac.findings import workflow
from canhgac.findings.models import Finding, FindingState, Priority, Severity
from canhgac.findings.services import transition_finding, transition_findings
from canhgac.findings.tests.factories import FindingFactory

pytestmark = pytest.mark.django_db

S = FindingState
ALLOWED = sorted((start, end) for start, ends in workflow.TRANSITIONS.items() for end in ends)
REFUSED = sorted((start, end) for start, end in itertools.product(S.values, S.values)
                 if end not in workflow.TRANSITIONS[start] and start != end)


def note_for(start: str, end: str) -> str:
    return "Đã kiểm tra với đơn vị" if workflow.needs_note(start, end) else ""


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_the_soc_may_take_every_step_of_the_workflow(province, users, start, end):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.other_unit, state=start)
    analyst = users[Role.SOC_ANALYST]
    event = transition_finding(finding, end, user=analyst, note=note_for(start, end))
    finding.refresh_from_db()
    assert finding.state == end
    assert (event.from_state, event.to_state, event.actor, event.note) == (start, end, analyst, note_for(start, end))
    entry = AuditEntry.objects.get(object_type="findings.finding", object_id=str(finding.pk))
    assert entry.actor == analyst and entry.changes["state"] == [start, end]
    assert entry.unit_id == province.other_unit.pk


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_every_other_step_is_refused_naming_the_allowed_ones(province, users, start, end):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.own_unit, state=start)
    with translation.override("en"):
        with pytest.raises(ValidationError) as refusal:
            transition_finding(finding, end, user=users[Role.SOC_ADMIN], note="vì sao")
        labels = {state: str(label) for state, label in S.choices}
    message = " ".join(refusal.value.messages)
    assert f"cannot become {labels[end]}" in message
    assert all(labels[allowed] in message for allowed in workflow.TRANSITIONS[start])
    finding.refresh_from_db()
    assert finding.state == start and not finding.events.exists() and not AuditEntry.objects.exists()


def test_a_step_to_the_same_state_or_to_no_state_is_refused(province, users):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.own_unit)
    with translation.override("en"):
        with pytest.raises(ValidationError, match="already Open"):
            transition_finding(finding, S.OPEN, user=users[Role.SOC_ADMIN])
        with pytest.raises(ValidationError, match="not a state"):
            transition_finding(finding, "<script>done</script>", user=users[Role.SOC_ADMIN])


@pytest.mark.parametrize(("start", "end"), sorted(workflow.OFFICER_STEPS))
def test_an_officer_works_the_fix_of_their_own_units(province, users, start, end):  # type: ignore[no-untyped-def]
    officer = users[Role.UNIT_OFFICER]
    for unit in (province.own_unit, province.own_subunit):  # a parent unit's officer answers for its sub-units
        finding = FindingFactory(unit=unit, state=start)
        transition_finding(finding, end, user=officer, note=note_for(start, end))
        finding.refresh_from_db()
        assert finding.state == end


@pytest.mark.parametrize(("start", "end"), sorted(set(ALLOWED) - workflow.OFFICER_STEPS))
def test_verifying_accepting_and_dismissing_are_the_socs_call(province, users, start, end):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.own_unit, state=start)
    with translation.override("en"), pytest.raises(ValidationError, match="Your role may not"):
        transition_finding(finding, end, user=users[Role.UNIT_OFFICER], note="tôi chấp nhận")
    finding.refresh_from_db()
    assert finding.state == start


def test_an_officer_cannot_touch_another_units_finding(province, users):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.other_unit)
    with pytest.raises(PermissionDenied):
        transition_finding(finding, S.IN_PROGRESS, user=users[Role.UNIT_OFFICER])
    assert Finding.objects.get().state == S.OPEN


def test_an_auditor_changes_nothing(province, users):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.own_unit)
    with pytest.raises(PermissionDenied):
        transition_finding(finding, S.IN_PROGRESS, user=users[Role.AUDITOR])


@pytest.mark.parametrize(("start", "end"), [(s, e) for s, e in ALLOWED if workflow.needs_note(s, e)])
def test_dismissing_or_reopening_needs_a_note(province, users, start, end):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.own_unit, state=start)
    with translation.override("en"), pytest.raises(ValidationError, match="needs one"):
        transition_finding(finding, end, user=users[Role.SOC_ANALYST], note="   ")


def test_reopening_counts_and_starts_a_new_due_date_and_priority(province, users):  # type: ignore[no-untyped-def]
    asset = AssetFactory(unit=province.own_unit, role="web_portal")
    InformationSystemFactory(unit=province.own_unit, security_level=4).assets.add(asset)
    long_ago = timezone.localdate() - datetime.timedelta(days=60)
    finding = FindingFactory(unit=province.own_unit, asset=asset, state=S.VERIFIED, due_on=long_ago,
                             severity=Severity.HIGH, priority=Priority.NORMAL)
    transition_finding(finding, S.OPEN, user=users[Role.SOC_ANALYST], note="Lại xuất hiện trong danh sách")
    finding.refresh_from_db()
    assert finding.reopen_count == 1
    assert finding.due_on == timezone.localdate() + datetime.timedelta(days=workflow.DUE_DAYS[Severity.HIGH])
    assert finding.priority == Priority.URGENT  # high 3 + reopened 1 + web portal 1 + level 4 → 7 points


def test_steps_are_recorded_on_the_callers_channel(province, users):  # type: ignore[no-untyped-def]
    finding = FindingFactory(unit=province.own_unit)
    officer = users[Role.UNIT_OFFICER]
    with acting_as(officer, Channel.API):
        transition_finding(finding, S.IN_PROGRESS, user=officer, note="Đang rà soát máy chủ")
        transition_finding(finding, S.RESOLVED, user=officer, note="Đã gỡ mã độc")
    assert [(e.from_state, e.to_state, e.channel) for e in finding.events.all()] == [
        (S.OPEN, S.IN_PROGRESS, "api"), (S.IN_PROGRESS, S.RESOLVED, "api")]
    assert set(AuditEntry.objects.values_list("channel", "actor")) == {("api", officer.pk)}


def test_the_soc_bulk_action_moves_what_it_may_and_lists_the_rest(province, users):  # type: ignore[no-untyped-def]
    movable = FindingFactory.create_batch(3, unit=province.own_unit, state=S.RESOLVED)
    stuck = FindingFactory(unit=province.other_unit, state=S.OPEN)
    with translation.override("en"):
        outcome = transition_findings(Finding.objects.all(), S.VERIFIED, user=users[Role.SOC_ANALYST])
    assert outcome.done == [finding.pk for finding in movable]
    assert [pk for pk, _message in outcome.refused] == [stuck.pk] and "cannot become" in outcome.refused[0][1]
    officer_outcome = transition_findings(Finding.objects.all(), S.OPEN, user=users[Role.UNIT_OFFICER], note="x")
    assert stuck.pk not in officer_outcome.done + [pk for pk, _m in officer_outcome.refused]  # out of scope: unseen


def test_next_states_lists_what_a_role_may_do(users):  # type: ignore[no-untyped-def]
    assert workflow.next_states(users[Role.UNIT_OFFICER], S.OPEN) == [S.IN_PROGRESS, S.RESOLVED]
    assert workflow.next_states(users[Role.SOC_ANALYST], S.RESOLVED) == [S.OPEN, S.VERIFIED]
    assert workflow.next_states(users[Role.AUDITOR], S.OPEN) == []


def test_officers_see_only_their_units_findings(province, users):  # type: ignore[no-untyped-def]
    own = FindingFactory(unit=province.own_unit)
    sub = FindingFactory(unit=province.own_subunit)
    FindingFactory(unit=province.other_unit)
    assert set(Finding.objects.for_user(users[Role.UNIT_OFFICER])) == {own, sub}
    assert Finding.objects.for_user(users[Role.AUDITOR]).count() == 3
