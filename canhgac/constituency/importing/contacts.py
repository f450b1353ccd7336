"""Contacts: a unit's people keyed by (unit, e-mail) — or (unit, name) without one; outside bodies have no unit
and are keyed by their organisation instead."""

from __future__ import annotations

from collections.abc import Hashable

from django.utils.translation import gettext as _

from canhgac.constituency.importing.base import KindImport, Planned
from canhgac.constituency.importing.columns import Column, fold
from canhgac.constituency.importing.writer import audit, create_all, created, update_all, updated
from canhgac.constituency.models import Contact
from canhgac.core.audit import snapshot

UNIT_CODE = Column("unit", "Mã đơn vị", "Unit code", ("unit", "don vi", "code", "unit_code", "ma dv"))

CONTACT_COLUMNS = (
    UNIT_CODE,
    Column("organisation", "Cơ quan", "Organisation", ("organization", "to chuc", "co quan ben ngoai")),
    Column("name", "Họ và tên", "Name", ("ho ten", "ten", "full name"), required=True),
    Column("position", "Chức vụ", "Position", ("title", "chuc danh")),
    Column("phone", "Điện thoại", "Phone", ("so dien thoai", "tel", "telephone")),
    Column("mobile", "Di động", "Mobile", ("dien thoai di dong", "so di dong", "mobile phone")),
    Column("hotline", "Đường dây nóng", "Hotline", ("hot line",)),
    Column("email", "Email", "E-mail", ("thu dien tu", "mail")),
    Column("focal_point", "Đầu mối", "Focal point", ("focal", "la dau moi")),
    Column("national_body", "Cơ quan quốc gia", "National body", ("national",)),
    Column("notes", "Ghi chú", "Notes", ("note",)),
)


def contact_key(unit_code: str, organisation: str, email: str, name: str) -> Hashable:
    person = ("email", email.strip().lower()) if email.strip() else ("name", name.casefold())
    return (unit_code, "" if unit_code else fold(organisation), *person)


class ContactImport(KindImport):
    kind = "contacts"
    model = Contact
    columns = CONTACT_COLUMNS
    booleans = ("focal_point", "national_body")
    not_fields = ("unit",)

    def load(self) -> None:
        super().load()
        code_of: dict[int | None, str] = {unit.pk: code for code, unit in self.units.items()}
        self.contacts: dict[Hashable, Contact] = {}
        for contact in Contact.objects.order_by("pk"):
            key = contact_key(code_of.get(contact.unit_id, ""), contact.organisation, contact.email, contact.name)
            self.contacts.setdefault(key, contact)

    def plan(self, row: int, values: dict[str, str]) -> Planned | None:
        code = values.get("unit", "")
        key = contact_key(code, values.get("organisation", ""), values.get("email", ""), values["name"])
        if self.is_duplicate(row, key, "email" if values.get("email") else "name"):
            return None
        existing = self.contacts.get(key)
        contact = existing or Contact()
        before = snapshot(existing) if existing else None
        skip = self.fill(row, contact, values)
        contact.unit = self._unit(row, code, contact)
        if not self.validate(row, contact, skip):
            return None
        return self.planned(row, contact, before)

    def _unit(self, row: int, code: str, contact: Contact):  # type: ignore[no-untyped-def]
        if code:
            return self.unit_of(row, code)
        if self.scope is not None:
            self.error(row, "unit", _("You may only place objects in your own units."))
        elif not contact.organisation:
            self.error(row, "organisation", _("A contact without a unit must name its organisation."))
        return None

    def write(self, plans: list[Planned]) -> None:
        create_all(Contact, created(plans))
        update_all(Contact, updated(plans))
        audit(plans)
