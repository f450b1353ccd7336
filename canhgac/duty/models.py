"""24/7 duty (trực 24/7): who is on duty when, for the SOC and for each unit, and what happened on each shift.

A :class:`Roster` covers a period (e.g. a holiday window) for one unit, or for the SOC itself (no unit); its
:class:`Shift` rows are generated from a pattern (3 × 8 h, 2 × 12 h or custom hours). :class:`DutyPerson` is
someone who can be put on duty — a console user or just a named person with a phone — and each
:class:`Assignment` puts one on one shift, with the check-in at its start. Swaps are requested and accepted
(:class:`SwapRequest`), the shift log (sổ trực) keeps entries and handover notes (:class:`LogEntry`), and the
watch raises a :class:`DutyAlert` when a holiday shift has nobody on it or nobody checked in.

Every write goes through :mod:`canhgac.duty.services`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.core.scoping import ScopedQuerySet, ScopePolicy

PHONE = RegexValidator(r"\A\+?[0-9][0-9 .()-]{5,38}\Z", _("Write a phone number: digits, spaces, dots, dashes, "
                                                       "brackets, and a leading + for an international number."))


class ShiftPattern(models.TextChoices):
    THREE_EIGHT = "3x8", _("3 shifts of 8 hours")
    TWO_TWELVE = "2x12", _("2 shifts of 12 hours")
    CUSTOM = "custom", _("Custom hours")


PATTERN_HOURS = {ShiftPattern.THREE_EIGHT: (8, 8, 8), ShiftPattern.TWO_TWELVE: (12, 12)}


class Roster(models.Model):
    """The duty of one unit (or of the SOC, ``unit`` empty) over a period, e.g. the 30/4–1/5 holiday."""

    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="duty_rosters",
                             help_text=_("Empty: the SOC's own duty."))
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    pattern = models.CharField(_("shift pattern"), max_length=10, choices=ShiftPattern.choices,
                               default=ShiftPattern.THREE_EIGHT)
    custom_hours = models.CharField(
        _("custom shift hours"), max_length=100, blank=True,
        help_text=_("Lengths of the day's shifts in hours, adding up to 24, e.g. 6, 6, 12."))
    day_starts_at = models.TimeField(_("first shift starts at"), default=datetime.time(7, 0))
    holiday = models.BooleanField(
        _("holiday period"), default=False,
        help_text=_("The SOC is alerted when a shift has nobody on it or nobody checked in."))
    check_in_grace = models.PositiveSmallIntegerField(
        _("check-in grace (minutes)"), default=15, validators=[MaxValueValidator(24 * 60)],
        help_text=_("How long after a shift starts nobody having checked in raises an alert."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    # Officers keep their own units' duty (DESIGN: "keeps their duty roster"); the SOC's own has no unit.
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True)

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("duty:roster_detail", kwargs={"pk": self.pk})


class DutyPerson(models.Model):
    """Someone who can be on duty: a console user, or a named person with a phone number (no account)."""

    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="duty_people",
                             help_text=_("Empty: the SOC's own staff."))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("console account"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="duty_people")
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=40, validators=[PHONE],
                             help_text=_("The number to call on duty, e.g. 0912 345 678 or +84 912 345 678."))
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    feed_token_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    feed_token_prefix = models.CharField(_("calendar link prefix"), max_length=8, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True)
    audit_exclude = ("feed_token_hash",)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("person on duty")
        verbose_name_plural = _("people on duty")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("duty:person_detail", kwargs={"pk": self.pk})


class Shift(models.Model):
    roster = models.ForeignKey(Roster, verbose_name=_("roster"), on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    number = models.PositiveSmallIntegerField(_("shift of the day"), help_text=_("1 for the day's first shift."))

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="roster__unit", officer_may_edit=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [models.UniqueConstraint(fields=["roster", "starts_at"], name="duty_shift_unique_start")]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="duty_shift_window")]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"#{self.number} {start:%d/%m/%Y %H:%M}"


class Assignment(models.Model):
    """One person on one shift, and whether they checked in."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="assignments")
    # A person who was on a shift is not deleted on their own (deactivate them); deleting their unit takes its
    # rosters, shifts and people together (RESTRICT, unlike PROTECT, allows that).
    person = models.ForeignKey(DutyPerson, verbose_name=_("person"), on_delete=models.RESTRICT,
                               related_name="assignments")
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked in by"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="shift__roster__unit", officer_may_edit=True)

    class Meta:
        ordering = ["shift__starts_at", "person__name", "id"]
        verbose_name = _("duty assignment")
        verbose_name_plural = _("duty assignments")
        constraints = [models.UniqueConstraint(fields=["shift", "person"], name="duty_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.person} – {self.shift}"


class SwapState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class SwapRequest(models.Model):
    """``offered`` (someone's assignment) goes to ``taker``; if ``wanted`` is given, it comes back in exchange."""

    offered = models.ForeignKey(Assignment, verbose_name=_("shift given"), on_delete=models.CASCADE,
                                related_name="swaps_offered")
    taker = models.ForeignKey(DutyPerson, verbose_name=_("taken by"), on_delete=models.CASCADE,
                              related_name="swaps_asked")
    wanted = models.ForeignKey(Assignment, verbose_name=_("shift taken in exchange"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="swaps_wanted")
    state = models.CharField(_("state"), max_length=10, choices=SwapState.choices, default=SwapState.PENDING)
    note = models.CharField(_("note"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="offered__shift__roster__unit", officer_may_edit=True, officer_may_delete=False)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("shift swap")
        verbose_name_plural = _("shift swaps")

    def __str__(self) -> str:
        return f"{self.offered} → {self.taker}"


class LogKind(models.TextChoices):
    ENTRY = "entry", _("Entry")
    HANDOVER = "handover", _("Handover note")


class LogEntry(models.Model):
    """A line of the shift log (sổ trực): what happened, or what the next shift must know. Never edited."""

    roster = models.ForeignKey(Roster, verbose_name=_("roster"), on_delete=models.CASCADE,
                               related_name="log_entries")
    shift = models.ForeignKey(Shift, verbose_name=_("shift"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="log_entries")
    kind = models.CharField(_("kind"), max_length=10, choices=LogKind.choices, default=LogKind.ENTRY)
    text = models.TextField(_("text"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("written by"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    # A log is a record: officers write in their units' logs but nobody but the SOC removes a line.
    scope = ScopePolicy(unit_path="roster__unit", officer_may_edit=True, officer_may_delete=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return self.text[:60]


class AlertKind(models.TextChoices):
    UNSTAFFED = "unstaffed", _("Nobody on the shift")
    NO_CHECK_IN = "no_check_in", _("Nobody checked in")


class DutyAlert(models.Model):
    """A gap in a holiday roster, raised by the watch and closed by it once the gap is filled."""

    shift = models.ForeignKey(Shift, verbose_name=_("shift"), on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="shift__roster__unit")

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("duty alert")
        verbose_name_plural = _("duty alerts")
        constraints = [models.UniqueConstraint(fields=["shift", "kind"], name="duty_alert_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.shift}"
