"""MISP events (a MISP feed's ``<uuid>.json``, an API export, or a bare event): IP attributes (``ip-src``,
``ip-dst``, their ``|port`` forms, ``domain|ip``), alone or inside objects; deleted attributes are skipped.

Record numbers stand for line numbers: attribute N of the file. An event adds indicators; it is not a complete
list, so absence from a later event verifies nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy

from canhgac.intel.jsonstream import JsonStream
from canhgac.intel.parsers import register
from canhgac.intel.parsers.base import Chunk, ChunkBuilder, Extra, FeedParser, clip
from canhgac.intel.reading import TextSource

IP_TYPES = {"ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "domain|ip"}
EVENT_KEYS = ("info", "uuid", "date")


@register
class MispParser(FeedParser):
    name = "misp"
    label = gettext_lazy("MISP event JSON")
    complete_list = False

    @classmethod
    def sniff(cls, head: str, filename: str) -> int:
        start = head.lstrip()[:1]
        if start in ("{", "[") and ('"Event"' in head or '"Attribute"' in head):
            return 90
        return 0

    def chunks(self, source: TextSource) -> Iterator[Chunk]:
        stream, builder = JsonStream(source), ChunkBuilder()
        if stream.peek() == "[":
            for _index in stream.elements():
                yield from self._container(stream, builder)
        else:
            yield from self._container(stream, builder)
        stream.finish()
        yield builder.take()

    def _container(self, stream: JsonStream, builder: ChunkBuilder) -> Iterator[Chunk]:
        """``{"Event": {…}}``, ``{"response": [{"Event": …}, …]}`` or the event's own keys."""
        for key in stream.members():
            if key == "Event":
                yield from self._event(stream, builder)
            elif key == "response" and stream.peek() == "[":
                for _index in stream.elements():
                    yield from self._container(stream, builder)
            else:
                yield from self._event_key(key, stream, builder)

    def _event(self, stream: JsonStream, builder: ChunkBuilder) -> Iterator[Chunk]:
        for key in stream.members():
            yield from self._event_key(key, stream, builder)

    def _event_key(self, key: str, stream: JsonStream, builder: ChunkBuilder) -> Iterator[Chunk]:
        if key == "Attribute" and stream.peek() == "[":
            for _index in stream.elements():
                self._attribute(stream.value(), builder, "")
                if builder.full:
                    yield builder.take()
        elif key == "Object" and stream.peek() == "[":
            for _index in stream.elements():
                item = stream.value()
                name = clip(item.get("name")) if isinstance(item, dict) else ""
                for attribute in (item.get("Attribute") or []) if isinstance(item, dict) else []:
                    self._attribute(attribute, builder, name)
                if builder.full:
                    yield builder.take()
        elif key in EVENT_KEYS:
            value = stream.value()
            self.metadata.setdefault(key, clip(value))
        else:
            stream.skip()

    def _attribute(self, attribute: Any, builder: ChunkBuilder, object_name: str) -> None:
        builder.records += 1
        if not isinstance(attribute, dict) or attribute.get("type") not in IP_TYPES or attribute.get("deleted"):
            builder.skipped += 1
            return
        kind, value, port = attribute["type"], str(attribute.get("value", "")), ""
        if kind == "domain|ip":
            value = value.split("|", 1)[-1]
        elif kind.endswith("|port"):
            value, _sep, port = value.rpartition("|")
        other = {name: clip(attribute.get(name)) for name in ("category", "comment", "uuid") if attribute.get(name)}
        if object_name:
            other["object"] = object_name
        if self.metadata.get("info"):
            other["event"] = self.metadata["info"]
        builder.add(value, builder.records, Extra(port=clip(port), seen=_epoch(attribute.get("timestamp")),
                                                  other=other or None))


def _epoch(value: Any) -> str:
    try:
        return datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC).isoformat()
    except (TypeError, ValueError, OverflowError, OSError):
        return clip(value)
