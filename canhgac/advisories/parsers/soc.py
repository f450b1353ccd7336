"""Warnings the SOC types from a letter (Cục ATTT's, the Department's), as a small JSON document::

    {"kind": "canhgac.warning",
     "reference": "2216/CATTT-NCSC", "reference_date": "2023-11-17",
     "title": "Lỗ hổng zero-day trong Zimbra Collaboration", "summary": "…",
     "cves": ["CVE-2023-37580"], "severity": "high", "known_exploited": true, "deadline": "2023-11-24",
     "affected": [{"vendor": "Zimbra", "product": "Zimbra Collaboration", "versions": "< 8.8.15 Patch 41"},
                  {"vendor": "Zimbra", "product": "Zimbra Collaboration", "versions": ">= 9.0.0, < 9.0.0 Patch 36"}]}

A list of such objects, or ``{"warnings": [...]}``, holds several. ``versions``: comparisons joined by ``,`` (all
must hold), alternatives by ``;`` or ``|``, ``5.3.x`` for a branch, a bare version for itself, empty or ``all`` for
every version; ``"status": "unaffected"`` for a fixed version. The SOC's rules override every other source's for the
CVEs and products they name. The warning's identity is its reference (or its title when there is none): importing
it again updates it.

A warning the SOC chose from data ("Microsoft, high or critical, published May–Dec 2023") carries the query as
``"selection"`` and the CVEs it found, and may name no product: the CVEs' own records say which versions are
affected, and the warning adds its letter, deadline and severity to them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.advisories.models import AdvisorySource, RuleStatus, Trust
from canhgac.advisories.parsers.base import (
    AdvisoryParser,
    ParsedAdvisory,
    RecordError,
    cve_id,
    day,
    flag,
    obj,
    objects,
    score,
    severity_from_cvss,
    severity_of,
    text,
    texts,
)
from canhgac.advisories.parsers.rules import constraint_rules

KIND = "canhgac.warning"


class SocWarningParser(AdvisoryParser):
    name = "soc"
    label = gettext_lazy("Warning typed by the SOC (canhgac.warning JSON)")
    source = AdvisorySource.SOC

    @classmethod
    def sniff(cls, document: Any) -> int:
        first = document[0] if isinstance(document, list) and document else document
        if isinstance(first, dict) and isinstance(first.get("warnings"), list):
            return 100
        return 100 if isinstance(first, dict) and first.get("kind") == KIND else 0

    def records(self, document: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(document, dict) and isinstance(document.get("warnings"), list):
            document = document["warnings"]
        if isinstance(document, list):
            yield from ((f"[{index}]", element) for index, element in enumerate(document))
        else:
            yield "", document

    def parse(self, record: Any) -> list[ParsedAdvisory]:
        return [parse_warning(obj(record, ""))]


def parse_warning(warning: dict[str, Any]) -> ParsedAdvisory:
    if warning.get("kind", KIND) != KIND:
        raise RecordError("kind", _("expected “%(kind)s”") % {"kind": KIND})
    title = text(warning, "title", "", required=True)
    reference = text(warning, "reference", "", limit=120)
    cves = [cve_id(value, f"cves[{index}]") for index, value in enumerate(texts(warning, "cves", "", limit=40))]
    identity = reference or "title:" + hashlib.sha256(title.encode()).hexdigest()[:16]
    cvss = score(warning, "cvss", "")
    advisory = ParsedAdvisory(
        AdvisorySource.SOC, identity, warning, title=title, summary=text(warning, "summary", "", limit=20_000),
        vulnerabilities=list(dict.fromkeys(cves)) or [f"SOC:{identity}"[:80]], reference=reference,
        reference_date=day(warning, "reference_date", ""), deadline=day(warning, "deadline", ""), cvss=cvss,
        severity=_severity(warning, cvss), known_exploited=flag(warning, "known_exploited", ""),
        published=day(warning, "reference_date", "") or day(warning, "published", ""),
        url=text(warning, "url", "", limit=500), vendor=text(warning, "vendor", "", limit=120),
    )
    selection = _selection(warning, cves)
    if selection is not None:
        advisory.details["selection"] = selection
    elif not objects(warning, "affected", ""):
        raise RecordError("affected", _("name at least one affected product"))
    for path, entry in objects(warning, "affected", ""):
        _affected(advisory, entry, path)
    return advisory


def _selection(warning: dict[str, Any], cves: list[str]) -> dict[str, str] | None:
    """The query a warning chosen from data came from (its criteria as text), which must have found some CVEs;
    ``None`` for a warning typed from a letter."""
    if warning.get("selection") is None:
        return None
    chosen = obj(warning["selection"], "selection")
    if not cves:
        raise RecordError("cves", _("a warning chosen from data names the CVEs it chose"))
    return {key[:40]: text(chosen, key, "selection", limit=500) for key in list(chosen)[:20]}


def _severity(warning: dict[str, Any], cvss: float | None) -> str:
    written = text(warning, "severity", "", limit=20)
    severity = severity_of(written)
    if written and not severity:
        raise RecordError("severity", _("“%(value)s” is not a severity (critical, high, medium, low)")
                          % {"value": written})
    return severity or severity_from_cvss(cvss)


def _affected(advisory: ParsedAdvisory, entry: dict[str, Any], where: str) -> None:
    product = text(entry, "product", where, required=True)
    vendor = text(entry, "vendor", where)
    status = text(entry, "status", where, limit=20).lower() or RuleStatus.AFFECTED
    if status not in RuleStatus.values:
        raise RecordError(f"{where}.status", _("expected “affected” or “unaffected”"))
    versions = text(entry, "versions", where, limit=500)
    for vulnerability in advisory.vulnerabilities:
        rules, notes = constraint_rules(vulnerability, vendor, product, versions, f"{where}.versions",
                                        cpe=text(entry, "cpe", where, limit=255), status=status, trust=Trust.SOC)
        if any(rule.problem for rule in rules):
            raise RecordError(f"{where}.versions", _("“%(value)s” is not a version range (e.g. “>= 9.0.0, < 9.0.0 "
                                                     "Patch 36”, “< 8.8.15 Patch 41”, “5.3.x”)")
                              % {"value": versions[:100]})
        advisory.rules += rules
        advisory.review += notes
