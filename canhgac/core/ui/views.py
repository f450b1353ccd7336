"""Base views of the console: every list and detail page reads through the one scoping policy.

A list page names its ``model``, ``filterset_class`` and ``sortable`` columns; the rows come from
``Model.objects.for_user`` so an officer never sees another unit's rows, and a detail page answers 404 for them.
Permission to *view the model at all* is asked of :func:`canhgac.core.access.may`, as the API does.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import models
from django.utils.text import capfirst
from django.views.generic import DetailView, ListView

from canhgac.core.access import VIEW, may
from canhgac.core.scoping import get_scoped_or_404
from canhgac.core.ui.forms import style_widgets

PAGE_SIZE = 50


class ConsoleView(LoginRequiredMixin):
    """Signed-in users only; ``required_action`` on ``model`` is asked of the access policy before anything else."""

    model: ClassVar[type[models.Model]]
    required_action: ClassVar[str] = VIEW

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not self.is_allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def is_allowed(self, user: Any) -> bool:
        return may(user, self.required_action, self.model)


class ScopedListView(ConsoleView, ListView):  # type: ignore[misc]  # both declare "model"
    """Search, filters (the app's filterset, shared with the API), sorting by whitelisted columns, pagination."""

    filterset_class: ClassVar[Any] = None
    sortable: ClassVar[dict[str, str]] = {}
    """Query value → ORM ordering; the first entry is the default. ``-value`` sorts descending."""
    paginate_by = PAGE_SIZE
    page_title: ClassVar[Any] = None
    """Heading and window title (``core/list_page.html``); default: the model's plural name."""
    table_id: ClassVar[str] = "rows"

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple[Paginator, Page, Any, bool]:
        """A page number out of range or not a number shows the nearest page instead of a 404."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def base_queryset(self) -> models.QuerySet:
        return self.model.objects.for_user(self.request.user)  # type: ignore[attr-defined]

    def get_queryset(self) -> models.QuerySet:
        queryset = self.base_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset,
                                                  request=self.request)
            style_widgets(self.filterset.form, small=True)
            queryset = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset
        return queryset.order_by(*self.ordering_fields())

    def current_sort(self) -> str:
        wanted = self.request.GET.get("sort", "")
        return wanted if wanted.lstrip("-") in self.sortable else next(iter(self.sortable), "")

    def ordering_fields(self) -> list[str]:
        sort = self.current_sort()
        if not sort:
            return ["pk"]
        field = self.sortable[sort.lstrip("-")]
        return [f"-{field}" if sort.startswith("-") else field, "pk"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(filter=self.filterset, sort=self.current_sort(), model_meta=self.model._meta,
                       page_title=self.page_title or capfirst(self.model._meta.verbose_name_plural),
                       table_id=self.table_id)
        return context


class ScopedDetailView(ConsoleView, DetailView):
    lookup_field: ClassVar[str] = "pk"

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        base = self.model.objects.all() if queryset is None else queryset  # type: ignore[attr-defined]
        return get_scoped_or_404(base, self.request.user,
                                 **{self.lookup_field: self.kwargs[self.lookup_field]})
