"""One filterset per model, used by the console lists and the API alike."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.models import (
    Asset,
    AssetRole,
    Contact,
    Domain,
    InformationSystem,
    Netblock,
    Software,
    Unit,
    UnitKind,
)
from canhgac.constituency.querysets import unit_subtree_ids


class UnitScopedFilterSet(django_filters.FilterSet):
    """``unit=CODE`` selects one unit's objects; ``unit_tree=CODE`` adds its sub-units'."""

    unit = django_filters.CharFilter(label=_("Unit code"), method="filter_unit")
    unit_tree = django_filters.CharFilter(label=_("Unit code, with sub-units"), method="filter_unit_tree")
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    search_fields: tuple[str, ...] = ()
    unit_field = "unit"

    def filter_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.unit_field}__code__iexact": value.strip()})

    def filter_unit_tree(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        roots = Unit.objects.filter(code__iexact=value.strip()).values_list("pk", flat=True)
        return queryset.filter(**{f"{self.unit_field}__in": unit_subtree_ids(roots)})

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(condition)


class UnitFilterSet(UnitScopedFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    active = django_filters.BooleanFilter(label=_("Active"))
    parent = django_filters.CharFilter(label=_("Parent unit code"), field_name="parent__code",
                                       lookup_expr="iexact")
    search_fields = ("code", "name", "short_name")
    unit_field = "pk"

    def filter_unit(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(code__iexact=value.strip())

    class Meta:
        model = Unit
        fields = ["kind", "active", "parent"]


class ContactFilterSet(UnitScopedFilterSet):
    focal_point = django_filters.BooleanFilter(label=_("Focal point"))
    national_body = django_filters.BooleanFilter(label=_("National body"))
    search_fields = ("name", "organisation", "email", "phone", "mobile", "position")

    class Meta:
        model = Contact
        fields = ["focal_point", "national_body"]


class NetblockFilterSet(UnitScopedFilterSet):
    version = django_filters.ChoiceFilter(label=_("IP version"), choices=[(4, "IPv4"), (6, "IPv6")])
    search_fields = ("block", "description")

    class Meta:
        model = Netblock
        fields = ["version"]


class DomainFilterSet(UnitScopedFilterSet):
    purpose = django_filters.ChoiceFilter(label=_("Purpose"), choices=Domain.Purpose.choices)
    search_fields = ("name", "notes")

    class Meta:
        model = Domain
        fields = ["purpose"]


class AssetFilterSet(UnitScopedFilterSet):
    role = django_filters.ChoiceFilter(label=_("Role"), choices=AssetRole.choices)
    internet_facing = django_filters.BooleanFilter(label=_("Internet-facing"))
    product = django_filters.CharFilter(label=_("Software product"), method="filter_product")
    search_fields = ("name", "hostname", "ip_addresses", "description")

    def filter_product(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        matching = Software.objects.filter(Q(product__icontains=term) | Q(vendor__icontains=term))
        return queryset.filter(pk__in=matching.values("asset_id"))

    class Meta:
        model = Asset
        fields = ["role", "internet_facing"]


class InformationSystemFilterSet(UnitScopedFilterSet):
    security_level = django_filters.NumberFilter(label=_("Security level"))
    search_fields = ("name", "description")

    class Meta:
        model = InformationSystem
        fields = ["security_level"]


FILTERSETS: dict[type, Any] = {
    Unit: UnitFilterSet,
    Contact: ContactFilterSet,
    Netblock: NetblockFilterSet,
    Domain: DomainFilterSet,
    Asset: AssetFilterSet,
    InformationSystem: InformationSystemFilterSet,
}
