"""The aliases Canh Gác ships (see ``canhgac/advisories/seeds.py``); the SOC's own are added beside them."""

from typing import Any

from django.db import migrations


def add_aliases(apps: Any, schema_editor: Any) -> None:
    from canhgac.advisories.seeds import BUILTIN_ALIASES

    alias = apps.get_model("advisories", "ProductAlias")
    existing = set(alias.objects.values_list("vendor_key", "product_key"))
    alias.objects.bulk_create(
        alias(vendor_key=vendor, product_key=product, canonical_vendor=to_vendor, canonical_product=to_product,
              note=note, builtin=True)
        for vendor, product, to_vendor, to_product, note in BUILTIN_ALIASES if (vendor, product) not in existing)


def remove_aliases(apps: Any, schema_editor: Any) -> None:
    apps.get_model("advisories", "ProductAlias").objects.filter(builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("advisories", "0001_initial")]

    operations = [migrations.RunPython(add_aliases, remove_aliases)]
