"""The registry of advisory parsers: one small class per format in ``parsers/<format>.py``, duplicates refused.

:func:`choose_parser` takes the format the user named, or asks every parser how sure it is of the document.
"""

from __future__ import annotations

from typing import Any

from canhgac.advisories.parsers.base import AdvisoryParser, ParsedAdvisory, ParsedRule, RecordError, ReviewNote

_PARSERS: dict[str, type[AdvisoryParser]] = {}
_LOADED: list[bool] = []


class UnknownFormat(ValueError):
    pass


def register(parser: type[AdvisoryParser]) -> type[AdvisoryParser]:
    if parser.name in _PARSERS:
        raise ValueError(f"an advisory parser named {parser.name!r} is already registered")
    _PARSERS[parser.name] = parser
    return parser


def parsers() -> dict[str, type[AdvisoryParser]]:
    _load()
    return dict(_PARSERS)


def choose_parser(name: str | None, document: Any) -> AdvisoryParser:
    """The parser named ``name``, else the surest of ``document``; :class:`UnknownFormat` when none is."""
    known = parsers()
    if name:
        if name not in known:
            raise UnknownFormat(name)
        return known[name]()
    best_score, best = max((parser.sniff(document), parser.name) for parser in known.values())
    if best_score <= 0:
        raise UnknownFormat("")
    return known[best]()


def _load() -> None:
    if _LOADED:
        return
    # Imported here, not at module import: no work at import time, and each class registers once.
    from canhgac.advisories.parsers.csaf import CsafParser
    from canhgac.advisories.parsers.cve5 import Cve5Parser
    from canhgac.advisories.parsers.kev import KevParser
    from canhgac.advisories.parsers.nvd import NvdParser
    from canhgac.advisories.parsers.soc import SocWarningParser

    for parser in (KevParser, Cve5Parser, NvdParser, CsafParser, SocWarningParser):
        register(parser)
    _LOADED.append(True)


__all__ = ["AdvisoryParser", "ParsedAdvisory", "ParsedRule", "RecordError", "ReviewNote", "UnknownFormat",
           "choose_parser", "parsers", "register"]
