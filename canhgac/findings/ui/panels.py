"""What findings add to shared pages: a unit's open findings on its page, and open/overdue figures at home."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.querysets import subtree_of
from canhgac.core.ui.panels import HomeFigure, UnitPanel
from canhgac.findings.filtersets import ACTIVE, overdue_condition
from canhgac.findings.models import Finding, Severity
from canhgac.findings.workflow import ACTIVE_STATES


def unit_findings(request: Any, unit: Any) -> dict[str, Any]:
    """Open findings of ``unit`` and its sub-units (those the user may see) by severity, each linked to the list."""
    subtree = subtree_of(unit)
    late = Q(due_on__lt=timezone.localdate())
    counts = {row["severity"]: row for row in Finding.objects.for_user(request.user)
              .filter(unit_id__in=subtree, state__in=ACTIVE_STATES).order_by().values("severity")
              .annotate(total=Count("pk"), late=Count("pk", filter=late))}
    base = reverse("findings:finding_list")

    def link(**extra: str) -> str:
        return f"{base}?{urlencode({'unit_tree': unit.code, 'state': ACTIVE, **extra})}"

    rows = [{"label": label, "value": value, "total": counts[value]["total"], "url": link(severity=value)}
            for value, label in Severity.choices if value in counts]
    return {"rows": rows, "total": sum(row["total"] for row in rows),
            "overdue": sum(row["late"] for row in counts.values()), "url": link(),
            "overdue_url": link(overdue="true"),
            "all_url": f"{base}?{urlencode({'unit_tree': unit.code})}"}


def open_findings(user: Any) -> int:
    return Finding.objects.for_user(user).filter(state__in=ACTIVE_STATES).count()


def overdue_findings(user: Any) -> int:
    return Finding.objects.for_user(user).filter(overdue_condition()).count()


UNIT_PANELS = [
    UnitPanel("findings", "findings/_unit_panel.html", unit_findings, model=Finding, order=10),
]
HOME_FIGURES = [
    HomeFigure("open-findings", _("Open findings"), open_findings, "findings:finding_list", query=f"state={ACTIVE}",
               model=Finding, order=10),
    HomeFigure("overdue-findings", _("Overdue findings"), overdue_findings, "findings:finding_list",
               query=f"state={ACTIVE}&overdue=true", model=Finding, order=20),
]
