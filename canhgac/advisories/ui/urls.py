"""Console routes of advisories: ``advisories:<page>``."""

from django.urls import path

from canhgac.advisories.ui.exports import AdvisoryExportView, WarningExportView
from canhgac.advisories.ui.views import (
    AdvisoryDetailView,
    AdvisoryListView,
    OverdueListView,
    VulnerabilityDetailView,
    WarningListView,
)
from canhgac.advisories.ui.writing import FromDataView, ImportView, NoticeView, WarningCreateView

app_name = "advisories"
urlpatterns = [
    path("", AdvisoryListView.as_view(), name="advisory_list"),
    path("export/", AdvisoryExportView.as_view(), name="advisory_export"),
    path("import/", ImportView.as_view(), name="advisory_import"),
    path("warnings/", WarningListView.as_view(), name="warning_list"),
    path("warnings/new/", WarningCreateView.as_view(), name="warning_create"),
    path("warnings/from-data/", FromDataView.as_view(), name="warning_from_data"),
    path("overdue/", OverdueListView.as_view(), name="overdue_list"),
    path("<int:pk>/", AdvisoryDetailView.as_view(), name="advisory_detail"),
    path("<int:pk>/export/", WarningExportView.as_view(), name="warning_export"),
    path("<int:pk>/notices/", NoticeView.as_view(), name="notice_preview"),
    path("vulnerabilities/<int:pk>/", VulnerabilityDetailView.as_view(), name="vulnerability_detail"),
]
