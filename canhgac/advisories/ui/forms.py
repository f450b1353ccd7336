"""Forms of the advisories console: uploading files, a warning typed from a letter, a query of the data."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.advisories.parsers import RecordError, parsers
from canhgac.advisories.parsers.base import CVE_ID, check_shape
from canhgac.advisories.parsers.soc import parse_warning
from canhgac.advisories.services.warnings import MAX_CHOSEN, Selection, warning_document
from canhgac.core.ui.forms import ConsoleForm, MultipleFileField
from canhgac.findings.models import Severity

MAX_FILES = 20
MAX_CVES = 5000
SEPARATORS = re.compile(r"[\s,;]+")


class LetterFields(ConsoleForm):
    reference = forms.CharField(label=gettext_lazy("Reference letter"), max_length=120, required=False,
                                help_text=gettext_lazy("Number/symbol of the official letter, e.g. 2216/CATTT-NCSC."))
    reference_date = forms.DateField(label=gettext_lazy("Letter date"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=gettext_lazy("Deadline"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=gettext_lazy("The units' findings are due on this day."))


class ImportForm(LetterFields):
    # a field (the form's metaclass takes it out of the class), not BaseForm.files
    files = MultipleFileField(  # type: ignore[assignment]
        max_files=MAX_FILES, accept=".json,application/json", label=gettext_lazy("Files"), help_text=gettext_lazy(
        "CISA KEV, CVE JSON 5, NVD CVE API 2.0, CSAF 2.0 or SOC warning documents (JSON). Each file is imported "
        "whole or not at all; the same file with the same letter again changes nothing."))
    format = forms.ChoiceField(label=gettext_lazy("Format"), required=False)

    field_order = ["files", "format", "reference", "reference_date", "deadline"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: Any = self.fields["format"]
        choices.choices = [("", _("Recognise from the content")), *(
            (name, str(parser.label)) for name, parser in sorted(parsers().items()))]


def _cves(text: str, field: str = "cves") -> list[str]:
    found = [part.upper() for part in SEPARATORS.split(text.strip()) if part]
    wrong = [part for part in found if not CVE_ID.match(part)]
    if wrong:
        raise ValidationError({field: _("Not CVE identifiers (CVE-YYYY-NNNN): %(values)s")
                               % {"values": ", ".join(value[:40] for value in wrong[:5])}})
    if len(found) > MAX_CVES:
        raise ValidationError({field: _("At most %(limit)d CVEs.") % {"limit": MAX_CVES}})
    return list(dict.fromkeys(found))


SEVERITY_CHOICES = [("", gettext_lazy("From the CVSS score")), *Severity.choices]


class WarningForm(LetterFields):
    """A warning typed from a letter; checked by the SOC-warning parser itself, so what the form accepts is what
    the import stores, and its refusals name the field."""

    title = forms.CharField(label=gettext_lazy("Subject"), max_length=255)
    cves = forms.CharField(label=gettext_lazy("CVEs"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=gettext_lazy("Separated by spaces, commas or new lines."))
    affected = forms.CharField(
        label=gettext_lazy("Affected products and versions"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: vendor | product | versions, e.g. “Zimbra | Zimbra Collaboration | "
                               ">= 8.8.0, < 8.8.15 Patch 41”. Versions: comparisons joined by “,”, alternatives by "
                               "“;”, “5.3.x” for a branch, empty for every version."))
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=SEVERITY_CHOICES, required=False)
    known_exploited = forms.BooleanField(label=gettext_lazy("Known to be exploited"), required=False)
    summary = forms.CharField(label=gettext_lazy("Text"), required=False, max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 5}))
    url = forms.URLField(label=gettext_lazy("Link"), required=False, max_length=500, assume_scheme="https")

    field_order = ["reference", "reference_date", "title", "cves", "affected", "severity", "known_exploited",
                   "deadline", "summary", "url"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        document = warning_document(
            title=cleaned["title"], reference=cleaned["reference"].strip(), reference_date=cleaned["reference_date"],
            deadline=cleaned["deadline"], severity=cleaned["severity"], summary=cleaned["summary"],
            cves=_cves(cleaned["cves"]), known_exploited=cleaned["known_exploited"], url=cleaned["url"],
            affected=_affected(cleaned["affected"]))
        try:
            check_shape(document)
            parse_warning(document)
        except RecordError as error:
            field = _field_of(error.where)
            raise ValidationError({field: str(error)} if field else str(error)) from error
        self.document = document
        return cleaned


def _affected(text: str) -> list[dict[str, str]]:
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (2, 3) or not parts[1]:
            raise ValidationError({"affected": _("Line %(line)d: write vendor | product | versions.")
                                   % {"line": number}})
        entries.append({"vendor": parts[0], "product": parts[1], "versions": parts[2] if len(parts) == 3 else ""})
    if len(entries) > 200:
        raise ValidationError({"affected": _("At most 200 products.")})
    return entries


def _field_of(where: str) -> str | None:
    """The form field a parser's path names (``affected[2].versions`` → ``affected``)."""
    head = re.split(r"[.\[]", where, maxsplit=1)[0]
    return head if head in WarningForm.base_fields else None


class SelectionForm(ConsoleForm):
    """A query of the vulnerabilities known here (GET: the preview)."""

    vendor = forms.CharField(label=gettext_lazy("Vendor"), max_length=120, required=False)
    product = forms.CharField(label=gettext_lazy("Product"), max_length=160, required=False)
    severity = forms.MultipleChoiceField(label=gettext_lazy("Severity"), choices=Severity.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    published_from = forms.DateField(label=gettext_lazy("Published from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    published_to = forms.DateField(label=gettext_lazy("Published to"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    exploited_from = forms.DateField(label=gettext_lazy("Listed as exploited from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    exploited_to = forms.DateField(label=gettext_lazy("Listed as exploited to"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    known_exploited = forms.BooleanField(label=gettext_lazy("Known exploited only"), required=False)
    min_cvss = forms.FloatField(label=gettext_lazy("CVSS at least"), required=False, min_value=0, max_value=10)
    cves = forms.CharField(label=gettext_lazy("These CVEs"), required=False, max_length=100_000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["severity"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            cleaned["cve_list"] = _cves(cleaned.get("cves", ""))
            if not any(value for name, value in cleaned.items() if name != "cves"):
                raise ValidationError(_("Give at least one criterion."))
        return cleaned

    def selection(self) -> Selection:
        data = self.cleaned_data
        return Selection(vendor=data["vendor"].strip(), product=data["product"].strip(),
                         severities=list(data["severity"]), published_from=data["published_from"],
                         published_to=data["published_to"], exploited_from=data["exploited_from"],
                         exploited_to=data["exploited_to"], known_exploited=data["known_exploited"],
                         min_cvss=data["min_cvss"], cves=data["cve_list"])


class FromDataForm(LetterFields):
    """The warning made of a query's vulnerabilities: its letter, subject, severity and text."""

    title = forms.CharField(label=gettext_lazy("Subject"), max_length=255)
    severity = forms.ChoiceField(label=gettext_lazy("Severity"), choices=SEVERITY_CHOICES, required=False)
    summary = forms.CharField(label=gettext_lazy("Text"), required=False, max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    confirm_count = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=MAX_CHOSEN)

    field_order = ["reference", "reference_date", "title", "severity", "deadline", "summary"]
