"""Every write to the registry: validated, audited, and the same whether it comes from the console, API or CLI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from canhgac.constituency.addressing import ip_key
from canhgac.constituency.models import Asset, AssetAddress, InformationSystem, Software
from canhgac.core.audit import build_entry, delete_audited, diff, save_audited, snapshot
from canhgac.core.models import AuditAction


def save_object(instance: models.Model, before: dict[str, Any] | None = None) -> bool:
    """Validate (model rules, uniqueness) and save with an audit entry; ``before`` is the loaded snapshot."""
    instance.full_clean()
    return save_audited(instance, before)


def delete_object(instance: models.Model) -> None:
    try:
        delete_audited(instance)
    except models.ProtectedError as error:
        raise ValidationError(_("%(object)s is still referenced (e.g. it has sub-units) and cannot be deleted.")
                              % {"object": instance}) from error


@dataclass(frozen=True)
class SoftwareItem:
    vendor: str
    product: str
    version: str = ""
    cpe: str = ""

    def __str__(self) -> str:
        return " ".join(part for part in (self.vendor, self.product, self.version) if part)


def parse_cpe(cpe: str) -> SoftwareItem:
    """``cpe:2.3:a:vendor:product:version:…`` → its vendor, product and version (CPE escapes undone)."""
    parts = cpe.strip().split(":")
    if len(parts) != 13 or parts[0] != "cpe" or parts[1] != "2.3" or parts[2] not in {"a", "o", "h"}:
        raise ValidationError(_("“%(value)s” is not a CPE 2.3 name (cpe:2.3:part:vendor:product:version:…, "
                                "13 fields).") % {"value": cpe[:120]})

    def plain(field: str) -> str:
        return "" if field in {"*", "-"} else field.replace("\\", "").replace("_", " ")

    version = plain(parts[5])
    if plain(parts[6]):  # the update field: Zimbra "8.8.15 p41", Windows "sp1"
        version = f"{version} {plain(parts[6])}".strip()
    return SoftwareItem(plain(parts[3]), plain(parts[4]), version, cpe.strip())


def parse_software_list(text: str) -> list[SoftwareItem]:
    """One item per line or ``;``: ``vendor | product | version [| cpe]``, or a bare CPE 2.3 name."""
    items = []
    for raw in text.replace("\r", "\n").replace(";", "\n").split("\n"):
        entry = raw.strip()
        if not entry:
            continue
        if entry.startswith("cpe:"):
            items.append(parse_cpe(entry))
            continue
        fields = [field.strip() for field in entry.split("|")]
        if len(fields) < 2 or not fields[0] or not fields[1] or len(fields) > 4:
            raise ValidationError(_("“%(value)s”: write software as vendor | product | version [| CPE].")
                                  % {"value": entry[:120]})
        cpe = fields[3] if len(fields) == 4 else ""
        if cpe:
            parse_cpe(cpe)
        items.append(SoftwareItem(fields[0], fields[1], fields[2] if len(fields) > 2 else "", cpe))
    return list(dict.fromkeys(items))


def format_software_list(items: Iterable[Software | SoftwareItem]) -> str:
    """The inverse of :func:`parse_software_list`; an empty version keeps its slot when a CPE follows it."""
    return "; ".join(_format_software(item) for item in items)


def _format_software(item: Software | SoftwareItem) -> str:
    if item.cpe:
        return " | ".join((item.vendor, item.product, item.version, item.cpe))
    return " | ".join(part for part in (item.vendor, item.product, item.version) if part)


def save_asset(asset: Asset, before: dict[str, Any] | None, software: list[SoftwareItem] | None) -> bool:
    """Save an asset, its address index and (when given) its software as one audited change.

    ``before`` is the snapshot taken when the asset was loaded (``None`` for a new one); the software list is part
    of the audited state, so a changed inventory is recorded even when no column of the asset changed.
    """
    asset.full_clean()
    with transaction.atomic():
        creating = asset._state.adding
        asset.save()
        if software is not None:
            _replace_software(asset, software)
        _sync_addresses(asset)
        changes = diff(None if creating else before, snapshot(asset))
        if not creating and not changes:
            transaction.set_rollback(True)  # undo the no-op save (it bumped updated_at)
            return False
        build_entry(AuditAction.CREATE if creating else AuditAction.UPDATE, asset, changes).save()
    return True


def _replace_software(asset: Asset, items: list[SoftwareItem]) -> bool:
    current = [SoftwareItem(s.vendor, s.product, s.version, s.cpe) for s in asset.software.all()]
    if current == items:
        return False
    asset.software.all().delete()
    Software.objects.bulk_create(software_rows(asset, items))
    return True


def software_rows(asset: Asset, items: Iterable[SoftwareItem]) -> list[Software]:
    """Unsaved Software rows of ``asset`` (also used by the bulk import)."""
    return [Software(asset=asset, vendor=i.vendor, product=i.product, version=i.version, cpe=i.cpe) for i in items]


def address_index(asset: Asset) -> dict[str, AssetAddress]:
    """The unsaved address-index rows ``asset`` should have, by key (also used by the bulk import)."""
    return {ip_key(address): AssetAddress(asset=asset, address=str(address), version=address.version,
                                          key=ip_key(address))
            for address in asset.parsed_addresses()}


def _sync_addresses(asset: Asset) -> None:
    wanted = address_index(asset)
    existing = dict(asset.addresses.values_list("key", "pk"))
    asset.addresses.filter(pk__in=[pk for key, pk in existing.items() if key not in wanted]).delete()
    AssetAddress.objects.bulk_create(row for key, row in wanted.items() if key not in existing)


def save_system(system: InformationSystem, before: dict[str, Any] | None, assets: list[Asset] | None) -> bool:
    """Save an information system and (when given) its assets as one audited change.

    The assets must belong to the system's unit: a system is one unit's, and so are the hosts it runs on.
    """
    system.full_clean()
    kept = assets if assets is not None else (list(system.assets.all()) if system.pk else [])
    if any(asset.unit_id != system.unit_id for asset in kept):
        raise ValidationError({"assets": _("Every asset of a system must belong to the system's unit.")})
    with transaction.atomic():
        creating = system._state.adding
        system.save()
        if assets is not None:
            system.assets.set(assets)
        changes = diff(None if creating else before, snapshot(system))
        if not creating and not changes:
            transaction.set_rollback(True)
            return False
        build_entry(AuditAction.CREATE if creating else AuditAction.UPDATE, system, changes).save()
    return True
