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


def test_check_in_through_the_api(api_as: Any, users: dict, running: dict, settings: Any) -> None:
    api = api_as(users[Role.UNIT_OFFICER])
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the refusal is asserted in its English source form
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


def test_an_officer_keeps_a_roster_through_the_api(api_as: Any, users: dict, province: Any) -> None:
    api = api_as(users[Role.UNIT_OFFICER])
    body = {"unit": province.own_unit.pk, "name": "Trực Tết", "starts_on": "2026-02-16", "ends_on": "2026-02-17",
            "pattern": "2x12"}
    created = api.post("/api/duty/rosters/", body, format="json")
    assert created.status_code == 201
    roster = created.json()["id"]
    assert api.post(f"/api/duty/rosters/{roster}/generate/").json() == {"created": 4, "removed": 0, "kept": 0}
    assert api.post("/api/duty/rosters/", {**body, "unit": province.other_unit.pk}, format="json").status_code == 400
    assert api.post("/api/duty/rosters/", {**body, "unit": None}, format="json").status_code == 400  # the SOC's
    bad = api.patch(f"/api/duty/rosters/{roster}/", {"pattern": "custom", "custom_hours": "8, 8"}, format="json")
    assert bad.status_code == 400 and "custom_hours" in bad.json()
    shift = api.get("/api/duty/shifts/", {"roster": roster}).json()["results"][0]["id"]
    person = DutyPersonFactory(unit=province.own_unit)
    stranger = DutyPersonFactory(unit=province.other_unit)
    put_on = api.post(f"/api/duty/shifts/{shift}/assign/", {"person": person.pk}, format="json")
    assert put_on.status_code == 201 and put_on.json()["person_phone"] == person.phone
    assert api.post(f"/api/duty/shifts/{shift}/assign/", {"person": person.pk},
                    format="json").status_code == 400  # already on it
    assert api.post(f"/api/duty/shifts/{shift}/assign/", {"person": stranger.pk},
                    format="json").status_code == 400  # not one they may see
    assert api.post(f"/api/duty/assignments/{put_on.json()['id']}/remove/").status_code == 204
    assert api_as(users[Role.AUDITOR]).post(f"/api/duty/rosters/{roster}/generate/").status_code == 403
    assert api.delete(f"/api/duty/rosters/{roster}/").status_code == 204


def test_a_roster_with_a_log_is_not_deleted(api_as: Any, users: dict, running: dict, settings: Any) -> None:
    roster = running["own"].shift.roster
    LogEntry.objects.create(roster=roster, text="Bình thường")
    api = api_as(users[Role.SOC_ADMIN])
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the refusal is asserted in its English source form
    answer = api.delete(f"/api/duty/rosters/{roster.pk}/")
    assert answer.status_code == 400 and "stays on the record" in str(answer.json())
