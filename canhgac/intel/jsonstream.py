"""Walking a JSON document without loading it: objects key by key, arrays item by item.

STIX bundles and MISP events can be large; their parsers walk down to the arrays of objects or attributes and
decode one element at a time (``json.JSONDecoder.raw_decode`` on a sliding buffer), so memory holds one element,
not the document. Whoever iterates :meth:`JsonStream.members` or :meth:`JsonStream.elements` consumes each value
(with :meth:`value`, :meth:`skip`, or by walking into it) before asking for the next.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from canhgac.intel.reading import FeedRefused, TextSource, check_utf8

READ_CHARS = 1 << 18
MAX_VALUE_CHARS = 16 << 20
WHITESPACE = re.compile(r"[ \t\n\r]*")


class JsonStream:
    def __init__(self, source: TextSource):
        self.source = source
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()
        self.lines_read = 0

    def _fill(self) -> bool:
        if self.eof:
            return False
        if self.pos:
            self.buffer, self.pos = self.buffer[self.pos:], 0
        data = self.source.read(READ_CHARS)
        if not data:
            self.eof = True
            return False
        check_utf8(data, self.lines_read + 1)
        self.lines_read += data.count("\n")
        self.buffer += data
        return True

    def peek(self) -> str:
        while True:
            match = WHITESPACE.match(self.buffer, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.refusal(_("expected “%(expected)s”, found “%(found)s”")
                               % {"expected": char, "found": found[:1] or _("the end of the file")})
        self.pos += 1

    def value(self) -> Any:
        """Decode the next value whole (one element of an array, a scalar, a small object)."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if self.eof:
                    raise self.refusal(error.msg) from error
            else:
                if end < len(self.buffer) or self.eof:  # a number at the buffer's end may go on
                    self.pos = end
                    return value
            if len(self.buffer) - self.pos > MAX_VALUE_CHARS:
                raise self.refusal(_("one value is larger than %(limit)d MB") % {"limit": MAX_VALUE_CHARS >> 20})
            self._fill()

    def skip(self) -> None:
        """Pass over the next value; arrays and objects are walked, so a large one is never held."""
        char = self.peek()
        if char == "[":
            for _item in self.elements():
                self.skip()
        elif char == "{":
            for _key in self.members():
                self.skip()
        else:
            self.value()

    def members(self) -> Iterator[str]:
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise self.refusal(_("an object key must be a string"))
            self.expect(":")
            yield key
            if not self._next_or_end("}"):
                return

    def elements(self) -> Iterator[int]:
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if not self._next_or_end("]"):
                return

    def _next_or_end(self, closing: str) -> bool:
        char = self.peek()
        self.pos += 1
        if char == ",":
            return True
        if char == closing:
            return False
        raise self.refusal(_("expected “,” or “%(closing)s”, found “%(found)s”")
                           % {"closing": closing, "found": char or _("the end of the file")})

    def finish(self) -> None:
        if self.peek():
            raise self.refusal(_("more data after the end of the document"))

    def refusal(self, reason: str) -> FeedRefused:
        line = self.lines_read - self.buffer.count("\n", self.pos) + 1
        return FeedRefused(_("The JSON is not valid near line %(line)d: %(reason)s.") % {"line": line,
                                                                                         "reason": reason},
                           {"line": line})
