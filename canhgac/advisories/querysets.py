"""Read queries of the advisories console: who a warning concerns, its units' progress, and the priority order.

Every unit-owned row is read through ``for_user`` (exposures, findings, units): an officer's counts are their
units' only. Advisories concern every unit, so an officer reaches one only through an exposure or a finding of
theirs (:func:`concerns`).

A finding of an advisory is keyed ``CVE-…@asset/product``: the part before ``@`` names its vulnerability, so the
findings of a warning are those whose key starts with one of its vulnerabilities' identifiers (they outlive the
exposures: a fixed asset has a resolved finding and no exposure any more).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Left, StrIndex
from django.utils import timezone

from canhgac.advisories.models import FINDING_SOURCE, Advisory, AdvisoryVulnerability, Exposure, Vulnerability
from canhgac.constituency.models import InformationSystem, Unit
from canhgac.core.access import VIEW, Role, may, role_of
from canhgac.findings.models import Finding, FindingState
from canhgac.findings.workflow import ACTIVE_STATES

CHUNK = 500
MAX_HIT = 20_000
"""Up to this many advisories hitting something, the priority figures are computed for them alone."""
FIXED_STATES = frozenset({FindingState.RESOLVED, FindingState.VERIFIED})


def _in_chunks(name: str, values: list[Any]) -> Q:
    condition = Q(pk__in=[])
    for start in range(0, len(values), CHUNK):
        condition |= Q(**{f"{name}__in": values[start:start + CHUNK]})
    return condition


def identifiers_of(advisory: Advisory) -> list[str]:
    return list(AdvisoryVulnerability.objects.filter(advisory=advisory).values_list(
        "vulnerability__identifier", flat=True))


def vulnerability_ids_of(advisory: Advisory) -> list[int]:
    return list(AdvisoryVulnerability.objects.filter(advisory=advisory).values_list("vulnerability_id", flat=True))


def findings_of(identifiers: list[str], user: Any) -> QuerySet:
    """The findings (any state) of these vulnerabilities that ``user`` may see."""
    key = Left("dedup_key", StrIndex("dedup_key", Value("@")) - 1)
    return Finding.objects.for_user(user).filter(source=FINDING_SOURCE).alias(vulnerability_key=key).filter(
        _in_chunks("vulnerability_key", identifiers))


def exposures_of(vulnerability_ids: list[int], user: Any) -> QuerySet[Exposure]:
    return Exposure.objects.for_user(user).filter(_in_chunks("vulnerability_id", vulnerability_ids))


def concerns(advisory: Advisory, user: Any) -> bool:
    """Whether ``user`` may read ``advisory``: the SOC and auditors always, an officer when it hit their units."""
    if may(user, VIEW, Advisory):
        return True
    if role_of(user) != Role.UNIT_OFFICER:
        return False
    return (exposures_of(vulnerability_ids_of(advisory), user).exists()
            or findings_of(identifiers_of(advisory), user).exists())


def concerns_vulnerability(vulnerability: Vulnerability, user: Any) -> bool:
    if may(user, VIEW, Vulnerability):
        return True
    if role_of(user) != Role.UNIT_OFFICER:
        return False
    return exposures_of([vulnerability.pk], user).exists() or findings_of([vulnerability.identifier], user).exists()


@dataclass
class UnitProgress:
    """How far one unit is with one warning: its assets exposed now, and its findings by state."""

    unit: Unit
    assets: int = 0
    exposures: int = 0
    open: int = 0
    overdue: int = 0
    fixed: int = 0
    dismissed: int = 0

    @property
    def total(self) -> int:
        return self.open + self.fixed + self.dismissed


@dataclass
class Progress:
    units: list[UnitProgress] = field(default_factory=list)

    def sum(self, name: str) -> int:
        return sum(getattr(row, name) for row in self.units)

    @property
    def open_total(self) -> int:
        return self.sum("open")

    @property
    def overdue_total(self) -> int:
        return self.sum("overdue")

    @property
    def fixed_total(self) -> int:
        return self.sum("fixed")


def progress_of(advisory: Advisory, user: Any, today: datetime.date | None = None) -> Progress:
    """Per unit (those ``user`` may see): assets exposed now, findings open, overdue, fixed, dismissed."""
    return progress_for(vulnerability_ids_of(advisory), identifiers_of(advisory), user, today)


def progress_for(vulnerability_ids: list[int], identifiers: list[str], user: Any,
                 today: datetime.date | None = None) -> Progress:
    today = today or timezone.localdate()
    rows: dict[int, dict[str, int]] = {}
    for row in exposures_of(vulnerability_ids, user).order_by().values("unit_id").annotate(
            exposures=Count("pk"), assets=Count("asset_id", distinct=True)):
        rows.setdefault(row["unit_id"], {}).update(exposures=int(row["exposures"]), assets=int(row["assets"]))
    active = Q(state__in=ACTIVE_STATES)
    for found in findings_of(identifiers, user).order_by().values("unit_id").annotate(
            open=Count("pk", filter=active), overdue=Count("pk", filter=active & Q(due_on__lt=today)),
            fixed=Count("pk", filter=Q(state__in=FIXED_STATES)),
            dismissed=Count("pk", filter=~active & ~Q(state__in=FIXED_STATES))):
        counts = dict(found)
        rows.setdefault(counts.pop("unit_id"), {}).update(counts)
    units = Unit.objects.in_bulk(list(rows))
    progress = [UnitProgress(units[unit_id], **counts) for unit_id, counts in rows.items() if unit_id in units]
    progress.sort(key=lambda row: (-row.overdue, -row.open, -row.exposures, row.unit.code))
    return Progress(progress)


def _count(queryset: QuerySet, expression: str = "COUNT(%(expressions)s)", column: str = "pk") -> Subquery:
    """A correlated count (or maximum) without GROUP BY: one number per outer row."""
    return Subquery(queryset.order_by().annotate(figure=Func(F(column), template=expression)).values("figure")[:1],
                    output_field=IntegerField())


def with_priority(queryset: QuerySet[Advisory], user: Any, unit_ids: set[int] | None = None, *,
                  sort_only: bool = False) -> QuerySet[Advisory]:
    """Advisories with the figures they are prioritised by: whether one of their vulnerabilities is known exploited
    (whatever source says so), their CVSS (the record's, else its vulnerabilities' highest), and over the exposures
    ``user`` may see (in ``unit_ids`` when given): exposures, units, exposures on internet-facing assets, the highest
    security level of a system hit.

    The exposure figures are computed only for the advisories that hit something (the set is read once): a quarter
    of a million records mostly hit nothing, and sorting them all by correlated counts would take seconds.
    ``sort_only``: the figures only order the rows (a list then reads them for its page with :func:`figures_of`)."""
    vulnerabilities = Vulnerability.objects.filter(advisoryvulnerability__advisory=OuterRef("pk"))
    visible = Exposure.objects.for_user(user)
    if unit_ids is not None:
        visible = visible.in_unit_subtree(unit_ids)
    hit = list(AdvisoryVulnerability.objects.filter(vulnerability_id__in=visible.values("vulnerability_id"))
               .order_by().values_list("advisory_id", flat=True).distinct()[:MAX_HIT + 1])
    exposures = visible.filter(vulnerability__advisoryvulnerability__advisory=OuterRef("pk"))
    systems = InformationSystem.objects.for_user(user).filter(
        assets__exposures__vulnerability__advisoryvulnerability__advisory=OuterRef("pk"))
    if unit_ids is not None:
        systems = systems.filter(assets__exposures__unit_id__in=unit_ids)

    def when_hit(figure: Subquery, default: Any = 0) -> Any:
        if len(hit) > MAX_HIT:
            return figure
        return Case(When(pk__in=hit, then=figure), default=Value(default), output_field=IntegerField())

    add = queryset.alias if sort_only else queryset.annotate
    return add(
        exploited=Q(known_exploited=True) | Exists(vulnerabilities.filter(known_exploited=True)),
        top_cvss=Coalesce("cvss", Subquery(vulnerabilities.order_by().annotate(
            figure=Func(F("cvss"), function="MAX")).values("figure")[:1], output_field=FloatField())),
        exposure_count=when_hit(_count(exposures)),
        units_affected=when_hit(_count(exposures, "COUNT(DISTINCT %(expressions)s)", "unit_id")),
        internet_facing=when_hit(_count(exposures.filter(asset__internet_facing=True))),
        security_level=when_hit(_count(systems, "MAX(%(expressions)s)", "security_level"), None),
    )


FIGURES = ("exploited", "top_cvss", "exposure_count", "units_affected", "internet_facing", "security_level")


def figures_of(advisories: list[Any], user: Any, unit_ids: set[int] | None = None) -> None:
    """Set the priority figures on these advisories (a page of a list), read in one query."""
    found = {row["pk"]: row for row in with_priority(Advisory.objects.filter(pk__in=[item.pk for item in advisories]),
                                                     user, unit_ids).values("pk", *FIGURES)}
    for advisory in advisories:
        for name in FIGURES:
            setattr(advisory, name, found.get(advisory.pk, {}).get(name))


PRIORITY_ORDER = [F("exploited").desc(), F("internet_facing").desc(), F("security_level").desc(nulls_last=True),
                  F("top_cvss").desc(nulls_last=True)]
"""Known exploited first, then internet-facing exposures, then the systems' security level, then CVSS."""


def exposures_by_priority(queryset: QuerySet[Exposure]) -> QuerySet[Exposure]:
    """Exposures in the order the remediation should go, with the asset's highest system level."""
    return queryset.select_related("vulnerability", "unit", "asset").annotate(
        security_level=Max("asset__information_systems__security_level")).order_by(
        F("vulnerability__known_exploited").desc(), F("asset__internet_facing").desc(),
        F("security_level").desc(nulls_last=True), F("vulnerability__cvss").desc(nulls_last=True),
        "unit__code", "asset__name", "pk")


def affected_advisories(user: Any) -> QuerySet[Advisory]:
    """Advisories naming a vulnerability present on an asset ``user`` may see (officers: their units')."""
    hit = AdvisoryVulnerability.objects.filter(
        vulnerability_id__in=Exposure.objects.for_user(user).values("vulnerability_id")).values("advisory_id")
    return Advisory.objects.filter(pk__in=hit)
