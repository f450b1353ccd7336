"""Version statements written as text: the SOC's own constraints, CSAF ranges, and what CNAs put in free text.

``>= 9.0.0, < 9.0.0 Patch 36`` (the SOC's typed warnings), ``vers:generic/>=1.0|<2.0`` and ``<4.2`` (CSAF
``product_version_range``), ``5.3.X prior to 5.3.18+`` (CVE-2022-22965), and descriptions such as "Zimbra
Collaboration (ZCS) 8 before 8.8.15 Patch 41" (CVE-2023-37580, whose record names no product). Each statement
becomes :class:`Bounds` (texts, compared later with :mod:`versions`); what cannot be read is said, not guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from canhgac.advisories.versions import is_wildcard, problem_of

VERSION = r"\d[\w.\-]*(?:\s*(?i:patch|p|update|u|sp|build|hotfix|cu|su)\s*\d+[a-zA-Z]?)?"
BRANCH_BEFORE = re.compile(rf"^(?:(?P<branch>\d[\w.]*?)\.[x*]\s+)?(?:prior\s+to|before|<)\s*(?P<end>{VERSION})\+?$",
                           re.IGNORECASE)
THROUGH = re.compile(rf"^(?:through|up\s+to(?:\s+and\s+including)?|<=)\s*(?P<end>{VERSION})$", re.IGNORECASE)
EARLIER = re.compile(rf"^(?P<end>{VERSION})\s+(?:and|or)\s+(?:earlier|below|prior|older|lower)$", re.IGNORECASE)
SPAN = re.compile(rf"^(?:from\s+)?(?P<start>{VERSION})\s*(?:through|to|-|–)\s*(?P<end>{VERSION})$", re.IGNORECASE)
LATER = re.compile(rf"^(?P<start>{VERSION})\s+(?:and|or)\s+(?:later|above|newer)$", re.IGNORECASE)
COMPARISON = re.compile(r"^(?P<op>>=|<=|>|<|=|==)\s*(?P<value>.+)$")
OLD_VERSIONS = re.compile(r"\ball\s+(?:old|older|other|earlier|prior|unsupported)\b", re.IGNORECASE)
DESCRIPTION = re.compile(
    r"(?P<product>(?:[A-Z][\w.\-]*|\([A-Z][\w]*\))(?:\s+(?:[A-Z][\w.\-]*|\([A-Z][\w]*\)))*)\s+"
    r"(?:(?P<branch>\d[\w.]*)\s+)?(?i:before|prior\s+to)\s+"
    rf"(?P<end>{VERSION})")
"""``Zimbra Collaboration (ZCS) 8 before 8.8.15 Patch 41``: a product (capitalised words), maybe its branch, a
bound. Products are told by their capitals; a leading article or preposition is not part of the name."""
LEADING_WORDS = re.compile(r"^(?:(?:In|The|A|An|On|For|All)\s+)+")


@dataclass(frozen=True)
class Bounds:
    """One range as texts: ``exact``, or ``start``/``end`` with inclusiveness; all empty means every version."""

    exact: str = ""
    start: str = ""
    start_inclusive: bool = True
    end: str = ""
    end_inclusive: bool = False
    problem: str = ""

    @property
    def usable(self) -> bool:
        return not self.problem


class PhraseError(ValueError):
    pass


def parse_constraints(text: str) -> list[Bounds]:
    """The SOC's and CSAF's syntax: alternatives split by ``;``, ``|`` (outside ``vers:``) or " or "; each a comma
    list of ``>=``/``>``/``<=``/``<``/``=`` comparisons, a bare version (exact), ``5.3.x``, or "all"."""
    value = text.strip()
    if value.lower().startswith("vers:"):
        return [_vers(value)]
    alternatives = [part for part in re.split(r";|\|| or ", value) if part.strip()]
    if not alternatives:
        raise PhraseError(text)
    return [_alternative(part.strip()) for part in alternatives]


def _alternative(text: str) -> Bounds:
    if is_wildcard(text):
        return Bounds()
    if re.fullmatch(r"\d[\d.]*\.[x*]", text, re.IGNORECASE):
        return _branch(text[:-2])
    phrase = parse_phrase(text)
    if phrase is not None:
        return phrase
    start, start_inclusive, end, end_inclusive = "", True, "", False
    for part in (piece.strip() for piece in text.split(",") if piece.strip()):
        match = COMPARISON.match(part)
        if match is None:
            if "," in text or problem_of(part):
                raise PhraseError(part)
            return Bounds(exact=_version(part))
        op, version = match.group("op"), _version(match.group("value"))
        if op in ("=", "=="):
            return Bounds(exact=version)
        if op.startswith(">"):
            start, start_inclusive = version, op == ">="
        else:
            end, end_inclusive = version, op == "<="
    return Bounds(start=start, start_inclusive=start_inclusive, end=end, end_inclusive=end_inclusive)


def _version(text: str) -> str:
    value = text.strip()
    if problem_of(value):
        raise PhraseError(value)
    return value


def _branch(prefix: str) -> Bounds:
    numbers = [int(part) for part in re.findall(r"\d+", prefix)]
    if not numbers:
        raise PhraseError(prefix)
    following = ".".join(map(str, [*numbers[:-1], numbers[-1] + 1]))
    return Bounds(start=".".join(map(str, numbers)), end=following)


def _vers(text: str) -> Bounds:
    """A ``vers:`` URI (CSAF product_version_range): ``vers:all/*``, ``vers:generic/>=1.0|<2.0``."""
    _scheme, _sep, constraints = text[5:].partition("/")
    if constraints.strip() in ("*", ""):
        return Bounds()
    parts = [part.strip() for part in constraints.split("|") if part.strip()]
    return _alternative(", ".join(parts) if all(COMPARISON.match(p) for p in parts) else parts[0])


def parse_phrase(text: str) -> Bounds | None:
    """One free-text statement ("prior to 5.3.18", "5.2.x prior to 5.2.20+", "9.1 and earlier"), or ``None``."""
    value = " ".join(text.split()).rstrip(".")
    if match := BRANCH_BEFORE.match(value):
        branch = match.group("branch")
        start = _branch(branch).start if branch else ""
        return Bounds(start=start, end=_version(match.group("end")))
    if (match := THROUGH.match(value)) or (match := EARLIER.match(value)):
        return Bounds(end=_version(match.group("end")), end_inclusive=True)
    if match := SPAN.match(value):
        return Bounds(start=_version(match.group("start")), end=_version(match.group("end")), end_inclusive=True)
    if match := LATER.match(value):
        return Bounds(start=_version(match.group("start")))
    return None


def parse_free_text(text: str) -> list[Bounds]:
    """A CNA's sentence listing several ranges, e.g. CVE-2022-22965's "Spring Framework versions 5.3.X prior to
    5.3.18+, 5.2.x prior to 5.2.20+ and all old and unsupported versions"; empty when nothing could be read."""
    body = re.sub(r"^.*?\bversions?\b", "", text, count=1, flags=re.IGNORECASE) if re.search(
        r"\bversions?\b", text, re.IGNORECASE) else text
    pieces = [piece.strip() for piece in re.split(r",|\band\b(?!\s+(?:earlier|later|below|above|including))",
                                                   body, flags=re.IGNORECASE) if piece.strip()]
    found: list[Bounds] = []
    older = bool(OLD_VERSIONS.search(body))
    for piece in pieces:
        try:
            phrase = parse_phrase(piece)
        except PhraseError:
            phrase = None
        if phrase is not None:
            found.append(phrase)
    starts = [bounds.start for bounds in found if bounds.start]
    if older and starts:  # "and all old and unsupported versions": everything below the oldest branch named
        found.append(Bounds(end=min(starts, key=_order)))
    return found


def _order(text: str) -> tuple[object, ...]:
    from canhgac.advisories.versions import version_key

    return version_key(text)


def from_description(text: str) -> list[tuple[str, Bounds]]:
    """``(product as written, bounds)`` for each "<Product> [branch] before <version>" in a description."""
    found = []
    for match in DESCRIPTION.finditer(text[:4000]):
        branch, end = match.group("branch"), match.group("end")
        if problem_of(end):
            continue
        start = _branch(branch).start if branch else ""
        product = LEADING_WORDS.sub("", match.group("product").strip())
        if product:
            found.append((product, Bounds(start=start, end=end)))
    return found
