"""What the feeds add to a unit's page: the "Botnet" panel, the addresses the lists gave the unit and its
sub-units (most recently listed first), each with what the lists said, its asset and its finding."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from canhgac.constituency.querysets import subtree_of
from canhgac.core.ui.panels import UnitPanel
from canhgac.intel.models import FeedCategory, Hit
from canhgac.intel.querysets import describe_addresses, listed_addresses

SHOWN = 10


def unit_botnet(request: Any, unit: Any) -> dict[str, Any] | None:
    """``None`` (no panel) for a unit no list ever named."""
    hits = Hit.objects.for_user(request.user).filter(unit_id__in=subtree_of(unit))
    addresses = listed_addresses(hits)
    shown = list(addresses[:SHOWN + 1])
    if not shown:
        return None
    total = len(shown) if len(shown) <= SHOWN else addresses.count()
    query = urlencode({"unit_tree": unit.code})
    return {"rows": describe_addresses(request.user, shown[:SHOWN]), "total": total,
            "all_url": f"{reverse('intel:address_list')}?{query}",
            "hits_url": f"{reverse('intel:hit_list')}?{query}",
            "findings_url": f"{reverse('findings:finding_list')}?{query}&{urlencode({'source': FeedCategory.BOTNET})}"}


UNIT_PANELS = [
    UnitPanel("botnet", "intel/_unit_panel.html", unit_botnet, model=Hit, order=20),
]
