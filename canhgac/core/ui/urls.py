from django.urls import path

from canhgac.core.ui import audit, jobs

app_name = "core"
urlpatterns: list = [
    path("jobs/", jobs.JobListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", jobs.JobDetailView.as_view(), name="job_detail"),
    path("jobs/<int:pk>/status/", jobs.JobStatusView.as_view(), name="job_status"),
    path("audit/", audit.AuditListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", audit.AuditDetailView.as_view(), name="audit_detail"),
]
