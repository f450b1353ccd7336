"""Vulnerability warnings and where they hit the inventory.

An :class:`Advisory` is one record from one source (a KEV entry, a CVE record, an NVD record, a CSAF document, a
warning the SOC typed from a letter); it speaks of one or more :class:`Vulnerability` (a CVE, or the advisory itself
when it names none) and lists :class:`AffectedProduct` rules, each saying where in the record it was read. Matching
the rules against the assets' software gives :class:`Exposure` rows, each naming the rules that matched, and through
them the findings units fix. :class:`AdvisoryBatch` is one imported file; :class:`ProductAlias` the reviewed table of
product names and vendor renames.

The hot tables (rules, exposures, the advisory–vulnerability links) are written in bulk by their importer or
matcher, which owns their rows' whole life, so their foreign keys carry no database constraint (as the feeds' hits).
"""

from __future__ import annotations

import zlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.advisories.versions import describe
from canhgac.core.scoping import ScopedQuerySet, ScopePolicy
from canhgac.findings.models import Severity

SOC_ONLY = ScopePolicy(unit_path="pk", officer_may_view=False)
"""Advisories, their rules and batches concern every unit: the SOC and auditors see them; officers see their own
exposures and the findings opened from them."""
FINDING_SOURCE = "advisory"


class AdvisorySource(models.TextChoices):
    KEV = "kev", _("CISA Known Exploited Vulnerabilities")
    CVE5 = "cve5", _("CVE record (JSON 5)")
    NVD = "nvd", _("NVD CVE record")
    CSAF = "csaf", _("CSAF advisory")
    SOC = "soc", _("Warning typed by the SOC")


class Trust(models.IntegerChoices):
    """How far a rule is believed. For each vulnerability and product only the most trusted rules that can be used
    decide; so the SOC's entry overrides everything, the vendor's ranges override NVD's, and NVD fills in when the
    vendor's record names no usable version (a link where a bound should be, "n/a")."""

    NVD = 2, _("NVD configuration")
    TEXT = 3, _("vendor's record, read from its text")
    VENDOR = 4, _("vendor's record")
    SOC = 5, _("SOC's entry")


class RuleStatus(models.TextChoices):
    AFFECTED = "affected", _("affected")
    UNAFFECTED = "unaffected", _("not affected")


class AdvisoryBatch(models.Model):
    """One imported file: whole or nothing; the same file with the same letter again is recognised, not re-counted."""

    format = models.CharField(_("format"), max_length=20)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True,
                                   help_text=_("The file's hash with the letter it came with."))
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    reference = models.CharField(_("reference letter"), max_length=120, blank=True,
                                 help_text=_("Number/symbol of the official letter, e.g. 2216/CATTT-NCSC."))
    reference_date = models.DateField(_("letter date"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey("core.Job", verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    records = models.PositiveIntegerField(_("records"), default=0)
    created = models.PositiveIntegerField(_("new advisories"), default=0)
    updated = models.PositiveIntegerField(_("changed advisories"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged advisories"), default=0)
    needs_review = models.PositiveIntegerField(_("advisories needing a SOC entry"), default=0)
    rules = models.PositiveIntegerField(_("product rules"), default=0)
    metadata = models.JSONField(_("file metadata"), default=dict, blank=True)
    matching = models.JSONField(_("matching"), default=dict, blank=True,
                                help_text=_("What matching the batch's vulnerabilities found and changed."))

    objects = ScopedQuerySet.as_manager()
    scope = SOC_ONLY

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("advisory batch")
        verbose_name_plural = _("advisory batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"


class Vulnerability(models.Model):
    """A CVE (or, for a warning naming none, the warning itself), with what all its advisories say of it."""

    identifier = models.CharField(_("identifier"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    cvss = models.FloatField(_("CVSS base score"), null=True, blank=True)
    known_exploited = models.BooleanField(_("known exploited"), default=False, db_index=True)
    exploited_added = models.DateField(_("listed as exploited on"), null=True, blank=True)
    published = models.DateField(_("published"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True,
                                help_text=_("The earliest deadline of the warnings naming it."))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope = SOC_ONLY

    class Meta:
        ordering = ["-published", "identifier"]
        verbose_name = _("vulnerability")
        verbose_name_plural = _("vulnerabilities")

    def __str__(self) -> str:
        return self.identifier


class Advisory(models.Model):
    """One record of one source, kept as received (compressed) beside what was read from it."""

    source = models.CharField(_("source"), max_length=10, choices=AdvisorySource.choices)
    source_id = models.CharField(_("identifier at the source"), max_length=200)
    batch = models.ForeignKey(AdvisoryBatch, verbose_name=_("last delivered by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="advisories")
    reference = models.CharField(_("reference letter"), max_length=120, blank=True, db_index=True)
    reference_date = models.DateField(_("letter date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    cvss = models.FloatField(_("CVSS base score"), null=True, blank=True)
    cvss_vector = models.CharField(_("CVSS vector"), max_length=200, blank=True)
    known_exploited = models.BooleanField(_("known exploited"), default=False)
    exploited_added = models.DateField(_("listed as exploited on"), null=True, blank=True)
    published = models.DateField(_("published"), null=True, blank=True, db_index=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    vendor = models.CharField(_("vendor"), max_length=120, blank=True,
                              help_text=_("The vendor the record is about, as written (for queries)."))
    details = models.JSONField(_("other facts"), default=dict, blank=True)
    review = models.JSONField(_("needs review"), default=list, blank=True,
                              help_text=_("What could not be used for matching, and why."))
    digest = models.CharField(_("content digest"), max_length=64)
    raw = models.BinaryField(_("record as received (zlib)"), editable=False)
    vulnerabilities = models.ManyToManyField(Vulnerability, through="AdvisoryVulnerability",
                                             related_name="advisories", verbose_name=_("vulnerabilities"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope = SOC_ONLY
    audit_exclude = ("raw", "digest")

    class Meta:
        ordering = ["-published", "-id"]
        verbose_name = _("advisory")
        verbose_name_plural = _("advisories")
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="advisory_unique_source_id")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.source_id}"

    def record(self) -> Any:
        """The record as received (decompressed and decoded)."""
        import json

        return json.loads(zlib.decompress(bytes(self.raw))) if self.raw else None


class AdvisoryVulnerability(models.Model):
    advisory = models.ForeignKey(Advisory, on_delete=models.CASCADE, db_constraint=False, db_index=False)
    vulnerability = models.ForeignKey(Vulnerability, on_delete=models.CASCADE, db_constraint=False)

    objects = ScopedQuerySet.as_manager()
    scope = SOC_ONLY

    class Meta:
        verbose_name = _("advisory's vulnerability")
        verbose_name_plural = _("advisories' vulnerabilities")
        constraints = [models.UniqueConstraint(fields=["advisory", "vulnerability"],
                                               name="advisory_vulnerability_unique")]

    def __str__(self) -> str:
        return f"{self.advisory_id} → {self.vulnerability_id}"


class AffectedProduct(models.Model):
    """One rule of an advisory: a product (as written and as normalised), which of its versions, affected or not,
    and where in the record it was read — what a match shows as its reason."""

    advisory = models.ForeignKey(Advisory, verbose_name=_("advisory"), on_delete=models.CASCADE,
                                 related_name="products", db_constraint=False)
    vulnerability = models.ForeignKey(Vulnerability, verbose_name=_("vulnerability"), on_delete=models.CASCADE,
                                      related_name="products", db_constraint=False, db_index=False)
    vendor = models.CharField(_("vendor"), max_length=255, blank=True)
    product = models.CharField(_("product"), max_length=255, blank=True)
    cpe = models.CharField(_("CPE match string"), max_length=255, blank=True)
    vendor_key = models.CharField(_("vendor key"), max_length=120, blank=True)
    product_key = models.CharField(_("product key"), max_length=160, blank=True)
    version_exact = models.CharField(_("version"), max_length=120, blank=True)
    version_start = models.CharField(_("from version"), max_length=120, blank=True)
    start_inclusive = models.BooleanField(_("from including"), default=True)
    version_end = models.CharField(_("to version"), max_length=120, blank=True)
    end_inclusive = models.BooleanField(_("to including"), default=False)
    version_type = models.CharField(_("version type"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RuleStatus.choices, default=RuleStatus.AFFECTED)
    trust = models.PositiveSmallIntegerField(_("trust"), choices=Trust.choices, default=Trust.VENDOR)
    origin = models.CharField(_("read from"), max_length=255,
                              help_text=_("Where in the record the rule was read, e.g. containers.cna.affected[0]."))
    problem = models.CharField(_("why it cannot be used"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = SOC_ONLY

    class Meta:
        ordering = ["advisory", "id"]
        verbose_name = _("affected product")
        verbose_name_plural = _("affected products")
        indexes = [models.Index(fields=["vendor_key", "product_key"], name="affectedproduct_name")]

    def __str__(self) -> str:
        return f"{self.vendor} {self.product} {self.range_text}".strip()

    @property
    def range_text(self) -> str:
        return describe(self.version_exact, self.version_start, self.start_inclusive, self.version_end,
                        self.end_inclusive)


class ProductAlias(models.Model):
    """``vendor_key``/``product_key`` is to be read as ``canonical_vendor``/``canonical_product``. An empty
    ``product_key`` renames a vendor (Synacor → Zimbra); an empty ``vendor_key`` names a product whose records name
    no vendor ("n/a")."""

    vendor_key = models.CharField(_("vendor key"), max_length=120, blank=True)
    product_key = models.CharField(_("product key"), max_length=160, blank=True)
    canonical_vendor = models.CharField(_("read as vendor"), max_length=120)
    canonical_product = models.CharField(_("read as product"), max_length=160, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    builtin = models.BooleanField(_("shipped with Canh Gác"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="pk", officer_may_view=False, admin_only_write=False)

    class Meta:
        ordering = ["vendor_key", "product_key"]
        verbose_name = _("product alias")
        verbose_name_plural = _("product aliases")
        constraints = [models.UniqueConstraint(fields=["vendor_key", "product_key"], name="productalias_unique"),
                       models.CheckConstraint(condition=~models.Q(vendor_key="", product_key=""),
                                              name="productalias_names_something")]

    def __str__(self) -> str:
        return f"{self.vendor_key or '*'}:{self.product_key or '*'} → {self.canonical_vendor}:{self.canonical_product}"


class Exposure(models.Model):
    """A vulnerability present on an asset now: its product and version as inventoried, and the rules that matched.

    One per (vulnerability, asset, product); rewritten by each matching, deleted when the asset is no longer
    affected (the finding then records the fix, and since when it was exposed). Kept lean: a province has millions.
    """

    vulnerability = models.ForeignKey(Vulnerability, verbose_name=_("vulnerability"), on_delete=models.CASCADE,
                                      related_name="exposures", db_constraint=False, db_index=False)
    unit = models.ForeignKey("constituency.Unit", verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="exposures", db_constraint=False)
    asset = models.ForeignKey("constituency.Asset", verbose_name=_("asset"), on_delete=models.CASCADE,
                              related_name="exposures", db_constraint=False, db_index=False)  # the unique index
    product = models.CharField(_("product key"), max_length=300)
    label = models.CharField(_("product"), max_length=255, help_text=_("As the inventory names it."))
    version = models.CharField(_("version"), max_length=80, blank=True)
    rules = models.CharField(_("matching rules"), max_length=1000,
                             help_text=_("Ids of the affected-product rules that matched."))

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit")

    class Meta:
        ordering = ["vulnerability", "unit", "asset"]
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")
        constraints = [models.UniqueConstraint(fields=["asset", "vulnerability", "product"],
                                               name="exposure_unique_subject")]
        indexes = [models.Index(fields=["vulnerability"], name="exposure_vulnerability")]

    def __str__(self) -> str:
        return f"{self.vulnerability_id} @ {self.asset_id} {self.label} {self.version}"

    def rule_ids(self) -> list[int]:
        return [int(part) for part in self.rules.split(",") if part]
