"""Read queries of the registry that other apps may use (scoped reads go through ``Model.objects.for_user``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from canhgac.constituency.addressing import IPAddress, ip_key, parse_ip
from canhgac.constituency.models import Asset, AssetAddress, Netblock, Unit


def children_by_parent() -> dict[int | None, list[int]]:
    tree: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in Unit.objects.values_list("pk", "parent_id"):
        tree[parent_id].append(unit_id)
    return tree


def unit_subtree_ids(root_ids: Iterable[int]) -> frozenset[int]:
    """The given units and all their descendants (the tree is small: one query, walked in memory)."""
    roots = list(root_ids)
    if not roots:
        return frozenset()
    tree = children_by_parent()
    seen: set[int] = set()
    stack = roots
    while stack:
        unit_id = stack.pop()
        if unit_id in seen:
            continue
        seen.add(unit_id)
        stack.extend(tree.get(unit_id, ()))
    return frozenset(seen)


def subtree_of(unit: Unit) -> frozenset[int]:
    """:func:`unit_subtree_ids` of one unit, kept on the instance: the panels of a unit's page (findings, feeds,
    advisories) ask for the same sub-tree and read the tree once between them."""
    cached = unit.__dict__.get("_subtree_ids")
    if cached is None:
        cached = unit.__dict__["_subtree_ids"] = unit_subtree_ids([unit.pk])
    return cached


def ancestors(unit: Unit) -> list[Unit]:
    """The unit's parents, root first."""
    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    chain: list[int] = []
    parent_id = unit.parent_id
    while parent_id is not None and parent_id not in chain:
        chain.append(parent_id)
        parent_id = parents.get(parent_id)
    by_id = Unit.objects.in_bulk(chain)
    return [by_id[unit_id] for unit_id in reversed(chain)]


@dataclass(frozen=True)
class IpOwner:
    address: IPAddress
    netblock: Netblock | None
    assets: list[Asset]


def owner_of_ip(text: str, queryset: object = None) -> IpOwner:
    """The most specific netblock holding ``text`` and any registered asset with that address."""
    address = parse_ip(text)
    key = ip_key(address)
    blocks = Netblock.objects.all() if queryset is None else queryset
    netblock = (
        blocks.filter(version=address.version, first_key__lte=key, last_key__gte=key)  # type: ignore[attr-defined]
        .select_related("unit").order_by("span_key").first()
    )
    assets = [row.asset for row in AssetAddress.objects.filter(version=address.version, key=key)
              .select_related("asset__unit")]
    return IpOwner(address, netblock, assets)


def registry_figures(units: object) -> dict[str, object]:
    """Headline figures of the home page, over the units ``units`` (already scoped)."""
    unit_qs = units  # a scoped Unit queryset
    active = unit_qs.filter(active=True)  # type: ignore[attr-defined]
    unit_ids = active.values("pk")
    by_role = (Asset.objects.filter(unit__in=unit_ids).values("role").annotate(total=Count("pk"))
               .order_by("-total"))
    coverage = active.annotate(
        focal=Count("contacts", filter=Q(contacts__focal_point=True), distinct=True),
        blocks=Count("netblocks", distinct=True),
    )
    return {
        "units": active.count(),
        "assets": Asset.objects.filter(unit__in=unit_ids).count(),
        "internet_facing": Asset.objects.filter(unit__in=unit_ids, internet_facing=True).count(),
        "netblocks": Netblock.objects.filter(unit__in=unit_ids).count(),
        "assets_by_role": list(by_role),
        "without_focal_point": coverage.filter(focal=0).order_by("code"),
        "without_netblocks": coverage.filter(blocks=0).order_by("code"),
    }
