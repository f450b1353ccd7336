"""The province summary over time: a table, two SVG charts and the table as CSV/XLSX (see ``summary.py``).

The SOC and auditors see the province; an officer the same figures over their units only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from canhgac.core.ui.forms import style_widgets
from canhgac.intel import exporting
from canhgac.intel.querysets import batches_for_user, sees_whole_batches
from canhgac.intel.summary import DEFAULT_MONTHS, Month, province_summary
from canhgac.intel.ui.charts import Chart, bar_chart
from canhgac.intel.ui.forms import SummaryForm
from canhgac.intel.ui.views import BatchAccess, download


def summary_form(request: HttpRequest) -> SummaryForm:
    sources = batches_for_user(request.user).order_by("source__name").values_list("source__name", flat=True)
    form = SummaryForm(list(dict.fromkeys(sources)), request.GET or None)
    style_widgets(form, small=True)
    return form


def read_summary(request: HttpRequest, form: SummaryForm) -> list[Month] | None:
    """The months the form asks for (the defaults when it was not sent); ``None`` for a form with errors."""
    if form.is_bound and not form.is_valid():
        return None
    data = form.cleaned_data if form.is_bound else {}
    return province_summary(request.user, source=data.get("source") or "",
                            months=data.get("months") or DEFAULT_MONTHS)


def charts(months: list[Month]) -> list[Chart]:
    labels = [month.period for month in months]
    return [
        bar_chart(_("Listed addresses per month"), labels, [month.listed for month in months],
                  inner=[month.recurring for month in months], legend=(_("new"), _("still listed"))),
        bar_chart(_("Units affected per month"), labels, [month.units for month in months]),
    ]


class SummaryView(BatchAccess, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = summary_form(request)
        months = read_summary(request, form) or []
        return render(request, "intel/summary.html", {
            "form": form, "months": list(reversed(months)), "charts": charts(months) if months else [],
            "whole": sees_whole_batches(request.user), "query": request.GET.urlencode(),
        })


class SummaryExportView(BatchAccess, View):
    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = request.GET.get("format", "csv")
        if fmt not in exporting.FORMATS:
            return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
        months = read_summary(request, summary_form(request))
        if months is None:
            return HttpResponseBadRequest(_("The filter is not valid; correct it on the summary page."))
        return download(fmt, "feed-summary", _("Summary"), exporting.summary_header(),
                        exporting.summary_rows(reversed(months)))
