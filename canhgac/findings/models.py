"""Findings: everything a unit must fix, whatever produced it (a botnet listing, an advisory, an external check…).

One model and one workflow (see ``workflow.py``): open → in progress → resolved → verified, or accepted risk /
false positive; every step a :class:`FindingEvent` with who, when and a note. Producers never write these models:
they call ``services.open_or_refresh_findings`` with what they observed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.core.models import Channel
from canhgac.core.scoping import ScopedQuerySet, ScopePolicy


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    INFO = "info", _("Information")


class Priority(models.IntegerChoices):
    URGENT = 1, _("P1 – urgent")
    HIGH = 2, _("P2 – high")
    NORMAL = 3, _("P3 – normal")
    LOW = 4, _("P4 – low")


class FindingState(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    VERIFIED = "verified", _("Verified")
    ACCEPTED_RISK = "accepted_risk", _("Accepted risk")
    FALSE_POSITIVE = "false_positive", _("False positive")


class Finding(models.Model):
    """Something one unit must fix, identified by (unit, source, dedup key) so that a producer reporting the same
    thing again refreshes it (or reopens it) instead of piling up duplicates.

    Producers write findings in bulk (10^5 per monthly botnet list) from unit and asset ids they have just read in
    the same transaction, so the foreign keys carry no database constraint: PostgreSQL's deferred per-row checks
    cost about a second per list. Deleting a unit still deletes its findings and deleting an asset still clears
    their asset (Django's on_delete does that, as for intel's hits).
    """

    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="findings", db_index=False,  # the unique constraint starts with it
                             db_constraint=False)
    asset = models.ForeignKey("constituency.Asset", verbose_name=_("asset"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="findings", db_index=False,
                              db_constraint=False)
    source = models.CharField(_("source"), max_length=40,
                              help_text=_("What produced it: botnet listing, advisory, external check, …"))
    dedup_key = models.CharField(_("subject"), max_length=255,
                                 help_text=_("What it is about within its source, e.g. the listed IP address."))
    title = models.CharField(_("title"), max_length=255)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    origin = models.CharField(_("reported by"), max_length=120, blank=True,
                              help_text=_("Who last reported it, e.g. the feed source."))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    state = models.CharField(_("state"), max_length=20, choices=FindingState.choices, default=FindingState.OPEN)
    due_on = models.DateField(_("due"), null=True, blank=True)
    times_seen = models.PositiveIntegerField(_("times reported"), default=1)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    first_seen_at = models.DateTimeField(_("first reported"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last reported"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    # Officers work their findings but never delete one: a deleted finding would vanish from the SOC's follow-up.
    scope = ScopePolicy(unit_path="unit", officer_may_view=True, officer_may_edit=True, officer_may_delete=False)

    class Meta:
        ordering = ["priority", "due_on", "-id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["unit", "source", "dedup_key"], name="finding_unique_subject"),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="finding_state_due"),
            models.Index(fields=["asset"], name="finding_asset", condition=Q(asset__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title


class FindingEvent(models.Model):
    """One step of a finding's life: who (a person, or a producer acting for them), when, from → to, and why."""

    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.CASCADE,
                                related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("by"), max_length=150, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.SYSTEM)
    from_state = models.CharField(_("from"), max_length=20, choices=FindingState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=FindingState.choices)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="finding__unit", officer_may_view=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("finding event")
        verbose_name_plural = _("finding events")

    def __str__(self) -> str:
        return f"{self.from_state or '∅'} → {self.to_state}"
