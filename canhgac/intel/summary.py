"""The province over time: per month, the addresses listed in the province, the units affected, the addresses
still listed since the previous list (recurrences) and the malware families most listed.

Read over ``Hit.objects.for_user``: an officer's summary counts their units' hits only. A month is a batch's
period; several lists of one month (sources, or an ad-hoc list) count together, an address once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, QuerySet

from canhgac.intel.models import FeedBatch, Hit
from canhgac.intel.querysets import batches_for_user, sees_whole_batches

DEFAULT_MONTHS = 12
MAX_MONTHS = 60
TOP_FAMILIES = 5
CACHE_SECONDS = 600


@dataclass
class Month:
    period: str
    listed: int = 0
    """Distinct addresses (or blocks) listed in the province that month."""
    units: int = 0
    recurring: int = 0
    """Of those, listed in the same unit by the previous month's lists too: not fixed since."""
    families: list[tuple[str, int]] = field(default_factory=list)
    """The most listed families, with how many addresses each."""

    @property
    def new(self) -> int:
        return self.listed - self.recurring


def province_summary(user: Any, source: str = "", months: int = DEFAULT_MONTHS) -> list[Month]:
    """The last ``months`` months that have a list (oldest first), over what ``user`` may see.

    The province's figures (the same for every SOC user and auditor) are kept in the cache until a batch is
    added or removed, or for :data:`CACHE_SECONDS` (a unit deleted with its hits): a year of monthly lists of
    10^5 hits takes seconds to count. An officer's, over a few units, are counted each time."""
    if not sees_whole_batches(user):
        return count_summary(user, source, months)
    state = FeedBatch.objects.aggregate(last=Max("pk"), count=Count("pk"), received=Max("received_at"))
    received = state["received"].isoformat() if state["received"] else "-"
    key = f"intel.summary:{source}:{months}:{state['last']}:{state['count']}:{received}"
    found: list[Month] | None = cache.get(key)
    if found is None:
        found = count_summary(user, source, months)
        cache.set(key, found, CACHE_SECONDS)
    return found


def count_summary(user: Any, source: str, months: int) -> list[Month]:
    hits = Hit.objects.for_user(user)
    batches = batches_for_user(user)
    if source:
        hits, batches = hits.filter(batch__source__name=source), batches.filter(source__name=source)
    periods = sorted(batches.order_by("-period").values_list("period", flat=True).distinct()[:months + 1])
    shown = periods[-months:] if months else []
    if not shown:
        return []
    figures = {period: Month(period) for period in shown}
    for row in (hits.filter(batch__period__in=shown).order_by().values("batch__period")
                .annotate(listed=Count("indicator", distinct=True), units=Count("unit_id", distinct=True))):
        figures[row["batch__period"]].listed, figures[row["batch__period"]].units = row["listed"], row["units"]
    previous = dict(zip(periods[1:], periods, strict=False))
    for period in shown:
        if period in previous and figures[period].listed:
            figures[period].recurring = recurring(hits, period, previous[period])
    for period, ranked in top_families(hits, shown).items():
        figures[period].families = ranked
    return [figures[period] for period in shown]


def recurring(hits: QuerySet[Hit], period: str, before: str) -> int:
    """Addresses listed in ``period`` that ``before``'s lists gave the same unit (the unit-address index)."""
    earlier = hits.filter(batch__period=before, unit_id=OuterRef("unit_id"), version=OuterRef("version"),
                          first_key=OuterRef("first_key"), last_key=OuterRef("last_key"))
    return hits.filter(batch__period=period).filter(Exists(earlier)).values("indicator").distinct().count()


def top_families(hits: QuerySet[Hit], periods: list[str]) -> dict[str, list[tuple[str, int]]]:
    """Per month, the families of most hits: grouped by the stored text in SQL, split into names here."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in (hits.filter(batch__period__in=periods).exclude(families="").order_by()
                .values("batch__period", "families").annotate(total=Count("pk"))):
        for name in {part.strip() for part in row["families"].split(",") if part.strip()}:
            counts[row["batch__period"]][name] += row["total"]
    return {period: sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:TOP_FAMILIES]
            for period, counter in counts.items()}
