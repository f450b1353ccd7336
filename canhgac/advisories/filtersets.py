"""Filters of advisories, vulnerabilities and exposures, for the API (and the console when it comes)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from canhgac.advisories.models import Advisory, AdvisorySource, Exposure, Vulnerability
from canhgac.advisories.review import NEEDS_ENTRY
from canhgac.constituency.filtersets import UnitScopedFilterSet
from canhgac.findings.models import Severity


class AdvisoryFilterSet(django_filters.FilterSet):
    """``q`` searches the identifier, title, reference letter and vendor; ``cve`` names a vulnerability."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=AdvisorySource.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    known_exploited = django_filters.BooleanFilter(label=_("Known exploited"))
    reference = django_filters.CharFilter(label=_("Reference letter"), lookup_expr="iexact")
    cve = django_filters.CharFilter(label=_("CVE"), field_name="vulnerabilities__identifier", lookup_expr="iexact")
    published_after = django_filters.DateFilter(label=_("Published on or after"), field_name="published",
                                                lookup_expr="gte")
    published_before = django_filters.DateFilter(label=_("Published on or before"), field_name="published",
                                                 lookup_expr="lte")
    needs_review = django_filters.BooleanFilter(label=_("Needs a SOC entry"), method="filter_needs_review")

    class Meta:
        model = Advisory
        fields = ["q", "source", "severity", "known_exploited", "reference", "cve"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        return queryset.filter(Q(source_id__icontains=term) | Q(title__icontains=term) |
                               Q(reference__icontains=term) | Q(vendor__icontains=term))

    def filter_needs_review(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Advisories with a note only the SOC's entry (or another source's record) can answer."""
        if value is None:
            return queryset
        condition = Q()
        for code in sorted(NEEDS_ENTRY):
            condition |= Q(review__icontains=f'"code": "{code}"')
        return queryset.filter(condition) if value else queryset.exclude(condition)


class VulnerabilityFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    known_exploited = django_filters.BooleanFilter(label=_("Known exploited"))
    exposed = django_filters.BooleanFilter(label=_("On some asset"), method="filter_exposed")

    class Meta:
        model = Vulnerability
        fields = ["q", "severity", "known_exploited"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        return queryset.filter(Q(identifier__icontains=term) | Q(title__icontains=term))

    def filter_exposed(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        exposed = Exposure.objects.values("vulnerability_id")
        return queryset.filter(pk__in=exposed) if value else queryset.exclude(pk__in=exposed)


class ExposureFilterSet(UnitScopedFilterSet):
    """``unit`` / ``unit_tree`` by unit code; ``cve`` the vulnerability; ``advisory`` every vulnerability it names."""

    cve = django_filters.CharFilter(label=_("CVE"), field_name="vulnerability__identifier", lookup_expr="iexact")
    advisory = django_filters.NumberFilter(label=_("Advisory id"), method="filter_advisory")
    asset = django_filters.NumberFilter(label=_("Asset id"), field_name="asset_id")
    known_exploited = django_filters.BooleanFilter(label=_("Known exploited"),
                                                   field_name="vulnerability__known_exploited")
    search_fields = ("label", "product", "asset__name", "vulnerability__identifier")

    class Meta:
        model = Exposure
        fields = ["cve", "advisory", "asset", "known_exploited"]

    def filter_advisory(self, queryset: QuerySet, name: str, value: int | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(vulnerability__advisories=value)
