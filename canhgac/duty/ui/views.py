"""Console pages of duty: who is on duty now, rosters (a week of shifts at a time), people, the shift log, alerts.

Every read goes through ``for_user``: an officer sees their units' rosters, people, logs and alerts only, and
another unit's (or the SOC's own) roster is a 404 whichever page names it.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar, cast

from django.db import models
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from canhgac.constituency.ui.editing import ServiceCreateView, ServiceFormView, ServiceUpdateView
from canhgac.constituency.ui.views.lists import tidy_filter_form
from canhgac.core.access import ADD, CHANGE, DELETE, may
from canhgac.core.scoping import get_scoped_or_404, may_write
from canhgac.core.ui.views import ConsoleView, ScopedDetailView, ScopedListView
from canhgac.duty.filtersets import DutyAlertFilterSet, DutyPersonFilterSet, RosterFilterSet
from canhgac.duty.models import Assignment, DutyAlert, DutyPerson, LogEntry, Roster, Shift, SwapRequest, SwapState
from canhgac.duty.services import duty_board, save_person, save_roster, unstaffed_now
from canhgac.duty.services.staffing import CHECK_IN_EARLY, may_write_log
from canhgac.duty.ui.forms import DutyPersonForm, LogEntryForm, RosterForm

DAYS_SHOWN = 7
ALERTS_SHOWN = 50


class NowView(ConsoleView, TemplateResponseMixin, View):
    """Who is on duty now — the whole province for the SOC, an officer's units for them — with the gaps."""

    model = Roster
    template_name = "duty/now.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user, now = cast(Any, request.user), timezone.now()
        board = duty_board(Assignment.objects.for_user(user), now)
        roster_url = reverse("duty:roster_detail", kwargs={"pk": 0}).replace("/0/", "/{}/")  # one reverse a page
        for entry in board:
            entry["url"] = roster_url.format(entry["roster_id"])
        return self.render_to_response({
            "now": now, "board": board,
            "unstaffed": unstaffed_now(Shift.objects.for_user(user), now).order_by("roster__unit__code", "starts_at"),
            "alerts": open_alerts(user)[:ALERTS_SHOWN],
            "mine": Assignment.objects.filter(person__user=user, shift__ends_at__gt=now)
            .select_related("shift__roster__unit", "person").order_by("shift__starts_at")[:10],
            "may_check_in_from": now + CHECK_IN_EARLY,
            "not_checked_in": str(_("not checked in")), "soc_label": str(_("SOC")),  # once, not a lazy string a row
        })


def open_alerts(user: Any) -> QuerySet:
    return (DutyAlert.objects.for_user(user).filter(resolved_at__isnull=True)
            .select_related("shift__roster__unit").order_by("shift__starts_at", "pk"))


class RosterListView(ScopedListView):
    model = Roster  # type: ignore[misc]
    filterset_class = RosterFilterSet
    template_name = "duty/roster_list.html"
    page_title = _("Duty rosters")
    sortable: ClassVar[dict[str, str]] = {"starts": "starts_on", "name": "name", "unit": "unit__code",
                                          "ends": "ends_on"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("unit")

    def current_sort(self) -> str:
        return super().current_sort() if self.request.GET.get("sort") else "-starts"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        if may(self.request.user, ADD, Roster):
            context.update(create_url=reverse("duty:roster_create"), add_label=_("New roster"))
        return context


class DutyFormPage(ServiceFormView):
    """Create and edit pages of duty objects: the registry's form pages, writing through this app's services."""

    template_name = "constituency/form.html"
    list_url_name: ClassVar[str]

    def show(self, form: Any) -> HttpResponse:
        cancel = resolve_url(self.object) if self.object is not None else reverse(self.list_url_name)
        return self.render_to_response({"form": form, "object": self.object, "model_meta": self.model._meta,
                                        "cancel_url": cancel, "view": self})


class RosterWriting(DutyFormPage):
    model: ClassVar[type[models.Model]] = Roster
    form_class = RosterForm
    list_url_name = "duty:roster_list"

    def write(self, form: Any, before: dict[str, Any] | None) -> bool:
        save_roster(form.instance, before)
        return True


class RosterCreateView(ServiceCreateView, RosterWriting):
    pass


class RosterUpdateView(ServiceUpdateView, RosterWriting):
    pass


class RosterDetailView(ScopedDetailView):
    """A week of the roster's shifts with their people, check-ins and pending swaps; ``?day=`` moves the week."""

    model = Roster  # type: ignore[misc]
    template_name = "duty/roster_detail.html"
    context_object_name = "roster"

    def get_object(self, queryset: QuerySet | None = None) -> Any:
        return super().get_object(Roster.objects.select_related("unit"))

    def first_day(self, roster: Roster) -> datetime.date:
        """``?day=`` if it is a date, else the roster day running now (a night shift after midnight belongs to the
        day before), kept within the period."""
        try:
            wanted = parse_date(self.request.GET.get("day", "")[:10])
        except ValueError:  # well formed but no such day, e.g. 2026-02-30
            wanted = None
        start = roster.day_starts_at
        today = (timezone.localtime() - datetime.timedelta(hours=start.hour, minutes=start.minute)).date()
        day = wanted or (today if roster.starts_on <= today <= roster.ends_on else roster.starts_on)
        return min(max(day, roster.starts_on), roster.ends_on)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        roster, user, now = self.object, self.request.user, timezone.now()
        first = self.first_day(roster)
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(first, roster.day_starts_at, tzinfo=zone)
        shifts = list(roster.shifts.filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(
            days=DAYS_SHOWN)).prefetch_related(Prefetch(
                "assignments", Assignment.objects.select_related("person").prefetch_related(Prefetch(
                    "swaps_offered", SwapRequest.objects.filter(state=SwapState.PENDING).select_related("taker"),
                    to_attr="pending_swaps")))))
        may_edit = may_write(user, CHANGE, roster)
        people = list(DutyPerson.objects.filter(unit=roster.unit, active=True)) if may_edit else []
        for shift in shifts:
            shift.running = shift.starts_at <= now < shift.ends_at
            shift.check_in_open = shift.starts_at - CHECK_IN_EARLY <= now < shift.ends_at
            for assignment in shift.assignments.all():
                assignment.check_in_open = shift.check_in_open and (may_edit or assignment.person.user_id == user.pk)
        context.update(
            shifts=shifts, people=people, may_edit=may_edit, now=now, first_day=first,
            may_delete=may_write(user, DELETE, roster),
            shift_count=roster.shifts.count(),
            previous_day=first - datetime.timedelta(days=DAYS_SHOWN) if first > roster.starts_on else None,
            next_day=first + datetime.timedelta(days=DAYS_SHOWN)
            if first + datetime.timedelta(days=DAYS_SHOWN) <= roster.ends_on else None,
            alerts=open_alerts(user).filter(shift__roster=roster),
            log=LogEntry.objects.filter(roster=roster).select_related("author", "shift")[:5],
        )
        return context


class RosterLogView(ConsoleView, TemplateResponseMixin, View):
    """The shift log (sổ trực) of a roster: newest first; those keeping the roster or on it write entries."""

    model = Roster
    template_name = "duty/roster_log.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        roster = get_scoped_or_404(Roster.objects.select_related("unit"), request.user, pk=pk)
        return self.show(roster, LogEntryForm())

    def show(self, roster: Roster, form: Any) -> HttpResponse:
        entries = LogEntry.objects.filter(roster=roster).select_related("author", "shift")[:500]
        return self.render_to_response({"roster": roster, "entries": entries, "form": form,
                                        "may_write": may_write_log(self.request.user, roster)})


class DutyPersonListView(ScopedListView):
    model = DutyPerson  # type: ignore[misc]
    filterset_class = DutyPersonFilterSet
    template_name = "duty/person_list.html"
    page_title = _("People on duty")
    sortable: ClassVar[dict[str, str]] = {"name": "name", "unit": "unit__code", "phone": "phone"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("unit", "user")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        if may(self.request.user, ADD, DutyPerson):
            context.update(create_url=reverse("duty:person_create"), add_label=_("New person"))
        return context


class PersonWriting(DutyFormPage):
    model: ClassVar[type[models.Model]] = DutyPerson
    form_class = DutyPersonForm
    list_url_name = "duty:person_list"

    def write(self, form: Any, before: dict[str, Any] | None) -> bool:
        save_person(form.instance, before)
        return True


class DutyPersonCreateView(ServiceCreateView, PersonWriting):
    pass


class DutyPersonUpdateView(ServiceUpdateView, PersonWriting):
    pass


class DutyPersonDetailView(ScopedDetailView):
    model = DutyPerson  # type: ignore[misc]
    template_name = "duty/person_detail.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **person_context(self.request.user, self.object)}


def person_context(user: Any, person: DutyPerson, feed_url: str | None = None) -> dict[str, Any]:
    return {
        "person": person,
        "coming": Assignment.objects.filter(person=person, shift__ends_at__gt=timezone.now())
        .select_related("shift__roster").order_by("shift__starts_at")[:30],
        "may_edit": may_write(user, CHANGE, person),
        "may_delete": may_write(user, DELETE, person),
        "may_rotate": may_write(user, CHANGE, person) or person.user_id == user.pk,
        "feed_url": feed_url,
    }


class DutyAlertListView(ScopedListView):
    model = DutyAlert  # type: ignore[misc]
    filterset_class = DutyAlertFilterSet
    template_name = "duty/alert_list.html"
    page_title = _("Duty alerts")
    sortable: ClassVar[dict[str, str]] = {"raised": "raised_at", "shift": "shift__starts_at",
                                          "unit": "shift__roster__unit__code", "kind": "kind"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("shift__roster__unit")

    def current_sort(self) -> str:
        return super().current_sort() if self.request.GET.get("sort") else "-raised"

