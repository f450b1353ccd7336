"""Filters of the duty lists, shared by console and API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.duty.models import AlertKind, DutyAlert, DutyPerson, LogEntry, LogKind, Roster


def _unit_code(queryset: QuerySet, path: str, value: str) -> QuerySet:
    if value == "SOC":
        return queryset.filter(**{f"{path}__isnull": True})
    return queryset.filter(**{f"{path}__code": value})


class RosterFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    unit = django_filters.CharFilter(label=_("Unit code (SOC: the SOC's own)"), method="by_unit")
    holiday = django_filters.BooleanFilter(label=_("Holiday period"))
    current = django_filters.BooleanFilter(label=_("Running or coming"), method="running_or_coming")

    class Meta:
        model = Roster
        fields = ["q", "unit", "holiday", "current"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(unit__name__icontains=value) | Q(unit__code=value))

    def by_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _unit_code(queryset, "unit", value)

    def running_or_coming(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        today = timezone.localdate()
        return queryset.filter(ends_on__gte=today) if value else queryset.filter(ends_on__lt=today)


class DutyPersonFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    unit = django_filters.CharFilter(label=_("Unit code (SOC: the SOC's own)"), method="by_unit")
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = DutyPerson
        fields = ["q", "unit", "active"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(phone__icontains=value) | Q(email__icontains=value))

    def by_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _unit_code(queryset, "unit", value)


class DutyAlertFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=AlertKind.choices)
    open = django_filters.BooleanFilter(label=_("Still open"), field_name="resolved_at", lookup_expr="isnull")
    unit = django_filters.CharFilter(label=_("Unit code (SOC: the SOC's own)"), method="by_unit")

    class Meta:
        model = DutyAlert
        fields = ["kind", "open", "unit"]

    def by_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _unit_code(queryset, "shift__roster__unit", value)


class LogEntryFilterSet(django_filters.FilterSet):
    roster = django_filters.NumberFilter(field_name="roster_id")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=LogKind.choices)

    class Meta:
        model = LogEntry
        fields = ["roster", "kind"]
