"""The console menu, gathered from every app's ``ui/menu.py`` (see :mod:`canhgac.core.ui.menus`)."""

from __future__ import annotations

from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _

from canhgac.core.ui.menus import MenuItem

SECTIONS = {"registry": _("Registry"), "operations": _("Operations"), "system": _("System"), "user": _("Account")}
"""Menu sections in display order; "user" entries go in the signed-in user's own menu."""


@cache
def all_items() -> tuple[MenuItem, ...]:
    items: list[MenuItem] = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("canhgac.") and module_has_submodule(app_config.module, "ui.menu"):
            items += import_module(f"{app_config.name}.ui.menu").MENU
    return tuple(sorted(items, key=lambda item: item.order))


def navigation_for(request: Any) -> list[dict[str, Any]]:
    """Sections with the entries this user may open; the current page's entry is marked active."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    sections = []
    for key, title in SECTIONS.items():
        entries = [{"label": item.label, "url": reverse(item.url_name)}
                   for item in all_items() if item.section == key and item.visible_to(user)]
        for entry in entries:
            entry["active"] = request.path.startswith(entry["url"])
        if entries:
            sections.append({"key": key, "title": title, "entries": entries})
    return sections
