"""Duty API: scoped reads, who is on duty now, check-in, writing the shift log (never into another unit's)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from canhgac.core.access import Role
from canhgac.duty.models import LogEntry
from canhgac.duty.tests.factories import AssignmentFactory, DutyPersonFactory, RosterFactory, ShiftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(province: Any) -> dict[str, Any]:
    now = timezone.now()
    made = {}
    for key, unit in (("own", province.own_unit), ("other", province.other_unit), ("soc", None)):
        shift = ShiftFactory(roster=RosterFactory(unit=unit), starts_at=now - datetime.timedelta(hours=1),
                             ends_at=now + datetime.timedelta(hours=7))
        made[key] = AssignmentFactory(shift=shift, person=DutyPersonFactory(unit=unit))
    return made


def test_who_is_on_duty_now_is_scoped(api_as: Any, users: dict, running: dict) -> None:
    soc = api_as(users[Role.SOC_ANALYST]).get("/api/duty/shifts/now/").json()
    assert {row["id"] for row in soc["results"]} == {a.shift_id for a in running.values()}
    mine = api_as(users[Role.UNIT_OFFICER]).get("/api/duty/shifts/now/").json()
    assert [row["id"] for row in mine["results"]] == [running["own"].shift_id]
    assert mine["results"][0]["assignments"][0]["person_phone"] == running["own"].person.phone


def test_check_in_through_the_api(api_as: Any, users: dict, running: dict) -> None:
    api = api_as(users[Role.UNIT_OFFICER])
    answer = api.post(f"/api/duty/assignments/{running['own'].pk}/checkin/")
    assert answer.status_code == 200 and answer.json()["checked_in_at"]
    again = api.post(f"/api/duty/assignments/{running['own'].pk}/checkin/")
    assert again.status_code == 400 and "already checked in" in str(again.json())
    assert api.post(f"/api/duty/assignments/{running['other'].pk}/checkin/").status_code == 404


def test_log_entries_are_written_into_ones_own_rosters_only(api_as: Any, users: dict, running: dict) -> None:
    api = api_as(users[Role.UNIT_OFFICER])
    own, other = running["own"].shift.roster, running["other"].shift.roster
    created = api.post("/api/duty/log-entries/", {"roster": own.pk, "kind": "handover", "text": "Bàn giao ca"},
                       format="json")
    assert created.status_code == 201 and created.json()["shift"] == running["own"].shift_id
    assert api.post("/api/duty/log-entries/", {"roster": other.pk, "text": "x"}, format="json").status_code == 400
    huge = api.post("/api/duty/log-entries/", {"roster": own.pk, "text": "x" * 100_000}, format="json")
    assert huge.status_code == 400 and LogEntry.objects.count() == 1
    assert api_as(users[Role.AUDITOR]).post("/api/duty/log-entries/", {"roster": own.pk, "text": "x"},
                                            format="json").status_code == 403


HOSTILE: list[Any] = [None, "", "x" * 70_000, "\x00", "<script>alert(1)</script>", -1, 2**70, 1.5, True, [], {},
                      ["x"] * 60, "../../etc/passwd"]


@pytest.mark.parametrize("field", ["text", "kind", "shift", "roster"])
def test_hostile_log_entries_never_cause_a_server_error(api_as: Any, users: dict, running: dict,
                                                        field: str) -> None:
    api = api_as(users[Role.UNIT_OFFICER])
    valid = {"roster": running["own"].shift.roster_id, "kind": "entry", "text": "Bình thường"}
    for value in HOSTILE:
        answer = api.post("/api/duty/log-entries/", {**valid, field: value}, format="json")
        assert answer.status_code < 500, (field, str(value)[:30], answer.status_code)
    texts = list(LogEntry.objects.values_list("text", flat=True))
    assert all("\x00" not in text and len(text) <= 5000 for text in texts)  # numbers are taken as their text
