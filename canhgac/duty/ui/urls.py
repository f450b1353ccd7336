"""Console routes of duty: ``duty:now``, ``duty:roster_*``, ``duty:shift_assign``, ``duty:assignment_*``,
``duty:swap_*``, ``duty:person_*`` (``*_delete``: deleting.py), ``duty:alert_list`` and the calendar
``duty:feed`` (secret link, no login)."""

from django.urls import path

from canhgac.duty.ui import actions, deleting, views

app_name = "duty"
urlpatterns = [
    path("", views.NowView.as_view(), name="now"),
    path("rosters/", views.RosterListView.as_view(), name="roster_list"),
    path("rosters/new/", views.RosterCreateView.as_view(), name="roster_create"),
    path("rosters/<int:pk>/", views.RosterDetailView.as_view(), name="roster_detail"),
    path("rosters/<int:pk>/edit/", views.RosterUpdateView.as_view(), name="roster_update"),
    path("rosters/<int:pk>/delete/", deleting.RosterDeleteView.as_view(), name="roster_delete"),
    path("rosters/<int:pk>/generate/", actions.RosterGenerateView.as_view(), name="roster_generate"),
    path("rosters/<int:pk>/log/", actions.RosterLogWriteView.as_view(), name="roster_log"),
    path("shifts/<int:pk>/assign/", actions.ShiftAssignView.as_view(), name="shift_assign"),
    path("assignments/<int:pk>/remove/", actions.AssignmentRemoveView.as_view(), name="assignment_remove"),
    path("assignments/<int:pk>/check-in/", actions.AssignmentCheckInView.as_view(), name="assignment_checkin"),
    path("assignments/<int:pk>/swap/", actions.SwapRequestView.as_view(), name="swap_request"),
    path("swaps/<int:pk>/answer/", actions.SwapAnswerView.as_view(), name="swap_answer"),
    path("people/", views.DutyPersonListView.as_view(), name="person_list"),
    path("people/new/", views.DutyPersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views.DutyPersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.DutyPersonUpdateView.as_view(), name="person_update"),
    path("people/<int:pk>/delete/", deleting.DutyPersonDeleteView.as_view(), name="person_delete"),
    path("people/<int:pk>/calendar-link/", actions.PersonRotateFeedView.as_view(), name="person_rotate_feed"),
    path("alerts/", views.DutyAlertListView.as_view(), name="alert_list"),
    path("feed/<str:token>.ics", actions.FeedView.as_view(), name="feed"),
]
