"""``{% unit_panels unit %}``: the sections other apps add to a unit's page (see ``core/ui/panels.py``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from canhgac.core.ui.panels import unit_panels as render_unit_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def unit_panels(context: dict[str, Any], unit: Any) -> SafeString:
    return render_unit_panels(context["request"], unit)
