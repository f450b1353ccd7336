"""Matching against a brute-force ``ipaddress`` reference: random registries of nested IPv4 and IPv6 blocks in a
small universe, random listed addresses and blocks (inside, straddling and outside it), and for every listed
indicator the set of units owning one of its addresses through the most specific block, address by address.

The matcher's shortcuts (the /24 table, its mixed /24s, a chunk of pure IPv4 handed over at once, bisecting when the
table is off) must all give the reference's answer, with the reference's counts of matched, outside and duplicates.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from canhgac.intel.matching import BadIndicator, Matcher, NetblockIndex, parse_indicator
from canhgac.intel.parsers.base import Chunk
from canhgac.intel.parsers.plain import PlainParser

UNIVERSES = {4: ipaddress.ip_network("203.113.0.0/20"), 6: ipaddress.ip_network("2001:ee0:4f00::/116")}
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def registries(draw: st.DrawFn, version: int) -> list[tuple[int, int, int]]:
    """(first, last, unit) of aligned blocks in the universe: CIDR blocks nest or are apart, never straddle."""
    universe = UNIVERSES[version]
    width = universe.max_prefixlen - universe.prefixlen
    blocks: dict[tuple[int, int], int] = {}
    for _ in range(draw(st.integers(0, 14))):
        host_bits = draw(st.integers(0, width))
        first = int(universe.network_address) + draw(st.integers(0, (1 << (width - host_bits)) - 1) ) * (1 << host_bits)
        blocks.setdefault((first, first + (1 << host_bits) - 1), draw(st.integers(1, 5)))
    return [(first, last, unit) for (first, last), unit in blocks.items()]


@st.composite
def listings(draw: st.DrawFn, version: int) -> list[str]:
    """Addresses and blocks in and around the universe (its neighbours are outside everything)."""
    universe = UNIVERSES[version]
    width = universe.max_prefixlen - universe.prefixlen
    low = int(universe.network_address) - (1 << width)
    texts = []
    for _ in range(draw(st.integers(1, 40))):
        host_bits = draw(st.sampled_from([0, 0, 0, 0, 2, 5, 8, width]))
        offset = draw(st.integers(0, (3 << width) - 1)) >> host_bits << host_bits
        network = ipaddress.ip_network((low + offset, universe.max_prefixlen - host_bits))
        texts.append(str(network.network_address) if host_bits == 0 else str(network))
    return texts


def reference(blocks: list[tuple[int, int, int]], texts: list[str]) -> tuple[set[tuple[int, int, int]], int, int]:
    """Per listed indicator, the units owning one of its addresses (most specific block, address by address)."""
    hits, matched, outside, seen = set(), 0, 0, set()
    for text in texts:
        network = ipaddress.ip_network(text)
        first, last = int(network.network_address), int(network.broadcast_address)
        if (first, last) in seen:
            continue
        seen.add((first, last))
        units = set()
        for value in range(first, last + 1):
            holding = [(b_last - b_first, unit) for b_first, b_last, unit in blocks if b_first <= value <= b_last]
            if holding:
                units.add(min(holding)[1])
        hits |= {(unit, first, last) for unit in units}
        matched, outside = matched + bool(units), outside + (not units)
    return hits, matched, outside


def index_of(version: int, blocks: list[tuple[int, int, int]]) -> NetblockIndex:
    return NetblockIndex((number, unit, f"block {number}", version, first, last)
                         for number, (first, last, unit) in enumerate(blocks, start=1))


def match(index: NetblockIndex, texts: list[str], chunk_size: int) -> Matcher:
    matcher = Matcher(index, {})
    for start in range(0, len(texts), chunk_size):
        part = texts[start:start + chunk_size]
        matcher.add(Chunk(part, range(start + 1, start + 1 + len(part))), PlainParser())
    return matcher


def check(version: int, blocks: list[tuple[int, int, int]], texts: list[str], chunk_size: int,
          table: bool = True) -> None:
    index = index_of(version, blocks)
    if not table:
        index.slash24 = None
    matcher = match(index, texts, chunk_size)
    expected, matched, outside = reference(blocks, texts)
    assert {(unit, first, last) for unit, _version, first, last in matcher.hits} == expected
    tally = matcher.tally
    assert (tally.matched, tally.outside, tally.valid) == (matched, outside, len(texts))
    assert tally.duplicates == len(texts) - matched - outside
    assert sum(hit.occurrences for hit in matcher.hits.values()) == sum(
        1 for text in texts for unit, first, last in expected
        if (first, last) == _range(text))


def _range(text: str) -> tuple[int, int]:
    network = ipaddress.ip_network(text)
    return int(network.network_address), int(network.broadcast_address)


@EXAMPLES
@given(blocks=registries(4), texts=listings(4), chunk_size=st.sampled_from([1, 7, 1000]))
def test_ipv4_matches_the_reference(blocks, texts, chunk_size):  # type: ignore[no-untyped-def]
    check(4, blocks, texts, chunk_size)


@EXAMPLES
@given(blocks=registries(4), texts=listings(4))
def test_ipv4_without_the_24_table_matches_the_reference(blocks, texts):  # type: ignore[no-untyped-def]
    check(4, blocks, texts, 1000, table=False)


@EXAMPLES
@given(blocks=registries(6), texts=listings(6), chunk_size=st.sampled_from([1, 1000]))
def test_ipv6_matches_the_reference(blocks, texts, chunk_size):  # type: ignore[no-untyped-def]
    check(6, blocks, texts, chunk_size)


def test_a_block_spanning_two_units_hits_each_and_counts_once() -> None:
    blocks = [(int(ipaddress.ip_address("203.113.0.0")), int(ipaddress.ip_address("203.113.0.255")), 1),
              (int(ipaddress.ip_address("203.113.1.0")), int(ipaddress.ip_address("203.113.1.127")), 2),
              (int(ipaddress.ip_address("203.113.0.16")), int(ipaddress.ip_address("203.113.0.31")), 3)]
    matcher = match(index_of(4, blocks), ["203.113.0.0/23", "203.113.0.17", "203.113.0.17"], 10)
    assert sorted((unit, hit.label, hit.occurrences, hit.block) for (unit, *_k), hit in matcher.hits.items()) == [
        (1, "203.113.0.0/23", 1, "block 1"), (2, "203.113.0.0/23", 1, "block 2"), (3, "203.113.0.0/23", 1, "block 3"),
        (3, "203.113.0.17", 2, "block 3")]
    assert (matcher.tally.matched, matcher.tally.duplicates, matcher.tally.outside) == (2, 1, 0)


def test_an_address_of_a_registered_asset_names_it_only_in_the_assets_unit() -> None:
    first = int(ipaddress.ip_address("203.113.0.0"))
    index = index_of(4, [(first, first + 255, 1)])
    matcher = Matcher(index, {(4, first + 5): (77, 1), (4, first + 6): (78, 2)})
    matcher.add(Chunk(["203.113.0.5", "203.113.0.6"], range(1, 3)), PlainParser())
    assert {hit.label: hit.asset_id for hit in matcher.hits.values()} == {"203.113.0.5": 77, "203.113.0.6": None}


@pytest.mark.parametrize(("text", "label"), [
    ("1.2.3.4", "1.2.3.4"), ("1.2.3.4/32", "1.2.3.4"), ("1.2.3.4/24", "1.2.3.0/24"), ("1[.]2[.]3[.]4", "1.2.3.4"),
    ("1.2.3.4-1.2.3.9", "1.2.3.4-1.2.3.9"), ("2001:DB8::1", "2001:db8::1"), ("2001:db8::/48", "2001:db8::/48"),
])
def test_indicators_are_read_in_their_usual_spellings(text: str, label: str) -> None:
    assert parse_indicator(text).label == label


@pytest.mark.parametrize("text", ["", "1.2.3", "01.2.3.4", "1.2.3.4.5", "300.1.1.1", "0.0.0.0/0", "10.0.0.0/7",
                                  "2001:db8::/15", "1.2.3.9-1.2.3.4", "1.2.3.4-2001:db8::1", "evil.example.com",
                                  "1.2.3.4%eth0", "\x00"])
def test_anything_else_is_refused_with_a_reason(text: str) -> None:
    with pytest.raises(BadIndicator) as refusal:
        parse_indicator(text)
    assert str(refusal.value)


def test_an_address_listed_plain_then_with_a_note_is_one_hit_counted_each_time() -> None:
    first = int(ipaddress.ip_address("203.113.0.0"))
    matcher = Matcher(index_of(4, [(first, first + 255, 1)]), {(4, first + 5): (77, 1)})
    parser = PlainParser()
    texts = ["203.113.0.5", "203.113.0.6"]
    matcher.add(Chunk(texts, range(1, 3)), parser)  # the plain path: no object per hit
    matcher.add(Chunk(texts, range(3, 5), rows=["mirai C2", ""]), parser)  # .5 now says more: a Listing
    matcher.add(Chunk(texts, range(5, 7)), parser)  # and stays one, counted on
    hits = {hit.label: hit for hit in matcher.hits.values()}
    assert {label: hit.occurrences for label, hit in hits.items()} == {"203.113.0.5": 3, "203.113.0.6": 3}
    noted = hits["203.113.0.5"].details
    assert noted is not None and noted.other == {"note": "mirai C2"} and hits["203.113.0.6"].details is None
    assert (hits["203.113.0.5"].asset_id, hits["203.113.0.6"].asset_id) == (77, None)
    assert (matcher.tally.matched, matcher.tally.duplicates, len(matcher.plain), len(matcher.listings)) == (2, 4, 1, 1)


@EXAMPLES
@given(blocks=registries(4), texts=listings(4), notes=st.lists(st.sampled_from(["", "", "bot"]), min_size=1))
def test_notes_on_some_lines_change_no_count(blocks, texts, notes):  # type: ignore[no-untyped-def]
    """Lines with a note take the path that looks each hit up, lines without the plain one; an address listed both
    ways is still one hit with every listing counted."""
    index = index_of(4, blocks)
    matcher = Matcher(index, {})
    for start in range(0, len(texts), 7):
        part = texts[start:start + 7]
        rows = [notes[(start + offset) % len(notes)] for offset in range(len(part))] if start % 14 else None
        matcher.add(Chunk(part, range(start + 1, start + 1 + len(part)), rows=rows), PlainParser())
    plain = match(index, texts, 7)
    assert {key: hit.occurrences for key, hit in matcher.hits.items()} == {
        key: hit.occurrences for key, hit in plain.hits.items()}
    assert (matcher.tally.matched, matcher.tally.duplicates) == (plain.tally.matched, plain.tally.duplicates)
