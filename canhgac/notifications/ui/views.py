"""Console pages of the notice inbox: the list (officers: their units'; the SOC: all), a notice with its
deliveries and files, marking it read, and the SOC's re-send.

Every read goes through ``for_user``: another unit's notice, or its file, is a 404 whichever page names it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from canhgac.constituency.models import Contact
from canhgac.constituency.ui.views.lists import count_of, tidy_filter_form
from canhgac.core.access import ADD, CHANGE, may
from canhgac.core.scoping import get_scoped_or_404, may_own
from canhgac.core.ui.views import ConsoleView, ScopedDetailView, ScopedListView
from canhgac.notifications.filtersets import WAITING, NoticeFilterSet
from canhgac.notifications.models import (
    Delivery,
    DeliveryChannel,
    DeliveryState,
    Notice,
    NoticeAttachment,
    UnitNotificationPreference,
)
from canhgac.notifications.services import mail_configured, mark_read, preference_of, resend, soc_addresses

SERVED_TYPES = frozenset({
    "text/csv", "text/plain", "application/pdf", "application/json", "application/zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
})
"""Attachment types served as they are; anything else (HTML, SVG, scripts) is downloaded as plain bytes."""


def emails(*states: str) -> Any:
    return count_of(Delivery.objects.filter(channel=DeliveryChannel.EMAIL, state__in=states), "notice")


class NoticeListView(ScopedListView):
    model = Notice  # type: ignore[misc]
    filterset_class = NoticeFilterSet
    template_name = "notifications/notice_list.html"
    page_title = gettext_lazy("Notices")
    sortable: ClassVar[dict[str, str]] = {"created": "created_at", "unit": "unit__code", "subject": "subject",
                                          "kind": "kind", "read": "read_at"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("unit").defer("body", "body_html").annotate(
            emails_sent=emails(DeliveryState.SENT), emails_waiting=emails(*WAITING),
            emails_failed=emails(DeliveryState.FAILED))

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        return queryset

    def current_sort(self) -> str:
        return super().current_sort() if self.request.GET.get("sort") else "-created"  # newest first


class NoticeDetailView(ScopedDetailView):
    model = Notice  # type: ignore[misc]
    template_name = "notifications/notice_detail.html"
    context_object_name = "notice"

    def get_object(self, queryset: QuerySet | None = None) -> Any:
        return super().get_object(Notice.objects.select_related("unit", "read_by"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        notice, user = self.object, self.request.user
        context.update(
            deliveries=notice.deliveries.order_by("channel", "created_at", "pk"),
            attachments=notice.attachments.defer("content"),
            focal_points=(Contact.objects.for_user(user).filter(unit=notice.unit_id, focal_point=True)
                          if notice.unit_id else Contact.objects.none()),
            preference=preference_of(notice.unit) if notice.unit_id else None,
            soc_addresses=soc_addresses() if notice.unit_id is None else [],
            may_mark=may(user, CHANGE, Notice) and may_own(user, notice.unit_id),
            may_resend=may(user, ADD, Delivery),
            may_edit_preference=(notice.unit_id is not None and may(user, CHANGE, UnitNotificationPreference)
                                 and may_own(user, notice.unit_id)),
            mail_configured=mail_configured(),
        )
        return context


class LoadsNotice(ConsoleView, View):
    http_method_names = ["post"]

    def load(self, request: HttpRequest, pk: int) -> Notice:
        notice = get_scoped_or_404(Notice.objects.select_related("unit"), request.user, pk=pk)
        if not may_own(request.user, notice.unit_id):
            raise PermissionDenied
        return notice


class NoticeReadView(LoadsNotice):
    """Marks a notice read (``read=1``, the default) or unread again (``read=0``), then back to it."""

    model = Notice
    required_action = CHANGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = self.load(request, pk)
        mark_read(notice, request.user, read=request.POST.get("read", "1") != "0")
        return redirect(notice)


class NoticeResendView(LoadsNotice):
    """The SOC sends a notice again to the unit's recipients as they are now (the next run of the sender)."""

    model = Delivery
    required_action = ADD

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = self.load(request, pk)
        try:
            deliveries = resend(notice)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        else:
            count = len(deliveries)
            messages.success(request, ngettext(
                "The notice will be sent again to %(count)d recipient within a minute.",
                "The notice will be sent again to %(count)d recipients within a minute.", count) % {"count": count}
                if mail_configured() else _("The notice will be sent again once a mail server is configured."))
        return redirect(notice)


class AttachmentDownloadView(ConsoleView, View):
    model = NoticeAttachment

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        attachment = get_scoped_or_404(NoticeAttachment.objects.all(), request.user, pk=pk)
        served = attachment.content_type if attachment.content_type in SERVED_TYPES else "application/octet-stream"
        response = HttpResponse(bytes(attachment.content), content_type=served)
        response["Content-Disposition"] = content_disposition_header(True, attachment.name)
        return response
