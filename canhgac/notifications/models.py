"""Notifications: what the SOC tells a unit (a warning after a botnet list, later advisories and directives), and
how each message reached — or failed to reach — each recipient.

A :class:`Notice` is one bundled message to one unit (never one per IP), identified by (unit, kind, dedup key) so
that the same warning is never created twice. A notice without a unit is to the SOC itself (e.g. a gap in the SOC's
own duty roster): only the SOC and auditors see it, and its e-mail goes to the SOC's addresses. It is shown in the
console inbox and sent by e-mail as one :class:`Delivery` per recipient; deliveries are the send log (attempts,
next try, last error, Message-ID).
Producers never write these models: they call ``services.prepare_notices``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.core.scoping import ScopedQuerySet, ScopePolicy


class DigestInterval(models.TextChoices):
    NONE = "none", _("Each warning at once")
    DAILY = "daily", _("One digest a day")
    WEEKLY = "weekly", _("One digest a week (Mondays)")


MAX_EXTRA_RECIPIENTS = 20
MAX_ADDRESS_LENGTH = 254


class UnitNotificationPreference(models.Model):
    """How a unit wants to be told. A unit without a row gets the defaults: its focal points, at once."""

    unit = models.OneToOneField("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                                related_name="notification_preference")
    extra_recipients = models.TextField(
        _("extra recipients"), blank=True,
        help_text=_("E-mail addresses that receive the unit's warnings besides its focal points, one a line."))
    do_not_notify = models.BooleanField(
        _("do not notify"), default=False,
        help_text=_("Send this unit no e-mail; its notices still appear in the console."))
    digest = models.CharField(_("e-mail timing"), max_length=10, choices=DigestInterval.choices,
                              default=DigestInterval.NONE)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True, officer_may_delete=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.unit)

    def extra_addresses(self) -> list[str]:
        return [line.strip() for line in self.extra_recipients.replace(",", "\n").splitlines() if line.strip()]

    def clean(self) -> None:
        addresses = self.extra_addresses()
        if len(addresses) > MAX_EXTRA_RECIPIENTS:
            raise ValidationError({"extra_recipients": _("At most %(limit)d extra recipients.")
                                   % {"limit": MAX_EXTRA_RECIPIENTS}})
        for address in addresses:
            try:
                if len(address) > MAX_ADDRESS_LENGTH:
                    raise ValidationError("too long")
                validate_email(address)
            except ValidationError as error:
                raise ValidationError({"extra_recipients": _("“%(address)s” is not an e-mail address.")
                                       % {"address": address}}) from error


class EmailSkipped(models.TextChoices):
    DO_NOT_NOTIFY = "do_not_notify", _("The unit asked not to be notified")
    NO_RECIPIENTS = "no_recipients", _("The unit has no focal point with an e-mail address")
    NO_SOC_ADDRESS = "no_soc_address", _("Neither the SOC's users nor the operator have an e-mail address")


class Notice(models.Model):
    """One message to one unit (no unit: to the SOC); the console inbox shows it, its deliveries carry it by e-mail."""

    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="notices", db_index=False,  # the unique constraint starts with it
                             null=True, blank=True, help_text=_("Empty: a notice to the SOC itself."))
    kind = models.CharField(_("kind"), max_length=60, help_text=_("What produced it, e.g. botnet_batch."))
    dedup_key = models.CharField(_("key"), max_length=255,
                                 help_text=_("What it is about within its kind, e.g. the batch number."))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("HTML text"), blank=True)
    source_app = models.CharField(_("source app"), max_length=60, blank=True)
    source_model = models.CharField(_("source model"), max_length=60, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)
    email_skipped = models.CharField(_("no e-mail because"), max_length=20, choices=EmailSkipped.choices,
                                     blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("read by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    # Officers "change" a notice only by marking it read; nothing creates or deletes one but the services.
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True, officer_may_delete=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "dedup_key"], name="notice_unique_key"),
            # NULLs are distinct in a unique index: the SOC's notices need their own key to be told only once.
            models.UniqueConstraint(fields=["kind", "dedup_key"], condition=models.Q(unit__isnull=True),
                                    name="notice_unique_soc_key"),
        ]
        indexes = [models.Index(fields=["source_app", "source_model", "source_id"], name="notice_source")]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("notifications:notice_detail", kwargs={"pk": self.pk})


class NoticeAttachment(models.Model):
    """A file sent with a notice (e.g. the unit's CSV of listed IPs), kept in the database like job inputs so that a
    worker on another machine can send it."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE,
                               related_name="attachments")
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    content = models.BinaryField(_("content"))
    size = models.PositiveIntegerField(_("size"))

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="notice__unit")

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    IN_APP = "in_app", _("Console")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Delivery(models.Model):
    """One notice to one recipient over one channel: the send log. Claimed (``sending``) by one sender at a time."""

    notice = models.ForeignKey(Notice, verbose_name=_("notice"), on_delete=models.CASCADE,
                               related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=10, choices=DeliveryChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=MAX_ADDRESS_LENGTH, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    digest = models.BooleanField(_("in a digest"), default=False,
                                 help_text=_("Held for the unit's daily or weekly digest."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="notice__unit")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.recipient}".strip()
