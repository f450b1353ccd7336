"""Filters of findings, shared by the console list, its export and bulk actions, and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.filtersets import UnitScopedFilterSet
from canhgac.constituency.models import Unit
from canhgac.constituency.querysets import unit_subtree_ids
from canhgac.findings.models import Finding, FindingState, Priority, Severity
from canhgac.findings.workflow import ACTIVE_STATES

ACTIVE = "active"
"""A state filter value meaning "still to fix": open or in progress."""

STATE_CHOICES = [(ACTIVE, _("Open or in progress")), *FindingState.choices]


def severity_rank() -> Case:
    """Severities in order of gravity, critical first (0): sorting their codes alphabetically would mean nothing."""
    return Case(*(When(severity=value, then=Value(rank)) for rank, value in enumerate(Severity.values)),
                default=Value(len(Severity.values)), output_field=IntegerField())


def overdue_condition() -> Q:
    return Q(state__in=ACTIVE_STATES, due_on__lt=timezone.localdate())


class FindingFilterSet(UnitScopedFilterSet):
    """``unit`` / ``unit_tree`` by unit code; ``q`` searches the subject, the title and the asset's name."""

    source = django_filters.CharFilter(label=_("Source"), lookup_expr="iexact")
    state = django_filters.ChoiceFilter(label=_("State"), choices=STATE_CHOICES, method="filter_state")
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue")
    asset = django_filters.NumberFilter(label=_("Asset id"), field_name="asset_id")
    search_fields = ("dedup_key", "title", "asset__name", "asset__hostname")

    class Meta:
        model = Finding
        fields = ["source", "state", "severity", "priority", "overdue", "asset"]

    def filter_unit_tree(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """As the registry's, with the tree read once however often the filters run (the list runs them twice:
        for its rows, and for its counts per state)."""
        subtrees = self.__dict__.setdefault("_subtrees", {})
        code = value.strip()
        if code not in subtrees:
            subtrees[code] = unit_subtree_ids(Unit.objects.filter(code__iexact=code).values_list("pk", flat=True))
        return queryset.filter(unit_id__in=subtrees[code])

    def filter_state(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ACTIVE:
            return queryset.filter(state__in=ACTIVE_STATES)
        return queryset.filter(state=value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(overdue_condition()) if value else queryset.exclude(overdue_condition())
