"""Rosters and their shifts: patterns, the +07:00 day that starts before UTC's, regeneration that keeps people."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db.models import RestrictedError

from canhgac.duty.models import Roster, Shift, ShiftPattern
from canhgac.duty.services import generate_shifts, save_roster, shift_hours
from canhgac.duty.tests.factories import HCM, AssignmentFactory, RosterFactory

pytestmark = pytest.mark.django_db


def local(shift: Shift) -> tuple[str, str]:
    return (f"{shift.starts_at.astimezone(HCM):%d/%m %H:%M}", f"{shift.ends_at.astimezone(HCM):%d/%m %H:%M}")


def test_three_eights_over_two_days_cross_midnight_in_local_time() -> None:
    roster = RosterFactory(starts_on=datetime.date(2026, 4, 30), ends_on=datetime.date(2026, 5, 1),
                           day_starts_at=datetime.time(7, 0))
    report = generate_shifts(roster)
    shifts = list(roster.shifts.order_by("starts_at"))
    assert report.created == 6 == len(shifts)
    assert [local(shift) for shift in shifts] == [
        ("30/04 07:00", "30/04 15:00"), ("30/04 15:00", "30/04 23:00"), ("30/04 23:00", "01/05 07:00"),
        ("01/05 07:00", "01/05 15:00"), ("01/05 15:00", "01/05 23:00"), ("01/05 23:00", "02/05 07:00")]
    assert [shift.number for shift in shifts] == [1, 2, 3, 1, 2, 3]
    # the night shift starts on 30/4 local time, which is 16:00 UTC the same day; no gap, no overlap
    assert shifts[2].starts_at == datetime.datetime(2026, 4, 30, 16, tzinfo=datetime.UTC)
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(shifts))


def test_a_day_starting_at_local_midnight_is_the_previous_utc_day() -> None:
    roster = RosterFactory(starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 1, 1),
                           pattern=ShiftPattern.TWO_TWELVE, day_starts_at=datetime.time(0, 0))
    generate_shifts(roster)
    first, second = roster.shifts.order_by("starts_at")
    assert first.starts_at == datetime.datetime(2025, 12, 31, 17, tzinfo=datetime.UTC)
    assert local(first) == ("01/01 00:00", "01/01 12:00")
    assert local(second) == ("01/01 12:00", "02/01 00:00")
    assert (second.ends_at - first.starts_at) == datetime.timedelta(hours=24)


def test_custom_hours_and_their_refusals_name_the_shift() -> None:
    assert shift_hours("custom", "6, 6, 12") == (6, 6, 12)
    assert shift_hours("custom", "7.5; 8.5; 8") == (7.5, 8.5, 8)
    with pytest.raises(ValidationError, match="add up to 20"):
        shift_hours("custom", "8, 12")
    with pytest.raises(ValidationError, match="Shift 2"):
        shift_hours("custom", "12, mười hai")
    with pytest.raises(ValidationError, match="Shift 1"):
        shift_hours("custom", "-24")
    with pytest.raises(ValidationError, match="Shift 1"):
        shift_hours("custom", "nan, 24")
    with pytest.raises(ValidationError):
        shift_hours("custom", ",".join(["1"] * 24))


def test_a_roster_ending_before_it_starts_or_too_long_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        save_roster(Roster(name="Sai", starts_on=datetime.date(2026, 5, 2), ends_on=datetime.date(2026, 5, 1)))
    assert "ends_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        save_roster(Roster(name="Dài", starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 6, 1)))
    assert "ends_on" in refused.value.message_dict


def test_generating_again_changes_nothing_and_a_new_pattern_keeps_staffed_shifts_or_refuses() -> None:
    roster = RosterFactory(ends_on=datetime.date(2026, 4, 30))
    generate_shifts(roster)
    assert generate_shifts(roster).created == 0
    roster.pattern = ShiftPattern.TWO_TWELVE
    report = generate_shifts(roster)  # nobody on any shift: the three 8-hour shifts become two 12-hour ones
    assert (report.created, report.removed) == (2, 3)
    AssignmentFactory(shift=roster.shifts.first())
    roster.pattern = ShiftPattern.THREE_EIGHT
    with pytest.raises(ValidationError, match="have people on them"):
        generate_shifts(roster)
    assert roster.shifts.count() == 2  # nothing changed


def test_a_unit_goes_with_its_duty_but_a_person_on_a_shift_stays(province: Any) -> None:
    assignment = AssignmentFactory(shift__roster__unit=province.other_unit)
    with pytest.raises(RestrictedError):
        assignment.person.delete()
    province.other_unit.delete()
    assert not Roster.objects.filter(unit_id=province.other_unit.pk).exists()
