"""What an advisory could not be used for, in words: the codes its review notes carry (``parsers.ReviewNote``).

Notes are stored as codes, so that each reader sees them in their own language.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

MESSAGES: dict[str, Any] = {
    "no_product": _("The record names no product (vendor and product “n/a”)."),
    "no_vendor": _("The record names no vendor and the product is not in the alias table: add an alias or a SOC "
                   "entry."),
    "no_usable_product": _("No product could be read from the record or its description: needs a SOC entry."),
    "read_from_description": _("The products and versions were read from the description."),
    "read_from_text": _("The versions were read from free text."),
    "free_text": _("The versions are free text that could not be read: needs a SOC entry."),
    "no_version": _("No version is given: needs a SOC entry."),
    "bound_not_version": _("A version bound is not a version (e.g. a link): the NVD record or a SOC entry decides "
                           "for this product."),
}


NEEDS_ENTRY = frozenset({"no_vendor", "no_usable_product", "free_text", "no_version", "bound_not_version"})
"""Notes saying matching lacks something only the SOC (or another source's record) can give; the others say how a
messy record was read."""


def needs_entry(notes: list[dict[str, str]]) -> bool:
    return any(note.get("code") in NEEDS_ENTRY for note in notes)


def explained(notes: list[dict[str, str]]) -> list[dict[str, str]]:
    """The stored notes with their message in the active language."""
    return [{**note, "message": str(MESSAGES.get(note.get("code", ""), note.get("code", "")))} for note in notes]
