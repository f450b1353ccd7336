"""The demo's address plan: provider aggregates carved from real Vietnamese prefixes, customer blocks inside them.

Each provider unit (a telecom or IT provider of the province) gets an aggregate at a seeded, aligned offset of
one of the prefixes of its role in ``data/vn_prefixes.txt``; units get blocks from their provider's aggregate,
larger units larger blocks. A few units are served from their parent's block ("nested"), so the demo shows the
most specific block winning a lookup. Private addresses (10.N.0.0/16 per unit) number the internal hosts.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from canhgac.constituency.demo.province import IPV6_UNITS, PROVIDERS, UNITS, UnitSpec

PREFIXES_FILE = Path(__file__).resolve().parent.parent / "data" / "vn_prefixes.txt"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Prefix length of a unit's block by its size; the largest units also get a second block from another provider.
V4_LENGTH = {"xs": 29, "s": 28, "m": 27, "l": 26, "xl": 24}
SECOND_BLOCK = {"xl": 26}
AGGREGATE_V4 = {"telecom-a": 20, "telecom-b": 20, "it-provider": 21}
AGGREGATE_V6 = 40
PROVIDER_INFRA_V4 = 26  # the provider's own servers, inside its aggregate


def read_prefixes(path: Path = PREFIXES_FILE) -> dict[str, list[Network]]:
    """``role → prefixes`` from the package's prefix list (``role CIDR`` lines, ``#`` comments)."""
    prefixes: dict[str, list[Network]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            role, cidr = text.split()
            prefixes.setdefault(role, []).append(ipaddress.ip_network(cidr))
    return prefixes


class Pool:
    """Hands out aligned sub-blocks of one network, largest requests first, with seeded gaps between them."""

    def __init__(self, network: Network, rng: random.Random):
        self.network, self.rng = network, rng
        self.next = int(network.network_address)

    def take(self, length: int) -> Network:
        size = 1 << (self.network.max_prefixlen - length)
        start = -(-self.next // size) * size  # align up
        start += size * self.rng.choice((0, 0, 0, 1, 2))  # providers do not hand out blocks back to back
        block = ipaddress.ip_network((start, length))
        if not block.subnet_of(self.network):  # type: ignore[arg-type]
            raise ValueError(f"the demo's address plan overflows {self.network}")
        self.next = start + size
        return block


def carve(prefix: Network, length: int, rng: random.Random) -> Network:
    """A block of ``length`` at a seeded aligned offset inside ``prefix``."""
    slots = 1 << (length - prefix.prefixlen)
    size = 1 << (prefix.max_prefixlen - length)
    return ipaddress.ip_network((int(prefix.network_address) + rng.randrange(slots) * size, length))


@dataclass
class UnitAddresses:
    """A unit's blocks (with what each is for) and the public and private addresses still free for its hosts."""

    index: int
    blocks: list[tuple[Network, str]] = field(default_factory=list)
    public: Iterator[Address] = field(default_factory=lambda: iter(()))
    public_v6: Iterator[Address] | None = None
    private_next: dict[int, int] = field(default_factory=dict)

    def next_public(self) -> str | None:
        return str(next(self.public, "")) or None

    def next_public_v6(self) -> str | None:
        return str(next(self.public_v6)) if self.public_v6 else None

    def next_private(self, subnet: int) -> str:
        """The next host of 10.<unit>.<subnet>.0/24 (a new /24 every 250 hosts)."""
        count = self.private_next.get(subnet, 0)
        self.private_next[subnet] = count + 1
        return f"10.{self.index}.{subnet + count // 250}.{count % 250 + 5}"


def plan_addresses(rng: random.Random) -> dict[str, UnitAddresses]:
    """Every demo unit's address plan, by unit code; units that keep no netblock get private addresses only."""
    prefixes = read_prefixes()
    plans = {spec.code: UnitAddresses(index) for index, spec in enumerate(UNITS, start=1)}
    v4_pools, v6_pools, primary = _provider_aggregates(prefixes, plans, rng)
    for spec in sorted(UNITS, key=lambda unit: V4_LENGTH[unit.size]):  # largest blocks first
        if spec.has_netblock and spec.provider != "nested" and spec.code not in primary:
            block = v4_pools[spec.provider].take(V4_LENGTH[spec.size])
            primary[spec.code] = block
            plans[spec.code].blocks.append((block, _described("Dải IP công cộng – kết nối Internet", spec)))
    for spec in UNITS:
        if spec.has_netblock and spec.provider == "nested":
            _nest(spec, primary, plans)
        if spec.size in SECOND_BLOCK:
            other = next(role for role in ("telecom-b", "telecom-a") if role != spec.provider)
            block = v4_pools[other].take(SECOND_BLOCK[spec.size])
            plans[spec.code].blocks.append((block, _described("Dải IP dự phòng – đường truyền thứ hai", spec)))
        if spec.code in IPV6_UNITS:
            block = v6_pools[spec.provider].take(IPV6_UNITS[spec.code])
            plans[spec.code].blocks.append((block, _described("Dải IPv6", spec)))
            plans[spec.code].public_v6 = _hosts(block)
    for spec in UNITS:
        if spec.code in primary:
            plans[spec.code].public = _hosts(primary[spec.code], reserved=_children_of(spec, primary))
    return plans


def _described(text: str, spec: UnitSpec) -> str:
    return f"{text} ({spec.short})"


def _provider_aggregates(prefixes: dict[str, list[Network]], plans: dict[str, UnitAddresses],
                         rng: random.Random) -> tuple[dict[str, Pool], dict[str, Pool], dict[str, Network]]:
    """Each provider's aggregates (v4 and v6) and its own infrastructure block, its primary block."""
    v4_pools, v6_pools, infra = {}, {}, {}
    for role, code in PROVIDERS.items():
        v4 = [prefix for prefix in prefixes[role] if prefix.version == 4]
        v6 = [prefix for prefix in prefixes[role] if prefix.version == 6]
        aggregate = carve(rng.choice(v4), AGGREGATE_V4[role], rng)
        aggregate_v6 = carve(rng.choice(v6), AGGREGATE_V6, rng)
        v4_pools[role], v6_pools[role] = Pool(aggregate, rng), Pool(aggregate_v6, rng)
        plans[code].blocks += [(aggregate, "Vùng địa chỉ cấp cho khách hàng trên địa bàn tỉnh"),
                               (aggregate_v6, "Vùng địa chỉ IPv6 cấp cho khách hàng trên địa bàn tỉnh")]
    for role, code in PROVIDERS.items():
        infra[code] = v4_pools[role].take(PROVIDER_INFRA_V4)
        plans[code].blocks.append((infra[code], "Hạ tầng máy chủ, thiết bị của nhà mạng"))
    return v4_pools, v6_pools, infra


def _nest(spec: UnitSpec, primary: dict[str, Network], plans: dict[str, UnitAddresses]) -> None:
    """A small unit on its parent's line: the last sub-block of the parent's block is registered to it."""
    parent = primary[spec.parent or ""]
    length = V4_LENGTH[spec.size]
    block = ipaddress.ip_network((int(parent.broadcast_address) + 1 - (1 << (parent.max_prefixlen - length)), length))
    primary[spec.code] = block
    plans[spec.code].blocks.append((block, _described("Dùng chung đường truyền của đơn vị cấp trên", spec)))


def _children_of(spec: UnitSpec, primary: dict[str, Network]) -> list[Network]:
    return [primary[child.code] for child in UNITS if child.parent == spec.code and child.provider == "nested"
            and child.code in primary]


def _hosts(block: Network, reserved: list[Network] | None = None) -> Iterator[Address]:
    """Usable addresses of ``block`` in order, skipping the network/broadcast and any nested child's block."""
    for host in block.hosts():
        if not any(host in child for child in reserved or ()):
            yield host
