"""What the duty console writes: shifts generated, people put on or taken off shifts, check-ins, swaps, log lines,
calendar links — and the calendar feed itself.

Each view loads its object through the scoping (another unit's is a 404) and calls the duty services as the
signed-in user; the services check again who may act, so these views only translate refusals into messages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from canhgac.core.access import ADD, CHANGE, DELETE
from canhgac.core.scoping import get_scoped_or_404
from canhgac.core.ui.views import ConsoleView
from canhgac.duty.ical import person_calendar
from canhgac.duty.models import Assignment, DutyPerson, Roster, Shift, SwapRequest
from canhgac.duty.services import (
    add_log_entry,
    answer_swap,
    assign_person,
    cancel_swap,
    check_in,
    generate_shifts,
    person_for_feed_token,
    request_swap,
    rotate_feed_token,
    unassign,
)
from canhgac.duty.services.staffing import may_write_log
from canhgac.duty.ui.forms import AssignForm, LogEntryForm, SwapForm
from canhgac.duty.ui.views import RosterLogView, person_context

SWAP_CHOICES = 200


def refused(request: HttpRequest, error: Exception) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)


def back_to(shift: Shift) -> str:
    day = f"{shift.starts_at.astimezone():%Y-%m-%d}"
    return reverse("duty:roster_detail", kwargs={"pk": shift.roster_id}) + "?" + urlencode({"day": day})


class RosterGenerateView(ConsoleView, View):
    model = Roster
    required_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        roster = get_scoped_or_404(Roster.objects.all(), request.user, pk=pk)
        try:
            report = generate_shifts(roster)
        except ValidationError as error:
            refused(request, error)
        else:
            messages.success(request, _("Shifts: %(created)d created, %(removed)d removed, %(kept)d kept.")
                             % {"created": report.created, "removed": report.removed, "kept": report.kept})
        return redirect(roster)


class ShiftAssignView(ConsoleView, View):
    model = Assignment
    required_action = ADD
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        shift = get_scoped_or_404(Shift.objects.select_related("roster"), request.user, pk=pk)
        people = DutyPerson.objects.for_user(request.user).filter(unit=shift.roster.unit)
        form = AssignForm(people, request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a person of the roster's unit."))
            return redirect(back_to(shift))
        try:
            assignment = assign_person(request.user, shift, form.cleaned_data["person"])
        except (ValidationError, PermissionDenied) as error:
            refused(request, error)
        else:
            messages.success(request, _("%(person)s is on the shift.") % {"person": assignment.person})
        return redirect(back_to(shift))


class AssignmentView(ConsoleView, View):
    model = Assignment
    http_method_names = ["post"]

    def load(self) -> Assignment:
        return get_scoped_or_404(Assignment.objects.select_related("shift__roster", "person"), self.request.user,
                                 pk=self.kwargs["pk"])


class AssignmentRemoveView(AssignmentView):
    required_action = DELETE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = self.load()
        try:
            unassign(request.user, assignment)
        except (ValidationError, PermissionDenied) as error:
            refused(request, error)
        else:
            messages.success(request, _("%(person)s is off the shift.") % {"person": assignment.person})
        return redirect(back_to(assignment.shift))


class AssignmentCheckInView(AssignmentView):
    """The person checks in (or whoever keeps the roster does, on their word by phone)."""

    required_action = CHANGE  # the service then checks it is the person on duty or someone keeping the roster

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = self.load()
        try:
            check_in(request.user, assignment)
        except (ValidationError, PermissionDenied) as error:
            refused(request, error)
        else:
            messages.success(request, _("%(person)s checked in.") % {"person": assignment.person})
        return redirect(reverse("duty:now") if request.POST.get("next") == "now" else back_to(assignment.shift))


class SwapRequestView(ConsoleView, TemplateResponseMixin, View):
    """Offer one's shift to a colleague of the same unit, optionally for one of theirs."""

    model = SwapRequest
    required_action = ADD  # the service then checks it is the person on the shift or someone keeping the roster
    template_name = "duty/swap_form.html"

    def load(self) -> Assignment:
        return get_scoped_or_404(Assignment.objects.select_related("shift__roster", "person"), self.request.user,
                                 pk=self.kwargs["pk"])

    def form(self, assignment: Assignment, data: Any = None) -> SwapForm:
        unit = assignment.shift.roster.unit
        people = DutyPerson.objects.for_user(self.request.user).filter(unit=unit, active=True).exclude(
            pk=assignment.person_id)
        coming = Assignment.objects.for_user(self.request.user).filter(
            shift__roster__unit=unit, shift__starts_at__gt=timezone.now()).exclude(person=assignment.person_id)
        ids = list(coming.order_by("shift__starts_at").values_list("pk", flat=True)[:SWAP_CHOICES])
        return SwapForm(people, Assignment.objects.filter(pk__in=ids).select_related("shift", "person"), data)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = self.load()
        return self.render_to_response({"assignment": assignment, "form": self.form(assignment)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        assignment = self.load()
        form = self.form(assignment, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                request_swap(request.user, assignment, data["taker"], data["wanted"], data["note"])
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("The swap was asked of %(person)s.") % {"person": data["taker"]})
                return redirect(back_to(assignment.shift))
        return self.render_to_response({"assignment": assignment, "form": form})


class SwapAnswerView(ConsoleView, View):
    """Accept, decline (the taker or the roster's keepers) or cancel (the asker) a pending swap."""

    model = SwapRequest
    required_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        swap = get_scoped_or_404(SwapRequest.objects.select_related("offered__shift__roster", "offered__person",
                                                                    "taker"), request.user, pk=pk)
        answer = request.POST.get("answer", "")
        try:
            if answer == "cancel":
                cancel_swap(request.user, swap)
            elif answer in ("accept", "decline"):
                answer_swap(request.user, swap, accept=answer == "accept")
            else:
                raise ValidationError(_("Answer accept, decline or cancel."))
        except (ValidationError, PermissionDenied) as error:
            refused(request, error)
        else:
            messages.success(request, _("The swap is answered."))
        return redirect(back_to(swap.offered.shift))


class RosterLogWriteView(RosterLogView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        roster = get_scoped_or_404(Roster.objects.select_related("unit"), request.user, pk=pk)
        if not may_write_log(request.user, roster):
            raise PermissionDenied
        form = LogEntryForm(request.POST)
        if form.is_valid():
            try:
                add_log_entry(request.user, roster, form.cleaned_data["text"], form.cleaned_data["kind"])
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                messages.success(request, _("The entry is in the log."))
                return redirect("duty:roster_log", pk=roster.pk)
        return self.show(roster, form)


class PersonRotateFeedView(ConsoleView, TemplateResponseMixin, View):
    """A new calendar link (the old one stops working); shown on this answer only, never stored in clear."""

    model = DutyPerson
    template_name = "duty/person_detail.html"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_scoped_or_404(DutyPerson.objects.select_related("unit", "user"), request.user, pk=pk)
        if not person_context(request.user, person)["may_rotate"]:
            raise PermissionDenied
        raw = rotate_feed_token(person)
        feed_url = request.build_absolute_uri(reverse("duty:feed", kwargs={"token": raw}))
        return self.render_to_response(person_context(request.user, person, feed_url))


class FeedView(View):
    """The calendar of the person whose secret link this is; an unknown or rotated link is a 404."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        person = person_for_feed_token(token)
        if person is None:
            raise Http404
        response = HttpResponse(person_calendar(person), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="duty.ics"'
        response["Cache-Control"] = "private, max-age=300"
        response["X-Robots-Tag"] = "noindex"
        return response

