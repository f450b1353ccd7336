"""Filters of the user list (console)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhgac.accounts.models import User
from canhgac.core.access import Role


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices)
    is_active = django_filters.BooleanFilter(label=_("Active"))
    unit = django_filters.CharFilter(label=_("Unit code"), field_name="units__code", lookup_expr="iexact",
                                     distinct=True)

    class Meta:
        model = User
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value)
                               | Q(email__icontains=value))
