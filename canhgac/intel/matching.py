"""Matching listed addresses to units: the most specific registered netblock wins; a listed block spanning several
units' blocks hits each.

The registry's netblocks are loaded once per batch into flat, sorted integer tables: the address space cut into
intervals, each owned by the most specific block covering it (or by nobody). An address is one ``bisect`` away from
its owner; IPv4 addresses, the bulk of any list, first go through a dictionary of the /24s the province holds,
which C code evaluates for a whole chunk at a time, so that the ~70 % of a national list outside the province costs
almost nothing. Hits of single addresses listed without extra fields (a monthly list is little else) are kept by
C loops in a few dictionaries, with no Python object per hit; only the others become :class:`Listing` objects.
"""

from __future__ import annotations

import heapq
import ipaddress
import socket
import sys
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, repeat
from operator import and_, attrgetter, lshift, or_, rshift
from typing import Any

from django.utils.translation import gettext as _

from canhgac.constituency.models import AssetAddress, Netblock
from canhgac.intel.parsers.base import NO_EXTRA, Chunk, Extra, FeedParser, Invalid
from canhgac.intel.reading import TOO_LONG, FeedRefused

PTON4 = partial(socket.inet_pton, socket.AF_INET)
MIXED = -1
MAX_SLASH24_ENTRIES = 1 << 20
MIN_PREFIX = {4: 8, 6: 16}
MAX_INVALID_STORED = 1000
REFUSE_INVALID_AFTER = 10_000
"""Stop reading a file once this many lines are invalid and they outnumber the valid ones: it is the wrong file."""


@dataclass(frozen=True)
class Owner:
    netblock_id: int
    unit_id: int
    block: str


class NetblockIndex:
    """The registry's address space as interval tables per IP version (owner 0 = nobody)."""

    def __init__(self, blocks: Iterable[tuple[int, int, str, int, int, int]]):
        self.owners: list[Owner | None] = [None]
        per_version: dict[int, list[tuple[int, int, int]]] = {4: [], 6: []}
        for netblock_id, unit_id, label, version, first, last in blocks:
            self.owners.append(Owner(netblock_id, unit_id, label))
            per_version[version].append((first, last, len(self.owners) - 1))
        self.starts4, self.index4 = _intervals(per_version[4])
        self.starts6, self.index6 = _intervals(per_version[6])
        self.slash24 = _slash24(self.starts4, self.index4)

    @classmethod
    def load(cls) -> NetblockIndex:
        rows = Netblock.objects.values_list("pk", "unit_id", "block", "version", "first_key", "last_key")
        return cls((pk, unit_id, block, version, int(first, 16), int(last, 16))
                   for pk, unit_id, block, version, first, last in rows.iterator(chunk_size=5000))

    def owner_of(self, version: int, value: int) -> int:
        starts, index = (self.starts4, self.index4) if version == 4 else (self.starts6, self.index6)
        return index[bisect_right(starts, value) - 1]

    def owners_in(self, version: int, first: int, last: int) -> list[int]:
        """The owners of the addresses in ``first..last``, one per unit (the first of its blocks, in address order)."""
        starts, index = (self.starts4, self.index4) if version == 4 else (self.starts6, self.index6)
        found = index[bisect_right(starts, first) - 1:bisect_right(starts, last)]
        per_unit: dict[int, int] = {}
        for owner in found:
            if owner:
                per_unit.setdefault(self.owners[owner].unit_id, owner)  # type: ignore[union-attr]
        return list(per_unit.values())


def _intervals(blocks: list[tuple[int, int, int]]) -> tuple[list[int], list[int]]:
    """Cut the space at every block edge; each piece belongs to the smallest block covering it (a sweep with a
    heap, so overlapping blocks are handled too, not only nested ones). Neighbours with one owner merge."""
    starting: dict[int, list[tuple[int, int, int]]] = {}
    points = {0}
    for first, last, owner in blocks:
        starting.setdefault(first, []).append((last - first, last, owner))
        points.update((first, last + 1))
    starts: list[int] = []
    owners: list[int] = []
    active: list[tuple[int, int, int]] = []
    for point in sorted(points):
        for entry in starting.get(point, ()):
            heapq.heappush(active, entry)
        while active and active[0][1] < point:
            heapq.heappop(active)
        owner = active[0][2] if active else 0
        if not owners or owners[-1] != owner:
            starts.append(point)
            owners.append(owner)
    return starts, owners


def _slash24(starts: list[int], owners: list[int]) -> dict[int, int] | None:
    """/24 → its owner when one interval covers it whole, :data:`MIXED` when it must be looked up address by
    address; /24s of nobody are absent. ``None`` when the province holds too many /24s for the table to pay."""
    table: dict[int, int] = {}
    ends = [*starts[1:], 1 << 32]
    for start, end, owner in zip(starts, ends, owners, strict=True):
        if not owner:
            continue
        first_full, last_full = (start + 255) >> 8, (end >> 8) - 1
        if last_full - first_full > MAX_SLASH24_ENTRIES - len(table):
            return None
        table.update(zip(range(first_full, last_full + 1), repeat(owner)))
        for edge in {start >> 8, (end - 1) >> 8}:
            if not first_full <= edge <= last_full:
                table[edge] = MIXED
    return table


@dataclass
class Indicator:
    version: int
    first: int
    last: int
    label: str


class BadIndicator(ValueError):
    """Why a listed text is not an indicator we can match (shown with its line number)."""


def parse_indicator(text: str) -> Indicator:
    """An address, a CIDR block (host bits allowed, as feeds write them) or a range ``a-b``; :class:`BadIndicator`
    with the reason otherwise. Defanged dots (``1[.]2[.]3[.]4``) are accepted."""
    if text == TOO_LONG:
        raise BadIndicator(_("the line is too long"))
    text = text.replace("[.]", ".").replace("(.)", ".").strip()
    if not text:
        raise BadIndicator(_("no address on the line"))
    try:
        if "/" in text:
            indicator = _network(ipaddress.ip_network(text, strict=False))
        elif "-" in text:
            indicator = _range(*(ipaddress.ip_address(part.strip()) for part in text.split("-", 1)))
        else:
            address = ipaddress.ip_address(text)
            indicator = Indicator(address.version, int(address), int(address), str(address))
    except BadIndicator:
        raise
    except ValueError as error:
        raise BadIndicator(_("not an IP address, CIDR block or range")) from error
    return indicator


def _too_broad(version: int) -> BadIndicator:
    return BadIndicator(_("the block is broader than /%(prefix)d") % {"prefix": MIN_PREFIX[version]})


def _network(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> Indicator:
    if network.prefixlen < MIN_PREFIX[network.version]:
        raise _too_broad(network.version)
    first, last = int(network.network_address), int(network.broadcast_address)
    label = network.with_prefixlen if first != last else str(network.network_address)
    return Indicator(network.version, first, last, label)


def _range(low: ipaddress.IPv4Address | ipaddress.IPv6Address,
           high: ipaddress.IPv4Address | ipaddress.IPv6Address) -> Indicator:
    if low.version != high.version or int(low) > int(high):
        raise BadIndicator(_("not a range from a lower to a higher address of one IP version"))
    if int(high) - int(low) >= 1 << (low.max_prefixlen - MIN_PREFIX[low.version]):
        raise _too_broad(low.version)
    label = f"{low}-{high}" if low != high else str(low)
    return Indicator(low.version, int(low), int(high), label)


class Listing:
    """One listed indicator in one unit's space: how often the file listed it, and what it said (``details``)."""

    __slots__ = ("asset_id", "block", "details", "first", "label", "last", "occurrences", "unit_id", "version")

    def __init__(self, owner: Owner, version: int, first: int, last: int, label: str):
        self.unit_id, self.block = owner.unit_id, owner.block
        self.version, self.first, self.last, self.label = version, first, last, label
        self.asset_id: int | None = None
        self.occurrences = 0
        self.details: Details | None = None

    def absorb(self, extra: Extra) -> None:
        if extra is not NO_EXTRA:
            if self.details is None:
                self.details = Details()
            self.details.absorb(extra)


class Details:
    """The extra fields of every listing of one indicator: families, ports and C2s (each once, in file order),
    the first ASN, the first and last timestamps, and the other columns of its first listing."""

    __slots__ = ("asn", "c2", "families", "other", "ports", "seen")

    def __init__(self) -> None:
        self.families: dict[str, None] = {}
        self.ports: dict[str, None] = {}
        self.c2: dict[str, None] = {}
        self.asn = ""
        self.seen: list[str] = []
        self.other: dict[str, str] | None = None

    def absorb(self, extra: Extra) -> None:
        if extra.family:
            self.families[extra.family] = None
        if extra.port:
            self.ports[extra.port] = None
        if extra.c2:
            self.c2[extra.c2] = None
        if extra.seen:
            if len(self.seen) < 2:
                self.seen.append(extra.seen)
            else:
                self.seen[1] = extra.seen
        self.asn = self.asn or extra.asn
        if extra.other and self.other is None:
            self.other = extra.other


@dataclass
class Tally:
    records: int = 0
    valid: int = 0
    invalid: int = 0
    duplicates: int = 0
    matched: int = 0
    outside: int = 0
    skipped: int = 0
    invalid_lines: list[list[Any]] = field(default_factory=list)

    def add_invalid(self, problem: Invalid) -> None:
        self.invalid += 1
        if len(self.invalid_lines) < MAX_INVALID_STORED:
            self.invalid_lines.append(problem.as_list())
        if self.invalid >= REFUSE_INVALID_AFTER and self.invalid > self.valid:
            raise FeedRefused(_("More than %(count)d lines are invalid and they outnumber the valid ones: this is "
                                "not a list this format can read; nothing was imported.")
                              % {"count": REFUSE_INVALID_AFTER}, {"invalid_lines": self.invalid_lines[:20]})


class PlainHits:
    """Single IPv4 addresses listed without extra fields, the bulk of a monthly list: dictionaries that C loops fill
    a chunk at a time (address → its owner, its text, how often listed), with no Python object per hit."""

    __slots__ = ("counts", "owners", "texts")

    def __init__(self) -> None:
        self.owners: dict[int, int] = {}
        """Address → its owner (an index into :attr:`NetblockIndex.owners`)."""
        self.texts: dict[int, str] = {}
        self.counts: Counter[int] = Counter()

    def __len__(self) -> int:
        return len(self.owners)

    def add_many(self, values: list[int], owners: list[int], texts: list[str]) -> None:
        self.owners.update(zip(values, owners, strict=True))
        self.texts.update(zip(values, texts, strict=True))  # inet_pton takes only canonical text: one per address
        self.counts.update(values)

    def add(self, value: int, owner: int, text: str) -> None:
        self.owners.setdefault(value, owner)
        self.texts.setdefault(value, text)
        self.counts[value] += 1

    def pop(self, value: int) -> int:
        """Forget ``value`` (it becomes a :class:`Listing`); how often it was listed so far."""
        if self.owners.pop(value, None) is None:
            return 0
        del self.texts[value]
        return self.counts.pop(value)


class Matches:
    """The hits of one file: the plain ones (:class:`PlainHits`) and the others (:class:`Listing`)."""

    def __init__(self, index: NetblockIndex, assets: dict[tuple[int, int], tuple[int, int]],
                 listings: dict[tuple[int, int, int, int], Listing], plain: PlainHits):
        self.index, self.assets, self.listings, self.plain = index, assets, listings, plain
        self._unit_of = [owner.unit_id if owner else 0 for owner in index.owners]

    def __len__(self) -> int:
        return len(self.listings) + len(self.plain)

    def unit_ids(self) -> set[int]:
        units = set(map(self._unit_of.__getitem__, set(self.plain.owners.values())))
        return units | {listing.unit_id for listing in self.listings.values()}

    def sorted_listings(self) -> list[Listing]:
        return sorted(self.listings.values(), key=attrgetter("unit_id", "version", "first"))

    def plain_columns(self) -> PlainColumns:
        """The plain hits as columns in (unit, address) order, the order of the hits' index."""
        plain = self.plain
        units = map(self._unit_of.__getitem__, plain.owners.values())
        keys = sorted(map(or_, map(lshift, units, repeat(32)), plain.owners))
        values = list(map(and_, keys, repeat(0xFFFFFFFF)))
        assets = self._plain_assets()
        return PlainColumns(
            units=list(map(rshift, keys, repeat(32))), values=values,
            texts=list(map(plain.texts.__getitem__, values)),
            blocks=list(map(self._block_of().__getitem__, map(plain.owners.__getitem__, values))),
            assets=list(map(assets.get, values)), occurrences=list(map(plain.counts.__getitem__, values)))

    def _block_of(self) -> list[str]:
        return [owner.block if owner else "" for owner in self.index.owners]

    def _plain_assets(self) -> dict[int, int]:
        """Address → the asset holding it, when that asset is in the unit the address matched to."""
        owners = self.plain.owners
        found: dict[int, int] = {}
        for (version, address), (asset_id, unit_id) in self.assets.items():
            if version == 4 and address in owners and self._unit_of[owners[address]] == unit_id:
                found[address] = asset_id
        return found

    def as_listings(self) -> dict[tuple[int, int, int, int], Listing]:
        """Every hit as a :class:`Listing` (for tests and small lists; storing reads the columns)."""
        merged = dict(self.listings)
        columns = self.plain_columns()
        for unit_id, value, text, block, asset_id, occurrences in zip(
                columns.units, columns.values, columns.texts, columns.blocks, columns.assets, columns.occurrences,
                strict=True):
            listing = Listing(Owner(0, unit_id, block), 4, value, value, text)
            listing.asset_id, listing.occurrences = asset_id, occurrences
            merged[(unit_id, 4, value, value)] = listing
        return merged


@dataclass
class PlainColumns:
    units: list[int]
    values: list[int]
    texts: list[str]
    blocks: list[str]
    assets: list[int | None]
    occurrences: list[int]


class Matcher:
    """Takes a parser's chunks, counts them and keeps the hits, aggregated per (unit, indicator): single IPv4
    addresses without extra fields as :class:`PlainHits`, the others as :class:`Listing` objects."""

    def __init__(self, index: NetblockIndex, assets: dict[tuple[int, int], tuple[int, int]]):
        self.index = index
        self.assets = assets
        self.tally = Tally()
        self.listings: dict[tuple[int, int, int, int], Listing] = {}
        self.plain = PlainHits()
        self.seen4: set[int] = set()
        self.seen_blocks: set[tuple[int, int, int]] = set()
        self._single4_listed = False
        """Whether some single IPv4 address is a :class:`Listing` (listed with extra fields): then every chunk
        takes the path that looks each hit up, so that an address is never both plain and a Listing."""

    @staticmethod
    def load_assets() -> dict[tuple[int, int], tuple[int, int]]:
        """(version, address) → (asset id, its unit id), from the registry's address index."""
        rows = AssetAddress.objects.order_by("-asset_id").values_list("version", "key", "asset_id", "asset__unit_id")
        return {(version, int(key, 16)): (asset_id, unit_id)
                for version, key, asset_id, unit_id in rows.iterator(chunk_size=5000)}

    def matches(self) -> Matches:
        return Matches(self.index, self.assets, self.listings, self.plain)

    @property
    def hits(self) -> dict[tuple[int, int, int, int], Listing]:
        """Every hit as a :class:`Listing`, keyed by (unit, version, first, last)."""
        return self.matches().as_listings()

    def add(self, chunk: Chunk, parser: FeedParser) -> None:
        tally = self.tally
        tally.records += chunk.records
        tally.skipped += chunk.skipped
        for problem in chunk.invalid:
            tally.add_invalid(problem)
        try:
            packed = b"".join(map(PTON4, chunk.texts))
        except (OSError, TypeError, ValueError):
            self._add_one_by_one(chunk, parser)
            return
        values = array("I")
        values.frombytes(packed)
        if sys.byteorder == "little":
            values.byteswap()
        self._add_ipv4(values, chunk, parser)

    def _add_ipv4(self, values: array[int], chunk: Chunk, parser: FeedParser) -> None:
        tally, seen = self.tally, self.seen4
        before = len(seen)
        seen.update(values)
        new = len(seen) - before
        tally.valid += len(values)
        tally.duplicates += len(values) - new
        owners = self._owners4(values)
        if chunk.rows is None and not self._single4_listed:
            matched = self._add_plain(values, owners, chunk.texts)
        else:
            matched = self._add_ipv4_listings(values, owners, chunk, parser)
        tally.matched += matched
        tally.outside += new - matched

    def _owners4(self, values: array[int]) -> list[int | None]:
        table = self.index.slash24
        if table is None:
            return [self.index.owner_of(4, value) for value in values]
        return list(map(table.get, map(int.__rshift__, values, repeat(8))))  # type: ignore[arg-type]

    def _add_plain(self, values: array[int], owners: list[int | None], texts: list[str]) -> int:
        """The plain path: whole-chunk C loops; only addresses in /24s shared by several blocks are looked up one
        by one. Returns how many addresses were new hits."""
        found: list[int] = list(compress(owners, owners))  # type: ignore[arg-type]
        hit_values, hit_texts = list(compress(values, owners)), list(compress(texts, owners))
        if MIXED in found:
            owner_of = self.index.owner_of
            for position in compress(range(len(found)), map(MIXED.__eq__, found)):
                found[position] = owner_of(4, hit_values[position])
            hit_values, hit_texts = list(compress(hit_values, found)), list(compress(hit_texts, found))
            found = list(compress(found, found))
        before = len(self.plain)
        self.plain.add_many(hit_values, found, hit_texts)
        return len(self.plain) - before

    def _add_ipv4_listings(self, values: array[int], owners: list[int | None], chunk: Chunk,
                           parser: FeedParser) -> int:
        """Hits one by one, for chunks whose rows may say more than the address: a hit with extra fields becomes
        a :class:`Listing`, one without stays plain."""
        hits_before = len(self.listings) + len(self.plain)
        owner_list, texts, rows = self.index.owners, chunk.texts, chunk.rows
        for position in compress(range(len(values)), owners):
            value, owner = values[position], owners[position]
            if owner == MIXED:
                owner = self.index.owner_of(4, value)
                if not owner:
                    continue
            extra = NO_EXTRA if rows is None else parser.extra_of(rows[position])
            if extra is NO_EXTRA:
                self._add_plain_one(owner, value, texts[position])  # type: ignore[arg-type]
                continue
            hit = self._listing(owner_list[owner], 4, value, value, texts[position])  # type: ignore[arg-type,index]
            hit.occurrences += 1
            hit.absorb(extra)
        return len(self.listings) + len(self.plain) - hits_before

    def _add_plain_one(self, owner_index: int, value: int, text: str) -> None:
        """One more listing of a single IPv4 address without extra fields: plain, unless it is a Listing already."""
        if self._single4_listed:
            listing = self.listings.get((self.index.owners[owner_index].unit_id, 4, value, value))  # type: ignore[union-attr]
            if listing is not None:
                listing.occurrences += 1
                return
        self.plain.add(value, owner_index, text)

    def _add_one_by_one(self, chunk: Chunk, parser: FeedParser) -> None:
        tally, lines = self.tally, chunk.lines
        for position, text in enumerate(chunk.texts):
            try:
                indicator = parse_indicator(text)
            except BadIndicator as error:
                tally.add_invalid(Invalid(lines[position], str(error), text))
                continue
            tally.valid += 1
            version, first, last = indicator.version, indicator.first, indicator.last
            known: set[Any]
            if version == 4 and first == last:
                key: Any = first
                known = self.seen4
            else:
                key, known = (version, first, last), self.seen_blocks
            if key in known:
                tally.duplicates += 1
                owners = self.index.owners_in(version, first, last)
            else:
                known.add(key)
                owners = self.index.owners_in(version, first, last)
                if owners:
                    tally.matched += 1
                else:
                    tally.outside += 1
            for owner in owners:
                self._hit(owner, version, first, last, indicator.label, chunk, position, parser)

    def _hit(self, owner_index: int, version: int, first: int, last: int, label: str, chunk: Chunk, position: int,
             parser: FeedParser) -> None:
        owner = self.index.owners[owner_index]
        assert owner is not None
        extra = NO_EXTRA if chunk.rows is None else parser.extra_of(chunk.rows[position])
        if version == 4 and first == last and extra is NO_EXTRA:
            self._add_plain_one(owner_index, first, label)
            return
        hit = self._listing(owner, version, first, last, label)
        hit.occurrences += 1
        hit.absorb(extra)

    def _listing(self, owner: Owner, version: int, first: int, last: int, label: str) -> Listing:
        key = (owner.unit_id, version, first, last)
        hit = self.listings.get(key)
        if hit is None:
            hit = self.listings[key] = self._new_hit(owner, version, first, last, label)
            if version == 4 and first == last:
                self._single4_listed = True
                hit.occurrences = self.plain.pop(first)  # listed plain before: one hit, counted once
        return hit

    def _new_hit(self, owner: Owner, version: int, first: int, last: int, label: str) -> Listing:
        hit = Listing(owner, version, first, last, label)
        if first == last:
            asset = self.assets.get((version, first))
            if asset is not None and asset[1] == owner.unit_id:
                hit.asset_id = asset[0]
        return hit
