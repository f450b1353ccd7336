"""Extension points of shared pages: panels on a unit's page and figures on the home page, contributed by apps.

The unit page belongs to the registry and the home page to ``web``; neither may import the apps built on top of
them (findings, feeds, …). Each app lists what it adds in ``<app>/ui/panels.py`` as ``UNIT_PANELS`` and
``HOME_FIGURES``; the pages ask :func:`unit_panels` and :func:`home_figures` for what this user may see. Names
are unique across apps (a duplicate is refused when the registry is first read), like the menu's entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.module_loading import module_has_submodule
from django.utils.safestring import SafeString, mark_safe

from canhgac.core.access import VIEW, may


@dataclass(frozen=True)
class UnitPanel:
    """A section of a unit's page: ``context(request, unit)`` gives its template's context, or ``None`` to leave
    the panel out (nothing to show). The template renders one ``<section>``; ``name`` is its element id."""

    name: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    model: type[models.Model] | None = None
    """If given, shown only to users who may view this model."""
    order: int = 100


@dataclass(frozen=True)
class HomeFigure:
    """A headline figure of the home page: ``count(user)`` over what the user may see, linking to a list."""

    name: str
    label: Any  # a lazy translation
    count: Callable[[Any], int]
    url_name: str
    query: str = ""
    """Query string of the link (without "?"), e.g. ``state=active``."""
    model: type[models.Model] | None = None
    order: int = 100


def _visible(model: type[models.Model] | None, user: Any) -> bool:
    return model is None or may(user, VIEW, model)


def _unique(items: Iterable[Any], kind: str) -> tuple[Any, ...]:
    seen: set[str] = set()
    for item in items:
        if item.name in seen:
            raise ValueError(f"two {kind} are named {item.name!r}")
        seen.add(item.name)
    return tuple(sorted(items, key=lambda item: (item.order, item.name)))


def _gather(attribute: str) -> list[Any]:
    found: list[Any] = []
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("canhgac.") and module_has_submodule(app_config.module, "ui.panels"):
            found += getattr(import_module(f"{app_config.name}.ui.panels"), attribute, [])
    return found


@cache
def all_unit_panels() -> tuple[UnitPanel, ...]:
    return _unique(_gather("UNIT_PANELS"), "unit panels")


@cache
def all_home_figures() -> tuple[HomeFigure, ...]:
    return _unique(_gather("HOME_FIGURES"), "home figures")


def unit_panels(request: Any, unit: Any) -> SafeString:
    """The panels this user may see on ``unit``'s page, rendered in order."""
    parts = []
    for panel in all_unit_panels():
        if not _visible(panel.model, request.user):
            continue
        context = panel.context(request, unit)
        if context is not None:
            parts.append(render_to_string(panel.template, {"unit": unit, **context}, request=request))
    return mark_safe("".join(parts))  # noqa: S308  (templates rendered with autoescaping)


def home_figures(user: Any) -> list[dict[str, Any]]:
    """The figures this user may see: name, label, value and link."""
    figures = []
    for figure in all_home_figures():
        if _visible(figure.model, user):
            url = reverse(figure.url_name) + (f"?{figure.query}" if figure.query else "")
            figures.append({"name": figure.name, "label": figure.label, "value": figure.count(user), "url": url})
    return figures
