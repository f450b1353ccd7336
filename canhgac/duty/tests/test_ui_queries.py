"""Query-count baselines: the duty pages cost the same with a few or many people, shifts and units."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from canhgac.constituency.tests.factories import UnitFactory
from canhgac.core.access import Role
from canhgac.duty.services import generate_shifts
from canhgac.duty.tests.factories import AssignmentFactory, DutyPersonFactory, RosterFactory, SwapRequestFactory

pytestmark = pytest.mark.django_db
NOW_BASELINE = 12
ROSTER_BASELINE = 16
"""For an officer: session (read and saved), user, scope (two), the layout's operator; the duty page then reads who is
on duty, empty shifts, gaps and one's own shifts; a roster page reads the roster, its week of shifts with their people
and pending swaps (three), the unit's people for the "add" lists (once, not per shift), its gaps, log and shift
count."""


def populate(parent: Any, units: int) -> None:
    """``units`` sub-units with a roster running today, its shifts, two people on each and a pending swap."""
    today = timezone.localdate()
    for _ in range(units):
        unit = UnitFactory(parent=parent)
        roster = RosterFactory(unit=unit, starts_on=today - datetime.timedelta(days=1),
                               ends_on=today + datetime.timedelta(days=5))
        generate_shifts(roster)
        people = [DutyPersonFactory(unit=unit) for _ in range(2)]
        for shift in roster.shifts.all():
            for person in people:
                assignment = AssignmentFactory(shift=shift, person=person)
        SwapRequestFactory(offered=assignment, taker=people[0])


@pytest.mark.parametrize("role", [Role.SOC_ANALYST, Role.UNIT_OFFICER])
def test_the_duty_pages_cost_the_same_with_1_or_8_units(client: Any, users: dict, province: Any, role: str,
                                                        django_assert_max_num_queries: Any) -> None:
    client.force_login(users[role])
    for units in (1, 7):
        populate(province.own_unit, units)
        with django_assert_max_num_queries(NOW_BASELINE):
            assert client.get(reverse("duty:now")).status_code == 200
        roster = province.own_unit.children.last().duty_rosters.get()
        with django_assert_max_num_queries(ROSTER_BASELINE):
            assert client.get(reverse("duty:roster_detail", kwargs={"pk": roster.pk})).status_code == 200
