"""The registry of unit panels and home figures: gathered from the apps, ordered, duplicates refused, shown only
to users who may view their model, a panel with nothing to say left out."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from canhgac.accounts.models import User
from canhgac.core.access import Role
from canhgac.core.ui import panels
from canhgac.core.ui.panels import HomeFigure, UnitPanel


def test_every_app_contributes_through_its_ui_panels_module() -> None:
    assert "findings" in [panel.name for panel in panels.all_unit_panels()]
    assert {"open-findings", "overdue-findings"} <= {figure.name for figure in panels.all_home_figures()}


def test_duplicate_names_are_refused() -> None:
    one = HomeFigure("same", "A", lambda user: 1, "web:home")
    with pytest.raises(ValueError, match="two home figures are named 'same'"):
        panels._unique([one, HomeFigure("same", "B", lambda user: 2, "web:home")], "home figures")


def test_panels_are_ordered_and_one_with_nothing_to_show_is_left_out(monkeypatch: Any, db: None) -> None:
    shown = [UnitPanel("second", "core/_empty_row.html", lambda request, unit: {"columns": 2}, order=2),
             UnitPanel("nothing", "core/_empty_row.html", lambda request, unit: None, order=0),
             UnitPanel("first", "core/_empty_row.html", lambda request, unit: {"columns": 1}, order=1)]
    monkeypatch.setattr(panels, "all_unit_panels", lambda: panels._unique(shown, "unit panels"))
    request = RequestFactory().get("/")
    request.user = User(username="analyst", role=Role.SOC_ANALYST)
    html = panels.unit_panels(request, unit=None)
    assert html.index('colspan="1"') < html.index('colspan="2"') and html.count("<tr>") == 2


def test_a_figure_of_a_model_the_user_may_not_view_is_not_shown(monkeypatch: Any) -> None:
    from canhgac.core.models import AuditEntry  # not unit-scoped: no scope policy, so nobody "views" it by role

    figures = [HomeFigure("audit", "Audit", lambda user: 5, "web:home", model=AuditEntry),
               HomeFigure("free", "Free", lambda user: 3, "web:home", query="a=1")]
    monkeypatch.setattr(panels, "all_home_figures", lambda: tuple(figures))
    shown = panels.home_figures(User(username="officer", role=Role.UNIT_OFFICER))
    assert shown == [{"name": "free", "label": "Free", "value": 3, "url": "/?a=1"}]
