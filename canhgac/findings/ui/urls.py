"""Console routes of findings: ``findings:finding_<list|detail|transition|bulk|export>``."""

from django.urls import path

from canhgac.findings.ui.actions import FindingBulkTransitionView, FindingExportView, FindingTransitionView
from canhgac.findings.ui.views import FindingDetailView, FindingListView

app_name = "findings"
urlpatterns = [
    path("", FindingListView.as_view(), name="finding_list"),
    path("export/", FindingExportView.as_view(), name="finding_export"),
    path("bulk/", FindingBulkTransitionView.as_view(), name="finding_bulk"),
    path("<int:pk>/", FindingDetailView.as_view(), name="finding_detail"),
    path("<int:pk>/transition/", FindingTransitionView.as_view(), name="finding_transition"),
]
