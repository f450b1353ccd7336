"""Netblocks against a brute-force reference: every block is the *set* of addresses it covers, built with the
``ipaddress`` module, in a small universe (a /24 of IPv4 and a /120 of IPv6) where sets can be compared outright.

The rules checked: a block is a CIDR prefix, a single address or a range ``a-b``; the same set of addresses
registered twice (in any notation, to any unit) is refused; a block may lie inside another unit's block (the more
specific wins) but may not straddle one's edge; ``owner_of_ip`` answers the smallest block holding the address.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from canhgac.constituency.addressing import parse_block
from canhgac.constituency.models import Asset, Netblock
from canhgac.constituency.querysets import owner_of_ip
from canhgac.constituency.services import save_asset, save_object
from canhgac.constituency.tests.factories import NetblockFactory, UnitFactory

pytestmark = pytest.mark.django_db

UNIVERSES = {4: ipaddress.ip_network("198.51.100.0/24"), 6: ipaddress.ip_network("2001:db8:0:7::/120")}
EXAMPLES = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def address(version: int, offset: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return UNIVERSES[version][offset]


@dataclass(frozen=True)
class Written:
    """A block as a person would type it, and the set of addresses the reference says it covers (None: invalid)."""

    text: str
    version: int
    covers: frozenset[int] | None


@st.composite
def written_blocks(draw: Any) -> Written:
    version = draw(st.sampled_from([4, 6]))
    width = 32 if version == 4 else 128
    form = draw(st.sampled_from(["prefix", "address", "range", "range"]))
    if form == "prefix":
        length = draw(st.integers(width - 8, width))
        offset = draw(st.integers(0, 255))
        text = f"{address(version, offset)}/{length}"
        try:  # strict: host bits set are refused (10.0.0.5/24 is a typo for something)
            network = ipaddress.ip_network(text, strict=True)
        except ValueError:
            return Written(text, version, None)
        return Written(text, version, frozenset(int(ip) for ip in network))
    if form == "address":
        ip = address(version, draw(st.integers(0, 255)))
        return Written(str(ip), version, frozenset({int(ip)}))
    start, end = draw(st.integers(0, 255)), draw(st.integers(0, 255))
    space = draw(st.sampled_from(["", " "]))
    text = f"{address(version, start)}{space}-{space}{address(version, end)}"
    if start > end:
        return Written(text, version, None)
    return Written(text, version, frozenset(int(address(version, i)) for i in range(start, end + 1)))


class Reference:
    """What the registry should accept, decided on sets of addresses alone."""

    def __init__(self) -> None:
        self.accepted: list[tuple[int, frozenset[int], int]] = []  # version, addresses, unit id

    def verdict(self, block: Written) -> str:
        if block.covers is None:
            return "invalid"
        for version, covers, _unit in self.accepted:
            if version != block.version or not covers & block.covers:
                continue
            if covers == block.covers:
                return "duplicate"
            if not (covers < block.covers or block.covers < covers):
                return "straddles"
        return "ok"

    def owner(self, version: int, ip: int) -> int | None:
        holding = [(len(covers), unit) for v, covers, unit in self.accepted if v == version and ip in covers]
        return min(holding)[1] if holding else None


@pytest.fixture
def units() -> list[Any]:
    return [UnitFactory(code=f"NB-{index}") for index in range(3)]


def register(block: str, unit: Any) -> Netblock:
    netblock = Netblock(unit=unit, block=block)
    save_object(netblock)
    return netblock


@EXAMPLES
@given(blocks=st.lists(st.tuples(written_blocks(), st.integers(0, 2)), min_size=1, max_size=14),
       probes=st.lists(st.tuples(st.sampled_from([4, 6]), st.integers(0, 255)), max_size=20))
def test_the_registry_agrees_with_the_set_reference(units: list[Any], blocks: list[tuple[Written, int]],
                                                    probes: list[tuple[int, int]]) -> None:
    reference = Reference()
    with translation.override("en"), transaction.atomic():
        for block, unit_index in blocks:
            expected, unit = reference.verdict(block), units[unit_index]
            try:
                register(block.text, unit)
                outcome = "ok"
            except ValidationError as error:
                text = " ".join(error.messages)
                outcome = ("duplicate" if "already registered" in text else
                           "straddles" if "partly overlaps" in text else "invalid")
            assert outcome == expected, (block, reference.accepted)
            event(outcome)
            if outcome == "ok":
                reference.accepted.append((block.version, block.covers or frozenset(), unit.pk))
        edges = [(v, ip) for v, covers, _unit in reference.accepted for edge in (min(covers), max(covers))
                 for ip in (edge - 1, edge, edge + 1)]
        for version, ip in [(v, int(address(v, offset))) for v, offset in probes] + edges:
            text = str(ipaddress.IPv4Address(ip) if version == 4 else ipaddress.IPv6Address(ip))
            found = owner_of_ip(text)
            assert (found.netblock.unit_id if found.netblock else None) == reference.owner(version, ip), text
        transaction.set_rollback(True)


@EXAMPLES
@given(block=written_blocks())
def test_parsing_agrees_with_the_ipaddress_module(block: Written) -> None:
    if block.covers is None:
        with pytest.raises(ValidationError):
            parse_block(block.text)
        return
    parsed = parse_block(block.text)
    assert (parsed.version, parsed.first, parsed.last) == (block.version, min(block.covers), max(block.covers))
    assert parse_block(parsed.label()) == parsed  # the stored label reads back as the same block


@pytest.mark.parametrize(("text", "label"), [
    ("203.113.128.0/17", "203.113.128.0/17"),
    ("  14.160.0.0/11 ", "14.160.0.0/11"),
    ("113.160.1.7", "113.160.1.7/32"),
    ("113.160.1.0-113.160.1.255", "113.160.1.0/24"),  # an aligned range is the prefix it is
    ("113.160.1.10 - 113.160.1.20", "113.160.1.10-113.160.1.20"),
    ("2405:4800::/32", "2405:4800::/32"),
    ("2405:4800:0000:0000:0000:0000:0000:0000/32", "2405:4800::/32"),
    ("2001:DB8::1-2001:db8::ff", "2001:db8::1-2001:db8::ff"),
    ("::ffff:198.51.100.0/120", "::ffff:c633:6400/120"),
    ("0.0.0.0/0", "0.0.0.0/0"),
])
def test_valid_blocks_are_stored_under_their_canonical_label(text: str, label: str) -> None:
    assert parse_block(text).label() == label


@pytest.mark.parametrize("text", [
    "", "   ", "10.0.0.5/24", "10.0.0.0/33", "2001:db8::/129", "10.0.0.9-10.0.0.1", "10.0.0.1-2001:db8::1",
    "10.0.0.0/24/1", "10.0.0.0/-1", "256.0.0.0/8", "10.0.0.0/8-10.1.0.0/16", "10.0.0", "-", "10.0.0.1-",
    "ten.zero/8", "<script>alert(1)</script>", "10.0.0.0/24\x00", "1" * 5000,
])
def test_invalid_blocks_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_block(text)


def test_a_more_specific_block_of_another_unit_is_allowed_and_wins_the_lookup(units: list[Any]) -> None:
    provider, hospital, ward = units
    register("203.113.0.0/16", provider)
    register("203.113.128.0/24", hospital)
    register("203.113.128.16-203.113.128.23", ward)
    assert owner_of_ip("203.113.5.5").netblock.unit == provider  # type: ignore[union-attr]
    assert owner_of_ip("203.113.128.200").netblock.unit == hospital  # type: ignore[union-attr]
    assert owner_of_ip("203.113.128.20").netblock.block == "203.113.128.16/29"  # type: ignore[union-attr]
    assert owner_of_ip("203.114.0.1").netblock is None


@pytest.mark.parametrize("again", ["203.113.128.0/24", "203.113.128.0-203.113.128.255", " 203.113.128.0/24"])
def test_an_exact_duplicate_is_refused_in_any_notation_for_any_unit(units: list[Any], again: str) -> None:
    first = register("203.113.128.0/24", units[0])
    with translation.override("en"), pytest.raises(ValidationError, match="already registered"):
        register(again, units[1])
    assert list(Netblock.objects.all()) == [first]


def test_a_block_straddling_another_is_refused(units: list[Any]) -> None:
    register("10.0.0.0/25", units[0])
    with translation.override("en"), pytest.raises(ValidationError, match="partly overlaps"):
        register("10.0.0.100-10.0.0.200", units[1])
    register("10.0.0.128-10.0.0.200", units[1])  # beside it is fine


def test_a_block_may_be_saved_again_and_edited(units: list[Any]) -> None:
    block = register("10.0.0.0/24", units[0])
    block.description = "Mạng nội bộ"
    save_object(block)
    block.block = "10.0.0.0/23"
    save_object(block)
    assert Netblock.objects.get().block == "10.0.0.0/23"


def test_the_database_refuses_a_duplicate_that_skipped_validation(units: list[Any]) -> None:
    NetblockFactory(unit=units[0], block="10.9.0.0/16")
    with pytest.raises(IntegrityError), transaction.atomic():
        NetblockFactory(unit=units[1], block="10.9.0.0/16")


def test_the_lookup_also_names_the_assets_holding_the_address(units: list[Any]) -> None:
    register("2405:4800::/32", units[0])
    asset = Asset(unit=units[1], name="vpn", ip_addresses="2405:4800::1, 203.113.1.1")
    save_asset(asset, None, None)
    found = owner_of_ip("2405:4800:0::1")
    assert found.netblock.unit == units[0] and found.assets == [asset]  # type: ignore[union-attr]
    assert owner_of_ip("203.113.1.1").assets == [asset] and owner_of_ip("203.113.1.1").netblock is None
    with pytest.raises(ValidationError):
        owner_of_ip("203.113.1")
