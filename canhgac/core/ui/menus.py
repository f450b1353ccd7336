"""Menu entries: each app lists its pages in ``<app>/ui/menu.py`` as ``MENU``; the layout shows those the
signed-in user may open. Only working pages are ever listed, so the menu grows as apps land."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from canhgac.core.access import VIEW, may


@dataclass(frozen=True)
class MenuItem:
    section: str
    """Which menu it sits in: one of :data:`SECTIONS`' keys."""
    label: Any  # a lazy translation
    url_name: str
    model: type[models.Model] | None = None
    """If given, shown only to users who may view this model."""
    allowed: Callable[[Any], bool] | None = None
    """If given, a further test of the user (e.g. administrators only)."""
    order: int = 100

    def visible_to(self, user: Any) -> bool:
        if self.model is not None and not may(user, VIEW, self.model):
            return False
        return self.allowed is None or bool(self.allowed(user))
