"""Console pages of findings: the list (filters, counts per state, sorting, export, the SOC's bulk steps) and a
finding's page (its asset, evidence and timeline, and the steps the user may take).

Every read goes through ``Finding.objects.for_user``: an officer sees their units' findings only, and another
unit's finding is a 404 whichever page or action names it.
"""

from __future__ import annotations

from typing import Any, ClassVar

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from canhgac.constituency.models import InformationSystem
from canhgac.constituency.ui.views.lists import tidy_filter_form
from canhgac.core.access import CHANGE, may
from canhgac.core.ui.views import ScopedDetailView, ScopedListView
from canhgac.findings.filtersets import FindingFilterSet, severity_rank
from canhgac.findings.jobs import may_bulk
from canhgac.findings.models import Finding, FindingEvent, FindingState
from canhgac.findings.ui.forms import BulkTransitionForm, TransitionForm
from canhgac.findings.workflow import ACTIVE_STATES


def _source_choices() -> list[tuple[str, str]]:
    sources = Finding.objects.order_by("source").values_list("source", flat=True).distinct()
    return [(source, source) for source in sources]


class FindingConsoleFilterSet(FindingFilterSet):
    """The API's filters; the source is chosen among the sources findings have, the asset id travels hidden
    (it is set by the "other findings of this asset" link)."""

    source = django_filters.ChoiceFilter(label=_("Source"), choices=_source_choices)
    asset = django_filters.NumberFilter(field_name="asset_id", widget=forms.HiddenInput)


class FindingListView(ScopedListView):
    model = Finding  # type: ignore[misc]
    filterset_class = FindingConsoleFilterSet
    template_name = "findings/finding_list.html"
    page_title = _("Findings")
    sortable: ClassVar[dict[str, str]] = {
        "priority": "priority", "severity": "severity_rank", "due": "due_on", "state": "state",
        "unit": "unit__code", "subject": "dedup_key", "title": "title", "last_seen": "last_seen_at",
        "times_seen": "times_seen",
    }

    def base_queryset(self) -> QuerySet:
        return super().base_queryset().select_related("unit", "asset").annotate(severity_rank=severity_rank())

    def get_queryset(self) -> QuerySet:
        queryset = super().get_queryset()
        if self.filterset is not None:
            tidy_filter_form(self.filterset.form)
        return queryset

    def ordering_fields(self) -> list[str]:
        fields = super().ordering_fields()  # [sort, "pk"]: ties broken by the gravest, then the oldest
        return [fields[0], "severity_rank", "due_on", "pk"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        for finding in context["object_list"]:
            finding.is_overdue = is_overdue(finding, today)
        context.update(
            state_counts=self.state_counts(),
            may_bulk=may_bulk(user),
            filter_valid=self.filterset is None or not self.filterset.is_bound or self.filterset.is_valid(),
        )
        if context["may_bulk"]:
            context["bulk_form"] = BulkTransitionForm(initial={"query": self.request.GET.urlencode()})
        return context

    def state_counts(self) -> dict[str, Any]:
        """Rows per state under the other filters (the state filter left out), and how many of them are late."""
        late = Q(due_on__lt=timezone.localdate(), state__in=ACTIVE_STATES)
        rows = {row["state"]: row for row in self.without_state_filter().order_by().values("state").annotate(
            total=Count("pk"), late=Count("pk", filter=late))}
        states = [{"value": value, "label": label, "total": rows.get(value, {}).get("total", 0)}
                  for value, label in FindingState.choices]
        return {"states": states, "total": sum(row["total"] for row in rows.values()),
                "active": sum(rows.get(value, {}).get("total", 0) for value in ACTIVE_STATES),
                "overdue": sum(row["late"] for row in rows.values())}

    def without_state_filter(self) -> QuerySet:
        """The list's filters but the state's, applied as the filterset applies them (it runs each in turn)."""
        queryset, filterset = self.base_queryset(), self.filterset
        if filterset is None or not filterset.is_bound or not filterset.is_valid():
            return queryset
        for name, value in filterset.form.cleaned_data.items():
            if name != "state":
                queryset = filterset.filters[name].filter(queryset, value)
        return queryset


class FindingDetailView(ScopedDetailView):
    model = Finding  # type: ignore[misc]
    template_name = "findings/finding_detail.html"
    context_object_name = "finding"

    def get_object(self, queryset: QuerySet | None = None) -> Any:
        return super().get_object(Finding.objects.select_related("unit", "asset", "asset__unit"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        finding, user = self.object, self.request.user
        finding.is_overdue = is_overdue(finding, timezone.localdate())
        if "form" not in context and may(user, CHANGE, Finding):
            context["form"] = TransitionForm(user, finding.state)
        context.update(
            events=FindingEvent.objects.filter(finding=finding).select_related("actor").order_by("-at", "-pk"),
            systems=(InformationSystem.objects.for_user(user).filter(assets=finding.asset_id)
                     .order_by("-security_level", "name") if finding.asset_id else []),
            evidence=evidence_rows(finding.evidence),
            may_change=may(user, CHANGE, Finding),
        )
        return context


def is_overdue(finding: Finding, today: Any) -> bool:
    return finding.state in ACTIVE_STATES and finding.due_on is not None and finding.due_on < today


def evidence_rows(evidence: Any) -> list[tuple[str, str]]:
    """The producer's extra data as label/value rows: keys made readable, lists joined, nested data as text."""
    if not isinstance(evidence, dict):
        return [] if evidence in (None, "", [], {}) else [(str(_("Data")), _as_text(evidence))]
    return [(str(key).replace("_", " ").capitalize(), _as_text(value)) for key, value in evidence.items()]


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_as_text(item)}" for key, item in value.items())
    return "" if value is None else str(value)
