"""Duty console: who is on duty now per role, rosters and their shifts, assigning, check-in, swaps and the log
through the pages; other units' and the SOC's rosters are 404 to officers; hostile text stays text."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from canhgac.core.access import Role
from canhgac.duty.models import Assignment, LogEntry, Roster, SwapRequest, SwapState
from canhgac.duty.tests.factories import (
    AssignmentFactory,
    DutyAlertFactory,
    DutyPersonFactory,
    LogEntryFactory,
    RosterFactory,
    ShiftFactory,
)

pytestmark = pytest.mark.django_db


def running_shift(roster: Any) -> Any:
    now = timezone.now()
    return ShiftFactory(roster=roster, starts_at=now - datetime.timedelta(hours=1),
                        ends_at=now + datetime.timedelta(hours=7))


@pytest.fixture
def duty(province: Any) -> dict[str, Any]:
    soc = RosterFactory(unit=None, name="Trực SOC")
    own = RosterFactory(unit=province.own_unit, name="Trực Sở")
    other = RosterFactory(unit=province.other_unit, name="Trực Bệnh viện")
    people = {}
    for key, roster in (("soc", soc), ("own", own), ("other", other)):
        person = DutyPersonFactory(unit=roster.unit, name=f"<b>Người {key}</b>", phone=f"09000000{len(people)}")
        AssignmentFactory(shift=running_shift(roster), person=person)
        people[key] = person
    running_shift(RosterFactory(unit=province.own_subunit, name="Trực Trung tâm"))  # nobody on it
    return {"soc": soc, "own": own, "other": other, "people": people}


def test_the_soc_sees_the_whole_province_on_duty_now(client: Any, users: dict, duty: dict, settings: Any) -> None:
    client.force_login(users[Role.SOC_ANALYST])
    page = client.get(reverse("duty:now")).content.decode()
    for name in ("Trực SOC", "Trực Sở", "Trực Bệnh viện"):
        assert name in page
    assert "&lt;b&gt;Người own&lt;/b&gt;" in page and "<b>Người" not in page
    assert "Trực Trung tâm" in page and "Nobody on this shift" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    page = client.get(reverse("duty:now")).content.decode()
    assert f"{timezone.localtime():%d/%m/%Y}" in page  # the Vietnamese date form, local time


def test_an_officer_sees_their_units_duty_only(client: Any, users: dict, duty: dict) -> None:
    client.force_login(users[Role.UNIT_OFFICER])
    page = client.get(reverse("duty:now")).content.decode()
    assert "Trực Sở" in page and "Trực Trung tâm" in page
    assert "Trực SOC" not in page and "Trực Bệnh viện" not in page
    listing = client.get(reverse("duty:roster_list")).content.decode()
    assert "Trực Sở" in listing and "Trực SOC" not in listing and "Trực Bệnh viện" not in listing
    for roster in (duty["soc"], duty["other"]):
        assert client.get(reverse("duty:roster_detail", kwargs={"pk": roster.pk})).status_code == 404
        assert client.get(reverse("duty:roster_log", kwargs={"pk": roster.pk})).status_code == 404
    DutyAlertFactory(shift=duty["other"].shifts.get(), kind="no_check_in")
    assert "Trực Bệnh viện" not in client.get(reverse("duty:alert_list")).content.decode()


def test_an_officer_creates_a_roster_for_their_unit_only_and_generates_its_shifts(client: Any, users: dict,
                                                                                 province: Any, settings: Any) -> None:
    client.force_login(users[Role.UNIT_OFFICER])
    form = {"name": "Trực Tết", "starts_on": "16/02/2026", "ends_on": "17/02/2026", "pattern": "2x12",
            "day_starts_at": "07:00", "check_in_grace": "15", "holiday": "on"}
    refused = client.post(reverse("duty:roster_create"), {**form, "unit": province.other_unit.pk})
    assert list(refused.context["form"].errors) == ["unit"]
    refused = client.post(reverse("duty:roster_create"), form)  # no unit: the SOC's own, not an officer's
    assert list(refused.context["form"].errors) == ["unit"]
    assert not Roster.objects.filter(name="Trực Tết").exists()
    bad = client.post(reverse("duty:roster_create"), {**form, "unit": province.own_unit.pk, "pattern": "custom",
                                                      "custom_hours": "8, 8, 9"})
    assert "add up to 25" in bad.content.decode()
    created = client.post(reverse("duty:roster_create"), {**form, "unit": province.own_unit.pk})
    roster = Roster.objects.get(name="Trực Tết")
    assert created.status_code == 302 and roster.unit == province.own_unit
    client.post(reverse("duty:roster_generate", kwargs={"pk": roster.pk}))
    assert roster.shifts.count() == 4
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"  # times in the Vietnamese form, local
    page = client.get(reverse("duty:roster_detail", kwargs={"pk": roster.pk}) + "?day=2026-02-16")
    assert "16/02/2026 07:00" in page.content.decode() and "17/02/2026 19:00" in page.content.decode()


def test_assign_check_in_and_swap_through_the_console(client: Any, users: dict, duty: dict, province: Any) -> None:
    officer = users[Role.UNIT_OFFICER]
    client.force_login(officer)
    roster = duty["own"]
    start = timezone.now() + datetime.timedelta(days=1)
    coming = ShiftFactory(roster=roster, starts_at=start, ends_at=start + datetime.timedelta(hours=8))
    an = DutyPersonFactory(unit=province.own_unit, user=officer, name="An")
    binh = DutyPersonFactory(unit=province.own_unit, name="Bình")
    client.post(reverse("duty:shift_assign", kwargs={"pk": coming.pk}), {"person": an.pk})
    assignment = Assignment.objects.get(shift=coming)
    stranger = duty["people"]["other"].pk
    foreign = client.post(reverse("duty:shift_assign", kwargs={"pk": coming.pk}), {"person": stranger}, follow=True)
    assert "Choose a person" in foreign.content.decode() and coming.assignments.count() == 1
    too_early = client.post(reverse("duty:assignment_checkin", kwargs={"pk": assignment.pk}), follow=True)
    assert "half an hour" in too_early.content.decode()
    client.post(reverse("duty:swap_request", kwargs={"pk": assignment.pk}), {"taker": binh.pk, "note": "Bận"})
    swap = SwapRequest.objects.get()
    client.post(reverse("duty:swap_answer", kwargs={"pk": swap.pk}), {"answer": "accept"})
    assignment.refresh_from_db()
    swap.refresh_from_db()
    assert assignment.person == binh and swap.state == SwapState.ACCEPTED
    running = Assignment.objects.get(shift__roster=roster, person=duty["people"]["own"])
    client.post(reverse("duty:assignment_checkin", kwargs={"pk": running.pk}))
    running.refresh_from_db()
    assert running.checked_in_by == officer
    other = Assignment.objects.get(person=duty["people"]["other"])
    assert client.post(reverse("duty:assignment_checkin", kwargs={"pk": other.pk})).status_code == 404


def test_the_shift_log_keeps_hostile_text_as_text_and_refuses_huge_entries(client: Any, users: dict,
                                                                          duty: dict) -> None:
    client.force_login(users[Role.UNIT_OFFICER])
    url = reverse("duty:roster_log", kwargs={"pk": duty["own"].pk})
    client.post(url, {"kind": "handover", "text": "<script>alert('x')</script> Bàn giao: ổn định"})
    entry = LogEntry.objects.get()
    assert entry.kind == "handover" and entry.author == users[Role.UNIT_OFFICER]
    assert entry.shift == duty["own"].shifts.get()  # the shift running now
    page = client.get(url).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page and "<script>alert" not in page
    LogEntry.objects.update(author=None)  # the writer's account deleted: the line stays, unsigned
    assert client.get(url).status_code == 200
    huge = client.post(url, {"kind": "entry", "text": "x" * 1_000_000})
    assert huge.status_code == 200 and LogEntry.objects.count() == 1
    client.force_login(users[Role.AUDITOR])
    assert client.get(url).status_code == 200
    assert client.post(url, {"kind": "entry", "text": "Kiểm tra"}).status_code == 403


def test_unit_page_shows_who_is_on_duty(client: Any, users: dict, duty: dict, province: Any) -> None:
    client.force_login(users[Role.UNIT_OFFICER])
    page = client.get(reverse("constituency:unit_detail", kwargs={"pk": province.own_unit.pk})).content.decode()
    assert 'id="duty"' in page and "&lt;b&gt;Người own&lt;/b&gt;" in page


@pytest.mark.parametrize("day", ["2026-02-30", "x" * 5000, "0000-00-00", "2026-13-01", "<script>"])
def test_a_bad_day_shows_the_roster_from_its_first_day(client: Any, users: dict, duty: dict, day: str) -> None:
    client.force_login(users[Role.SOC_ADMIN])
    page = client.get(reverse("duty:roster_detail", kwargs={"pk": duty["own"].pk}), {"day": day})
    assert page.status_code == 200 and page.context["first_day"] == duty["own"].starts_on


def test_a_night_shift_after_midnight_is_shown_on_its_days_page(client: Any, users: dict, province: Any) -> None:
    local_now = timezone.localtime()
    roster = RosterFactory(unit=province.own_unit, starts_on=local_now.date() - datetime.timedelta(days=1),
                           ends_on=local_now.date(), day_starts_at=(local_now + datetime.timedelta(hours=1)).time())
    running = ShiftFactory(roster=roster, starts_at=local_now - datetime.timedelta(hours=2),
                           ends_at=local_now + datetime.timedelta(hours=1))
    client.force_login(users[Role.SOC_ADMIN])
    page = client.get(reverse("duty:roster_detail", kwargs={"pk": roster.pk}))
    assert running in page.context["shifts"]


@pytest.mark.parametrize("phone", ["javascript:alert(1)", "<b>0912</b>", "12", "0912\n345678", "x" * 41])
def test_a_phone_that_is_no_number_is_refused(client: Any, users: dict, province: Any, phone: str) -> None:
    client.force_login(users[Role.UNIT_OFFICER])
    page = client.post(reverse("duty:person_create"), {"unit": province.own_unit.pk, "name": "An", "phone": phone,
                                                       "active": "on"})
    assert page.status_code == 200 and "phone" in page.context["form"].errors
    ok = client.post(reverse("duty:person_create"), {"unit": province.own_unit.pk, "name": "An",
                                                     "phone": "+84 912 345 678", "active": "on"})
    assert ok.status_code == 302


def test_a_roster_is_deleted_from_the_console_unless_checked_in_or_logged(client: Any, users: dict, duty: dict,
                                                                          english: Any) -> None:
    from canhgac.core.models import AuditEntry

    client.force_login(users[Role.UNIT_OFFICER])
    own, other = duty["own"], duty["other"]
    assert client.get(reverse("duty:roster_delete", kwargs={"pk": other.pk})).status_code == 404
    assert client.post(reverse("duty:roster_delete", kwargs={"pk": other.pk})).status_code == 404
    detail = client.get(reverse("duty:roster_detail", kwargs={"pk": own.pk})).content.decode()
    assert reverse("duty:roster_delete", kwargs={"pk": own.pk}) in detail
    LogEntryFactory(roster=own)
    page = client.get(reverse("duty:roster_delete", kwargs={"pk": own.pk})).content.decode()
    assert 'id="refusal"' in page and "shift log" in page and 'id="confirm-delete"' not in page
    answer = client.post(reverse("duty:roster_delete", kwargs={"pk": own.pk}), follow=True)
    assert "stays on the record" in answer.content.decode() and Roster.objects.filter(pk=own.pk).exists()

    LogEntry.objects.filter(roster=own).delete()
    page = client.get(reverse("duty:roster_delete", kwargs={"pk": own.pk})).content.decode()
    assert 'id="confirm-delete"' in page and 'id="taken"' in page  # its shift and the person on it go too
    answer = client.post(reverse("duty:roster_delete", kwargs={"pk": own.pk}))
    assert answer.status_code == 302 and answer["Location"] == reverse("duty:roster_list")
    assert not Roster.objects.filter(pk=own.pk).exists()
    entry = AuditEntry.objects.get(object_type="duty.roster", object_id=str(own.pk), action="delete")
    assert entry.actor == users[Role.UNIT_OFFICER] and entry.channel == "ui"

    Assignment.objects.filter(shift__roster=duty["soc"]).update(checked_in_at=timezone.now())
    client.force_login(users[Role.SOC_ANALYST])
    client.post(reverse("duty:roster_delete", kwargs={"pk": duty["soc"].pk}))
    assert Roster.objects.filter(pk=duty["soc"].pk).exists()  # checked in: stays, as the API decides
    client.force_login(users[Role.AUDITOR])
    assert client.post(reverse("duty:roster_delete", kwargs={"pk": other.pk})).status_code == 403


def test_a_person_is_removed_from_the_console_once_on_no_shift(client: Any, users: dict, duty: dict,
                                                               english: Any) -> None:
    from canhgac.core.models import AuditEntry
    from canhgac.duty.models import DutyPerson

    client.force_login(users[Role.UNIT_OFFICER])
    person, stranger = duty["people"]["own"], duty["people"]["other"]
    assert client.post(reverse("duty:person_delete", kwargs={"pk": stranger.pk})).status_code == 404
    assert reverse("duty:person_delete", kwargs={"pk": person.pk}) in client.get(
        reverse("duty:person_detail", kwargs={"pk": person.pk})).content.decode()
    page = client.get(reverse("duty:person_delete", kwargs={"pk": person.pk})).content.decode()
    assert 'id="refusal"' in page and "is on 1 shift" in page
    answer = client.post(reverse("duty:person_delete", kwargs={"pk": person.pk}), follow=True)
    assert "take them off it first" in answer.content.decode() and DutyPerson.objects.filter(pk=person.pk).exists()

    Assignment.objects.filter(person=person).delete()
    answer = client.post(reverse("duty:person_delete", kwargs={"pk": person.pk}))
    assert answer.status_code == 302 and answer["Location"] == reverse("duty:person_list")
    assert not DutyPerson.objects.filter(pk=person.pk).exists()
    assert AuditEntry.objects.filter(object_type="duty.dutyperson", object_id=str(person.pk), action="delete").exists()
