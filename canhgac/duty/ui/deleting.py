"""Deleting a roster and removing a person from the console: a confirmation page, then the duty service (audited),
which refuses — with the reason shown on the page and as a message — what must stay on the record, as the API does.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from canhgac.constituency.ui.editing import ServiceDeleteView
from canhgac.duty.models import Assignment, DutyPerson, Roster, Shift
from canhgac.duty.services import delete_person, delete_roster, why_person_stays, why_roster_stays


class DutyDeleteView(ServiceDeleteView):
    template_name = "duty/confirm_delete.html"
    list_url_name: ClassVar[str]

    def refusal(self, obj: Any) -> str:
        raise NotImplementedError

    def remove(self, obj: Any) -> None:
        raise NotImplementedError

    def consequences(self, obj: models.Model) -> dict[str, Any]:
        return {"refusal": self.refusal(obj)}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.load()
        values = {"kind": self.kind_label(), "object": str(obj)}
        try:
            self.remove(obj)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(obj)
        messages.success(request, _("%(kind)s “%(object)s” was deleted.") % values)
        return redirect(reverse(self.list_url_name))


class RosterDeleteView(DutyDeleteView):
    model = Roster
    list_url_name = "duty:roster_list"

    def refusal(self, obj: Roster) -> str:
        return why_roster_stays(obj)

    def consequences(self, obj: models.Model) -> dict[str, Any]:
        taken = [(Shift._meta.verbose_name_plural, Shift.objects.filter(roster_id=obj.pk).count()),
                 (Assignment._meta.verbose_name_plural, Assignment.objects.filter(shift__roster_id=obj.pk).count())]
        return {**super().consequences(obj), "taken": [(label, count) for label, count in taken if count]}

    def remove(self, obj: Roster) -> None:
        delete_roster(obj)


class DutyPersonDeleteView(DutyDeleteView):
    model = DutyPerson
    list_url_name = "duty:person_list"

    def refusal(self, obj: DutyPerson) -> str:
        return why_person_stays(obj)

    def remove(self, obj: DutyPerson) -> None:
        delete_person(obj)
