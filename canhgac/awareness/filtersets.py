"""Filters of the bulletin list, shared by console and API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhgac.awareness.models import Bulletin, BulletinKind, Topic


class BulletinFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BulletinKind.choices)
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=Topic.choices)
    published = django_filters.BooleanFilter(label=_("Published"), field_name="published_at",
                                             lookup_expr="isnull", exclude=True)

    class Meta:
        model = Bulletin
        fields = ["q", "kind", "topic", "published"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value))
