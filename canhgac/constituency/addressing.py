"""IP addresses and blocks as fixed-width hex keys, so that SQLite and PostgreSQL compare them alike.

SQLite integers stop at 64 bits; 32 hex digits hold any IPv6 address and sort in numeric order as text.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def ip_key(address: IPAddress | int) -> str:
    return f"{int(address):032x}"


def parse_ip(text: str) -> IPAddress:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError as error:
        raise ValidationError(_("“%(value)s” is not a valid IP address."), params={"value": text[:80]}) from error


@dataclass(frozen=True)
class Block:
    """An inclusive range of addresses of one IP version; a CIDR is the special case of an aligned range."""

    version: int
    first: int
    last: int

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    @property
    def keys(self) -> tuple[str, str, str]:
        return ip_key(self.first), ip_key(self.last), ip_key(self.size - 1)

    def contains(self, other: Block) -> bool:
        return self.version == other.version and self.first <= other.first and other.last <= self.last

    def label(self) -> str:
        cls = ipaddress.IPv4Address if self.version == 4 else ipaddress.IPv6Address
        first, last = cls(self.first), cls(self.last)
        networks = list(ipaddress.summarize_address_range(first, last))
        if len(networks) == 1:
            return str(networks[0])  # "a.b.c.d/n", as with_prefixlen
        return f"{first}-{last}"


def parse_block(text: str) -> Block:
    """Parse ``10.0.0.0/24``, ``2001:db8::/48``, a single address, or a range ``a-b`` (a ≤ b, same version).

    Host bits set in a CIDR are refused: ``10.0.0.5/24`` is almost always a typo for an address or a block.
    """
    raw = text.strip()
    if not raw:
        raise ValidationError(_("The block is empty."))
    if "-" in raw:
        first_text, _sep, last_text = (part.strip() for part in raw.partition("-"))
        first, last = parse_ip(first_text), parse_ip(last_text)
        if first.version != last.version:
            raise ValidationError(_("Both ends of “%(value)s” must be of the same IP version."),
                                  params={"value": raw[:80]})
        if int(first) > int(last):
            raise ValidationError(_("Range “%(value)s” ends before it starts."), params={"value": raw[:80]})
        return Block(first.version, int(first), int(last))
    try:
        network = ipaddress.ip_network(raw, strict=True)
    except ValueError as error:
        raise ValidationError(_("“%(value)s” is not a valid IP block (CIDR, address or range a-b)."),
                              params={"value": raw[:80]}) from error
    return Block(network.version, int(network.network_address), int(network.broadcast_address))
