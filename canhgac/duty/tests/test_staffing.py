"""People on shifts: assigning, check-in windows, swaps (request, accept, decline; audited), the shift log."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from canhgac.accounts.tests.factories import UserFactory
from canhgac.core.access import Role
from canhgac.core.models import AuditEntry
from canhgac.duty.models import Assignment, LogKind, SwapState
from canhgac.duty.services import (
    add_log_entry,
    answer_swap,
    assign_person,
    cancel_swap,
    check_in,
    request_swap,
    unassign,
)
from canhgac.duty.tests.factories import HCM, AssignmentFactory, DutyPersonFactory, RosterFactory, ShiftFactory

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 4, 30, 7, tzinfo=HCM)


@pytest.fixture
def shift(province: Any) -> Any:
    roster = RosterFactory(unit=province.own_unit)
    return ShiftFactory(roster=roster, starts_at=START, ends_at=START + datetime.timedelta(hours=8))


def test_an_officer_assigns_their_units_staff_only(shift: Any, users: dict, province: Any) -> None:
    officer = users[Role.UNIT_OFFICER]
    person = DutyPersonFactory(unit=province.own_unit)
    assignment = assign_person(officer, shift, person)
    assert AuditEntry.objects.filter(object_type="duty.assignment", object_id=str(assignment.pk)).exists()
    with pytest.raises(ValidationError, match="already on this shift"):
        assign_person(officer, shift, person)
    with pytest.raises(ValidationError, match="not on the staff"):
        assign_person(officer, shift, DutyPersonFactory(unit=province.other_unit))
    other_shift = ShiftFactory(roster=RosterFactory(unit=province.other_unit))
    with pytest.raises(PermissionDenied):
        assign_person(officer, other_shift, DutyPersonFactory(unit=province.other_unit))
    with pytest.raises(PermissionDenied):
        assign_person(users[Role.AUDITOR], shift, DutyPersonFactory(unit=province.own_unit))


def test_check_in_opens_half_an_hour_early_and_closes_at_the_end(shift: Any, users: dict, province: Any) -> None:
    me = UserFactory(role=Role.UNIT_OFFICER, units=[province.other_unit])  # a person may check in for themselves
    assignment = AssignmentFactory(shift=shift, person=DutyPersonFactory(unit=province.own_unit, user=me))
    with pytest.raises(ValidationError, match="half an hour"):
        check_in(me, assignment, now=START - datetime.timedelta(minutes=31))
    with pytest.raises(ValidationError, match="ended"):
        check_in(me, assignment, now=START + datetime.timedelta(hours=8))
    check_in(me, assignment, now=START - datetime.timedelta(minutes=10))
    assignment.refresh_from_db()
    assert assignment.checked_in_at == START - datetime.timedelta(minutes=10)
    assert assignment.checked_in_by == me
    with pytest.raises(ValidationError, match="already checked in"):
        check_in(users[Role.SOC_ANALYST], assignment, now=START)
    with pytest.raises(ValidationError, match="stays on the record"):
        unassign(users[Role.SOC_ADMIN], assignment)
    stranger = UserFactory(role=Role.UNIT_OFFICER, units=[province.other_unit])
    with pytest.raises(PermissionDenied):
        check_in(stranger, AssignmentFactory(shift=shift), now=START)


def test_a_swap_is_requested_accepted_and_the_shifts_change_hands(shift: Any, users: dict, province: Any) -> None:
    an, binh = (UserFactory(role=Role.UNIT_OFFICER, units=[province.own_unit]) for _ in range(2))
    person_an = DutyPersonFactory(unit=province.own_unit, user=an, name="An")
    person_binh = DutyPersonFactory(unit=province.own_unit, user=binh, name="Bình")
    later = ShiftFactory(roster=shift.roster, starts_at=START + datetime.timedelta(hours=8),
                         ends_at=START + datetime.timedelta(hours=16), number=2)
    mine = AssignmentFactory(shift=shift, person=person_an)
    theirs = AssignmentFactory(shift=later, person=person_binh)
    before = START - datetime.timedelta(days=1)
    swap = request_swap(an, mine, person_binh, wanted=theirs, note="Nhà có việc", now=before)
    with pytest.raises(ValidationError, match="already waiting"):
        request_swap(an, mine, person_binh, now=before)
    answer_swap(binh, swap, accept=True, now=before)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.person, theirs.person) == (person_binh, person_an)
    swap.refresh_from_db()
    assert (swap.state, swap.decided_by) == (SwapState.ACCEPTED, binh)
    changes = AuditEntry.objects.filter(object_type="duty.assignment").values_list("changes", flat=True)
    assert {"person": [person_an.pk, person_binh.pk]} in list(changes)
    with pytest.raises(ValidationError, match="already been answered"):
        answer_swap(binh, swap, accept=False, now=before)


def test_a_swap_may_be_declined_or_cancelled_but_not_answered_by_a_stranger(shift: Any, province: Any) -> None:
    an = UserFactory(role=Role.UNIT_OFFICER, units=[province.own_unit])
    person_an = DutyPersonFactory(unit=province.own_unit, user=an)
    taker = DutyPersonFactory(unit=province.own_unit)
    mine = AssignmentFactory(shift=shift, person=person_an)
    before = START - datetime.timedelta(hours=3)
    stranger = UserFactory(role=Role.UNIT_OFFICER, units=[province.other_unit])
    swap = request_swap(an, mine, taker, now=before)
    with pytest.raises(PermissionDenied):
        answer_swap(stranger, swap, accept=True, now=before)
    assert answer_swap(an, swap, accept=False, now=before).state == SwapState.DECLINED  # an officer of the unit
    swap = request_swap(an, mine, taker, now=before)
    assert cancel_swap(an, swap).state == SwapState.CANCELLED
    assert Assignment.objects.get(pk=mine.pk).person == person_an
    with pytest.raises(ValidationError, match="has started"):
        request_swap(an, mine, taker, now=START)
    with pytest.raises(ValidationError, match="same unit"):
        request_swap(an, mine, DutyPersonFactory(unit=province.other_unit), now=before)


def test_the_shift_log_takes_the_running_shift_and_refuses_empty_or_huge_text(shift: Any, users: dict) -> None:
    officer = users[Role.UNIT_OFFICER]
    entry = add_log_entry(officer, shift.roster, "  Giao ca: máy chủ mail chậm.  ", kind=LogKind.HANDOVER,
                          now=START + datetime.timedelta(hours=2))
    assert (entry.shift, entry.kind, entry.text) == (shift, LogKind.HANDOVER, "Giao ca: máy chủ mail chậm.")
    with pytest.raises(ValidationError) as refused:
        add_log_entry(officer, shift.roster, "   ")
    assert "text" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        add_log_entry(officer, shift.roster, "x" * 100_000)
    assert "text" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        add_log_entry(users[Role.AUDITOR], shift.roster, "Kiểm tra")
