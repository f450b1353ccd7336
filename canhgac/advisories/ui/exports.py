"""CSV/XLSX exports: the advisory list as filtered (the SOC and auditors), and the assets a warning hit (officers:
their units'), each with the reason it matched.

Every cell passes through the registry export's ``escape`` (a leading apostrophe before ``= + - @``, tab, CR): a
record's title or a product name cannot run as a spreadsheet formula. Findings of advisories are exported by the
findings list's own export (``source=advisory``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from canhgac.advisories.models import Advisory, Exposure
from canhgac.advisories.querysets import (
    PRIORITY_ORDER,
    exposures_by_priority,
    exposures_of,
    vulnerability_ids_of,
    with_priority,
)
from canhgac.advisories.services import rule_details
from canhgac.advisories.ui.views import AdvisoryConsoleFilterSet, advisory_for
from canhgac.constituency.importing.columns import escape
from canhgac.core.ui.views import ConsoleView
from canhgac.findings.exporting import CONTENT_TYPES, FORMATS, XLSX_MAX_ROWS

CHUNK = 1000


def table_response(fmt: str, name: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponseBase:
    cells = ([escape("" if value is None else str(value)) for value in row] for row in rows)
    filename = f"canhgac-{name}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(_csv(header, cells), content_type=CONTENT_TYPES[fmt])
    else:
        response = HttpResponse(_xlsx(name, header, cells), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(header: list[str], rows: Iterator[list[str]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx(name: str, header: list[str], rows: Iterator[list[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(name[:31])
    sheet.append(header)
    for index, row in enumerate(rows):
        if index >= XLSX_MAX_ROWS:
            break
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in FORMATS else None


def _yes(value: bool) -> str:
    return str(_("yes")) if value else ""


class AdvisoryExportView(ConsoleView, View):
    """The advisory list as filtered, in priority order, with its prioritisation figures."""

    model = Advisory

    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = _format(request)
        if fmt is None:
            return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
        filterset = AdvisoryConsoleFilterSet(request.GET, queryset=Advisory.objects.for_user(request.user),
                                             request=request)
        if not filterset.is_valid():
            return HttpResponseBadRequest(_("The filter is not valid; correct it on the list page."))
        queryset: Any = with_priority(filterset.qs.defer("raw", "summary", "details", "review"), request.user).order_by(
            *PRIORITY_ORDER, "-id")
        header = [_("Source"), _("Identifier"), _("Title"), _("Reference letter"), _("Letter date"), _("Deadline"),
                  _("Severity"), _("CVSS"), _("Known exploited"), _("Published"), _("Vendor"), _("Exposures"),
                  _("Units"), _("Internet-facing"), _("Highest security level")]
        rows = ([advisory.get_source_display(), advisory.source_id, advisory.title, advisory.reference,
                 advisory.reference_date, advisory.deadline, advisory.get_severity_display(), advisory.top_cvss,
                 _yes(advisory.exploited), advisory.published, advisory.vendor, advisory.exposure_count,
                 advisory.units_affected, advisory.internet_facing, advisory.security_level]
                for advisory in queryset.iterator(chunk_size=CHUNK))  # annotated by with_priority
        return table_response(fmt, "advisories", header, rows)


class WarningExportView(ConsoleView, View):
    """The assets a warning hits (those the user may see), most urgent first, each with why it matched."""

    model = Exposure

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        fmt = _format(request)
        if fmt is None:
            return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
        advisory = advisory_for(request, pk)
        exposures = exposures_by_priority(exposures_of(vulnerability_ids_of(advisory), request.user))
        header = [_("Unit code"), _("Unit"), _("Asset"), _("Internet-facing"), _("Highest security level"),
                  _("Product"), _("Version"), _("Vulnerability"), _("Known exploited"), _("CVSS"), _("Deadline"),
                  _("Why it matched")]
        return table_response(fmt, f"warning-{advisory.pk}", header, _exposure_rows(advisory, exposures))


def _exposure_rows(advisory: Advisory, exposures: Any) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for exposure in exposures.iterator(chunk_size=CHUNK):
        batch.append(exposure)
        if len(batch) == CHUNK:
            yield from _rows_of(advisory, batch)
            batch = []
    yield from _rows_of(advisory, batch)


def _rows_of(advisory: Advisory, exposures: list[Any]) -> Iterator[list[Any]]:
    reasons = rule_details({rule for exposure in exposures for rule in exposure.rule_ids()})
    for exposure in exposures:
        why = "; ".join(f"{reason['product']} {reason['range']} ({reason['source']} {reason['record']}, "
                        f"{reason['read_from']})" for rule in exposure.rule_ids() if (reason := reasons.get(rule)))
        vulnerability = exposure.vulnerability
        yield [exposure.unit.code, exposure.unit.name, exposure.asset.name, _yes(exposure.asset.internet_facing),
               exposure.security_level, exposure.label, exposure.version, vulnerability.identifier,
               _yes(vulnerability.known_exploited), vulnerability.cvss, advisory.deadline or vulnerability.deadline,
               why]
