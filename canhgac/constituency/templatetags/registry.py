"""Template helpers of the registry pages."""

from __future__ import annotations

from django import template
from django.utils.functional import Promise

from canhgac.constituency.ui.levels import level_meaning as meaning_of

register = template.Library()


@register.filter
def level_meaning(level: int | None) -> Promise | str:
    """``{{ system.security_level|level_meaning }}``: what the level means under Decree 85/2016."""
    return meaning_of(level)


@register.filter
def block_size(span_key: str) -> str:
    """A netblock's number of addresses from its ``span_key`` (size − 1, hex): 256, or 2^80 for an IPv6 /48."""
    try:
        size = int(span_key, 16) + 1
    except (TypeError, ValueError):
        return ""
    if size > 1 << 20 and size & (size - 1) == 0:
        return f"2^{size.bit_length() - 1}"
    return f"{size:,}"
