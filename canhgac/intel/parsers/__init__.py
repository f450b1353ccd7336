"""The registry of feed parsers: one small class per format in ``parsers/<format>.py``, duplicates refused.

:func:`choose_parser` takes the format the user named, or asks every parser how sure it is that the file's first
characters are in its format and takes the surest.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _

from canhgac.intel.parsers.base import Chunk, Extra, FeedParser, Invalid
from canhgac.intel.reading import FeedRefused

_PARSERS: dict[str, type[FeedParser]] = {}
_LOADED: list[bool] = []


def register(parser: type[FeedParser]) -> type[FeedParser]:
    if parser.name in _PARSERS:
        raise ValueError(f"a feed parser named {parser.name!r} is already registered")
    _PARSERS[parser.name] = parser
    return parser


def parsers() -> dict[str, type[FeedParser]]:
    _load()
    return dict(_PARSERS)


def choose_parser(name: str | None, head: str, filename: str, options: Mapping[str, str] | None = None) -> FeedParser:
    """The parser named ``name``, or the one surest of the file's format (plain lists when none is sure)."""
    known = parsers()
    if name:
        if name not in known:
            raise FeedRefused(_("Unknown feed format “%(name)s”; known formats: %(known)s.")
                              % {"name": name[:40], "known": ", ".join(sorted(known))})
        return known[name](options)
    scores = sorted(((parser.sniff(head, filename.lower()), parser.name) for parser in known.values()), reverse=True)
    best_score, best = scores[0]
    if best_score <= 0:
        raise FeedRefused(_("The format of the file was not recognised; name it with --format (%(known)s).")
                          % {"known": ", ".join(sorted(known))})
    return known[best](options)


def _load() -> None:
    if _LOADED:
        return
    # Imported here, not at module import: no work at import time, and each module registers itself once.
    from canhgac.intel.parsers import delimited, firehol, misp, plain, shadowserver, stix  # noqa: F401

    _LOADED.append(True)


__all__ = ["Chunk", "Extra", "FeedParser", "Invalid", "choose_parser", "parsers", "register"]
