"""One unit's official letter about a batch, from the batch's warnings page: the DOCX or PDF sent with its notice,
or, before the warnings are sent, the letter as it would go now (``intel/warning_letters.py``). The SOC and auditors
only, as the page."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from canhgac.constituency.models import Unit
from canhgac.core.access import SEES_EVERYTHING, role_of
from canhgac.core.ui.views import ConsoleView
from canhgac.intel.models import FeedBatch, Hit
from canhgac.intel.warnings import unit_letter
from canhgac.letters.services import ConversionError

FORMATS = ("docx", "pdf")


class BatchWarningLetterView(ConsoleView, View):
    """``?unit=<id>&format=docx|pdf``."""

    model = FeedBatch

    def is_allowed(self, user: Any) -> bool:
        return role_of(user) in SEES_EVERYTHING

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        fmt, unit_id = request.GET.get("format", "docx"), request.GET.get("unit", "")
        if fmt not in FORMATS or not unit_id.isdigit():
            return HttpResponseBadRequest(_("Choose a unit of this batch and the format docx or pdf."))
        batch = get_object_or_404(FeedBatch.objects.select_related("source"), pk=pk)
        if not Hit.objects.filter(batch=batch, unit_id=int(unit_id)).exists():
            raise Http404
        try:
            letter = unit_letter(batch, Unit.objects.get(pk=int(unit_id)), fmt)
        except ConversionError as error:
            return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
        if letter is None:
            return HttpResponse(_("No operator is set (System → Operator): there is nobody to sign the letter."),
                                status=503, content_type="text/plain; charset=utf-8")
        response = HttpResponse(letter.content, content_type=letter.content_type)
        response["Content-Disposition"] = content_disposition_header(True, letter.name)
        return response
