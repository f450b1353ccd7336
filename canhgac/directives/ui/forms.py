"""Forms of the directives console: a directive (from a template or from scratch), a unit's report on a task."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhgac.advisories.models import Advisory, AdvisorySource
from canhgac.constituency.models import Contact
from canhgac.core.ui.forms import ConsoleForm, style_widgets
from canhgac.directives.models import Directive, ReportState
from canhgac.directives.planning import GroupSpec, PlanError, parse_plan
from canhgac.directives.services.reporting import EVIDENCE_KINDS, NOTE_MAX

ADVISORY_CHOICES = 200
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIELDS = ("reference_number", "reference_date", "reference_issuer", "number", "issued_on", "subject",
          "period_start", "period_end", "report_deadline", "opening", "closing", "copies", "signer_authority",
          "signer_title", "signer_name")


def advisory_choices(chosen: list[int]) -> QuerySet[Advisory]:
    """The warnings a directive may name, newest first: those the SOC typed, those under a letter, the known
    exploited; the newest :data:`ADVISORY_CHOICES` of them (hundreds of thousands of CVE records never fill the
    list), with those already chosen kept."""
    relevant = Advisory.objects.filter(Q(source=AdvisorySource.SOC) | ~Q(reference="") | Q(known_exploited=True))
    newest = list(relevant.order_by(F("published").desc(nulls_last=True), "-created_at", "-pk")
                  .values_list("pk", flat=True)[:ADVISORY_CHOICES])
    return (Advisory.objects.filter(pk__in=[*newest, *chosen])
            .only("pk", "reference", "reference_date", "title", "source_id")
            .order_by(F("published").desc(nulls_last=True), "-created_at", "-pk"))


def advisory_label(advisory: Advisory) -> str:
    head = advisory.reference or advisory.source_id
    if advisory.reference and advisory.reference_date:
        head += f" ({advisory.reference_date:%d/%m/%Y})"
    return f"{head} — {advisory.title}"[:200] if advisory.title else head


class DirectiveForm(forms.ModelForm):
    plan = forms.CharField(
        label=_("Recipient groups and tasks"), widget=forms.Textarea(attrs={"rows": 16, "class": "mono"}),
        help_text=_("“## label” opens a group; “kinds:” unit kinds, “units:” unit codes, “subunits: yes” adds their "
                    "sub-units; each “- title | text” line is a task. {reference}, {period}, {deadline}, "
                    "{operator} and {team} are filled in from the directive."))
    contact_ids = forms.ModelMultipleChoiceField(
        label=_("Points of contact"), required=False, queryset=Contact.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("National bodies and the provincial team, named in the letter."))
    advisory_ids = forms.ModelMultipleChoiceField(
        label=_("Warnings addressed"), required=False, queryset=Advisory.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The letter names them in the task of fixing the warned vulnerabilities; each unit's copy "
                    "shows its findings of them. The newest warnings typed by the SOC, received by letter or known "
                    "to be exploited."))
    template = forms.CharField(required=False, widget=forms.HiddenInput, max_length=60)

    class Meta:
        model = Directive
        fields = FIELDS
        widgets = {"reference_date": DATE, "issued_on": DATE, "period_start": DATE, "period_end": DATE,
                   "report_deadline": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                          format="%Y-%m-%dT%H:%M"),
                   "subject": forms.Textarea(attrs={"rows": 2}), "opening": forms.Textarea(attrs={"rows": 4}),
                   "closing": forms.Textarea(attrs={"rows": 3}), "copies": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = cast(forms.ModelMultipleChoiceField, self.fields["contact_ids"])
        contacts.queryset = Contact.objects.filter(unit__isnull=True).order_by("organisation", "name")
        deadline = cast(forms.DateTimeField, self.fields["report_deadline"])
        deadline.input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        advisories = cast(forms.ModelMultipleChoiceField, self.fields["advisory_ids"])
        chosen = list(self.instance.advisories.values_list("pk", flat=True)) if self.instance.pk else []
        advisories.queryset = advisory_choices(chosen)
        advisories.label_from_instance = advisory_label  # type: ignore[assignment]
        style_widgets(self)
        self.groups: list[GroupSpec] = []

    def clean_plan(self) -> str:
        text = self.cleaned_data["plan"]
        try:
            self.groups = parse_plan(text)
        except PlanError as error:
            raise ValidationError(error.messages) from error
        return text

    def values(self) -> dict[str, Any]:
        return {**{key: self.cleaned_data[key] for key in FIELDS}, "template": self.cleaned_data.get("template", "")}


class TemplateChoiceForm(ConsoleForm):
    template = forms.ChoiceField(label=_("Start from"), required=False)

    def __init__(self, choices: list[tuple[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = [("", _("an empty directive")), *choices]


class ReportForm(ConsoleForm):
    state = forms.ChoiceField(label=_("Where the unit stands"),
                              choices=[("", "---------"), *((value, label) for value, label in ReportState.choices
                                                             if value != ReportState.PENDING)])
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("Evidence file"), required=False,
                           help_text=_("PDF, PNG, JPEG, DOCX, XLSX, ZIP, TXT or CSV; at most 10 MB."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(f".{extension}" for extension in EVIDENCE_KINDS)
