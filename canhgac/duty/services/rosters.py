"""Rosters, their shifts and the people who can be put on them.

Shift times are computed in the deployment's time zone (``CANHGAC_TIME_ZONE``, Asia/Ho_Chi_Minh, +07:00 all
year): each day's first shift starts at the roster's local start time and the day's shifts follow each other,
the last one ending where the next day's first begins — so a night shift crossing midnight belongs to the day
it started on.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from canhgac.core.access import Role
from canhgac.core.audit import build_entry, delete_audited, save_audited, snapshot
from canhgac.core.models import AuditAction
from canhgac.duty.models import PATTERN_HOURS, Assignment, DutyPerson, LogEntry, Roster, Shift, ShiftPattern

MAX_DAYS = 366
MAX_SHIFTS_PER_DAY = 12


def shift_hours(pattern: str, custom_hours: str) -> tuple[Decimal, ...]:
    """The lengths of one day's shifts; custom hours are named and checked (each > 0, adding up to 24)."""
    if pattern in PATTERN_HOURS:
        return tuple(Decimal(hours) for hours in PATTERN_HOURS[ShiftPattern(pattern)])
    parts = [part.strip() for part in custom_hours.replace(";", ",").split(",") if part.strip()]
    if not parts or len(parts) > MAX_SHIFTS_PER_DAY:
        raise ValidationError({"custom_hours": _("Give between 1 and %(most)d shift lengths in hours, e.g. 6, 6, 12.")
                               % {"most": MAX_SHIFTS_PER_DAY}})
    hours = []
    for position, part in enumerate(parts, 1):
        try:
            value = Decimal(part.replace(" h", "").replace("h", ""))
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value <= 0 or (value * 4) % 1:
            raise ValidationError({"custom_hours": _("Shift %(position)d: “%(value)s” is not a length in hours "
                                                     "(quarter hours at most, e.g. 7.5).")
                                   % {"position": position, "value": part[:20]}})
        hours.append(value)
    if sum(hours) != 24:
        raise ValidationError({"custom_hours": _("The shifts add up to %(total)s hours; a day has 24.")
                               % {"total": sum(hours)}})
    return tuple(hours)


def validate_roster(roster: Roster) -> None:
    errors: dict[str, Any] = {}
    if roster.starts_on and roster.ends_on:
        if roster.ends_on < roster.starts_on:
            errors["ends_on"] = _("The last day is before the first day.")
        elif (roster.ends_on - roster.starts_on).days >= MAX_DAYS:
            errors["ends_on"] = _("A roster covers at most %(days)d days.") % {"days": MAX_DAYS}
    if roster.pattern != ShiftPattern.CUSTOM:
        roster.custom_hours = ""
    try:
        shift_hours(roster.pattern, roster.custom_hours)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def save_roster(roster: Roster, before: dict[str, Any] | None = None) -> Roster:
    """Create or change a roster (validated, audited); its shifts are made by :func:`generate_shifts`."""
    roster.full_clean()
    validate_roster(roster)
    save_audited(roster, before)
    return roster


@dataclass(frozen=True)
class Window:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    number: int


def shift_windows(roster: Roster) -> list[Window]:
    """Every shift of the period, as aware datetimes: computed in UTC from each local day's start."""
    hours = shift_hours(roster.pattern, roster.custom_hours)
    zone = timezone.get_default_timezone()
    windows: list[Window] = []
    day = roster.starts_on
    while day <= roster.ends_on:
        start = datetime.datetime.combine(day, roster.day_starts_at, tzinfo=zone).astimezone(datetime.UTC)
        next_day = datetime.datetime.combine(day + datetime.timedelta(days=1), roster.day_starts_at,
                                             tzinfo=zone).astimezone(datetime.UTC)
        for number, length in enumerate(hours, 1):
            end = next_day if number == len(hours) else start + datetime.timedelta(hours=float(length))
            windows.append(Window(start, end, number))
            start = end
        day += datetime.timedelta(days=1)
    return windows


@dataclass(frozen=True)
class GenerateReport:
    created: int
    removed: int
    kept: int


def generate_shifts(roster: Roster) -> GenerateReport:
    """Make the roster's shifts match its period and pattern: missing shifts are created, shifts that no longer
    fit are removed — unless someone is on one, then nothing changes and the refusal names those shifts.
    Running it twice changes nothing the second time."""
    wanted = {(window.starts_at, window.ends_at): window for window in shift_windows(roster)}
    with transaction.atomic():
        existing = list(Shift.objects.select_for_update().filter(roster=roster).prefetch_related("assignments"))
        misfits = [shift for shift in existing if (shift.starts_at, shift.ends_at) not in wanted]
        staffed = [shift for shift in misfits if shift.assignments.all()]
        if staffed:
            names = ", ".join(_local(shift.starts_at) for shift in staffed[:5])
            raise ValidationError(_("%(count)d shifts that no longer fit the pattern have people on them "
                                    "(%(shifts)s): move them first.") % {"count": len(staffed), "shifts": names})
        Shift.objects.filter(pk__in=[shift.pk for shift in misfits]).delete()
        have = {(shift.starts_at, shift.ends_at) for shift in existing if shift not in misfits}
        new = [Shift(roster=roster, starts_at=key[0], ends_at=key[1], number=window.number)
               for key, window in wanted.items() if key not in have]
        Shift.objects.bulk_create(new, batch_size=1000)
        if new or misfits:
            build_entry(AuditAction.UPDATE, roster,
                        {"shifts": [len(existing), len(existing) - len(misfits) + len(new)]}).save()
    return GenerateReport(created=len(new), removed=len(misfits), kept=len(have))


def why_roster_stays(roster: Roster) -> str:
    """Why the roster may not be deleted (one with check-ins or a shift log stays on the record); empty if it may."""
    if LogEntry.objects.filter(roster=roster).exists() or \
            Assignment.objects.filter(shift__roster=roster, checked_in_at__isnull=False).exists():
        return _("This roster has check-ins or a shift log: it stays on the record.")
    return ""


def delete_roster(roster: Roster) -> None:
    """Remove a roster planned by mistake, with its shifts and who was put on them (console and API alike)."""
    why = why_roster_stays(roster)
    if why:
        raise ValidationError(why)
    delete_audited(roster)


def why_person_stays(person: DutyPerson) -> str:
    """Why the person may not be removed (on a shift, coming or served: shifts and the log name them); empty if
    they may."""
    shifts = Assignment.objects.filter(person=person).count()
    if not shifts:
        return ""
    return ngettext(
        "%(name)s is on %(count)d shift: take them off it first, or mark them inactive to keep the record.",
        "%(name)s is on %(count)d shifts: take them off them first, or mark them inactive to keep the record.",
        shifts) % {"name": person.name, "count": shifts}


def delete_person(person: DutyPerson) -> None:
    """Remove a person entered by mistake or gone (audited)."""
    why = why_person_stays(person)
    if why:
        raise ValidationError(why)
    delete_audited(person)


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def save_person(person: DutyPerson, before: dict[str, Any] | None = None) -> DutyPerson:
    person.full_clean()
    account = person.user if person.user_id is not None else None
    if account is not None and person.unit_id is not None and account.role == Role.UNIT_OFFICER \
            and person.unit_id not in account.scope_unit_ids():
        raise ValidationError({"user": _("This account does not belong to the person's unit.")})
    save_audited(person, before)
    return person


def hash_feed_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def rotate_feed_token(person: DutyPerson) -> str:
    """A new secret for the person's calendar link; the old link stops working. Only its hash is kept."""
    raw = secrets.token_urlsafe(32)
    before = snapshot(person)
    person.feed_token_hash = hash_feed_token(raw)
    person.feed_token_prefix = raw[:8]
    with transaction.atomic():
        person.save(update_fields=["feed_token_hash", "feed_token_prefix"])
        build_entry(AuditAction.UPDATE, person, {"feed_token_prefix": [before.get("feed_token_prefix"),
                                                                       person.feed_token_prefix]}).save()
    return raw


def person_for_feed_token(raw: str) -> DutyPerson | None:
    if not raw or len(raw) > 100:
        return None
    return DutyPerson.objects.filter(feed_token_hash=hash_feed_token(raw), active=True).first()
