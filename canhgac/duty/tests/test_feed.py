"""The per-person calendar: parsed with icalendar, only that person's shifts, local times with their VTIMEZONE;
a rotated or unknown link is a 404 and needs no session."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from canhgac.core.access import Role
from canhgac.duty.services import rotate_feed_token
from canhgac.duty.tests.factories import HCM, AssignmentFactory, DutyPersonFactory, RosterFactory, ShiftFactory

pytestmark = pytest.mark.django_db


def test_the_feed_holds_the_persons_shifts_only_in_local_time(client: Any, province: Any) -> None:
    roster = RosterFactory(unit=province.own_unit, name="Trực lễ <Quốc khánh>")
    person, colleague = DutyPersonFactory(unit=province.own_unit), DutyPersonFactory(unit=province.own_unit)
    start = datetime.datetime.now(HCM).replace(hour=23, minute=0, second=0, microsecond=0)  # crosses midnight
    night = ShiftFactory(roster=roster, starts_at=start, ends_at=start + datetime.timedelta(hours=8), number=3)
    mine = AssignmentFactory(shift=night, person=person)
    AssignmentFactory(shift=ShiftFactory(roster=roster), person=colleague)
    AssignmentFactory(shift=ShiftFactory(roster=roster, starts_at=start - datetime.timedelta(days=200),
                                         ends_at=start - datetime.timedelta(days=200, hours=-8)), person=person)
    token = rotate_feed_token(person)
    response = client.get(reverse("duty:feed", kwargs={"token": token}))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.events  # the colleague's shift and the one long past are not in it
    assert event["UID"] == f"duty-assignment-{mine.pk}@canhgac"
    assert event.start == start and event.start.tzinfo == ZoneInfo("Asia/Ho_Chi_Minh")
    assert event.end - event.start == datetime.timedelta(hours=8)
    assert "Trực lễ <Quốc khánh>" in str(event["SUMMARY"])
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]


def test_a_rotated_link_stops_working_and_an_unknown_one_is_404(client: Any, province: Any) -> None:
    person = DutyPersonFactory(unit=province.own_unit)
    old = rotate_feed_token(person)
    new = rotate_feed_token(person)
    assert client.get(reverse("duty:feed", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("duty:feed", kwargs={"token": new})).status_code == 200
    for bad in ("x", "a" * 500, "%00", person.feed_token_hash):
        assert client.get(reverse("duty:feed", kwargs={"token": bad})).status_code == 404
    person.refresh_from_db()
    assert new not in str(person.__dict__)  # only the hash is kept


def test_the_link_is_shown_once_on_the_persons_page(client: Any, users: dict, province: Any) -> None:
    person = DutyPersonFactory(unit=province.own_unit)
    client.force_login(users[Role.UNIT_OFFICER])
    page = client.post(reverse("duty:person_rotate_feed", kwargs={"pk": person.pk}))
    assert page.status_code == 200
    url = page.context["feed_url"]
    assert url.startswith("http://testserver/duty/feed/") and url in page.content.decode()
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    again = client.get(reverse("duty:person_detail", kwargs={"pk": person.pk})).content.decode()
    assert url not in again and person.__class__.objects.get(pk=person.pk).feed_token_prefix in again
    client.force_login(users[Role.AUDITOR])
    assert client.post(reverse("duty:person_rotate_feed", kwargs={"pk": person.pk})).status_code == 403
