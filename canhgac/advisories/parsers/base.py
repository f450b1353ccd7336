"""What an advisory parser is, what it hands over, and the careful readers every parser uses on untrusted JSON.

A parser recognises its documents, splits a document into records and reads each record into
:class:`ParsedAdvisory` objects with their :class:`ParsedRule` rules. It never writes: storing, naming and matching
happen elsewhere. A record that is not what its format says (a number where text belongs, a missing identifier, a
string of megabytes) raises :class:`RecordError` naming the field; the import then refuses the whole file.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.advisories.models import RuleStatus, Trust
from canhgac.findings.models import Severity

CVE_ID = re.compile(r"^CVE-\d{4}-\d{4,9}$")
MAX_DEPTH = 48
MAX_STRING = 1_000_000
MAX_SUMMARY = 20_000


class RecordError(ValueError):
    """A record that is not what its format says; ``where`` is the field's path inside the record."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}" if where else reason)
        self.where = where
        self.reason = reason


@dataclass
class ParsedRule:
    vulnerability: str
    vendor: str
    product: str
    origin: str
    cpe: str = ""
    exact: str = ""
    start: str = ""
    start_inclusive: bool = True
    end: str = ""
    end_inclusive: bool = False
    version_type: str = ""
    status: str = RuleStatus.AFFECTED
    trust: int = Trust.VENDOR
    problem: str = ""
    vendor_key: str = ""
    product_key: str = ""
    """The normalised name, set when the rule is stored (with the alias table of that moment)."""


@dataclass
class ReviewNote:
    """Something of the record that could not be used for matching: a code (see ``review.py``), where, what."""

    code: str
    where: str
    text: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "where": self.where, "text": self.text[:300]}


@dataclass
class ParsedAdvisory:
    source: str
    source_id: str
    raw: Any
    title: str = ""
    summary: str = ""
    vulnerabilities: list[str] = field(default_factory=list)
    severity: str = ""
    cvss: float | None = None
    cvss_vector: str = ""
    known_exploited: bool = False
    exploited_added: datetime.date | None = None
    published: datetime.date | None = None
    deadline: datetime.date | None = None
    reference: str = ""
    reference_date: datetime.date | None = None
    url: str = ""
    vendor: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    review: list[ReviewNote] = field(default_factory=list)
    rules: list[ParsedRule] = field(default_factory=list)


class AdvisoryParser:
    """One format. ``sniff`` looks at a decoded JSON document; ``records`` splits it; ``parse`` reads one record."""

    name: ClassVar[str]
    label: ClassVar[Any]
    source: ClassVar[str]

    @classmethod
    def sniff(cls, document: Any) -> int:
        """How sure (0–100) the parser is that ``document`` is in its format."""
        raise NotImplementedError

    def records(self, document: Any) -> Iterator[tuple[str, Any]]:
        """``(where, record)`` for each record of ``document`` (a bundle's element path, or "" for one record)."""
        yield "", document

    def parse(self, record: Any) -> list[ParsedAdvisory]:
        raise NotImplementedError


# -- careful readers -------------------------------------------------------------------------------------------

TYPE_NAMES = {str: gettext_lazy("text"), int: gettext_lazy("a number"), float: gettext_lazy("a number"),
              bool: gettext_lazy("true/false"), list: gettext_lazy("a list"), dict: gettext_lazy("an object"),
              type(None): gettext_lazy("null")}


def kind_of(value: Any) -> str:
    return str(TYPE_NAMES.get(type(value), type(value).__name__))


def expected(what: Any, value: Any) -> str:
    return _("expected %(expected)s, found %(found)s") % {"expected": what, "found": kind_of(value)}


def obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(where, expected(TYPE_NAMES[dict], value))
    return value


def member(parent: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    """``parent[key]`` as an object ({} when absent)."""
    value = parent.get(key)
    return {} if value is None else obj(value, _join(where, key))


def items(parent: dict[str, Any], key: str, where: str) -> list[tuple[str, Any]]:
    """``(path, element)`` of the list ``parent[key]`` ([] when absent)."""
    value = parent.get(key)
    if value is None:
        return []
    path = _join(where, key)
    if not isinstance(value, list):
        raise RecordError(path, expected(TYPE_NAMES[list], value))
    return [(f"{path}[{index}]", element) for index, element in enumerate(value)]


def objects(parent: dict[str, Any], key: str, where: str) -> list[tuple[str, dict[str, Any]]]:
    return [(path, obj(element, path)) for path, element in items(parent, key, where)]


def text(parent: dict[str, Any], key: str, where: str, *, required: bool = False, limit: int = 255) -> str:
    """``parent[key]`` as text, stripped and clipped to ``limit``; numbers are taken as written."""
    value = parent.get(key)
    path = _join(where, key)
    if value is None or value == "":
        if required:
            raise RecordError(path, _("missing"))
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(path, expected(TYPE_NAMES[str], value))
    return str(value).strip()[:limit]


def texts(parent: dict[str, Any], key: str, where: str, limit: int = 255) -> list[str]:
    found = []
    for path, element in items(parent, key, where):
        if not isinstance(element, str):
            raise RecordError(path, expected(TYPE_NAMES[str], element))
        found.append(element.strip()[:limit])
    return found


def flag(parent: dict[str, Any], key: str, where: str, default: bool = False) -> bool:
    value = parent.get(key, default)
    if not isinstance(value, bool):
        raise RecordError(_join(where, key), expected(TYPE_NAMES[bool], value))
    return value


def score(parent: dict[str, Any], key: str, where: str) -> float | None:
    value = parent.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise RecordError(_join(where, key), expected(_("a score"), value))
    try:
        number = float(value)
    except ValueError as error:
        raise RecordError(_join(where, key), _("not a number")) from error
    if not 0 <= number <= 10:
        raise RecordError(_join(where, key), _("a CVSS score is between 0 and 10"))
    return round(number, 1)


def day(parent: dict[str, Any], key: str, where: str) -> datetime.date | None:
    """An ISO date or date-time (``2023-07-31``, ``2023-10-26T21:15:08.097``, ``…Z``) as its date."""
    value = text(parent, key, where, limit=40)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError as error:
        raise RecordError(_join(where, key), _("“%(value)s” is not a date") % {"value": value}) from error


def cve_id(value: str, where: str) -> str:
    identifier = value.strip().upper()
    if not CVE_ID.match(identifier):
        raise RecordError(where, _("“%(value)s” is not a CVE identifier (CVE-YYYY-NNNN)") % {"value": value[:40]})
    return identifier


def english(entries: list[tuple[str, dict[str, Any]]], key: str = "value") -> str:
    """The English text of a list of ``{lang, value}`` (else the first)."""
    chosen = next((entry for _path, entry in entries if str(entry.get("lang", "")).lower().startswith("en")), None)
    if chosen is None and entries:
        chosen = entries[0][1]
    if chosen is None:
        return ""
    value = chosen.get(key, "")
    return value.strip()[:MAX_SUMMARY] if isinstance(value, str) else ""


def severity_of(text_value: str) -> str:
    """A severity word of any source (CVSS's CRITICAL, Microsoft's Important, CSAF's Moderate) → ours."""
    word = text_value.strip().lower()
    return {"critical": Severity.CRITICAL, "high": Severity.HIGH, "important": Severity.HIGH,
            "moderate": Severity.MEDIUM, "medium": Severity.MEDIUM, "low": Severity.LOW, "none": Severity.INFO,
            "informational": Severity.INFO, "info": Severity.INFO}.get(word, "")


def severity_from_cvss(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 9:
        return Severity.CRITICAL
    if value >= 7:
        return Severity.HIGH
    if value >= 4:
        return Severity.MEDIUM
    return Severity.LOW if value > 0 else Severity.INFO


def check_shape(value: Any, where: str = "") -> None:
    """Refuse documents nested deeper than :data:`MAX_DEPTH` or holding a string over :data:`MAX_STRING`
    characters, walking iteratively (a hostile document must not exhaust the stack here either). The walk that
    names the field runs only once something is wrong: a quarter-million good records pay for the quick one."""
    if not _within_limits(value):
        _find_violation(value, where)


def _within_limits(value: Any) -> bool:
    stack: list[tuple[Any, int]] = [(value, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        current, depth = pop()
        if isinstance(current, str):
            if len(current) > MAX_STRING:
                return False
        elif isinstance(current, dict | list):
            if depth >= MAX_DEPTH:
                return False
            for element in (current.values() if isinstance(current, dict) else current):
                if isinstance(element, dict | list) or (isinstance(element, str) and len(element) > MAX_STRING):
                    push((element, depth + 1))
    return True


def _find_violation(value: Any, where: str) -> None:
    stack: list[tuple[Any, str, int]] = [(value, where, 0)]
    while stack:
        current, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise RecordError(path, _("nested deeper than %(limit)d levels") % {"limit": MAX_DEPTH})
        if isinstance(current, str):
            if len(current) > MAX_STRING:
                raise RecordError(path, _("a text of %(length)d characters (the limit is %(limit)d)")
                                  % {"length": len(current), "limit": MAX_STRING})
        elif isinstance(current, dict):
            stack.extend((element, _join(path, str(key)[:40]), depth + 1) for key, element in current.items())
        elif isinstance(current, list):
            stack.extend((element, f"{path}[{index}]", depth + 1) for index, element in enumerate(current))


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key
