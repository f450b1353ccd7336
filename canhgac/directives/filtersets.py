"""Filters of directives and of units' copies, shared by the console and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.filtersets import UnitScopedFilterSet
from canhgac.constituency.models import UnitKind
from canhgac.directives.models import Directive, DirectiveState, Recipient, ReportState, TaskReport
from canhgac.directives.querysets import (
    COMPLETE,
    INCOMPLETE,
    NOT_ACKNOWLEDGED,
    OVERDUE,
    STATUS_CHOICES,
    unfinished_condition,
)


class DirectiveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=DirectiveState.choices)

    class Meta:
        model = Directive
        fields = ["state"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return queryset.filter(Q(subject__icontains=text) | Q(number__icontains=text)
                               | Q(reference_number__icontains=text))


class RecipientFilterSet(UnitScopedFilterSet):
    """Copies by unit (``unit``/``unit_tree``), kind, directive and status; ``q`` searches unit and directive."""

    directive = django_filters.NumberFilter(label=_("Directive id"), field_name="directive_id")
    kind = django_filters.ChoiceFilter(label=_("Unit kind"), choices=UnitKind.choices, field_name="unit__kind")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=STATUS_CHOICES, method="filter_status")
    search_fields = ("unit__code", "unit__name", "directive__subject", "directive__number")

    class Meta:
        model = Recipient
        fields = ["directive", "kind", "status"]

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == NOT_ACKNOWLEDGED:
            return queryset.filter(acknowledged_at__isnull=True)
        if value == OVERDUE:
            return queryset.filter(unfinished_condition(), directive__report_deadline__lt=timezone.now())
        if value == INCOMPLETE:
            return queryset.filter(unfinished_condition())
        if value == COMPLETE:
            return queryset.exclude(unfinished_condition())
        return queryset


class TaskReportFilterSet(django_filters.FilterSet):
    directive = django_filters.NumberFilter(label=_("Directive id"), field_name="recipient__directive_id")
    recipient = django_filters.NumberFilter(label=_("Received directive id"), field_name="recipient_id")
    state = django_filters.ChoiceFilter(label=_("State"), choices=ReportState.choices)

    class Meta:
        model = TaskReport
        fields = ["directive", "recipient", "state"]
