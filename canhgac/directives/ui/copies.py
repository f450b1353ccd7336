"""A unit's pages of its copies: the list, one copy (the directive's text, the letter, receipt, a report form per
task with its evidence), and what they post. Officers reach only their units' copies (``Recipient.for_user``);
another unit's copy, report or evidence is a 404 whichever route names it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from canhgac.advisories.querysets import concerns, progress_of
from canhgac.constituency.querysets import subtree_of
from canhgac.core.access import CHANGE
from canhgac.core.scoping import get_scoped_or_404, may_write
from canhgac.core.ui.views import ConsoleView, ScopedDetailView, ScopedListView
from canhgac.directives.filtersets import RecipientFilterSet
from canhgac.directives.models import Evidence, Recipient, TaskReport
from canhgac.directives.querysets import with_progress
from canhgac.directives.services import acknowledge, add_evidence, report_task
from canhgac.directives.services.reporting import EVIDENCE_MAX_BYTES
from canhgac.directives.ui.forms import ReportForm, advisory_label
from canhgac.directives.ui.views import letter_response
from canhgac.directives.wording import task_texts

EVIDENCE_READ_LIMIT = EVIDENCE_MAX_BYTES + 1
"""One byte past the limit is enough to know a file is too big; the rest is never read."""


class RecipientListView(ScopedListView):
    model = Recipient  # type: ignore[misc]
    filterset_class = RecipientFilterSet
    template_name = "directives/recipient_list.html"
    page_title = gettext_lazy("Received directives")
    sortable: ClassVar[dict[str, str]] = {"deadline": "directive__report_deadline", "unit": "unit__code",
                                          "received": "created_at"}

    def base_queryset(self) -> QuerySet:
        return with_progress(super().base_queryset().select_related("unit", "directive"))

    def ordering_fields(self) -> list[str]:
        fields = super().ordering_fields()
        return fields if self.request.GET.get("sort") else ["-directive__report_deadline", "unit__code", "pk"]


class RecipientDetailView(ScopedDetailView):
    model = Recipient  # type: ignore[misc]
    template_name = "directives/recipient_detail.html"
    context_object_name = "copy"

    def get_object(self, queryset: QuerySet | None = None) -> Any:
        return super().get_object(Recipient.objects.select_related("unit", "directive", "acknowledged_by"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        copy, user = self.object, self.request.user
        reports = list(TaskReport.objects.filter(recipient=copy).select_related("task__group", "reported_by")
                       .prefetch_related("evidence").order_by("task__group__position", "task__position"))
        texts = dict((task.pk, text) for task, text in task_texts([report.task for report in reports],
                                                                  copy.directive))
        may_report = may_write(user, CHANGE, copy)
        forms = kwargs.get("forms", {})
        context.update(
            rows=[{"report": report, "text": texts[report.task_id],
                   "form": forms.get(report.pk) or (ReportForm(prefix=f"r{report.pk}", initial={
                       "state": report.state if report.state != "pending" else "", "note": report.note})
                       if may_report else None)} for report in reports],
            may_report=may_report, is_past_deadline=copy.directive.is_past_deadline(),
            contacts=copy.directive.contacts.order_by("organisation", "name"),
            pending=sum(report.state == "pending" for report in reports),
            warnings=warning_progress(copy, user))
        return context


def warning_progress(copy: Recipient, user: Any) -> list[dict[str, Any]]:
    """Per warning the directive names: the findings of the copy's unit and its sub-units, open, overdue and fixed
    (the advisories console's counts, read within what ``user`` may see), and whether ``user`` may open the
    warning's page."""
    subtree = subtree_of(copy.unit)
    rows = []
    for advisory in copy.directive.advisories.order_by(F("reference_date").desc(nulls_last=True), "-pk"):
        mine = [row for row in progress_of(advisory, user).units if row.unit.pk in subtree]
        rows.append({"advisory": advisory, "label": advisory_label(advisory),
                     "open": sum(row.open for row in mine), "overdue": sum(row.overdue for row in mine),
                     "fixed": sum(row.fixed for row in mine), "may_open": concerns(advisory, user)})
    return rows


class RecipientAcknowledgeView(ConsoleView, View):
    model = Recipient
    required_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        copy = get_scoped_or_404(Recipient.objects.all(), request.user, pk=pk)
        try:
            if acknowledge(copy, request.user):
                messages.success(request, _("Receipt acknowledged."))
        except PermissionDenied as refusal:
            messages.error(request, str(refusal))
        return redirect("directives:recipient_detail", pk=pk)


class RecipientLetterView(ConsoleView, View):
    model = Recipient

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        copy = get_scoped_or_404(Recipient.objects.select_related("directive"), request.user, pk=pk)
        return letter_response(copy.directive, request.GET.get("format", "docx"))


class ReportUpdateView(RecipientDetailView):
    """A report on one task, with an optional evidence file; refused input shows the copy again with the reason."""

    required_action = CHANGE
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        report = get_scoped_or_404(TaskReport.objects.all(), request.user, pk=kwargs["pk"])
        return redirect("directives:recipient_detail", pk=report.recipient_id)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = get_scoped_or_404(TaskReport.objects.select_related("recipient__directive"), request.user, pk=pk)
        form = ReportForm(request.POST, request.FILES, prefix=f"r{report.pk}")
        if form.is_valid() and self.write(request, report, form):
            messages.success(request, _("Report saved."))
            return redirect(f"{report.recipient.get_absolute_url()}#task-{report.pk}")
        self.kwargs = {"pk": report.recipient_id}
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(forms={report.pk: form}))

    def write(self, request: HttpRequest, report: TaskReport, form: ReportForm) -> bool:
        upload = form.cleaned_data.get("file")
        try:
            with transaction.atomic():
                report_task(report, request.user, form.cleaned_data["state"], form.cleaned_data["note"])
                if upload is not None:
                    add_evidence(report, request.user, upload.name, upload.read(EVIDENCE_READ_LIMIT))
        except ValidationError as refusal:
            for field, problems in refusal.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            return False
        except PermissionDenied as refusal:
            form.add_error(None, str(refusal))
            return False
        return True


class EvidenceDownloadView(ConsoleView, View):
    model = Evidence

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        evidence = get_scoped_or_404(Evidence.objects.all(), request.user, pk=pk)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError as error:
            raise Http404(_("The file is missing from the server's storage.")) from error
        response = FileResponse(handle, content_type="application/octet-stream")
        response["Content-Disposition"] = content_disposition_header(True, evidence.name)
        return response

