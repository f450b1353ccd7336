"""Console pages of the audit trail (administrators and auditors): a filtered list and each entry's before/after.

The filters are the API's (:class:`~canhgac.core.api.filtersets.AuditEntryFilterSet`), with the date range
taken as calendar days and the object type offered as a choice of the types the trail holds.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.core.access import may_view_audit
from canhgac.core.api.filtersets import AuditEntryFilterSet
from canhgac.core.models import AuditEntry
from canhgac.core.ui.views import ConsoleView, ScopedDetailView, ScopedListView


def model_of(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def type_label(object_type: str) -> str:
    model = model_of(object_type)
    return str(model._meta.verbose_name).capitalize() if model else object_type


def _object_type_choices() -> list[tuple[str, str]]:
    types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return sorted(((name, type_label(name)) for name in types), key=lambda choice: choice[1])


class AuditConsoleFilterSet(AuditEntryFilterSet):
    object_type = django_filters.ChoiceFilter(label=gettext_lazy("Object type"), choices=_object_type_choices)
    since = django_filters.DateFilter(label=gettext_lazy("From"), field_name="at", lookup_expr="date__gte",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label=gettext_lazy("To"), field_name="at", lookup_expr="date__lte",
                                      widget=forms.DateInput(attrs={"type": "date"}))


class AuditAccess(ConsoleView):
    model = AuditEntry

    def is_allowed(self, user: Any) -> bool:
        return may_view_audit(user)


class AuditListView(AuditAccess, ScopedListView):  # type: ignore[misc]
    page_title = gettext_lazy("Audit log")
    table_id = "audit-list"
    template_name = "core/audit/audit_list.html"
    filterset_class = AuditConsoleFilterSet
    sortable: ClassVar[dict[str, str]] = {"at": "at", "actor": "actor_label", "channel": "channel",
                                          "action": "action", "type": "object_type", "object": "object_repr"}

    def base_queryset(self) -> QuerySet[AuditEntry]:
        return AuditEntry.objects.defer("changes")

    def current_sort(self) -> str:
        wanted = self.request.GET.get("sort", "")
        return wanted if wanted.lstrip("-") in self.sortable else "-at"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for entry in context["object_list"]:
            entry.type_label = type_label(entry.object_type)
        return context


class AuditDetailView(AuditAccess, ScopedDetailView):
    template_name = "core/audit/audit_detail.html"
    context_object_name = "entry"

    def get_object(self, queryset: QuerySet | None = None) -> AuditEntry:
        return get_object_or_404(AuditEntry, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        entry = self.object
        context.update(type_label=type_label(entry.object_type), rows=change_rows(entry))
        return context


def change_rows(entry: AuditEntry) -> list[dict[str, Any]]:
    """One row per changed field, in the model's field order: its label, name, and the value before and after."""
    model = model_of(entry.object_type)
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    order = {field.name: index for index, field in enumerate(model._meta.get_fields())} if model else {}
    rows = []
    for name, pair in changes.items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        related = _related_model(model, name)
        rows.append({"name": name, "label": _field_label(model, name), "before": display_value(before, related),
                     "after": display_value(after, related)})
    return sorted(rows, key=lambda row: (order.get(row["name"], len(order)), row["name"]))


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()  # type: ignore[union-attr]
    except (FieldDoesNotExist, AttributeError):
        return name.replace("_", " ").capitalize()


def _related_model(model: type[models.Model] | None, name: str) -> type[models.Model] | None:
    """The target of a foreign key (recorded by id), so the diff can name the object rather than a number."""
    try:
        field: Any = model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None
    return field.related_model if field is not None and field.many_to_one else None


def display_value(value: Any, related: type[models.Model] | None = None) -> str | None:
    """How a recorded value reads in the diff; ``None`` (no value) is shown as a dash by the template."""
    if value is None:
        return None
    if related is not None:
        found = related._default_manager.filter(pk=value).first() if str(value).isdigit() else None
        return f"{found} (#{value})" if found is not None else f"#{value}"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) if not isinstance(item, dict | list) else json.dumps(item, ensure_ascii=False)
                         for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
