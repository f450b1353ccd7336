"""Console routes of notifications: the inbox (``notice_*``), attachments, and the units' settings
(``preference_*``, by unit id)."""

from django.urls import path

from canhgac.notifications.ui import preferences, views

app_name = "notifications"
urlpatterns = [
    path("", views.NoticeListView.as_view(), name="notice_list"),
    path("<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("<int:pk>/read/", views.NoticeReadView.as_view(), name="notice_read"),
    path("<int:pk>/resend/", views.NoticeResendView.as_view(), name="notice_resend"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("settings/", preferences.PreferenceListView.as_view(), name="preference_list"),
    path("settings/<int:pk>/", preferences.PreferenceUpdateView.as_view(), name="preference_update"),
]
