"""Console routes of the feeds: ``intel:batch_<list|detail|upload|warnings|warning_letter>``,
``intel:hit_<list|export>``, ``intel:address_list``, ``intel:summary[_export]`` and
``intel:source_<list|create|update|toggle|pull>``."""

from django.urls import path

from canhgac.intel.ui.sources import SourceFormView, SourceListView, SourcePullView, SourceToggleView
from canhgac.intel.ui.summary import SummaryExportView, SummaryView
from canhgac.intel.ui.upload import FeedUploadView
from canhgac.intel.ui.views import AddressListView, BatchDetailView, BatchListView, HitExportView, HitListView
from canhgac.intel.ui.warning_letters import BatchWarningLetterView
from canhgac.intel.ui.warnings import BatchWarningsView

app_name = "intel"
urlpatterns = [
    path("", BatchListView.as_view(), name="batch_list"),
    path("upload/", FeedUploadView.as_view(), name="batch_upload"),
    path("<int:pk>/", BatchDetailView.as_view(), name="batch_detail"),
    path("<int:pk>/warnings/", BatchWarningsView.as_view(), name="batch_warnings"),
    path("<int:pk>/warnings/letter/", BatchWarningLetterView.as_view(), name="batch_warning_letter"),
    path("hits/", HitListView.as_view(), name="hit_list"),
    path("hits/export/", HitExportView.as_view(), name="hit_export"),
    path("addresses/", AddressListView.as_view(), name="address_list"),
    path("summary/", SummaryView.as_view(), name="summary"),
    path("summary/export/", SummaryExportView.as_view(), name="summary_export"),
    path("sources/", SourceListView.as_view(), name="source_list"),
    path("sources/add/", SourceFormView.as_view(), name="source_create"),
    path("sources/<int:pk>/edit/", SourceFormView.as_view(), name="source_update"),
    path("sources/<int:pk>/schedule/", SourceToggleView.as_view(), name="source_toggle"),
    path("sources/<int:pk>/pull/", SourcePullView.as_view(), name="source_pull"),
]
