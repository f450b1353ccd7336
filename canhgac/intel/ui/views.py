"""Console pages of the feeds: batches (list and page), hits, listed addresses per unit, and their exports.

Batches are read through :func:`canhgac.intel.querysets.batches_for_user` and hits through
``Hit.objects.for_user``: an officer sees the batches that listed their units' addresses, with their own hits
and the file's own counts only (see ``querysets.py``); another unit's batch is a 404.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from canhgac.constituency.ui.views.lists import tidy_filter_form
from canhgac.core.access import ADD, may
from canhgac.core.ui.views import ConsoleView, ScopedDetailView, ScopedListView
from canhgac.intel import exporting
from canhgac.intel.filtersets import FeedBatchFilterSet, HitFilterSet
from canhgac.intel.models import FeedBatch, Hit
from canhgac.intel.querysets import (
    batches_for_user,
    describe_addresses,
    listed_addresses,
    may_see_batches,
    sees_whole_batches,
    units_hit,
    with_scoped_hits,
)
from canhgac.intel.ui.warnings import warnings_link_context

INVALID_PAGE_SIZE = 50


class BatchAccess(ConsoleView):
    """The SOC and auditors (every batch), officers (the batches that hit their units)."""

    model = FeedBatch

    def is_allowed(self, user: Any) -> bool:
        return may_see_batches(user)


class BatchListView(BatchAccess, ScopedListView):  # type: ignore[misc]
    page_title = gettext_lazy("Feed batches")
    template_name = "intel/batch_list.html"
    table_id = "batch-list"
    filterset_class = FeedBatchFilterSet
    sortable: ClassVar[dict[str, str]] = {"received": "received_at", "period": "period", "source": "source__name",
                                          "matched": "matched", "hits": "scoped_hits"}

    def base_queryset(self) -> QuerySet[FeedBatch]:
        """Officers' rows count their units' hits; the SOC's show the batch's own figures (counting every hit of
        every batch of the page would read the whole hit table for a figure the SOC has as "in the province")."""
        batches = batches_for_user(self.request.user).select_related("source").defer("invalid_lines", "metadata")
        return batches if self.whole else with_scoped_hits(batches, self.request.user)

    @property
    def whole(self) -> bool:
        return sees_whole_batches(self.request.user)

    def current_sort(self) -> str:
        wanted = self.request.GET.get("sort", "")
        column = wanted.lstrip("-")
        usable = column in self.sortable and column != ("hits" if self.whole else "matched")
        return wanted if usable else "-received"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(whole=self.whole, may_upload=may(user, ADD, FeedBatch))
        return context


class BatchDetailView(BatchAccess, ScopedDetailView):
    template_name = "intel/batch_detail.html"
    context_object_name = "batch"

    def get_object(self, queryset: QuerySet | None = None) -> FeedBatch:
        batches = batches_for_user(self.request.user).select_related("source", "imported_by")
        return get_object_or_404(batches, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        batch, user = self.object, self.request.user
        whole = sees_whole_batches(user)
        units = list(units_hit(batch, user))
        hit_total = sum(row["hits"] for row in units)
        context.update(whole=whole, units=units, hit_total=hit_total, xlsx=hit_total <= exporting.XLSX_HIT_LIMIT)
        if whole:
            context.update(warnings_link_context(batch, user))
            invalid = Paginator(batch.invalid_lines or [], INVALID_PAGE_SIZE)
            context["invalid_page"] = invalid.get_page(self.request.GET.get("invalid_page"))
        return context


class HitListBase(ScopedListView):
    """Lists over the hits the user may see, filtered by :class:`HitFilterSet`; ``default_sort`` first."""

    model = Hit  # type: ignore[misc]
    filterset_class = HitFilterSet
    default_sort: ClassVar[str]

    def current_sort(self) -> str:
        wanted = self.request.GET.get("sort", "")
        return wanted if wanted.lstrip("-") in self.sortable else self.default_sort

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["export_query"] = query.urlencode()
        return context


class HitListView(HitListBase):
    page_title = gettext_lazy("Listed addresses by batch")
    template_name = "intel/hit_list.html"
    table_id = "hit-list"
    sortable: ClassVar[dict[str, str]] = {"received": "batch__received_at", "unit": "unit__code",
                                          "address": "first_key", "occurrences": "occurrences"}
    default_sort = "-received"

    def base_queryset(self) -> QuerySet[Hit]:
        return super().base_queryset().select_related("batch__source", "unit", "asset")


class AddressListView(HitListBase):
    """One row per unit and listed address over every list: first and last listed, how often, what the lists
    said, the owning asset and the finding it opened. The filters apply to the hits before they are grouped."""

    page_title = gettext_lazy("Listed addresses")
    template_name = "intel/address_list.html"
    table_id = "address-list"
    sortable: ClassVar[dict[str, str]] = {"last": "last_listed", "first": "first_listed", "times": "times",
                                          "unit": "unit__code", "address": "indicator"}
    default_sort = "-last"

    def base_queryset(self) -> QuerySet:
        return listed_addresses(super().base_queryset())

    def ordering_fields(self) -> list[str]:
        sort = self.current_sort()
        field = self.sortable[sort.lstrip("-")]
        return [f"-{field}" if sort.startswith("-") else field, "unit__code", "indicator"]  # no pk: rows are groups

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["object_list"] = describe_addresses(self.request.user, context["object_list"])
        return context


class HitExportView(ConsoleView, View):
    """The hits as filtered (a batch's, a unit's …) and as the user may see them, in a file; a filter that is not
    valid is refused rather than widened to everything."""

    model = Hit

    def get(self, request: HttpRequest) -> HttpResponseBase:
        fmt = request.GET.get("format", "csv")
        if fmt not in exporting.FORMATS:
            return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
        filterset = HitFilterSet(request.GET, queryset=Hit.objects.for_user(request.user))
        if not filterset.is_valid():
            return HttpResponseBadRequest(_("The filter is not valid; correct it on the list page."))
        if fmt == "xlsx" and filterset.qs.count() > exporting.XLSX_HIT_LIMIT:
            return HttpResponseBadRequest(_("More than %(limit)s hits: export them as CSV, or filter by unit.")
                                          % {"limit": intcomma(exporting.XLSX_HIT_LIMIT)})
        batch = filterset.form.cleaned_data.get("batch")
        name = f"feed-hits-{int(batch)}" if batch else "feed-hits"
        return download(fmt, name, _("Listed addresses"), exporting.hit_header(), exporting.hit_rows(filterset.qs))


def download(fmt: str, name: str, title: str, header: list[str], rows: Any) -> HttpResponseBase:
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(exporting.csv_chunks(header, rows),
                                                           content_type=exporting.CONTENT_TYPES[fmt])
    else:
        response = HttpResponse(exporting.xlsx_bytes(title, header, rows), content_type=exporting.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exporting.export_filename(name, fmt)}"'
    return response
