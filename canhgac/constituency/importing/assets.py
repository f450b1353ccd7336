"""Assets with their software: keyed by (unit, name). The address index and software rows follow the asset, as
``services.save_asset`` keeps them, but written in bulk (50,000 assets must import in seconds, not hours)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from canhgac.constituency.importing.base import KindImport, Planned
from canhgac.constituency.importing.columns import Column
from canhgac.constituency.importing.contacts import UNIT_CODE
from canhgac.constituency.importing.writer import (
    audit,
    chunks,
    create_all,
    created,
    insert_plain,
    update_all,
    updated,
)
from canhgac.constituency.models import Asset, AssetAddress, AssetRole, Software, software_labels
from canhgac.constituency.services import SoftwareItem, address_index, parse_software_list, software_rows
from canhgac.core.audit import snapshot

ROLE_SPELLINGS = {
    "máy chủ": AssetRole.SERVER, "máy trạm": AssetRole.WORKSTATION, "cổng thông tin": AssetRole.WEB_PORTAL,
    "website": AssetRole.WEB_PORTAL, "thư điện tử": AssetRole.MAIL, "tường lửa": AssetRole.EDGE,
    "firewall": AssetRole.EDGE, "cơ sở dữ liệu": AssetRole.DATABASE, "thiết bị mạng": AssetRole.NETWORK,
    "camera": AssetRole.CAMERA_IOT, "khác": AssetRole.OTHER,
}

ASSET_COLUMNS = (
    Column("unit", UNIT_CODE.vi, UNIT_CODE.en, UNIT_CODE.aliases, required=True),
    Column("name", "Tên tài sản", "Name", ("ten", "asset", "asset name", "ten thiet bi"), required=True),
    Column("hostname", "Tên máy", "Hostname", ("host", "host name", "ten may chu")),
    Column("role", "Vai trò", "Role", ("loai tai san", "asset role", "loai")),
    Column("internet_facing", "Kết nối Internet", "Internet-facing",
           ("internet", "public", "cong khai", "internet facing", "ket noi internet")),
    Column("ip_addresses", "Địa chỉ IP", "IP addresses", ("ip", "ips", "ip address", "dia chi")),
    Column("description", "Mô tả", "Description", ("ghi chu", "notes")),
    Column("software", "Phần mềm", "Software", ("software list", "phan mem cai dat", "cpe")),
)
SOFTWARE_FIELDS = ("vendor", "product", "version", "cpe")
SOFTWARE_LIMITS = {name: cast(int, cast(Any, Software._meta.get_field(name)).max_length) for name in SOFTWARE_FIELDS}


class AssetImport(KindImport):
    kind = "assets"
    model = Asset
    columns = ASSET_COLUMNS
    choices = {"role": (AssetRole, ROLE_SPELLINGS)}
    booleans = ("internet_facing",)
    not_fields = ("unit", "software")

    def load(self) -> None:
        super().load()
        self.assets = {(asset.unit_id, asset.name): asset for asset in Asset.objects.all()}
        rows: dict[int, list[tuple[str, ...]]] = defaultdict(list)
        for asset_id, *fields in Software.objects.values_list("asset_id", *SOFTWARE_FIELDS).iterator(10_000):
            rows[asset_id].append(tuple(fields))
        self.software = {asset_id: software_labels(items) for asset_id, items in rows.items()}

    def plan(self, row: int, values: dict[str, str]) -> Planned | None:
        unit = self.unit_of(row, values["unit"])
        if unit is None or self.is_duplicate(row, (unit.pk, values["name"]), "name"):
            return None
        existing = self.assets.get((unit.pk, values["name"]))
        asset = existing or Asset(unit=unit)
        labels = self.software.get(existing.pk, []) if existing else []
        before = snapshot(existing, {"software": labels}) if existing else None
        skip = self.fill(row, asset, values)
        items = self._software(row, values)
        if not self._clean(row, asset, skip) or items is None:
            return None
        extra = {"software": software_labels(_fields(item) for item in items) if "software" in values else labels}
        plan = self.planned(row, asset, before, extra)
        plan.extra = {**extra, "items": items if "software" in values else None,
                      "addresses": before is None or before["ip_addresses"] != asset.ip_addresses}
        return plan

    def _clean(self, row: int, asset: Asset, skip: set[str]) -> bool:
        try:
            asset.clean()  # normalises the address list; no query
        except ValidationError as error:
            self.errors.add_validation(row, error, self.mapping.written)
            skip = {*skip, "ip_addresses"}
            self.validate(row, asset, skip)
            return False
        return self.validate(row, asset, skip)

    def _software(self, row: int, values: dict[str, str]) -> list[SoftwareItem] | None:
        try:
            items = parse_software_list(values.get("software", ""))
        except ValidationError as error:
            self.error(row, "software", " ".join(error.messages))
            return None
        too_long = [(item, name) for item in items for name, limit in SOFTWARE_LIMITS.items()
                    if len(getattr(item, name)) > limit]
        for item, name in too_long:
            self.error(row, "software", _("%(item)s: the %(field)s is longer than %(limit)d characters.")
                       % {"item": str(item)[:80], "field": name, "limit": SOFTWARE_LIMITS[name]})
        return None if too_long else items

    def write(self, plans: list[Planned]) -> None:
        new, changed = created(plans), updated(plans)
        create_all(Asset, new)
        update_all(Asset, changed)
        _replace(Software, [p for p in changed if _software_changed(p)],
                 lambda p: software_rows(p.instance, _extra(p)["items"] or []), new)
        _replace(AssetAddress, [p for p in changed if _extra(p)["addresses"]],
                 lambda p: list(address_index(p.instance).values()), new)
        audit(plans, lambda plan: {"software": _extra(plan)["software"]})


def _extra(plan: Planned) -> dict[str, Any]:
    return plan.extra or {}


def _software_changed(plan: Planned) -> bool:
    return _extra(plan)["items"] is not None and (plan.before or {}).get("software") != _extra(plan)["software"]


def _fields(item: SoftwareItem) -> tuple[str, ...]:
    return tuple(getattr(item, name) for name in SOFTWARE_FIELDS)


def _replace(model: Any, changed: list[Planned], rows_of: Any, new: list[Planned]) -> None:
    """Delete the rows of changed assets and insert the wanted rows of those and of new assets."""
    for batch in chunks([plan.instance.pk for plan in changed]):
        model.objects.filter(asset_id__in=batch).delete()
    insert_plain(model, [row for plan in (*changed, *new) for row in rows_of(plan)])
