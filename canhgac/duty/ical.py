"""A person's shifts as an iCalendar feed (RFC 5545), read by phones and mail clients from a secret link.

Times are written in the deployment's zone (``CANHGAC_TIME_ZONE``) with its VTIMEZONE, so a calendar shows
07:00 for a shift starting at 07:00 in Hà Nội whatever the phone's own zone. The feed covers shifts that ended at
most ``PAST_DAYS`` ago, so it stays small for a person on duty for years.
"""

from __future__ import annotations

import datetime

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from canhgac.duty.models import Assignment, DutyPerson
from canhgac.notifications.content import LETTER_LANGUAGE

PAST_DAYS = 90
PRODID = "-//Canh Gac//Duty roster//VI"


def person_calendar(person: DutyPerson, now: datetime.datetime | None = None) -> bytes:
    now = now or timezone.now()
    zone = timezone.get_default_timezone()
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    since = now - datetime.timedelta(days=PAST_DAYS)
    assignments = (Assignment.objects.filter(person=person, shift__ends_at__gte=since)
                   .select_related("shift__roster__unit").order_by("shift__starts_at", "pk"))
    with translation.override(LETTER_LANGUAGE):
        calendar.add("x-wr-calname", _("Duty of %(name)s") % {"name": person.name})
        for assignment in assignments:
            calendar.add_component(_event(assignment, zone, now))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _event(assignment: Assignment, zone: datetime.tzinfo, now: datetime.datetime) -> icalendar.Event:
    shift, roster = assignment.shift, assignment.shift.roster
    event = icalendar.Event()
    event.add("uid", f"duty-assignment-{assignment.pk}@canhgac")
    event.add("dtstamp", now.astimezone(datetime.UTC))
    event.add("dtstart", shift.starts_at.astimezone(zone))
    event.add("dtend", shift.ends_at.astimezone(zone))
    event.add("summary", _("Duty: %(roster)s, shift %(number)d") % {"roster": roster.name, "number": shift.number})
    owner = roster.unit.name if roster.unit is not None else _("Provincial SOC")
    event.add("description", _("24/7 duty of %(owner)s.") % {"owner": owner})
    event.add("transp", "OPAQUE")
    return event
