"""The SOC's directive pages: the list, writing one (from a template or from scratch), its page with the letter
and the sending, the matrix of units × tasks, and the summary exports.

Directives are read through ``Directive.objects.for_user`` (officers may not read them: they work on their copies,
:mod:`canhgac.directives.ui.copies`); every write goes through the services.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from canhgac.core.access import ADD, CHANGE, may
from canhgac.core.scoping import get_scoped_or_404
from canhgac.core.ui.forms import style_widgets
from canhgac.core.ui.views import ConsoleView, ScopedDetailView, ScopedListView
from canhgac.directives import exporting
from canhgac.directives.filtersets import DirectiveFilterSet, RecipientFilterSet
from canhgac.directives.jobs import sending_is_stuck, start_distribution
from canhgac.directives.models import Directive, DirectiveState, ReportState, TaskReport
from canhgac.directives.planning import format_plan, preset_choices
from canhgac.directives.querysets import copies_of, states_by_copy, summary, tasks_of
from canhgac.directives.services import create_directive, groups_of, preset_fields, update_directive
from canhgac.directives.services.distributing import DOCX_TYPE, file_stem
from canhgac.directives.ui.forms import DirectiveForm, TemplateChoiceForm
from canhgac.directives.wording import letter_content, task_texts
from canhgac.letters.converting import ConversionError, to_pdf
from canhgac.letters.rendering import render_letter

MATRIX_PAGE = 100


class DirectiveListView(ScopedListView):
    model = Directive  # type: ignore[misc]
    filterset_class = DirectiveFilterSet
    template_name = "directives/directive_list.html"
    page_title = gettext_lazy("Directives")
    sortable: ClassVar[dict[str, str]] = {"issued": "issued_on", "number": "number", "deadline": "report_deadline",
                                          "state": "state"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().annotate(
            unit_count=Count("recipients", distinct=True),
            acknowledged=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True))

    def ordering_fields(self) -> list[str]:
        fields = super().ordering_fields()
        return fields if self.request.GET.get("sort") else ["-issued_on", "-pk"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if may(self.request.user, ADD, Directive):
            context.update(create_url="new/", add_label=_("New directive"))
        return context


class DirectiveFormMixin(ConsoleView):
    model = Directive
    template_name = "directives/directive_form.html"

    def render_form(self, request: HttpRequest, form: DirectiveForm, **extra: Any) -> HttpResponse:
        return render(request, self.template_name, {"form": form, **extra})

    def save(self, request: HttpRequest, form: DirectiveForm, directive: Directive | None) -> HttpResponse:
        contacts = [contact.pk for contact in form.cleaned_data["contact_ids"]]
        advisories = [advisory.pk for advisory in form.cleaned_data["advisory_ids"]]
        try:
            if directive is None:
                directive = create_directive(request.user, form.values(), form.groups, contacts, advisories)
            else:
                update_directive(request.user, directive, form.values(), form.groups, contacts, advisories)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
            return self.render_form(request, form, directive=directive)
        messages.success(request, _("The directive is saved as a draft: read its letter, then send it."))
        return redirect("directives:directive_detail", pk=directive.pk)


class DirectiveCreateView(DirectiveFormMixin, View):
    required_action = ADD

    def get(self, request: HttpRequest) -> HttpResponse:
        chooser = TemplateChoiceForm(preset_choices(), request.GET or None)
        initial: dict[str, Any] = {}
        name = request.GET.get("template", "")
        if name and chooser.is_valid():
            fields = preset_fields(name)
            initial = {**fields, "plan": format_plan(fields.pop("groups")), "contact_ids": fields.pop("contacts")}
        return self.render_form(request, DirectiveForm(initial=initial), chooser=chooser)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DirectiveForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, chooser=TemplateChoiceForm(preset_choices()))
        return self.save(request, form, None)


class DirectiveUpdateView(DirectiveFormMixin, View):
    required_action = CHANGE

    def directive(self, request: HttpRequest, pk: int) -> Directive:
        return get_scoped_or_404(Directive.objects.all(), request.user, pk=pk)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = self.directive(request, pk)
        if directive.state != DirectiveState.DRAFT:
            messages.warning(request, _("The directive was sent: what the units received can no longer change."))
            return redirect("directives:directive_detail", pk=pk)
        initial = {"plan": format_plan(groups_of(directive)),
                   "contact_ids": list(directive.contacts.values_list("pk", flat=True)),
                   "advisory_ids": list(directive.advisories.values_list("pk", flat=True))}
        return self.render_form(request, DirectiveForm(instance=directive, initial=initial), directive=directive)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = self.directive(request, pk)
        form = DirectiveForm(request.POST, instance=Directive.objects.get(pk=directive.pk))
        if not form.is_valid():
            return self.render_form(request, form, directive=directive)
        return self.save(request, form, directive)


class DirectiveDetailView(ScopedDetailView):
    model = Directive  # type: ignore[misc]
    template_name = "directives/directive_detail.html"
    context_object_name = "directive"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        directive, user = self.object, self.request.user
        tasks = tasks_of(directive)
        context.update(
            tasks=task_texts(tasks, directive), groups=directive.groups.prefetch_related("units"),
            contacts=directive.contacts.order_by("organisation", "name"),
            summary=summary(directive, user) if directive.state != DirectiveState.DRAFT else None,
            may_change=may(user, CHANGE, Directive), is_draft=directive.state == DirectiveState.DRAFT,
            stuck=sending_is_stuck(directive))
        return context


class DirectiveDistributeView(ConsoleView, View):
    model = Directive
    required_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = get_scoped_or_404(Directive.objects.all(), request.user, pk=pk)
        try:
            job = start_distribution(directive, request.user)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
            return redirect("directives:directive_detail", pk=pk)
        messages.info(request, _("The directive is being sent in the background: this job reports how it goes."))
        return redirect("core:job_detail", pk=job.pk)


def letter_response(directive: Directive, fmt: str) -> HttpResponse:
    """The letter as sent (kept with the directive) or, for a draft, as it would be sent now."""
    if fmt not in ("docx", "pdf"):
        return HttpResponseBadRequest(_("Choose the format docx or pdf."))
    sent = bytes(directive.letter_docx)
    docx = sent or render_letter(letter_content(directive))
    pdf = bytes(directive.letter_pdf) if sent else b""
    if fmt == "pdf" and not pdf:
        try:
            pdf = to_pdf(docx)
        except ConversionError as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    body, content_type = (docx, DOCX_TYPE) if fmt == "docx" else (pdf, "application/pdf")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, f"{file_stem(directive)}.{fmt}")
    return response


class DirectiveLetterView(ConsoleView, View):
    model = Directive

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = get_scoped_or_404(Directive.objects.all(), request.user, pk=pk)
        return letter_response(directive, request.GET.get("format", "docx"))


class DirectiveMatrixView(ConsoleView, View):
    """Units × tasks: each cell the unit's report on that task; filters by status, kind, unit and search."""

    model = Directive

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = get_scoped_or_404(Directive.objects.all(), request.user, pk=pk)
        filterset = RecipientFilterSet(request.GET or None, queryset=copies_of(directive, request.user),
                                       request=request)
        filterset.form.fields.pop("directive")
        style_widgets(filterset.form, small=True)
        copies = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
        page = Paginator(copies.order_by("unit__code", "pk"), MATRIX_PAGE).get_page(request.GET.get("page"))
        rows = list(page.object_list)
        tasks = tasks_of(directive)
        reports = states_by_copy([copy.pk for copy in rows])
        seen: dict[tuple[str, str], str] = {}
        table = [(copy, matrix_cells(reports[copy.pk], tasks, seen)) for copy in rows]
        return render(request, "directives/directive_matrix.html", {
            "directive": directive, "tasks": tasks, "table": table, "page_obj": page, "filter": filterset,
            "is_past_deadline": directive.is_past_deadline()})


CELL_STYLES: dict[str, str] = {
    ReportState.DONE: "text-bg-success", ReportState.PARTLY: "text-bg-warning",
    ReportState.NOT_APPLICABLE: "text-bg-secondary", ReportState.PENDING: "text-bg-light border",
}


def matrix_cells(reports: dict[int, TaskReport], tasks: list[Any], seen: dict[tuple[str, str], str]) -> SafeString:
    """One row's cells, one per task, built here rather than in the template: a page has a thousand cells, and
    rendering each through template tags took most of the page's time. Cells repeat (most are "not reported"), so
    each distinct (state, note) is escaped by format_html once per page, in ``seen``."""
    cells = []
    for task in tasks:
        report = reports.get(task.pk)
        key = (report.state, report.note[:200]) if report is not None else ("", "")
        if key not in seen:
            seen[key] = _cell(*key)
        cells.append(seen[key])
    return mark_safe("".join(cells))  # noqa: S308  (each cell built by format_html)


def _cell(state: str, note: str) -> str:
    if not state:
        return '<td class="small"></td>'
    title = format_html(' title="{}"', note) if note else ""
    label = dict(ReportState.choices).get(state, state)
    return format_html('<td class="small"><span class="badge report-{} {}"{}>{}</span></td>', state,
                       CELL_STYLES.get(state, ""), title, label)


class DirectiveExportView(ConsoleView, View):
    model = Directive

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        directive = get_scoped_or_404(Directive.objects.all(), request.user, pk=pk)
        fmt = request.GET.get("format", "xlsx")
        if fmt == "xlsx":
            body, content_type = exporting.summary_xlsx(directive, request.user), exporting.XLSX_TYPE
        elif fmt == "docx":
            body, content_type = exporting.summary_docx(directive, request.user), exporting.DOCX_TYPE
        else:
            return HttpResponseBadRequest(_("Choose the format xlsx or docx."))
        response = HttpResponse(body, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(
            True, f"{exporting.export_stem(directive)}.{fmt}")
        return response

