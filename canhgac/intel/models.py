"""Threat feeds: where lists come from, each list received (a batch), and where its indicators hit the province.

Collector → parser → matcher → findings, in IntelMQ's words; but a batch is one transaction and the database
holds only what concerns the province (the hits), not the whole list.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.core.scoping import ScopedQuerySet, ScopePolicy
from canhgac.findings.models import Severity

period_validator = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Write the period as YYYY-MM, e.g. 2026-03."))
source_name_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]{0,59}$", _("Use 1–60 lower-case letters without diacritics, digits, dot, dash or "
                                      "underscore, e.g. vncert-botnet."))

SOC_ONLY = ScopePolicy(unit_path="pk", officer_may_view=False)
"""Feeds and whole batches concern every unit: SOC staff and auditors see them, officers see their own hits."""


class FeedCategory(models.TextChoices):
    """What being listed means; it names the findings (one finding per unit, category and address)."""

    BOTNET = "botnet", _("Botnet / C2")
    MALWARE = "malware", _("Malware distribution")
    ATTACK = "attack", _("Attacking source (scanning, brute force)")
    SPAM = "spam", _("Spam source")
    EXPOSURE = "exposure", _("Exposed or vulnerable service")
    OTHER = "listing", _("Other listing")


class FeedSource(models.Model):
    """Who sends a list (VNCERT/CC's monthly botnet list, Shadowserver, an ISAC…): its batches follow each other."""

    name = models.CharField(_("name"), max_length=60, unique=True, validators=[source_name_validator])
    label = models.CharField(_("label"), max_length=255, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=FeedCategory.choices,
                                default=FeedCategory.BOTNET)
    severity = models.CharField(_("severity of its findings"), max_length=10, choices=Severity.choices,
                                default=Severity.HIGH)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    auto_warn = models.BooleanField(
        _("warn units at once"), default=False,
        help_text=_("Send each batch's warnings to the units as soon as it is imported, without waiting for the "
                    "SOC to read the preview and confirm. Off by default."))
    # Scheduled pulls (services/pulling.py): fetched over HTTPS when due, imported as a batch through the same path.
    url = models.URLField(_("URL"), max_length=500, blank=True,
                          help_text=_("Where scheduled pulls fetch the list (or a MISP feed's directory)."))
    pull_format = models.CharField(_("format"), max_length=30, blank=True,
                                   help_text=_("The feed format, “misp-feed” for a MISP feed; empty: recognised."))
    pull_every = models.DurationField(_("pull interval"), default=datetime.timedelta(days=1))
    pull_enabled = models.BooleanField(_("pulled on schedule"), default=False)
    allow_http = models.BooleanField(_("allow plain HTTP"), default=False,
                                     help_text=_("Pulls use HTTPS only unless this is set."))
    pulled_at = models.DateTimeField(_("last pulled"), null=True, blank=True)
    pull_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    pull_etag = models.CharField(_("ETag"), max_length=255, blank=True)
    pull_last_modified = models.CharField(_("Last-Modified"), max_length=64, blank=True)
    pull_error = models.TextField(_("last pull error"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = SOC_ONLY

    class Meta:
        ordering = ["name"]
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")

    def __str__(self) -> str:
        return self.label or self.name


class FeedBatch(models.Model):
    """One received list: where from, under which official letter, for which month, and what it held."""

    source = models.ForeignKey(FeedSource, verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="batches")
    reference = models.CharField(_("reference letter"), max_length=120, blank=True,
                                 help_text=_("Number/symbol of the official letter (số/ký hiệu công văn)."))
    period = models.CharField(_("period"), max_length=7, validators=[period_validator], db_index=True)
    filename = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=30)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    complete = models.BooleanField(_("complete list"), default=True,
                                   help_text=_("The whole list at its date: what it no longer lists is gone."))
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey("core.Job", verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    lines = models.PositiveIntegerField(_("lines"), default=0)
    valid = models.PositiveIntegerField(_("valid"), default=0)
    invalid = models.PositiveIntegerField(_("invalid"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    matched = models.PositiveIntegerField(_("in the province"), default=0)
    outside = models.PositiveIntegerField(_("outside the province"), default=0)
    skipped = models.PositiveIntegerField(_("other lines"), default=0,
                                          help_text=_("Comments, blank lines, headers and records that are not IPs."))
    units_affected = models.PositiveIntegerField(_("units affected"), default=0)
    findings_opened = models.PositiveIntegerField(_("findings opened"), default=0)
    findings_refreshed = models.PositiveIntegerField(_("findings still listed"), default=0)
    findings_reopened = models.PositiveIntegerField(_("findings reopened"), default=0)
    findings_verified = models.PositiveIntegerField(_("fixes verified"), default=0)
    invalid_lines = models.JSONField(_("invalid lines"), default=list, blank=True,
                                     help_text=_("[line, reason, text] of the first invalid lines."))
    metadata = models.JSONField(_("file metadata"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = SOC_ONLY
    audit_exclude = ("invalid_lines",)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("feed batch")
        verbose_name_plural = _("feed batches")
        indexes = [models.Index(fields=["source", "period"], name="feedbatch_source_period")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source_id and self.source} {self.period}"


class Hit(models.Model):
    """A listed address (or block) of one batch in one unit's space, with what the list said about it.

    The hot table of the feeds (10^5 rows per monthly list): rows are only ever inserted in bulk by the batch's own
    transaction, from ids it has just read, so the foreign keys carry no database constraint, whose per-row checks
    would cost more than the matching. Deleting a unit, asset or batch still cascades (Django does that).
    """

    batch = models.ForeignKey(FeedBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="hits",
                              db_index=False, db_constraint=False)  # the (batch, unit) index serves it
    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="feed_hits", db_index=False, db_constraint=False)  # (unit, version, key)
    asset = models.ForeignKey("constituency.Asset", verbose_name=_("asset"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="feed_hits", db_index=False,
                              db_constraint=False)
    indicator = models.CharField(_("listed address"), max_length=100)
    version = models.PositiveSmallIntegerField(_("IP version"))
    first_key = models.CharField(max_length=32)
    last_key = models.CharField(max_length=32)
    block = models.CharField(_("netblock"), max_length=100, help_text=_("The unit's block it fell in, as it was."))
    occurrences = models.PositiveIntegerField(_("times in the file"), default=1)
    families = models.CharField(_("families"), max_length=255, blank=True)
    ports = models.CharField(_("ports"), max_length=255, blank=True)
    c2 = models.CharField(_("C2"), max_length=255, blank=True)
    asn = models.CharField(_("ASN"), max_length=40, blank=True)
    seen_first = models.DateTimeField(_("first seen"), null=True, blank=True)
    seen_last = models.DateTimeField(_("last seen"), null=True, blank=True)
    extra = models.JSONField(_("other fields"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit")

    class Meta:
        ordering = ["batch", "unit", "version", "first_key"]
        verbose_name = _("hit")
        verbose_name_plural = _("hits")
        indexes = [
            models.Index(fields=["batch", "unit"], name="hit_batch_unit"),
            models.Index(fields=["unit", "version", "first_key"], name="hit_unit_address"),
            models.Index(fields=["asset"], name="hit_asset", condition=Q(asset__isnull=False)),
            # the listed addresses page groups hits by (unit, address) and counts the groups: read in index order,
            # without sorting 10^5 hits (300,000 hits: page 0.9 s → 0.2 s, count 0.7 s → 0.06 s on SQLite)
            models.Index(fields=["unit", "indicator", "batch"], name="hit_unit_indicator"),
        ]

    def __str__(self) -> str:
        return self.indicator


class MispEvent(models.Model):
    """A MISP feed's event as last imported: its manifest timestamp decides whether a later pull imports it again."""

    source = models.ForeignKey(FeedSource, verbose_name=_("source"), on_delete=models.CASCADE,
                               related_name="misp_events", db_index=False)  # the unique constraint starts with it
    uuid = models.CharField(_("UUID"), max_length=36)
    timestamp = models.BigIntegerField(_("event timestamp"))
    info = models.CharField(_("event"), max_length=255, blank=True)
    batch = models.ForeignKey(FeedBatch, verbose_name=_("batch"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    error = models.TextField(_("why it was refused"), blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope = SOC_ONLY

    class Meta:
        ordering = ["source", "-timestamp"]
        verbose_name = _("MISP event")
        verbose_name_plural = _("MISP events")
        constraints = [models.UniqueConstraint(fields=["source", "uuid"], name="mispevent_source_uuid")]

    def __str__(self) -> str:
        return self.info or self.uuid
