"""Shadowserver report CSVs (and the Shadowserver-style reports national CERTs forward): a quoted header starting
with ``"timestamp"``; the constituency's address is ``src_ip`` (sinkhole and honeypot events) or ``ip`` (scans,
drone and blocklist reports); the family is ``family``, ``infection`` or the report's ``tag``."""

from __future__ import annotations

import re
from typing import ClassVar

from django.utils.translation import gettext_lazy

from canhgac.intel.parsers import register
from canhgac.intel.parsers.delimited import DelimitedParser

HEADER = re.compile(r'^\ufeff?"?timestamp"?,.*"?(?:src_ip|ip)"?(?:,|$)')
MARKERS = ("geo", "naics", "sector", "public_source", "asn", "tag")


@register
class ShadowserverParser(DelimitedParser):
    name = "shadowserver"
    label = gettext_lazy("Shadowserver report CSV")
    COLUMNS: ClassVar[dict[str, tuple[str, ...]]] = {
        "ip": ("src_ip", "ip"),
        "family": ("family", "infection", "tag"),
        "port": ("src_port", "port"),
        "c2": ("cc_ip", "cc_dns", "c2_ip"),
        "asn": ("src_asn", "asn"),
        "seen": ("timestamp",),
    }

    @classmethod
    def sniff(cls, head: str, filename: str) -> int:
        first = head.split("\n", 1)[0]
        if HEADER.match(first) and sum(marker in first for marker in MARKERS) >= 2:
            return 90
        return 0
