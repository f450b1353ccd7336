"""The home page: the registry's headline figures over the units the user may see, then the figures other apps
contribute (``HOME_FIGURES`` in their ``ui/panels.py``: open findings, …)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from canhgac.constituency.models import AssetRole, Unit
from canhgac.constituency.querysets import registry_figures
from canhgac.core.ui.panels import home_figures

COVERAGE_SHOWN = 10


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "web/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        figures = registry_figures(Unit.objects.for_user(self.request.user))
        labels = dict(AssetRole.choices)
        for row in figures["assets_by_role"]:  # type: ignore[attr-defined]
            row["label"] = labels.get(row["role"], row["role"])
        context["figures"] = figures
        context["coverage_shown"] = COVERAGE_SHOWN
        context["app_figures"] = home_figures(self.request.user)
        return context
