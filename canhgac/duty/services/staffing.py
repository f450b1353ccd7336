"""Putting people on shifts, checking in, swapping shifts and writing the shift log.

The console and the API call these as the signed-in user; each checks again that the user may act on this very
roster (:func:`canhgac.core.scoping.may_write`) or is the person concerned, so a view only translates refusals.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.core.access import ADD, CHANGE, DELETE
from canhgac.core.audit import delete_audited, save_audited, snapshot
from canhgac.core.scoping import may_write
from canhgac.duty.models import Assignment, DutyPerson, LogEntry, LogKind, Roster, Shift, SwapRequest, SwapState

CHECK_IN_EARLY = datetime.timedelta(minutes=30)
"""How long before a shift starts its people may check in."""
LOG_TEXT_MAX = 5000


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not change this roster."))


def _is_self(user: Any, person: DutyPerson) -> bool:
    return person.user_id is not None and getattr(user, "pk", None) == person.user_id


def assign_person(user: Any, shift: Shift, person: DutyPerson) -> Assignment:
    _require(may_write(user, ADD, shift.roster))
    if person.unit_id != shift.roster.unit_id:
        raise ValidationError(_("%(person)s is not on the staff of this roster's unit.") % {"person": person})
    if not person.active:
        raise ValidationError(_("%(person)s is no longer active.") % {"person": person})
    assignment = Assignment(shift=shift, person=person)
    try:
        with transaction.atomic():
            save_audited(assignment)
    except IntegrityError as error:
        raise ValidationError(_("%(person)s is already on this shift.") % {"person": person}) from error
    return assignment


def unassign(user: Any, assignment: Assignment) -> None:
    _require(may_write(user, DELETE, assignment.shift.roster))
    if assignment.checked_in_at is not None:
        raise ValidationError(_("%(person)s has checked in on this shift; it stays on the record.")
                              % {"person": assignment.person})
    delete_audited(assignment)


def check_in(user: Any, assignment: Assignment, now: datetime.datetime | None = None) -> Assignment:
    """The person (or someone keeping the roster, for a named person without an account) checks in, from half an
    hour before the shift starts until it ends."""
    now = now or timezone.now()
    _require(_is_self(user, assignment.person) or may_write(user, CHANGE, assignment.shift.roster))
    shift = assignment.shift
    if now < shift.starts_at - CHECK_IN_EARLY:
        raise ValidationError(_("Check-in opens half an hour before the shift starts."))
    if now >= shift.ends_at:
        raise ValidationError(_("This shift has ended."))
    if assignment.checked_in_at is not None:
        raise ValidationError(_("%(person)s has already checked in.") % {"person": assignment.person})
    before = snapshot(assignment)
    assignment.checked_in_at, assignment.checked_in_by = now, user
    save_audited(assignment, before)
    return assignment


def request_swap(user: Any, offered: Assignment, taker: DutyPerson, wanted: Assignment | None = None,
                 note: str = "", now: datetime.datetime | None = None) -> SwapRequest:
    """Ask ``taker`` to take ``offered`` (and, for an exchange, to give ``wanted`` in return)."""
    _require(_is_self(user, offered.person) or may_write(user, CHANGE, offered.shift.roster))
    now = now or timezone.now()
    roster = offered.shift.roster
    if offered.shift.starts_at <= now:
        raise ValidationError(_("This shift has started; it can no longer be swapped."))
    if taker.pk == offered.person_id or taker.unit_id != roster.unit_id or not taker.active:
        raise ValidationError(_("Choose another active person of the same unit."))
    if Assignment.objects.filter(shift=offered.shift, person=taker).exists():
        raise ValidationError(_("%(person)s is already on this shift.") % {"person": taker})
    if wanted is not None and (wanted.person_id != taker.pk or wanted.shift.starts_at <= now
                               or wanted.shift.roster.unit_id != roster.unit_id):
        raise ValidationError(_("The shift asked in exchange must be a coming shift of %(person)s.")
                              % {"person": taker})
    if SwapRequest.objects.filter(offered=offered, state=SwapState.PENDING).exists():
        raise ValidationError(_("A swap of this shift is already waiting for an answer."))
    swap = SwapRequest(offered=offered, taker=taker, wanted=wanted, note=note[:500], requested_by=user,
                       requested_at=now)
    save_audited(swap)
    return swap


def may_answer_swap(user: Any, swap: SwapRequest) -> bool:
    return _is_self(user, swap.taker) or may_write(user, CHANGE, swap.offered.shift.roster)


def answer_swap(user: Any, swap: SwapRequest, accept: bool, now: datetime.datetime | None = None) -> SwapRequest:
    """The taker (or whoever keeps the roster) accepts — the shifts change hands — or declines."""
    _require(may_answer_swap(user, swap))
    now = now or timezone.now()
    with transaction.atomic():
        locked = SwapRequest.objects.select_for_update(of=("self",))  # PostgreSQL locks no outer-joined row
        swap = locked.select_related("offered__shift", "wanted__shift").get(pk=swap.pk)
        if swap.state != SwapState.PENDING:
            raise ValidationError(_("This swap has already been answered."))
        before = snapshot(swap)
        if accept:
            _hand_over(swap, now)
        swap.state = SwapState.ACCEPTED if accept else SwapState.DECLINED
        swap.decided_by, swap.decided_at = user, now
        save_audited(swap, before)
    return swap


def _hand_over(swap: SwapRequest, now: datetime.datetime) -> None:
    giver_id = swap.offered.person_id
    moves = [(swap.offered, swap.taker_id)]
    if swap.wanted is not None:
        moves.append((swap.wanted, giver_id))
    for assignment, person_id in moves:
        if assignment.shift.starts_at <= now:
            raise ValidationError(_("A shift of this swap has started; it can no longer be swapped."))
        if Assignment.objects.filter(shift_id=assignment.shift_id, person_id=person_id).exists():
            raise ValidationError(_("The person is already on that shift."))
    for assignment, person_id in moves:
        before = snapshot(assignment)
        assignment.person_id = person_id
        assignment.checked_in_at = None
        save_audited(assignment, before)


def cancel_swap(user: Any, swap: SwapRequest) -> SwapRequest:
    _require(_is_self(user, swap.offered.person) or may_write(user, CHANGE, swap.offered.shift.roster))
    if swap.state != SwapState.PENDING:
        raise ValidationError(_("This swap has already been answered."))
    before = snapshot(swap)
    swap.state = SwapState.CANCELLED
    save_audited(swap, before)
    return swap


def add_log_entry(user: Any, roster: Roster, text: str, kind: str = LogKind.ENTRY, shift: Shift | None = None,
                  now: datetime.datetime | None = None) -> LogEntry:
    """A line of the shift log; by default on the shift running now. Log lines are never edited."""
    _require(may_write_log(user, roster))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write what happened.")})
    if len(text) > LOG_TEXT_MAX:
        raise ValidationError({"text": _("At most %(limit)d characters.") % {"limit": LOG_TEXT_MAX}})
    if kind not in LogKind.values:
        raise ValidationError({"kind": _("Choose an entry or a handover note.")})
    now = now or timezone.now()
    if shift is None:
        shift = roster.shifts.filter(starts_at__lte=now, ends_at__gt=now).first()
    elif shift.roster_id != roster.pk:
        raise ValidationError({"shift": _("That shift is not on this roster.")})
    entry = LogEntry(roster=roster, shift=shift, kind=kind, text=text, author=user, at=now)
    save_audited(entry)
    return entry


def may_write_log(user: Any, roster: Roster) -> bool:
    """Those keeping the roster, and the people on it (a SOC analyst on a shift of the SOC's roster, say)."""
    if may_write(user, ADD, roster):
        return True
    user_id = getattr(user, "pk", None)
    return user_id is not None and Assignment.objects.filter(shift__roster=roster, person__user_id=user_id).exists()

