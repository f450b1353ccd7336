"""Forms of the feeds console: uploading lists, and the summary's filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.core.ui.forms import ConsoleForm, MultipleFileField
from canhgac.intel.models import FeedSource, period_validator, source_name_validator
from canhgac.intel.parsers import parsers
from canhgac.intel.parsers.delimited import FIELDS
from canhgac.intel.services import current_period
from canhgac.intel.summary import DEFAULT_MONTHS, MAX_MONTHS
from canhgac.intel.uploading import parse_columns

MAX_FILES = 20


def format_choices() -> list[tuple[str, str]]:
    return [("", _("Recognise from the content")),
            *((name, f"{name} — {parser.label}") for name, parser in sorted(parsers().items()))]


class FeedUploadForm(ConsoleForm):
    file = MultipleFileField(max_files=MAX_FILES, label=gettext_lazy("Files"), help_text=gettext_lazy(
        "Plain IP/CIDR lists, CSV/TSV, FireHOL, Shadowserver, STIX 2.1 or MISP JSON; .gz and .zip accepted. Each "
        "file becomes one batch, stored whole or not at all; a file already imported is recognised."))
    source = forms.CharField(label=gettext_lazy("Source"), max_length=60, initial="vncert-botnet",
                             validators=[source_name_validator],
                             help_text=gettext_lazy("Who sent the list, e.g. vncert-botnet; a new name creates the "
                                                    "source."))
    reference = forms.CharField(label=gettext_lazy("Reference letter (số/ký hiệu công văn)"), max_length=120,
                                required=False)
    period = forms.CharField(label=gettext_lazy("Period (YYYY-MM)"), max_length=7, validators=[period_validator])
    format = forms.ChoiceField(label=gettext_lazy("Format"), required=False)
    columns = forms.CharField(label=gettext_lazy("Column mapping (CSV/TSV)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3, "placeholder": "ip=src_ip\nfamily=malware"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].initial = current_period()
        self.fields["format"].choices = format_choices()  # type: ignore[attr-defined]
        self.fields["columns"].help_text = _("Only when the header is not recognised: one FIELD=HEADER per line, "
                                             "FIELD one of %(fields)s.") % {"fields": ", ".join(FIELDS)}
        self.fields["file"].widget.attrs["multiple"] = True
        self.fields["source"].widget.attrs["list"] = "known-sources"
        self.known_sources = list(FeedSource.objects.filter(active=True).values_list("name", flat=True)[:100])

    def clean_columns(self) -> dict[str, str]:
        return parse_columns(self.cleaned_data.get("columns", "").splitlines())


class SummaryForm(forms.Form):
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False)
    months = forms.IntegerField(label=gettext_lazy("Months"), min_value=1, max_value=MAX_MONTHS, required=False,
                                initial=DEFAULT_MONTHS)

    def __init__(self, sources: list[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("All sources")), *((name, name) for name in sources)]  # type: ignore[attr-defined]
