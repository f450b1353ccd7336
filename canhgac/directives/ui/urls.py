"""Console routes of directives: ``directives:directive_*`` (the SOC's), ``recipient_*``, ``report_update`` and
``evidence_download`` (a unit's copies)."""

from django.urls import path

from canhgac.directives.ui import copies, views

app_name = "directives"
urlpatterns = [
    path("", views.DirectiveListView.as_view(), name="directive_list"),
    path("new/", views.DirectiveCreateView.as_view(), name="directive_create"),
    path("<int:pk>/", views.DirectiveDetailView.as_view(), name="directive_detail"),
    path("<int:pk>/edit/", views.DirectiveUpdateView.as_view(), name="directive_update"),
    path("<int:pk>/send/", views.DirectiveDistributeView.as_view(), name="directive_distribute"),
    path("<int:pk>/letter/", views.DirectiveLetterView.as_view(), name="directive_letter"),
    path("<int:pk>/matrix/", views.DirectiveMatrixView.as_view(), name="directive_matrix"),
    path("<int:pk>/export/", views.DirectiveExportView.as_view(), name="directive_export"),
    path("received/", copies.RecipientListView.as_view(), name="recipient_list"),
    path("received/<int:pk>/", copies.RecipientDetailView.as_view(), name="recipient_detail"),
    path("received/<int:pk>/acknowledge/", copies.RecipientAcknowledgeView.as_view(), name="recipient_acknowledge"),
    path("received/<int:pk>/letter/", copies.RecipientLetterView.as_view(), name="recipient_letter"),
    path("reports/<int:pk>/", copies.ReportUpdateView.as_view(), name="report_update"),
    path("evidence/<int:pk>/", copies.EvidenceDownloadView.as_view(), name="evidence_download"),
]
