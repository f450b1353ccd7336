"""The operator's own data (name, letterhead, response team): shown to SOC staff and auditors, edited by
administrators only (``Operator.scope``: officers may not view it, only administrators write it).

There is one row, set by ``canhgac init`` from the deployment's data; if it is missing, the first save creates it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from canhgac.constituency.models import Operator
from canhgac.constituency.services import save_object
from canhgac.core.access import CHANGE, may
from canhgac.core.audit import snapshot
from canhgac.core.ui.forms import ConsoleModelForm
from canhgac.core.ui.views import ConsoleView


class OperatorForm(ConsoleModelForm):
    class Meta:
        model = Operator
        fields = ["governing_body", "name", "abbreviation", "province", "place", "address", "phone", "email",
                  "website", "soc_team_name", "signer_authority", "signer_title", "signer_name"]


def current_operator() -> Operator | None:
    return Operator.objects.order_by("pk").first()


class OperatorDetailView(ConsoleView, View):
    model = Operator

    def get(self, request: HttpRequest) -> HttpResponse:
        operator = current_operator()
        form = OperatorForm(instance=operator)  # only for the field labels, in the model's order
        fields = [(form[name].label, getattr(operator, name, "")) for name in OperatorForm.Meta.fields]
        return render(request, "constituency/operator_detail.html",
                      {"operator": operator, "fields": fields, "may_edit": may(request.user, CHANGE, Operator)})


class OperatorUpdateView(ConsoleView, View):
    model = Operator
    required_action = CHANGE

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, OperatorForm(instance=current_operator()))

    def post(self, request: HttpRequest) -> HttpResponse:
        operator = current_operator() or Operator()
        before = None if operator.pk is None else snapshot(operator)
        form = OperatorForm(request.POST, instance=operator)
        if form.is_valid():
            try:
                save_object(form.instance, before)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The operator's data is saved."))
                return HttpResponseRedirect(reverse("constituency:operator_detail"))
        return self.page(request, form)

    def page(self, request: HttpRequest, form: OperatorForm) -> HttpResponse:
        return render(request, "constituency/operator_form.html", {"form": form})

