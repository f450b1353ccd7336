"""The constituency: units, their people, address space, names, assets and information systems."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.addressing import parse_block, parse_ip
from canhgac.core.scoping import ScopedQuerySet, ScopePolicy

unit_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
    _("Use 1–40 letters without diacritics, digits, dot, dash or underscore."),
)


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("Department / agency (sở, ban, ngành)")
    PROVINCIAL_BODY = "provincial_body", _("Provincial body (UBND/HĐND tỉnh, văn phòng)")
    DISTRICT = "district", _("District committee (UBND cấp huyện)")
    COMMUNE = "commune", _("Commune/ward committee (UBND cấp xã)")
    HOSPITAL = "hospital", _("Hospital / health centre")
    SCHOOL = "school", _("School / university")
    PUBLIC_SERVICE = "public_service", _("Public service unit (đơn vị sự nghiệp)")
    TELECOM = "telecom", _("Telecom provider")
    IT_PROVIDER = "it_provider", _("IT / data-centre provider")
    ENTERPRISE = "enterprise", _("State enterprise")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """An agency of the constituency; units form a tree (a district and its communes, a department and its units)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[unit_code_validator])
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.DEPARTMENT,
                            db_index=True)
    parent = models.ForeignKey("self", verbose_name=_("parent unit"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="pk")

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("constituency:unit_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.pk is not None and self.parent_id is not None:
            parents = dict(Unit.objects.values_list("pk", "parent_id"))
            parent_id: int | None = self.parent_id
            while parent_id is not None:
                if parent_id == self.pk:
                    raise ValidationError({"parent": _("A unit cannot be placed under itself or its sub-units.")})
                parent_id = parents.get(parent_id)


class Contact(models.Model):
    """A person to call: a unit's officer or focal point, or someone at an outside body (no unit)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="contacts")
    organisation = models.CharField(_("organisation"), max_length=255, blank=True,
                                    help_text=_("For outside bodies (VNCERT/CC, NCSC, …): the body's name."))
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    hotline = models.CharField(_("hotline"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    focal_point = models.BooleanField(_("focal point"), default=False,
                                      help_text=_("Đầu mối: receives warnings and directives for the unit."))
    national_body = models.BooleanField(_("national body"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit", shared_when_unowned=True, officer_may_edit=True)

    class Meta:
        ordering = ["unit__code", "-focal_point", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} — {self.organisation or (self.unit.name if self.unit else '')}".strip(" —")

    def get_absolute_url(self) -> str:
        return reverse("constituency:contact_detail", kwargs={"pk": self.pk})


class Netblock(models.Model):
    """A prefix or range owned by a unit. Blocks nest (the most specific wins); exact duplicates are refused."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="netblocks")
    block = models.CharField(_("block"), max_length=100)
    # Derived from ``block`` by clean(); blank so that full_clean() reaches clean() to derive them.
    version = models.PositiveSmallIntegerField(_("IP version"), blank=True, editable=False)
    first_key = models.CharField(max_length=32, blank=True, editable=False)
    last_key = models.CharField(max_length=32, blank=True, editable=False)
    span_key = models.CharField(max_length=32, blank=True, editable=False,
                                help_text="size − 1 as hex: smaller is more specific")
    description = models.CharField(_("description"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit")
    audit_exclude = ("first_key", "last_key", "span_key")

    class Meta:
        ordering = ["version", "first_key", "span_key"]
        verbose_name = _("netblock")
        verbose_name_plural = _("netblocks")
        constraints = [
            models.UniqueConstraint(fields=["version", "first_key", "last_key"], name="netblock_unique_range"),
        ]
        indexes = [models.Index(fields=["version", "first_key", "last_key"], name="netblock_lookup")]

    def __str__(self) -> str:
        return self.block

    def get_absolute_url(self) -> str:
        return reverse("constituency:netblock_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        try:
            parsed = parse_block(self.block or "")
        except ValidationError as error:
            raise ValidationError({"block": error.messages}) from error
        self.block = parsed.label()
        self.version = parsed.version
        self.first_key, self.last_key, self.span_key = parsed.keys
        others = Netblock.objects.filter(version=self.version).exclude(pk=self.pk)
        duplicate = others.filter(first_key=self.first_key, last_key=self.last_key).select_related("unit").first()
        if duplicate:
            raise ValidationError({"block": _("%(block)s is already registered to %(unit)s.")
                                   % {"block": self.block, "unit": duplicate.unit}})
        # Nesting is fine (the most specific block wins); a range that straddles another's edge is ambiguous.
        straddling = others.filter(
            models.Q(first_key__lt=self.first_key, last_key__gte=self.first_key, last_key__lt=self.last_key)
            | models.Q(first_key__gt=self.first_key, first_key__lte=self.last_key, last_key__gt=self.last_key)
        ).first()
        if straddling:
            raise ValidationError({"block": _("%(block)s partly overlaps %(other)s: blocks may nest but not "
                                              "straddle.") % {"block": self.block, "other": straddling.block}})


class Domain(models.Model):
    class Purpose(models.TextChoices):
        PORTAL = "portal", _("Web portal")
        MAIL = "mail", _("Mail")
        SERVICE = "service", _("Online service")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="domains")
    name = models.CharField(_("domain name"), max_length=253, unique=True)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.PORTAL)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("constituency:domain_detail", kwargs={"pk": self.pk})


class AssetRole(models.TextChoices):
    SERVER = "server", _("Server")
    WORKSTATION = "workstation", _("Workstation")
    WEB_PORTAL = "web_portal", _("Web portal")
    MAIL = "mail", _("Mail server")
    VPN = "vpn", _("VPN gateway")
    EDGE = "edge", _("Edge device (firewall, load balancer, router)")
    DATABASE = "database", _("Database")
    NETWORK = "network", _("Network device")
    CAMERA_IOT = "iot", _("Camera / IoT")
    OTHER = "other", _("Other")


class Asset(models.Model):
    """A host or service of a unit, with its addresses and software inventory."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="assets")
    name = models.CharField(_("name"), max_length=255)
    hostname = models.CharField(_("hostname"), max_length=255, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=AssetRole.choices, default=AssetRole.SERVER,
                            db_index=True)
    internet_facing = models.BooleanField(_("internet-facing"), default=False, db_index=True)
    ip_addresses = models.CharField(_("IP addresses"), max_length=1000, blank=True,
                                    help_text=_("Comma-separated; kept in sync with the address index."))
    description = models.CharField(_("description"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True)

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="asset_unique_name_per_unit")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("constituency:asset_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        self.ip_addresses = ", ".join(str(address) for address in self.parsed_addresses())

    def parsed_addresses(self) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        texts = [part for part in self.ip_addresses.replace(";", ",").replace(" ", ",").split(",") if part]
        try:
            addresses = [parse_ip(text) for text in texts]
        except ValidationError as error:
            raise ValidationError({"ip_addresses": error.messages}) from error
        return list(dict.fromkeys(addresses))

    def audit_extra(self) -> dict[str, object]:
        if self.pk is None:
            return {}
        rows = Software.objects.filter(asset=self).values_list("vendor", "product", "version", "cpe")
        return {"software": software_labels(rows)}


def software_labels(rows: Iterable[Iterable[str]]) -> list[str]:
    """An asset's software as audited: ``vendor | product | version | cpe`` per item, sorted."""
    return sorted(" | ".join(part for part in row if part) for row in rows)


class AssetAddress(models.Model):
    """The address index of assets: which asset holds an IP (an asset may hold several)."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="addresses")
    address = models.GenericIPAddressField(_("address"))
    version = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=32, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="asset__unit")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["asset", "key"], name="asset_address_unique")]

    def __str__(self) -> str:
        return self.address


class Software(models.Model):
    """One installed product on an asset: what advisories are matched against."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="software")
    vendor = models.CharField(_("vendor"), max_length=120)
    product = models.CharField(_("product"), max_length=160)
    version = models.CharField(_("version"), max_length=80, blank=True)
    cpe = models.CharField(_("CPE 2.3"), max_length=255, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="asset__unit", officer_may_edit=True)

    class Meta:
        ordering = ["vendor", "product", "version"]
        verbose_name = _("software")
        verbose_name_plural = _("software")
        indexes = [models.Index(fields=["vendor", "product"])]

    def __str__(self) -> str:
        return " ".join(part for part in (self.vendor, self.product, self.version) if part)


class InformationSystem(models.Model):
    """A named system with its security level (cấp độ 1–5, Decree 85/2016/NĐ-CP) and the assets it runs on."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE,
                             related_name="information_systems")
    name = models.CharField(_("name"), max_length=255)
    security_level = models.PositiveSmallIntegerField(
        _("security level"), validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Cấp độ 1–5 under Decree 85/2016/NĐ-CP."))
    level_approved_ref = models.CharField(_("level approval reference"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    assets = models.ManyToManyField(Asset, verbose_name=_("assets"), blank=True,
                                    related_name="information_systems")

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="unit", officer_may_edit=True)

    class Meta:
        ordering = ["unit__code", "name"]
        verbose_name = _("information system")
        verbose_name_plural = _("information systems")
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="system_unique_name_per_unit"),
            models.CheckConstraint(condition=models.Q(security_level__gte=1, security_level__lte=5),
                                   name="system_level_1_to_5"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("constituency:informationsystem_detail", kwargs={"pk": self.pk})

    def audit_extra(self) -> dict[str, object]:
        if self.pk is None:
            return {}
        return {"assets": sorted(self.assets.values_list("name", flat=True))}


class Operator(models.Model):
    """The deployment's own body (e.g. the Department of Science and Technology): letterhead and signature data.

    A single row, edited by administrators: bodies get renamed in reorganisations, so nothing here is code.
    """

    governing_body = models.CharField(_("governing body"), max_length=255,
                                      help_text=_("Line above the issuing body, e.g. UBND TỈNH …"))
    name = models.CharField(_("operator name"), max_length=255)
    abbreviation = models.CharField(_("abbreviation"), max_length=40,
                                    help_text=_("Used in document symbols, e.g. SKHCN."))
    province = models.CharField(_("province"), max_length=100)
    place = models.CharField(_("place name in letter dates"), max_length=100)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=255, blank=True)
    soc_team_name = models.CharField(_("response team name"), max_length=255, blank=True)
    signer_authority = models.CharField(
        _("signing authority"), max_length=100, blank=True,
        help_text=_("Above the signer's title in letters, e.g. KT. GIÁM ĐỐC; empty when the head signs."))
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True,
                                    help_text=_("e.g. PHÓ GIÁM ĐỐC"))
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopePolicy(unit_path="pk", officer_may_view=False, admin_only_write=True)

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operator")

    def __str__(self) -> str:
        return self.name
