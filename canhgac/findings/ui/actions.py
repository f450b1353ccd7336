"""What the findings console writes or downloads: a step of one finding, the SOC's bulk step, the export.

Each calls the findings services (or :mod:`canhgac.findings.jobs` for bulk steps) as the signed-in user; the
services check the workflow, the role and the unit again, so these views only translate their answers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from canhgac.core.access import CHANGE, VIEW
from canhgac.core.ui.views import ConsoleView
from canhgac.findings import exporting
from canhgac.findings.jobs import BulkReport, bulk_transition, may_bulk
from canhgac.findings.models import Finding, FindingState
from canhgac.findings.services import transition_finding
from canhgac.findings.ui.forms import BulkTransitionForm, TransitionForm
from canhgac.findings.ui.views import FindingConsoleFilterSet, FindingDetailView

REFUSALS_SHOWN = 5


class FindingTransitionView(FindingDetailView):
    """The step is taken, or the finding's page is shown again with the form and why it was refused. A GET (the
    page reloaded after a refusal) goes to the finding's page."""

    required_action = CHANGE

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("findings:finding_detail", pk=self.get_object().pk)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.object = finding = self.get_object()
        form = TransitionForm(request.user, finding.state, request.POST)
        if form.is_valid():
            try:
                transition_finding(finding, form.cleaned_data["state"], user=request.user,
                                   note=form.cleaned_data["note"])
            except ValidationError as refusal:
                form.add_error(None, " ".join(refusal.messages))
            else:
                messages.success(request, _("The finding is now %(state)s.")
                                 % {"state": FindingState(finding.state).label})
                return redirect("findings:finding_detail", pk=finding.pk)
        return self.render_to_response(self.get_context_data(form=form))


class FindingBulkTransitionView(ConsoleView, View):
    """The SOC's bulk step from the list page; the answer comes back to the list (or the job's page)."""

    model = Finding
    http_method_names = ["post"]

    def is_allowed(self, user: Any) -> bool:
        return may_bulk(user)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = BulkTransitionForm(request.POST)
        back = reverse("findings:finding_list") + f"?{form.data.get('query', '')}".rstrip("?")
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
            return redirect(back)
        data = form.cleaned_data
        selection: dict[str, Any] = {"ids": form.ids} if data["scope"] == form.SELECTED else {
            "filters": _filters(data["query"])}
        try:
            report = bulk_transition(request.user, data["state"], data["note"], **selection)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect(back)
        if report.job is not None:
            messages.info(request, _("%(count)d findings are being moved in the background: this job reports how "
                                     "it goes.") % {"count": len(report.job.params["ids"])})
            return redirect("core:job_detail", pk=report.job.pk)
        announce(request, report, unreadable=form.bad_ids)
        return redirect(back)


def _filters(query: str) -> dict[str, Any]:
    data = QueryDict(query)
    return {key: data.get(key) for key in data if key in FindingConsoleFilterSet.base_filters}


def announce(request: HttpRequest, report: BulkReport, unreadable: int = 0) -> None:
    """The outcome of a bulk step as messages: how many moved, which were refused and why, which were not found."""
    state = FindingState(report.state).label
    if report.done:
        messages.success(request, ngettext("%(count)d finding moved to %(state)s.",
                                           "%(count)d findings moved to %(state)s.", report.done)
                         % {"count": report.done, "state": state})
    if report.refused_count:
        reasons = "; ".join(f"#{pk}: {reason}" for pk, reason in report.refused[:REFUSALS_SHOWN])
        messages.warning(request, ngettext("%(count)d finding was not moved: %(reasons)s",
                                           "%(count)d findings were not moved: %(reasons)s", report.refused_count)
                         % {"count": report.refused_count, "reasons": reasons})
    missing = len(report.not_found) + unreadable
    if missing:
        messages.warning(request, ngettext(
            "%(count)d selected finding was not found (deleted, or not yours to see); it was not moved.",
            "%(count)d selected findings were not found (deleted, or not yours to see); they were not moved.",
            missing) % {"count": missing})
    if not (report.done or report.refused_count or missing):
        messages.info(request, _("No finding matches: nothing was moved."))


class FindingExportView(ConsoleView, View):
    """The list as filtered (and as the user may see it) in a file; a filter that is not valid is refused rather
    than widened to everything."""

    model = Finding
    required_action = VIEW

    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = request.GET.get("format", "csv")
        if fmt not in exporting.FORMATS:
            return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
        filterset = FindingConsoleFilterSet(request.GET, queryset=Finding.objects.for_user(request.user))
        if not filterset.is_valid():
            return HttpResponseBadRequest(_("The filter is not valid; correct it on the list page."))
        queryset = filterset.qs.order_by("priority", "due_on", "pk")
        filename = exporting.export_filename(fmt)
        if fmt == "csv":
            response: HttpResponseBase = StreamingHttpResponse(exporting.csv_chunks(queryset),
                                                           content_type=exporting.CONTENT_TYPES[fmt])
        else:
            response = HttpResponse(exporting.xlsx_bytes(queryset), content_type=exporting.CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
