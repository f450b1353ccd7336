"""STIX 2.1 bundles: IPv4/IPv6 addresses and blocks from indicator patterns (``[ipv4-addr:value = '…']``,
``ISSUBSET``, several comparisons joined by ``OR``/``AND``) and from observed-data (its ``object_refs`` to
``ipv4-addr``/``ipv6-addr`` objects of the bundle, or the older embedded ``objects``).

Record numbers stand for line numbers: object N of the bundle. A bundle adds indicators; it is not a complete
list, so absence from a later bundle verifies nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy

from canhgac.intel.jsonstream import JsonStream
from canhgac.intel.parsers import register
from canhgac.intel.parsers.base import Chunk, ChunkBuilder, Extra, FeedParser, clip
from canhgac.intel.reading import TextSource

PATTERN = re.compile(r"(?:ipv4-addr|ipv6-addr):value\s*(?:=|ISSUBSET)\s*'((?:[^'\\]|\\.)*)'")
ADDRESS_TYPES = ("ipv4-addr", "ipv6-addr")


@register
class StixParser(FeedParser):
    name = "stix"
    label = gettext_lazy("STIX 2.1 bundle")
    complete_list = False

    @classmethod
    def sniff(cls, head: str, filename: str) -> int:
        start = head.lstrip()[:1]
        if start == "{" and re.search(r'"type"\s*:\s*"bundle"', head):
            return 95
        if start in "{[" and re.search(r'"spec_version"\s*:\s*"2\.', head):
            return 80
        return 0

    def chunks(self, source: TextSource) -> Iterator[Chunk]:
        self.addresses: dict[str, str] = {}
        self.observed: dict[str, tuple[int, Extra]] = {}
        stream, builder = JsonStream(source), ChunkBuilder()
        if stream.peek() == "[":
            yield from self._objects(stream, builder)
        else:
            for key in stream.members():
                if key == "objects":
                    yield from self._objects(stream, builder)
                elif key == "id":
                    self.metadata["bundle"] = clip(stream.value())
                else:
                    stream.skip()
        stream.finish()
        for ref, (number, extra) in self.observed.items():
            if ref in self.addresses:
                builder.add(self.addresses[ref], number, extra)
            else:
                builder.skipped += 1
        yield builder.take()

    def _objects(self, stream: JsonStream, builder: ChunkBuilder) -> Iterator[Chunk]:
        for index in stream.elements():
            item = stream.value()
            builder.records += 1
            self._object(item if isinstance(item, dict) else {}, index + 1, builder)
            if builder.full:
                yield builder.take()

    def _object(self, item: dict[str, Any], number: int, builder: ChunkBuilder) -> None:
        kind = item.get("type")
        if kind == "indicator" and item.get("pattern_type", "stix") == "stix":
            values = PATTERN.findall(str(item.get("pattern", "")))
            extra = Extra(family=clip(",".join(map(str, item.get("labels") or []))), seen=clip(item.get("valid_from")),
                          other={"stix_id": clip(item.get("id")), "name": clip(item.get("name"))})
            for value in values:
                builder.add(value.replace("\\'", "'"), number, extra)
            builder.skipped += not values
        elif kind in ADDRESS_TYPES and item.get("id"):
            self.addresses[str(item["id"])] = str(item.get("value", ""))
            builder.skipped += 1
        elif kind == "observed-data":
            self._observed(item, number, builder)
        else:
            builder.skipped += 1

    def _observed(self, item: dict[str, Any], number: int, builder: ChunkBuilder) -> None:
        extra = Extra(seen=clip(item.get("first_observed")), other={"stix_id": clip(item.get("id"))})
        for ref in item.get("object_refs") or []:
            if str(ref).startswith(ADDRESS_TYPES):
                self.observed.setdefault(str(ref), (number, extra))
        embedded = item.get("objects") or {}
        for observable in embedded.values() if isinstance(embedded, dict) else []:
            if isinstance(observable, dict) and observable.get("type") in ADDRESS_TYPES:
                builder.add(str(observable.get("value", "")), number, extra)
