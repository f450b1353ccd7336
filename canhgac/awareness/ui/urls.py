"""Console routes of awareness: ``awareness:bulletin_*``, ``awareness:quiz_answer``, the files."""

from django.urls import path

from canhgac.awareness.ui import views

app_name = "awareness"
urlpatterns = [
    path("", views.BulletinListView.as_view(), name="bulletin_list"),
    path("new/", views.BulletinCreateView.as_view(), name="bulletin_create"),
    path("<int:pk>/", views.BulletinDetailView.as_view(), name="bulletin_detail"),
    path("<int:pk>/edit/", views.BulletinUpdateView.as_view(), name="bulletin_update"),
    path("<int:pk>/publish/", views.BulletinPublishView.as_view(), name="bulletin_publish"),
    path("<int:pk>/quiz/", views.QuizAnswerView.as_view(), name="quiz_answer"),
    path("files/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
]
