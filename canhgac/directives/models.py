"""Directives (công văn): what the Department asks every unit to do before a holiday, and each unit's answer.

A :class:`Directive` implements an incoming letter (the Ministry's), has our own number and date, a subject, a
period and a report-back deadline, recipient groups (:class:`RecipientGroup`: unit kinds and chosen units, with or
without their sub-units) and numbered tasks per group (:class:`DirectiveTask`). Distributing it resolves the
groups into one :class:`Recipient` per unit, with one :class:`TaskReport` per task of that unit's groups, renders
the letter and notifies the units. Each unit acknowledges receipt and reports per task (done, partly, not
applicable) with a note and evidence files (:class:`Evidence`).

Officers never read a directive row itself: they read their units' recipients (their copy, with the directive's
text and letter), reports and evidence, so every officer page is scoped by the unit (``core/scoping.py``).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from canhgac.core.scoping import ScopedQuerySet, ScopePolicy

NUMBER_MAX = 60


class DirectiveState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DISTRIBUTING = "distributing", _("Being sent")
    SENT = "sent", _("Sent")


class Directive(models.Model):
    reference_number = models.CharField(_("incoming letter number"), max_length=NUMBER_MAX, blank=True,
                                        help_text=_("Number and symbol of the letter implemented, e.g. "
                                                    "1353/BTTTT-CATTT."))
    reference_date = models.DateField(_("incoming letter date"), null=True, blank=True)
    reference_issuer = models.CharField(_("incoming letter issuer"), max_length=255, blank=True,
                                        help_text=_("E.g. Bộ Thông tin và Truyền thông."))
    number = models.CharField(_("our number"), max_length=NUMBER_MAX, blank=True,
                              help_text=_("Our number and symbol, e.g. 125/SKHCN-CNTT; empty until registered."))
    issued_on = models.DateField(_("our date"), default=timezone.localdate)
    subject = models.CharField(pgettext_lazy("letter", "subject"), max_length=500,
                               help_text=_("The summary line without “V/v”, e.g. tăng cường bảo đảm an toàn "
                                           "thông tin mạng trong dịp nghỉ lễ 30/4 và 1/5."))
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    report_deadline = models.DateTimeField(_("report-back deadline"))
    opening = models.TextField(_("opening"), blank=True,
                               help_text=_("The paragraphs before the tasks, one a line."))
    closing = models.TextField(_("closing"), blank=True,
                               help_text=_("The paragraphs after the tasks, one a line."))
    copies = models.TextField(_("also to (Nơi nhận)"), blank=True, help_text=_("One a line."))
    signer_authority = models.CharField(_("signing authority"), max_length=100, blank=True,
                                        help_text=_("E.g. KT. GIÁM ĐỐC; empty when the director signs."))
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    contacts = models.ManyToManyField("constituency.Contact", verbose_name=_("points of contact"), blank=True,
                                      related_name="+")
    advisories = models.ManyToManyField("advisories.Advisory", verbose_name=_("warnings addressed"), blank=True,
                                        related_name="directives",
                                        help_text=_("The warnings whose vulnerabilities the units are asked to fix."))
    template = models.CharField(_("template"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=DirectiveState.choices,
                             default=DirectiveState.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    distributed_at = models.DateTimeField(_("sent"), null=True, blank=True)
    letter_docx = models.BinaryField(_("letter (DOCX)"), blank=True, default=b"")
    letter_pdf = models.BinaryField(_("letter (PDF)"), blank=True, default=b"")

    objects = ScopedQuerySet.as_manager()
    # Officers read their units' copies (Recipient), never the directive list of the whole province.
    scope = ScopePolicy(unit_path="recipients__unit", officer_may_view=False)
    audit_exclude = ("letter_docx", "letter_pdf")

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("directive")
        verbose_name_plural = _("directives")

    def __str__(self) -> str:
        return f"{self.number or _('(no number)')} V/v {self.subject}"[:255]

    def get_absolute_url(self) -> str:
        return reverse("directives:directive_detail", kwargs={"pk": self.pk})

    def is_past_deadline(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) > self.report_deadline


class RecipientGroup(models.Model):
    """Who receives a part of the tasks: units of some kinds and chosen units (with their sub-units or not)."""

    directive = models.ForeignKey(Directive, verbose_name=_("directive"), on_delete=models.CASCADE,
                                  related_name="groups")
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"))
    label = models.CharField(_("label"), max_length=255,
                             help_text=_("How the letter names them, e.g. Các sở, ban, ngành."))
    unit_kinds = models.JSONField(_("unit kinds"), default=list, blank=True)
    units = models.ManyToManyField("constituency.Unit", verbose_name=_("units"), blank=True, related_name="+")
    include_subunits = models.BooleanField(_("with their sub-units"), default=False)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="directive__recipients__unit", officer_may_view=False)

    class Meta:
        ordering = ["directive", "position"]
        verbose_name = _("recipient group")
        verbose_name_plural = _("recipient groups")
        constraints = [models.UniqueConstraint(fields=["directive", "position"], name="directive_group_position")]

    def __str__(self) -> str:
        return self.label


class DirectiveTask(models.Model):
    directive = models.ForeignKey(Directive, verbose_name=_("directive"), on_delete=models.CASCADE,
                                  related_name="tasks")
    group = models.ForeignKey(RecipientGroup, verbose_name=_("group"), on_delete=models.CASCADE,
                              related_name="tasks")
    position = models.PositiveSmallIntegerField(pgettext_lazy("order", "position"))
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"))

    objects = ScopedQuerySet.as_manager()
    # Officers read the tasks of their copies through their reports (TaskReport.task), not this list.
    scope = ScopePolicy(unit_path="directive__recipients__unit", officer_may_view=False)

    class Meta:
        ordering = ["directive", "group__position", "position"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [models.UniqueConstraint(fields=["group", "position"], name="directive_task_position")]

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        """ "2c": the group's number and the task's letter, as the letter numbers them."""
        from canhgac.letters.rendering import LETTERS

        return f"{self.group.position}{LETTERS[(self.position - 1) % len(LETTERS)]}"


class Recipient(models.Model):
    """One unit's copy of a directive: whether it acknowledged receipt, and when it was reminded."""

    directive = models.ForeignKey(Directive, verbose_name=_("directive"), on_delete=models.CASCADE,
                                  related_name="recipients")
    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="directive_copies")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="+")
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    # Officers "change" their copy only by acknowledging it; copies are made and removed by the SOC's sending.
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True, officer_may_delete=False)

    class Meta:
        ordering = ["directive", "unit__code"]
        verbose_name = _("received directive")
        verbose_name_plural = _("received directives")
        constraints = [models.UniqueConstraint(fields=["directive", "unit"], name="directive_recipient_unit")]

    def __str__(self) -> str:
        return f"{self.directive} → {self.unit.code}"[:255]

    def get_absolute_url(self) -> str:
        return reverse("directives:recipient_detail", kwargs={"pk": self.pk})


class ReportState(models.TextChoices):
    PENDING = "pending", _("Not reported")
    DONE = "done", pgettext_lazy("task report", "Done")
    PARTLY = "partly", _("Partly done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class TaskReport(models.Model):
    recipient = models.ForeignKey(Recipient, verbose_name=_("received directive"), on_delete=models.CASCADE,
                                  related_name="reports")
    task = models.ForeignKey(DirectiveTask, verbose_name=_("task"), on_delete=models.CASCADE,
                             related_name="reports")
    state = models.CharField(_("state"), max_length=20, choices=ReportState.choices, default=ReportState.PENDING,
                             db_index=True)
    note = models.TextField(_("note"), blank=True)
    reported_at = models.DateTimeField(_("reported"), null=True, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("task report", "reported by"),
                                    null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="recipient__unit", officer_may_edit=True, officer_may_delete=False)

    class Meta:
        ordering = ["recipient", "task__group__position", "task__position"]
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        constraints = [models.UniqueConstraint(fields=["recipient", "task"], name="directive_report_task")]

    def __str__(self) -> str:
        return f"{self.recipient.unit.code}: {self.task.title}"[:255]


class EvidenceStorage(FileSystemStorage):
    """Evidence files under ``CANHGAC_DATA_DIR/evidence``, the directory read at each use (tests move it)."""

    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return str(Path(settings.DATA_DIR) / "evidence")

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def deconstruct(self) -> tuple[str, tuple, dict]:
        return ("canhgac.directives.models.EvidenceStorage", (), {})


evidence_storage = EvidenceStorage()


def evidence_path(instance: Evidence, filename: str) -> str:
    """Never the sender's file name: the services pass a name made of the report's id and a random token."""
    return f"directives/{filename}"


class Evidence(models.Model):
    report = models.ForeignKey(TaskReport, verbose_name=_("task report"), on_delete=models.CASCADE,
                               related_name="evidence")
    file = models.FileField(_("file"), storage=evidence_storage, upload_to=evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="report__recipient__unit", officer_may_edit=True, officer_may_delete=False)

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name
