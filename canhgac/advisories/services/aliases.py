"""The reviewed alias table: loading it for naming, and the SOC extending it (then every rule is named again)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from canhgac.advisories.models import AffectedProduct, ProductAlias
from canhgac.advisories.naming import AliasTable, Namer, product_key, vendor_key
from canhgac.core.access import ADD, may
from canhgac.core.audit import build_entry, diff, snapshot
from canhgac.core.models import AuditAction


def load_namer() -> Namer:
    rows = ProductAlias.objects.values_list("vendor_key", "product_key", "canonical_vendor", "canonical_product")
    return Namer(AliasTable(rows))


def add_alias(vendor: str, product: str, to_vendor: str, to_product: str = "", *, user: Any = None,
              note: str = "") -> tuple[ProductAlias, int]:
    """Read ``vendor``/``product`` (as anyone writes them) as ``to_vendor``/``to_product``; ``product`` empty renames
    the vendor, ``vendor`` empty names a product whose records name no vendor. Returns the alias and how many
    rules were named anew. The caller then matches again (:func:`~canhgac.advisories.services.match_all`)."""
    if user is not None and not may(user, ADD, ProductAlias):
        raise PermissionDenied(_("You may not change the product aliases."))
    alias = ProductAlias(vendor_key=vendor_key(vendor), product_key=product_key(vendor, product) if product else "",
                         canonical_vendor=vendor_key(to_vendor),
                         canonical_product=product_key(to_vendor, to_product) if to_product else "",
                         note=note.strip()[:255], created_by=user if getattr(user, "is_authenticated", False) else None)
    if not alias.vendor_key and not alias.product_key:
        raise ValidationError(_("Name the vendor or the product the alias is for."))
    if not alias.canonical_vendor:
        raise ValidationError(_("Name the vendor to read instead."))
    with transaction.atomic():
        alias.full_clean()
        alias.save()
        entry = build_entry(AuditAction.CREATE, alias, diff(None, snapshot(alias)))
        entry.unit_id = None
        entry.save()
        renamed = rename_rules()
    return alias, renamed


def rename_rules() -> int:
    """Name every stored rule again with the current alias table; returns how many names changed."""
    namer = load_namer()
    changes: list[tuple[str, str, int]] = []
    rows = AffectedProduct.objects.values_list("id", "vendor", "product", "cpe", "vendor_key",
                                               "product_key").iterator(20_000)
    for pk, vendor, product, cpe, old_vendor, old_product in rows:
        name = namer.of_rule(vendor, product, cpe)
        if (name.vendor, name.product) != (old_vendor, old_product):
            changes.append((name.vendor[:120], name.product[:160], pk))
    table = connection.ops.quote_name(AffectedProduct._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET vendor_key = %s, product_key = %s WHERE id = %s",  # noqa: S608
                           changes)
    return len(changes)
