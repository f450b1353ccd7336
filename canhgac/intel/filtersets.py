"""Filters of batches and hits, shared by the console lists, their exports and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.addressing import ip_key, parse_ip
from canhgac.constituency.filtersets import UnitScopedFilterSet
from canhgac.intel.models import FeedBatch, Hit, period_validator

MAX_ID = 2**63 - 1
"""Databases refuse integers past 64 bits (SQLite even raises): such an id is a filter error, not a query."""


class IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


def period_filter(label: Any, field_name: str = "period", lookup_expr: str = "exact") -> django_filters.CharFilter:
    """A month written YYYY-MM; anything else is a filter error (not a filter silently ignored)."""
    return django_filters.CharFilter(label=label, field_name=field_name, lookup_expr=lookup_expr,
                                     validators=[period_validator])


class FeedBatchFilterSet(django_filters.FilterSet):
    source = django_filters.CharFilter(label=_("Source"), field_name="source__name", lookup_expr="iexact")
    period = period_filter(label=_("Period (YYYY-MM)"))
    period_from = period_filter(label=_("From period"), field_name="period", lookup_expr="gte")
    period_to = period_filter(label=_("To period"), field_name="period", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("Search"), method="filter_search",
                                  help_text=_("Reference letter or file name."))

    class Meta:
        model = FeedBatch
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        return queryset.filter(Q(reference__icontains=text) | Q(filename__icontains=text))


class HitFilterSet(UnitScopedFilterSet):
    """``ip`` finds the hits whose address or block holds that address; ``family`` is a part of a family name."""

    batch = IdFilter(label=_("Batch"), field_name="batch_id")
    source = django_filters.CharFilter(label=_("Source"), field_name="batch__source__name", lookup_expr="iexact")
    period = period_filter(label=_("Period (YYYY-MM)"), field_name="batch__period")
    ip = django_filters.CharFilter(label=_("IP address"), method="filter_ip", validators=[parse_ip])
    family = django_filters.CharFilter(label=_("Malware family"), field_name="families", lookup_expr="icontains")
    q = django_filters.CharFilter(label=_("Search"), method="filter_search",
                                  help_text=_("Address, block, family, port or C2."))
    search_fields = ("indicator", "block", "families", "ports", "c2")

    class Meta:
        model = Hit
        fields: list[str] = []

    def filter_ip(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        address = parse_ip(value)  # valid: the field's validator said so
        key = ip_key(address)
        return queryset.filter(version=address.version, first_key__lte=key, last_key__gte=key)
