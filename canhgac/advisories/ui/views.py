"""Console pages to read advisories: the SOC's list, the warnings that hit a user's units, a warning's page (its
units' progress with charts, its products, why each asset matched), a vulnerability's page, the overdue list.

Advisories concern every unit: the SOC and auditors read them all (as in the API). An officer reads the warnings
that hit their units — reached through their exposures and findings (``querysets.concerns``) — with every count and
row limited to their units by ``for_user``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from canhgac.advisories.filtersets import AdvisoryFilterSet, ExposureFilterSet
from canhgac.advisories.models import (
    FINDING_SOURCE,
    Advisory,
    AdvisoryBatch,
    AdvisoryVulnerability,
    AffectedProduct,
    Exposure,
    Trust,
    Vulnerability,
)
from canhgac.advisories.querysets import (
    affected_advisories,
    concerns,
    concerns_vulnerability,
    exposures_by_priority,
    exposures_of,
    figures_of,
    identifiers_of,
    progress_for,
    vulnerability_ids_of,
    with_priority,
)
from canhgac.advisories.services import rule_details
from canhgac.advisories.ui.charts import progress_chart, totals_chart
from canhgac.constituency.filtersets import UnitScopedFilterSet
from canhgac.constituency.models import Unit
from canhgac.constituency.querysets import unit_subtree_ids
from canhgac.constituency.ui.views.lists import tidy_filter_form
from canhgac.core.access import ADD, VIEW, may
from canhgac.core.ui.views import ConsoleView, ScopedListView
from canhgac.findings.filtersets import overdue_condition
from canhgac.findings.models import Finding
from canhgac.findings.ui.views import is_overdue

SHOWN = 200
"""Rows of a detail page's tables; the export has them all."""
SORTS: dict[str, Any] = {
    "priority": [F("exploited").asc(), F("internet_facing").asc(), F("security_level").asc(nulls_first=True),
                 F("top_cvss").asc(nulls_first=True)],
    "published": [F("published").asc(nulls_first=True)], "cvss": [F("top_cvss").asc(nulls_first=True)],
    "deadline": [F("deadline").asc(nulls_last=True)], "exposures": [F("exposure_count").asc()],
    "source": [F("source").asc(), F("source_id").asc()], "title": [F("title").asc()],
    "reference": [F("reference").asc()],
}
"""Each column in ascending order; ``-column`` reverses it. The lists open on ``-priority``: the most urgent first."""


class AdvisoryConsoleFilterSet(AdvisoryFilterSet):
    """The API's filters, and whether the advisory hits some unit."""

    affecting = django_filters.BooleanFilter(label=_("Hits some unit"), method="filter_affecting")
    has_deadline = django_filters.BooleanFilter(label=_("With a deadline"), field_name="deadline",
                                                lookup_expr="isnull", exclude=True)
    batch = django_filters.NumberFilter(field_name="batch_id", widget=forms.HiddenInput)

    def filter_affecting(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        hit = affected_advisories(self.request.user).values("pk") if self.request else Advisory.objects.none()
        return queryset.filter(pk__in=hit) if value else queryset.exclude(pk__in=hit)


class PriorityListView(ScopedListView):
    """Sorting by priority figures computed per user (``with_priority``); ties by the newest."""

    sortable: ClassVar[dict[str, str]] = {name: name for name in SORTS}

    def get_queryset(self) -> QuerySet:
        queryset = with_priority(super().get_queryset(), self.request.user, self.counted_units(), sort_only=True)
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        return queryset

    def counted_units(self) -> set[int] | None:
        """The units whose exposures the figures count (``None``: all the user may see)."""
        return None

    def current_sort(self) -> str:
        wanted = self.request.GET.get("sort", "")
        return wanted if wanted.lstrip("-") in self.sortable else "-priority"

    def ordering_fields(self) -> list[Any]:
        sort = self.current_sort()
        order = [item.copy() for item in SORTS[sort.lstrip("-")]]  # reversing one changes it: never the shared one
        if sort.startswith("-"):
            order = [item.reverse_ordering() for item in order]
        return [*order, "-id"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        figures_of(list(context["object_list"]), self.request.user, self.counted_units())
        context["may_import"] = may(self.request.user, ADD, AdvisoryBatch)
        return context


class AdvisoryListView(PriorityListView):
    """Every advisory (the SOC and auditors)."""

    model = Advisory  # type: ignore[misc]
    filterset_class = AdvisoryConsoleFilterSet
    template_name = "advisories/advisory_list.html"
    page_title = _("Advisories and warnings")

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().defer("raw", "summary", "details", "review")


class WarningFilterSet(AdvisoryFilterSet):
    """Warnings hitting a user's units: their filters, and the unit (with sub-units) whose exposures count."""

    unit_tree = django_filters.CharFilter(label=_("Unit (with sub-units)"), method="filter_unit_tree")
    needs_review = None  # the SOC's concern, not a unit's

    def filter_unit_tree(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        exposed = ExposureFilterSet({"unit_tree": value}, queryset=Exposure.objects.for_user(self.request.user)).qs
        return queryset.filter(pk__in=AdvisoryVulnerability.objects.filter(
            vulnerability_id__in=exposed.values("vulnerability_id")).values("advisory_id"))


class WarningListView(PriorityListView):
    """The warnings that hit the user's units now (officers: theirs; the SOC and auditors: any unit's)."""

    model = Exposure  # type: ignore[misc]  # whoever may see exposures may list what they are exposed to
    filterset_class = WarningFilterSet
    template_name = "advisories/warning_list.html"
    page_title = _("Warnings for my units")

    def base_queryset(self) -> QuerySet:
        return affected_advisories(self.request.user).defer("raw", "summary", "details", "review")

    def counted_units(self) -> set[int] | None:
        code = self.request.GET.get("unit_tree", "").strip()
        if not code:
            return None
        return set(unit_subtree_ids(Unit.objects.filter(code__iexact=code).values_list("pk", flat=True)))


def with_reasons(exposures: QuerySet[Exposure]) -> list[Any]:
    """The exposures, each with the rules it matched (read in one go) as ``reasons``."""
    listed: list[Any] = list(exposures)
    reasons = rule_details({rule for exposure in listed for rule in exposure.rule_ids()})
    for exposure in listed:
        exposure.reasons = [reasons[rule] for rule in exposure.rule_ids() if rule in reasons]
    return listed


def advisory_for(request: Any, pk: int) -> Advisory:
    advisory = get_object_or_404(Advisory.objects.defer("raw").select_related("batch"), pk=pk)
    if not concerns(advisory, request.user):
        raise Http404
    return advisory


class AdvisoryDetailView(ConsoleView, DetailView):
    """One advisory or warning: its units' progress (charts), vulnerabilities, products, and the assets it hit."""

    model = Exposure  # type: ignore[misc]  # officers reach a warning through their exposures (``concerns``)
    template_name = "advisories/advisory_detail.html"
    context_object_name = "advisory"

    def get_object(self, queryset: QuerySet | None = None) -> Advisory:
        return advisory_for(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        advisory, user = self.object, self.request.user
        vulnerability_ids, identifiers = vulnerability_ids_of(advisory), identifiers_of(advisory)
        progress = progress_for(vulnerability_ids, identifiers, user)
        exposures = with_reasons(exposures_by_priority(exposures_of(vulnerability_ids, user))[:SHOWN])
        context.update(
            progress=progress, totals_chart=totals_chart(progress), units_chart=progress_chart(progress),
            exposures=exposures, exposure_total=exposures_of(vulnerability_ids, user).count(),
            vulnerabilities=Vulnerability.objects.filter(pk__in=vulnerability_ids).annotate(
                exposure_count=Count("exposures")).order_by("-known_exploited", F("cvss").desc(nulls_last=True),
                                                            "identifier")[:SHOWN],
            vulnerability_total=len(vulnerability_ids),
            products=AffectedProduct.objects.filter(advisory=advisory).order_by("-trust", "vendor", "product",
                                                                                 "pk")[:SHOWN],
            soc=may(user, ADD, AdvisoryBatch), today=timezone.localdate(),
            selection=(advisory.details or {}).get("selection"),
        )
        return context


class VulnerabilityDetailView(ConsoleView, DetailView):
    """One vulnerability: what its advisories say, its rules (the most trusted first), the assets it is on."""

    model = Exposure  # type: ignore[misc]
    template_name = "advisories/vulnerability_detail.html"
    context_object_name = "vulnerability"

    def get_object(self, queryset: QuerySet | None = None) -> Vulnerability:
        vulnerability = get_object_or_404(Vulnerability, pk=self.kwargs["pk"])
        if not concerns_vulnerability(vulnerability, self.request.user):
            raise Http404
        return vulnerability

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        vulnerability, user = self.object, self.request.user
        exposures = with_reasons(exposures_by_priority(exposures_of([vulnerability.pk], user))[:SHOWN])
        soc = may(user, VIEW, Advisory)
        advisories = vulnerability.advisories.defer("raw").order_by("source", "-published")
        context.update(
            exposures=exposures, exposure_total=exposures_of([vulnerability.pk], user).count(),
            progress=progress_for([vulnerability.pk], [vulnerability.identifier], user),
            advisories=[advisory for advisory in advisories if soc or concerns(advisory, user)],
            rules=AffectedProduct.objects.filter(vulnerability=vulnerability).select_related("advisory").only(
                "advisory__source", "advisory__source_id", "vendor", "product", "cpe", "version_exact",
                "version_start", "start_inclusive", "version_end", "end_inclusive", "status", "trust", "origin",
                "problem").order_by("-trust", "vendor", "product", "pk")[:SHOWN] if soc else [],
            trust_labels=dict(Trust.choices),
        )
        return context


class OverdueFilterSet(UnitScopedFilterSet):
    search_fields = ("dedup_key", "title", "asset__name")

    class Meta:
        model = Finding
        fields: list[str] = []


class OverdueListView(ScopedListView):
    """Findings of advisories past their due date and still open, by unit (officers: theirs)."""

    model = Finding  # type: ignore[misc]
    filterset_class = OverdueFilterSet
    template_name = "advisories/overdue_list.html"
    page_title = _("Overdue vulnerability fixes")
    sortable: ClassVar[dict[str, str]] = {"unit": "unit__code", "priority": "priority", "due": "due_on"}

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().filter(overdue_condition(), source=FINDING_SOURCE).select_related(
            "unit", "asset")

    def ordering_fields(self) -> list[str]:
        return [*super().ordering_fields()[:1], "priority", "due_on", "pk"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for finding in context["object_list"]:
            finding.is_overdue = is_overdue(finding, today)
        queryset = self.filterset.qs if self.filterset is not None and self.filterset.is_valid() else \
            self.base_queryset()
        context["by_unit"] = list(queryset.order_by().values("unit__pk", "unit__code", "unit__name").annotate(
            total=Count("pk"), urgent=Count("pk", filter=Q(priority=1))).order_by("-total", "unit__code")[:50])
        return context
