"""Units: keyed by code; a parent may be any existing unit or one created further down the same file."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from canhgac.constituency.importing.base import KindImport, Planned
from canhgac.constituency.importing.columns import Column
from canhgac.constituency.importing.writer import audit, create_all, created, update_all, updated
from canhgac.constituency.models import Unit, UnitKind
from canhgac.core.audit import snapshot

UNIT_KIND_SPELLINGS = {
    "sở": UnitKind.DEPARTMENT, "sở ban ngành": UnitKind.DEPARTMENT, "ubnd tỉnh": UnitKind.PROVINCIAL_BODY,
    "ubnd huyện": UnitKind.DISTRICT, "huyện": UnitKind.DISTRICT, "ubnd xã": UnitKind.COMMUNE, "xã": UnitKind.COMMUNE,
    "phường": UnitKind.COMMUNE, "bệnh viện": UnitKind.HOSPITAL, "trường": UnitKind.SCHOOL,
    "trường học": UnitKind.SCHOOL, "đơn vị sự nghiệp": UnitKind.PUBLIC_SERVICE, "viễn thông": UnitKind.TELECOM,
    "doanh nghiệp": UnitKind.ENTERPRISE, "khác": UnitKind.OTHER,
}

UNIT_COLUMNS = (
    Column("code", "Mã đơn vị", "Unit code", ("code", "unit_code", "ma", "ma dv"), required=True),
    Column("name", "Tên đơn vị", "Name", ("unit name", "ten", "ten don vi"), required=True),
    Column("short_name", "Tên viết tắt", "Short name", ("viet tat", "abbreviation")),
    Column("kind", "Loại", "Kind", ("loai don vi", "type", "unit kind")),
    Column("parent", "Đơn vị cha", "Parent", ("parent code", "parent unit", "don vi cap tren", "ma don vi cha")),
    Column("address", "Địa chỉ", "Address", ()),
    Column("phone", "Điện thoại", "Phone", ("so dien thoai", "tel", "telephone")),
    Column("email", "Email", "E-mail", ("thu dien tu", "mail")),
    Column("website", "Trang web", "Website", ("web", "cong thong tin", "portal")),
    Column("active", "Hoạt động", "Active", ("con hoat dong", "is active")),
    Column("notes", "Ghi chú", "Notes", ("note", "ghi chu")),
)


class UnitImport(KindImport):
    kind = "units"
    model = Unit
    columns = UNIT_COLUMNS
    choices = {"kind": (UnitKind, UNIT_KIND_SPELLINGS)}
    booleans = ("active",)
    not_fields = ("code", "parent")

    def load(self) -> None:
        super().load()
        self.unplanned_parents: list[tuple[int, str]] = []  # parents named by rows that failed validation

    def plan(self, row: int, values: dict[str, str]) -> Planned | None:
        code = values["code"]
        if self.is_duplicate(row, code, "code"):
            return None
        existing = self.units.get(code)
        unit = existing or Unit(code=code)
        before = snapshot(existing) if existing else None
        skip = self.fill(row, unit, values)
        pending = self._set_parent(row, unit, values)
        if not self.validate(row, unit, skip):
            self.unplanned_parents.append((row, pending))
            return None
        plan = self.planned(row, unit, before)
        if pending:
            plan.extra, plan.changed = {"parent": pending}, True
        return plan

    def _set_parent(self, row: int, unit: Unit, values: dict[str, str]) -> str:
        """Point ``unit`` at its parent if that exists; returns a parent code still to be created by this file."""
        if "parent" not in values:
            return ""
        code = values["parent"]
        if code == unit.code:
            self.error(row, "parent", _("A unit cannot be placed under itself or its sub-units."))
            return ""
        parent = self.units.get(code) if code else None
        unit.parent = parent
        return code if code and parent is None else ""

    def check(self, plans: list[Planned]) -> None:
        new_codes = {plan.instance.code for plan in plans if plan.before is None}
        for row, code in self.unplanned_parents:
            if code and code not in self.seen:
                self.error(row, "parent", _("No unit has the code “%(code)s”.") % {"code": code[:60]})
        code_of: dict[int | None, str] = {unit.pk: code for code, unit in self.units.items()}
        parents: dict[str, str | None] = {code: code_of.get(unit.parent_id) for code, unit in self.units.items()}
        for plan in plans:
            pending: str = (plan.extra or {}).get("parent") or ""
            if pending and pending not in new_codes:
                self.error(plan.row, "parent", _("No unit has the code “%(code)s”.") % {"code": pending[:60]})
            parents[plan.instance.code] = pending or code_of.get(plan.instance.parent_id)
        for plan in plans:
            if _in_cycle(plan.instance.code, parents):
                self.error(plan.row, "parent", _("A unit cannot be placed under itself or its sub-units."))

    def write(self, plans: list[Planned]) -> None:
        new = created(plans)
        create_all(Unit, new)
        by_code = {plan.instance.code: plan.instance for plan in new}
        late = [plan for plan in new if (plan.extra or {}).get("parent")]
        for plan in plans:
            if (plan.extra or {}).get("parent"):
                plan.instance.parent = by_code[plan.extra["parent"]]  # type: ignore[index]
        Unit.objects.bulk_update([plan.instance for plan in late], ["parent"], batch_size=250)
        update_all(Unit, updated(plans))
        audit(plans, _no_extra)


def _no_extra(plan: Planned) -> dict[str, Any] | None:
    return None


def _in_cycle(code: str, parents: dict[str, str | None]) -> bool:
    seen = {code}
    parent = parents.get(code)
    while parent is not None:
        if parent in seen:
            return parent == code
        seen.add(parent)
        parent = parents.get(parent)
    return False
