"""The watch over a simulated clock: empty shifts and missing check-ins of holiday rosters raise one alert each
(and one notice to the unit, or to the SOC for its own rosters), filled gaps close them; who is on duty now."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from canhgac.core import schedule
from canhgac.core.access import Role
from canhgac.duty.models import AlertKind, Assignment, DutyAlert
from canhgac.duty.services import check_in, detect_duty_gaps, on_duty_at, unstaffed_now
from canhgac.duty.tests.factories import HCM, AssignmentFactory, RosterFactory, ShiftFactory
from canhgac.notifications.models import Notice

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 4, 30, 7, tzinfo=HCM)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def roster(province: Any) -> Any:
    return RosterFactory(unit=province.own_unit, holiday=True, check_in_grace=15)


def shift_of(roster: Any, hours_from_start: int = 0) -> Any:
    start = START + datetime.timedelta(hours=hours_from_start)
    return ShiftFactory(roster=roster, starts_at=start, ends_at=start + datetime.timedelta(hours=8))


def open_alerts() -> set[tuple[int, str]]:
    return set(DutyAlert.objects.filter(resolved_at__isnull=True).values_list("shift_id", "kind"))


def test_the_watch_is_registered_every_minute() -> None:
    [task] = [task for task in schedule.registered() if task.name == "duty.detect_gaps"]
    assert task.every == datetime.timedelta(minutes=1)


def test_an_empty_holiday_shift_is_raised_two_hours_ahead_once_and_told_to_the_unit(roster: Any) -> None:
    shift = shift_of(roster)
    assert detect_duty_gaps(now=START - datetime.timedelta(hours=3)).raised == []
    report = detect_duty_gaps(now=START - datetime.timedelta(hours=2))
    assert report.raised == [shift.pk] and report.notices == 1
    assert open_alerts() == {(shift.pk, AlertKind.UNSTAFFED)}
    notice = Notice.objects.get(kind="duty_gap")
    assert notice.unit == roster.unit and roster.name in notice.subject
    assert "07:00" in notice.body and "30/04/2026" in notice.body  # Vietnamese date format, local time
    assert f"http://127.0.0.1:8000/duty/rosters/{roster.pk}/" in notice.body.split()  # the default site
    again = detect_duty_gaps(now=START - datetime.timedelta(hours=1))
    assert again.raised == [] and Notice.objects.filter(kind="duty_gap").count() == 1
    AssignmentFactory(shift=shift)
    assert detect_duty_gaps(now=START - 30 * MINUTE).resolved == 1
    assert open_alerts() == set()


def test_nobody_checked_in_after_the_grace_raises_and_a_check_in_closes_it(roster: Any, users: dict) -> None:
    shift = shift_of(roster)
    assignment = AssignmentFactory(shift=shift)
    assert detect_duty_gaps(now=START + 14 * MINUTE).raised == []
    assert detect_duty_gaps(now=START + 15 * MINUTE).raised == [shift.pk]
    assert open_alerts() == {(shift.pk, AlertKind.NO_CHECK_IN)}
    check_in(users[Role.SOC_ANALYST], assignment, now=START + 20 * MINUTE)  # on the phone's word
    assert detect_duty_gaps(now=START + 21 * MINUTE).resolved == 1
    assert open_alerts() == set()


def test_a_shift_that_ended_closes_its_alert_and_ordinary_rosters_are_not_watched(roster: Any,
                                                                                  province: Any) -> None:
    shift = shift_of(roster)
    ordinary = RosterFactory(unit=province.other_unit, holiday=False)
    shift_of(ordinary)
    detect_duty_gaps(now=START)
    assert open_alerts() == {(shift.pk, AlertKind.UNSTAFFED)}
    detect_duty_gaps(now=START + datetime.timedelta(hours=8))
    assert open_alerts() == set()


def test_a_soc_roster_gap_is_told_to_the_soc_once_and_e_mailed_to_its_users(users: dict) -> None:
    soc = RosterFactory(unit=None, holiday=True)
    shift = shift_of(soc)
    report = detect_duty_gaps(now=START)
    assert report.raised == [shift.pk] and report.notices == 1
    notice = Notice.objects.get(kind="duty_gap")
    with translation.override("vi"):  # notices are written in Vietnamese whatever the test's language
        greeting = gettext("To the SOC,")
    assert notice.unit_id is None and soc.name in notice.subject and notice.body.startswith(greeting)
    emails = set(notice.deliveries.filter(channel="email").values_list("recipient", flat=True))
    assert emails == {users[Role.SOC_ADMIN].email, users[Role.SOC_ANALYST].email}
    assert detect_duty_gaps(now=START + MINUTE).notices == 0 and Notice.objects.count() == 1


def test_who_is_on_duty_now(roster: Any, province: Any) -> None:
    now_shift, next_shift = shift_of(roster), shift_of(roster, 8)
    on_now = AssignmentFactory(shift=now_shift)
    AssignmentFactory(shift=next_shift)
    empty = shift_of(RosterFactory(unit=province.other_unit))
    at = START + datetime.timedelta(hours=1)
    assert list(on_duty_at(Assignment.objects.all(), at)) == [on_now]
    assert list(unstaffed_now(empty.roster.shifts.all(), at)) == [empty]


def test_the_scheduled_run_uses_the_real_clock_and_the_soc_sees_the_alert(client: Any, users: dict,
                                                                          roster: Any) -> None:
    now = timezone.now()
    shift = ShiftFactory(roster=roster, starts_at=now - 30 * MINUTE, ends_at=now + datetime.timedelta(hours=7))
    assert schedule.run_task("duty.detect_gaps") is True
    assert open_alerts() == {(shift.pk, AlertKind.UNSTAFFED)}
    client.force_login(users[Role.SOC_ANALYST])
    listed = client.get(reverse("duty:alert_list") + "?open=true").content.decode()
    assert roster.name in listed and "Nobody on the shift" in listed
    now_page = client.get(reverse("duty:now")).content.decode()
    assert 'id="alerts"' in now_page and roster.name in now_page
    assert "Duty gaps" in client.get(reverse("web:home")).content.decode()  # the home figure
