"""Read queries of the feeds, shared by the console, the API and the exports.

A batch concerns every unit, so its model lets only the SOC and auditors read it (``SOC_ONLY``). A unit officer
reaches a batch through the hits of their units (``Hit.objects.for_user``): they see the batches that listed an
address of theirs, with their own hits and the figures of the file as received (lines, valid, invalid,
duplicates: the same for every recipient of the letter), never the province's figures or another unit's rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, IntegerField, Max, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from canhgac.constituency.models import Asset
from canhgac.core.access import VIEW, may
from canhgac.findings.models import Finding
from canhgac.findings.workflow import ACTIVE_STATES
from canhgac.intel.models import FeedBatch, FeedCategory, Hit

PROVINCE_FIELDS = ("matched", "outside", "units_affected", "findings_opened", "findings_refreshed",
                   "findings_reopened", "findings_verified", "invalid_lines")
"""What a batch says about the whole province (or its file's raw lines): the SOC's and auditors' only."""


def sees_whole_batches(user: Any) -> bool:
    return may(user, VIEW, FeedBatch)


def may_see_batches(user: Any) -> bool:
    """The SOC and auditors see every batch; officers the batches that hit their units."""
    return sees_whole_batches(user) or may(user, VIEW, Hit)


def batches_for_user(user: Any) -> QuerySet[FeedBatch]:
    if sees_whole_batches(user):
        return FeedBatch.objects.for_user(user)
    if not may(user, VIEW, Hit):
        return FeedBatch.objects.none()
    return FeedBatch.objects.filter(pk__in=Hit.objects.for_user(user).values("batch_id"))


def with_scoped_hits(batches: QuerySet[FeedBatch], user: Any) -> QuerySet[FeedBatch]:
    """Each batch with ``scoped_hits``: how many of its hits the user may see (the SOC: all of them)."""
    counted = (Hit.objects.for_user(user).filter(batch_id=OuterRef("pk")).order_by().values("batch_id")
               .annotate(total=Count("pk")).values("total"))
    return batches.annotate(scoped_hits=Coalesce(Subquery(counted, output_field=IntegerField()), 0))


def units_hit(batch: FeedBatch, user: Any) -> QuerySet[Any]:
    """The units of ``batch``'s hits the user may see, with their hit counts, most hit first."""
    return (Hit.objects.for_user(user).filter(batch=batch).order_by().values("unit_id", "unit__code", "unit__name")
            .annotate(hits=Count("pk"), assets=Count("asset_id", distinct=True)).order_by("-hits", "unit__code"))


def listed_addresses(hits: QuerySet[Hit]) -> QuerySet[Any]:
    """One row per (unit, listed address) of ``hits`` (already scoped and filtered): first and last listed, how
    many lists listed it; the most recently listed first."""
    return (hits.order_by().values("unit_id", "unit__code", "indicator")
            .annotate(first_listed=Min("batch__received_at"), last_listed=Max("batch__received_at"),
                      first_period=Min("batch__period"), last_period=Max("batch__period"),
                      times=Count("batch_id", distinct=True))
            .order_by("-last_listed", "unit__code", "indicator"))


def describe_addresses(user: Any, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` of :func:`listed_addresses` (one page) with the families, ports and owning asset every list gave
    them, and the findings they opened (those the user may see), read in three queries whatever the page size."""
    rows = list(rows)
    units = {row["unit_id"] for row in rows}
    indicators = {row["indicator"] for row in rows}
    details: dict[tuple[int, str], dict[str, dict[str, None]]] = defaultdict(
        lambda: {"families": {}, "ports": {}, "assets": {}})
    for unit_id, indicator, families, ports, asset_id in (
            Hit.objects.for_user(user).filter(unit_id__in=units, indicator__in=indicators).order_by("batch_id")
            .values_list("unit_id", "indicator", "families", "ports", "asset_id")):
        found = details[(unit_id, indicator)]
        found["families"].update(dict.fromkeys(_split(families)))
        found["ports"].update(dict.fromkeys(_split(ports)))
        if asset_id:
            found["assets"][asset_id] = None
    assets = Asset.objects.for_user(user).in_bulk({asset for found in details.values() for asset in found["assets"]})
    findings = findings_of(user, units, indicators)
    for row in rows:
        found = details[(row["unit_id"], row["indicator"])]
        row.update(families=list(found["families"]), ports=list(found["ports"]),
                   assets=[assets[pk] for pk in found["assets"] if pk in assets],
                   findings=findings.get((row["unit_id"], row["indicator"]), []))
    return rows


def findings_of(user: Any, units: set[int], indicators: set[str]) -> dict[tuple[int, str], list[Finding]]:
    """The feed findings about these addresses in these units, still-open ones first."""
    found: dict[tuple[int, str], list[Finding]] = defaultdict(list)
    queryset = (Finding.objects.for_user(user).filter(unit_id__in=units, dedup_key__in=indicators,
                                                     source__in=FeedCategory.values)
                .only("pk", "unit_id", "dedup_key", "source", "state"))
    for finding in sorted(queryset, key=lambda item: (item.state not in ACTIVE_STATES, item.pk)):
        found[(finding.unit_id, finding.dedup_key)].append(finding)
    return found


def _split(text: str) -> list[str]:
    return [part for part in (piece.strip() for piece in text.split(",")) if part]
