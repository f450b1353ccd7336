"""Plain lists: one IP address, CIDR block or range per line; ``#`` and ``;`` comments and blank lines ignored.

The first token of a line is the indicator and the rest is kept as a note, so the same parser reads IPsum
(``IP<TAB>count``), Spamhaus DROP (``CIDR ; SBL…``) and Bambenek (``IP,description,…``) lists. Blocks without any
comment, separator or blank line (the bulk of a large list) are handed over whole, without a per-line loop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.intel.parsers import register
from canhgac.intel.parsers.base import NO_EXTRA, Chunk, Extra, FeedParser, Invalid, clip
from canhgac.intel.reading import MAX_LINE_CHARS, TOO_LONG, LineBlock, TextSource, line_blocks

COMMENT_STARTS = ("#", ";")
MARKERS = ("#", ";", " ", "\t", ",", "|")
TOKEN = re.compile(r"([^\s,;|]+)[\s,;|]*(.*)")


def too_long(number: int) -> Invalid:
    return Invalid(number, _("the line is longer than %(limit)d characters") % {"limit": MAX_LINE_CHARS}, "")


@register
class PlainParser(FeedParser):
    name = "plain"
    label = gettext_lazy("Plain list of IP addresses and CIDR blocks")

    @classmethod
    def sniff(cls, head: str, filename: str) -> int:
        return 0 if head.lstrip()[:1] in ("{", "[") else 10  # any text but JSON: the fallback

    def chunks(self, source: TextSource) -> Iterator[Chunk]:
        for block in line_blocks(source):
            if block.too_long or "" in block.lines or any(marker in block.text for marker in MARKERS):
                yield self.parse_block(block)
            else:
                yield Chunk(list(map(str.strip, block.lines)), block.numbers, records=len(block.lines))

    def parse_block(self, block: LineBlock) -> Chunk:
        texts: list[str] = []
        lines: list[int] = []
        rows: list[str] = []
        invalid: list[Invalid] = []
        skipped = 0
        for number, line in zip(block.numbers, block.lines, strict=True):
            text = line.strip()
            if not text or text.startswith(COMMENT_STARTS):
                skipped += 1
                self.comment(text)
            elif line == TOO_LONG:
                invalid.append(too_long(number))
            else:
                match = TOKEN.match(text)
                token, rest = match.groups() if match else (text, "")
                texts.append(token)
                lines.append(number)
                rows.append(rest)
        return Chunk(texts, lines, rows, invalid, skipped, records=len(block.lines))

    def comment(self, text: str) -> None:
        """A comment line (subclasses read metadata from headers)."""

    def extra_of(self, row: Any) -> Extra:
        return Extra(other={"note": clip(row)}) if row else NO_EXTRA
