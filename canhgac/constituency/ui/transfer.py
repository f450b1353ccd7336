"""Console import and export of the registry, and the blank import templates.

The rules are the API's (``api/transfer.py``): whoever may add a kind may import it (officers: contacts and
assets, into their own units, which the importer checks row by row); whoever may view a kind may export it,
scoped by ``for_user`` and filtered by the kind's filterset. An import runs as a background job; the page hands
over to the job's page, which follows it to the end.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from canhgac.constituency.exporting import FORMATS, export_file, export_filename
from canhgac.constituency.filtersets import FILTERSETS
from canhgac.constituency.importing import IMPORT_KINDS, IMPORTERS, start_import
from canhgac.constituency.importing.base import KindImport
from canhgac.constituency.importing.columns import Column
from canhgac.constituency.models import Unit
from canhgac.core.access import ADD, VIEW, may, role_of
from canhgac.core.models import Channel
from canhgac.core.ui.forms import ConsoleForm
from canhgac.core.ui.views import ConsoleView

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LANGUAGE_CHOICES = [("vi", gettext_lazy("Vietnamese")), ("en", gettext_lazy("English"))]
FORMAT_CHOICES = [("csv", "CSV"), ("xlsx", "XLSX (Excel)")]
COLUMN_NOTES = {
    "unit": gettext_lazy("The code of a registered unit."),
    "parent": gettext_lazy("The code of the parent unit: a registered one or one further down the same file."),
    "block": gettext_lazy("A CIDR prefix (14.160.0.0/16, 2402:800::/32), a single address or a range a-b."),
    "ip_addresses": gettext_lazy("IPv4 or IPv6 addresses separated by commas, spaces or semicolons."),
    "software": gettext_lazy("One item per line or separated by “;”: vendor | product | version [| CPE 2.3], "
                             "or a bare CPE 2.3 name."),
}


def kind_label(kind: str) -> str:
    return str(IMPORTERS[kind].model._meta.verbose_name_plural).capitalize()


def importable_kinds(user: Any) -> list[str]:
    return [kind for kind in IMPORT_KINDS if may(user, ADD, IMPORTERS[kind].model)]


def exportable_kinds(user: Any) -> list[str]:
    return [kind for kind in IMPORT_KINDS if may(user, VIEW, IMPORTERS[kind].model)]


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


class ImportForm(ConsoleForm):
    kind = forms.ChoiceField(label=gettext_lazy("What the file holds"))
    file = forms.FileField(label=gettext_lazy("CSV or XLSX file"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}))
    dry_run = forms.BooleanField(label=gettext_lazy("Check only (dry run): report the problems and what would "
                                                    "change, write nothing"), required=False)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds: Any = self.fields["kind"]
        kinds.choices = [(kind, kind_label(kind)) for kind in importable_kinds(user)]
        self.fields["file"].help_text = _("Up to %(limit)d MB. Headers in Vietnamese or English; the file is "
                                          "imported whole or not at all.") % {"limit": _megabytes(
                                              settings.MAX_UPLOAD_BYTES)}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than the %(limit)d MB allowed.")
                                  % {"limit": _megabytes(settings.MAX_UPLOAD_BYTES)})
        return upload


class ImportView(ConsoleView, View):
    """Upload a file; its import is started as a job and the browser is sent to the job's page."""

    model = Unit

    def is_allowed(self, user: Any) -> bool:
        return bool(importable_kinds(user))

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, ImportForm(request.user, initial={"kind": request.GET.get("kind")}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportForm(request.user, request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form)
        upload = form.cleaned_data["file"]
        job = start_import(form.cleaned_data["kind"], request.user, upload.name or "upload", upload.read(),
                           channel=Channel.UI, dry_run=form.cleaned_data["dry_run"])
        return HttpResponseRedirect(reverse("core:job_detail", args=[job.pk]))

    def page(self, request: HttpRequest, form: ImportForm) -> HttpResponse:
        return render(request, "constituency/transfer_import.html", {"form": form})


class ExportForm(ConsoleForm):
    kind = forms.ChoiceField(label=gettext_lazy("What to export"))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMAT_CHOICES, initial="xlsx")
    language = forms.ChoiceField(label=gettext_lazy("Column headers"), choices=LANGUAGE_CHOICES, initial="vi")
    unit = forms.ModelChoiceField(label=gettext_lazy("Only the unit"), queryset=Unit.objects.none(),
                                  required=False, empty_label=gettext_lazy("All units I may see"))
    subunits = forms.BooleanField(label=gettext_lazy("with its sub-units"), required=False, initial=True)

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds: Any = self.fields["kind"]
        kinds.choices = [(kind, kind_label(kind)) for kind in exportable_kinds(user)]
        units: Any = self.fields["unit"]
        units.queryset = Unit.objects.for_user(user).order_by("code")
        units.label_from_instance = lambda unit: f"{unit.code} — {unit.name}"

    def filters(self) -> dict[str, str]:
        """The filterset query the API would be sent: ``unit`` or ``unit_tree`` by code."""
        unit = self.cleaned_data.get("unit")
        if unit is None:
            return {}
        return {"unit_tree" if self.cleaned_data.get("subunits") else "unit": unit.code}


class ExportView(ConsoleView, View):
    """The form, or (when it is submitted) the file: exports are reads, so the form is sent with GET."""

    model = Unit

    def is_allowed(self, user: Any) -> bool:
        return bool(exportable_kinds(user))

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ExportForm(request.user, request.GET if "kind" in request.GET else None)
        if not form.is_bound or not form.is_valid():
            return render(request, "constituency/transfer_export.html", {"form": form})
        kind, fmt = form.cleaned_data["kind"], form.cleaned_data["format"]
        model: Any = IMPORTERS[kind].model
        filterset = FILTERSETS[model](form.filters(), queryset=model.objects.for_user(request.user))
        content = export_file(kind, filterset.qs, fmt, language=form.cleaned_data["language"])
        return attachment(content, export_filename(kind, fmt), fmt)


def attachment(content: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportTemplatesView(ConsoleView, View):
    """Every kind's columns (both headers, required or not, accepted values) and blank files to fill in."""

    model = Unit

    def is_allowed(self, user: Any) -> bool:
        return role_of(user) is not None

    def get(self, request: HttpRequest) -> HttpResponse:
        kinds = [{"kind": kind, "label": kind_label(kind), "columns": describe_columns(IMPORTERS[kind])}
                 for kind in IMPORT_KINDS]
        return render(request, "constituency/transfer_templates.html",
                      {"kinds": kinds, "may_import": bool(importable_kinds(request.user))})


class ImportTemplateView(ImportTemplatesView):
    """A blank file of one kind: the header row the import reads, written by the export (so they never differ)."""

    def get(self, request: HttpRequest, kind: str) -> HttpResponse:  # type: ignore[override]
        if kind not in IMPORTERS:
            raise Http404
        fmt, language = request.GET.get("format", "csv"), request.GET.get("language", "vi")
        if fmt not in FORMATS or language not in dict(LANGUAGE_CHOICES):
            return HttpResponseBadRequest(_("Choose the format csv or xlsx and the language vi or en."))
        model: Any = IMPORTERS[kind].model
        content = export_file(kind, model.objects.none(), fmt, language=language)
        return attachment(content, f"canhgac-{kind}-template-{language}.{fmt}", fmt)


def describe_columns(importer: type[KindImport]) -> list[dict[str, Any]]:
    return [{"vi": column.vi, "en": column.en, "required": column.required, "note": column_note(importer, column)}
            for column in importer.columns]


def column_note(importer: type[KindImport], column: Column) -> str:
    """What a cell of ``column`` may hold, from the importer's own definitions."""
    if column.name in importer.booleans:
        default = _("yes") if model_field(importer, column).get_default() else _("no")
        return _("Yes or no: có/không, x, yes/no, true/false, 1/0. Empty: %(default)s.") % {"default": default}
    if column.name in importer.choices:
        choices = importer.choices[column.name][0]
        return _("One of: %(choices)s.") % {"choices": ", ".join(str(label) for label in choices.labels)}
    if column.name in COLUMN_NOTES:
        return str(COLUMN_NOTES[column.name])
    return str(model_field(importer, column).help_text or "")


def model_field(importer: type[KindImport], column: Column) -> Any:
    return importer.model._meta.get_field(column.name)
