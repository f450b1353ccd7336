"""Console pages of the units' notification settings: who receives a unit's notices, whether and how often.

The SOC sets them for any unit, an officer for their own units (another unit is a 404); auditors read the list.
A unit that never set anything gets the defaults: its focal points, each notice at once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from canhgac.constituency.models import Contact, Unit
from canhgac.constituency.ui.editing import attach_errors
from canhgac.constituency.ui.views.lists import count_of, tidy_filter_form
from canhgac.core.access import CHANGE, may
from canhgac.core.audit import snapshot
from canhgac.core.scoping import get_scoped_or_404, may_own
from canhgac.core.ui.views import ConsoleView, ScopedListView
from canhgac.notifications.filtersets import PreferenceFilterSet
from canhgac.notifications.models import UnitNotificationPreference
from canhgac.notifications.services import preference_of, save_preference
from canhgac.notifications.ui.forms import PreferenceForm


def focal_points_with_email() -> QuerySet:
    return Contact.objects.filter(focal_point=True).exclude(email="")


class PreferenceListView(ScopedListView):
    """One row per unit the user may see, with its settings (or the defaults)."""

    model = UnitNotificationPreference  # type: ignore[misc]
    filterset_class = PreferenceFilterSet
    template_name = "notifications/preference_list.html"
    page_title = gettext_lazy("Notification settings")
    sortable: ClassVar[dict[str, str]] = {"code": "code", "name": "name", "focal_points": "focal_point_count"}

    def base_queryset(self) -> QuerySet:
        return (Unit.objects.for_user(self.request.user).select_related("notification_preference")
                .annotate(focal_point_count=count_of(focal_points_with_email(), "unit")))

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for unit in context["object_list"]:
            unit.preference = getattr(unit, "notification_preference", None) or UnitNotificationPreference()
        context["may_edit"] = may(self.request.user, CHANGE, UnitNotificationPreference)
        return context


class PreferenceUpdateView(ConsoleView, TemplateResponseMixin, View):
    """A unit's settings form; the URL names the unit (its settings row is made on the first save)."""

    model = UnitNotificationPreference
    required_action = CHANGE
    template_name = "notifications/preference_form.html"

    def load(self, request: HttpRequest, pk: int) -> tuple[Unit, UnitNotificationPreference]:
        unit = get_scoped_or_404(Unit.objects.all(), request.user, pk=pk)
        if not may_own(request.user, unit.pk):
            raise PermissionDenied
        return unit, preference_of(unit)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit, preference = self.load(request, pk)
        return self.render(unit, PreferenceForm(instance=preference))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit, preference = self.load(request, pk)
        before = snapshot(preference) if preference.pk else None
        form = PreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            try:
                changed = save_preference(form.instance, before)
            except ValidationError as error:
                attach_errors(form, error)
            else:
                if changed:
                    messages.success(request, _("The notification settings of %(unit)s were saved.")
                                     % {"unit": unit.name})
                return redirect(unit.get_absolute_url() if request.POST.get("back") == "unit"
                                else "notifications:preference_list")
        return self.render(unit, form)

    def render(self, unit: Unit, form: PreferenceForm) -> HttpResponse:
        focal_points = Contact.objects.for_user(self.request.user).filter(unit=unit, focal_point=True)
        return self.render_to_response({"unit": unit, "form": form, "focal_points": focal_points,
                                        "back": self.request.GET.get("back") or self.request.POST.get("back", "")})
