"""The SOC's page of a batch's warnings: per affected unit, who would receive it (or why nobody), the message and a
preview of its CSV; "Send warnings" starts the job that creates the notices of the units not warned yet
(``intel/warnings.py``; a province's hundreds of units take seconds), whose page shows what it did.

SOC staff and auditors read the page; sending takes the right to send notices (as the notice page's re-send).
Officers never see it: a warning is about a whole batch, and their own notices are in their inbox.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from canhgac.constituency.models import Unit
from canhgac.core import jobs
from canhgac.core.access import ADD, SEES_EVERYTHING, may, role_of
from canhgac.core.ui.views import ConsoleView
from canhgac.intel.models import FeedBatch
from canhgac.intel.warning_letters import letters_operator
from canhgac.intel.warnings import JOB_KIND as WARNINGS_JOB
from canhgac.intel.warnings import affected_units, preview_warnings, warning_notices, warning_status
from canhgac.letters.services import find_soffice
from canhgac.notifications.models import Delivery
from canhgac.notifications.services import NoticePlan, mail_configured

UNITS_PER_PAGE = 20
PREVIEW_ROWS = 10


@dataclass
class UnitWarning:
    plan: NoticePlan
    unit: Unit
    hits: int
    notice_id: int | None
    attachment_name: str
    attachment_size: int
    attachment_rows: list[list[str]]


def warnings_link_context(batch: FeedBatch, user: Any) -> dict[str, Any]:
    """The hook for the batch page: ``context.update(warnings_link_context(batch, user))`` and
    ``{% include "intel/_batch_warnings_link.html" %}`` show the SOC how many units were warned, with the link."""
    if role_of(user) not in SEES_EVERYTHING:
        return {}
    return {"warnings_status": warning_status(batch)}


def csv_preview(content: bytes, rows: int = PREVIEW_ROWS) -> list[list[str]]:
    """The header and first rows of a CSV attachment, as the unit will open it."""
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig", "replace")))
    return [row for _number, row in zip(range(rows + 1), reader, strict=False)]


class BatchWarningsView(ConsoleView, View):
    model = FeedBatch
    template_name = "intel/batch_warnings.html"

    def is_allowed(self, user: Any) -> bool:
        return role_of(user) in SEES_EVERYTHING

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = get_object_or_404(FeedBatch.objects.select_related("source"), pk=pk)
        hits = affected_units(batch)
        ordered = list(Unit.objects.filter(pk__in=list(hits)).order_by("code", "pk"))
        page = Paginator(ordered, UNITS_PER_PAGE).get_page(request.GET.get("page"))
        units = {unit.pk: unit for unit in page.object_list}
        notices = warning_notices(batch)
        warnings = [self.describe(plan, units[plan.unit_id], hits[plan.unit_id], notices.get(plan.unit_id))
                    for plan in preview_warnings(batch, units).plans]
        warnings.sort(key=lambda item: (item.unit.code, item.unit.pk))
        return render(request, self.template_name, {
            "batch": batch, "page": page, "warnings": warnings, "status": warning_status(batch),
            "may_send": may(request.user, ADD, Delivery), "mail_configured": mail_configured(),
            "letters_ready": letters_operator() is not None, "pdf_ready": find_soffice() is not None})

    @staticmethod
    def describe(plan: NoticePlan, unit: Unit, hits: int, notice_id: int | None) -> UnitWarning:
        attachment = plan.content.attachments[0]
        return UnitWarning(plan, unit, hits, notice_id, attachment.name, len(attachment.content),
                           csv_preview(attachment.content))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Start the job that warns the units not warned yet, and follow it on its page."""
        if not may(request.user, ADD, Delivery):
            raise PermissionDenied
        batch = get_object_or_404(FeedBatch.objects.select_related("source"), pk=pk)
        status = warning_status(batch)
        if not status.waiting:
            messages.info(request, _("Every unit of this batch was already warned; nothing was sent twice.")
                          if status.units else _("This batch lists no address of any unit: there is nobody to warn."))
            return redirect("intel:batch_warnings", pk=batch.pk)
        title = _("Warnings of batch #%(batch)d (%(source)s, %(period)s)") % {
            "batch": batch.pk, "source": batch.source.name, "period": batch.period}
        job = jobs.submit(WARNINGS_JOB, request.user, {"batch": batch.pk}, title=title)
        return redirect("core:job_detail", pk=job.pk)
