"""Console routes of the registry: ``constituency:<model>_<list|detail|create|update|delete>`` and the IP lookup."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from canhgac.constituency.ui.views import details, edits, lists
from canhgac.constituency.ui.views.lookup import IpLookupView

app_name = "constituency"


def crud(prefix: str, name: str, list_view: Any, detail: Any, create: Any, update: Any,
         delete: Any) -> list[URLPattern]:
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", create.as_view(), name=f"{name}_create"),
        path(f"{prefix}/<int:pk>/", detail.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", update.as_view(), name=f"{name}_update"),
        path(f"{prefix}/<int:pk>/delete/", delete.as_view(), name=f"{name}_delete"),
    ]


urlpatterns = [
    *crud("units", "unit", lists.UnitListView, details.UnitDetailView, edits.UnitCreateView,
          edits.UnitUpdateView, edits.UnitDeleteView),
    *crud("contacts", "contact", lists.ContactListView, details.ContactDetailView, edits.ContactCreateView,
          edits.ContactUpdateView, edits.ContactDeleteView),
    *crud("netblocks", "netblock", lists.NetblockListView, details.NetblockDetailView, edits.NetblockCreateView,
          edits.NetblockUpdateView, edits.NetblockDeleteView),
    *crud("domains", "domain", lists.DomainListView, details.DomainDetailView, edits.DomainCreateView,
          edits.DomainUpdateView, edits.DomainDeleteView),
    *crud("assets", "asset", lists.AssetListView, details.AssetDetailView, edits.AssetCreateView,
          edits.AssetUpdateView, edits.AssetDeleteView),
    *crud("systems", "informationsystem", lists.InformationSystemListView, details.InformationSystemDetailView,
          edits.InformationSystemCreateView, edits.InformationSystemUpdateView, edits.InformationSystemDeleteView),
    path("lookup/", IpLookupView.as_view(), name="ip_lookup"),
]

# --- Import/export, import templates and the operator page (transfer.py, operator.py) ---
from canhgac.constituency.ui import operator, transfer  # noqa: E402

urlpatterns += [
    path("import/", transfer.ImportView.as_view(), name="import"),
    path("import/templates/", transfer.ImportTemplatesView.as_view(), name="import_templates"),
    path("import/templates/<str:kind>/", transfer.ImportTemplateView.as_view(), name="import_template"),
    path("export/", transfer.ExportView.as_view(), name="export"),
    path("operator/", operator.OperatorDetailView.as_view(), name="operator_detail"),
    path("operator/edit/", operator.OperatorUpdateView.as_view(), name="operator_update"),
]
