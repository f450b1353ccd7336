"""What advisories add to a unit's page: the vulnerabilities on its (and its sub-units') assets now."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.http import urlencode

from canhgac.advisories.models import Exposure
from canhgac.constituency.querysets import subtree_of
from canhgac.core.ui.panels import UnitPanel

TOP = 10


def unit_vulnerabilities(request: Any, unit: Any) -> dict[str, Any]:
    """The unit's exposures the user may see: how many, on how many assets, the most urgent vulnerabilities."""
    exposures = Exposure.objects.for_user(request.user).filter(unit_id__in=subtree_of(unit))
    figures = exposures.order_by().aggregate(total=Count("pk"), assets=Count("asset_id", distinct=True),
                                             vulnerabilities=Count("vulnerability_id", distinct=True))
    top = (exposures.order_by().values("vulnerability_id", "vulnerability__identifier", "vulnerability__title",
                                       "vulnerability__known_exploited", "vulnerability__cvss")
           .annotate(assets=Count("asset_id", distinct=True),
                     internet_facing=Count("asset_id", distinct=True, filter=Q(asset__internet_facing=True)))
           .order_by(F("vulnerability__known_exploited").desc(), F("internet_facing").desc(),
                     F("vulnerability__cvss").desc(nulls_last=True), "vulnerability__identifier")[:TOP])
    warnings = f"{reverse('advisories:warning_list')}?{urlencode({'unit_tree': unit.code})}"
    overdue = f"{reverse('advisories:overdue_list')}?{urlencode({'unit_tree': unit.code})}"
    return {**figures, "top": list(top), "warnings_url": warnings, "overdue_url": overdue}


UNIT_PANELS = [
    UnitPanel("vulnerabilities", "advisories/_unit_panel.html", unit_vulnerabilities, model=Exposure, order=15),
]
