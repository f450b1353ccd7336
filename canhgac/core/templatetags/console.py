"""Template helpers shared by every console page: links that keep the current filters, sortable headers."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` applied (``None`` removes a key); page resets unless given."""
    query = context["request"].GET.copy()
    if "page" not in changes:
        query.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context: dict[str, Any], column: str, label: str) -> str:
    """A column header that sorts by ``column``, toggling direction, with an arrow on the current one."""
    current = context.get("sort", "")
    descending = current == f"-{column}"
    target = column if descending or current != column else f"-{column}"
    arrow = " ▼" if descending else (" ▲" if current == column else "")
    state = "descending" if descending else ("ascending" if current == column else "none")
    return format_html('<a href="{}" class="link-body-emphasis text-decoration-none" aria-sort="{}">{}{}</a>',
                       query_with(context, sort=target), state, label, arrow)
