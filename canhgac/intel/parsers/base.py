"""What a feed parser is: a small class that recognises its format and turns the text into chunks of indicators.

A parser never decides whether an indicator is a valid address or whose it is: it hands over the indicator texts
of a chunk (thousands at a time) with their line numbers, and the rows they came from so that the matcher can ask
for the extra fields (family, port, C2, timestamp, ASN…) of the few rows that hit the province.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from canhgac.intel.reading import TextSource

MAX_EXTRA_FIELDS = 20
MAX_EXTRA_CHARS = 200


class Extra(NamedTuple):
    """The extra fields of one listing; ``other`` keeps the remaining columns by name."""

    family: str = ""
    port: str = ""
    c2: str = ""
    asn: str = ""
    seen: str = ""
    other: dict[str, str] | None = None


NO_EXTRA = Extra()


@dataclass
class Invalid:
    line: int
    reason: str
    text: str

    def as_list(self) -> list[Any]:
        return [self.line, self.reason, self.text[:MAX_EXTRA_CHARS]]


@dataclass
class Chunk:
    """Indicator texts of part of the feed; ``lines[i]`` is where ``texts[i]`` is (a line, or a record of JSON)."""

    texts: list[str]
    lines: Sequence[int]
    rows: Sequence[Any] | None = None
    invalid: list[Invalid] = field(default_factory=list)
    skipped: int = 0
    records: int = 0
    """Lines (or JSON records) this chunk covers, whether or not they held an indicator."""


class FeedParser:
    name: ClassVar[str]
    label: ClassVar[Any]
    complete_list: ClassVar[bool] = True
    """Each file is the whole list at its date, so what it no longer lists is gone (fixes can be verified). Event
    formats (STIX, MISP) add indicators instead; their absence proves nothing."""
    counts_lines: ClassVar[bool] = True

    def __init__(self, options: Mapping[str, str] | None = None):
        self.options = dict(options or {})
        self.metadata: dict[str, Any] = {}

    @classmethod
    def sniff(cls, head: str, filename: str) -> int:
        """How sure (0–100) the parser is that a file starting with ``head`` is in its format."""
        raise NotImplementedError

    def chunks(self, source: TextSource) -> Iterator[Chunk]:
        raise NotImplementedError

    def extra_of(self, row: Any) -> Extra:
        """The extra fields of ``row`` (one of a chunk's ``rows``)."""
        return row if isinstance(row, Extra) else NO_EXTRA


def clip(value: Any) -> str:
    return str(value).strip()[:MAX_EXTRA_CHARS] if value not in (None, "") else ""


class ChunkBuilder:
    """Collects indicators of record-based formats (JSON) into chunks of :data:`CHUNK_SIZE`."""

    CHUNK_SIZE = 10_000

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.texts: list[str] = []
        self.lines: list[int] = []
        self.rows: list[Extra] = []
        self.invalid: list[Invalid] = []
        self.skipped = 0
        self.records = 0

    def add(self, text: str, number: int, extra: Extra) -> None:
        self.texts.append(text.strip())
        self.lines.append(number)
        self.rows.append(extra)

    @property
    def full(self) -> bool:
        return len(self.texts) >= self.CHUNK_SIZE

    def take(self) -> Chunk:
        chunk = Chunk(self.texts, self.lines, self.rows, self.invalid, self.skipped, self.records)
        self._reset()
        return chunk
