"""CVE JSON 5 records (CVE Record Format 5.0/5.1), one per file or in bundles.

Rules come from the CNA's ``affected`` entries (vendor, product, ``cpes``, ``versions`` with ``lessThan`` /
``lessThanOrEqual``, ``changes`` and ``defaultStatus``) and its ``cpeApplicability`` nodes; an ADP's ``affected``
(CISA's enrichment) counts as third-party, like NVD. When the CNA names no product ("n/a", as MITRE's record of the
Zimbra CVE-2023-37580), the description's "<Product> <branch> before <version>" is read instead, and said so.
Exploitation comes from CISA's ``kev`` metric; CVSS from the CNA's metrics, else an ADP's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from canhgac.advisories.models import AdvisorySource, RuleStatus, Trust
from canhgac.advisories.naming import product_key, vendor_key
from canhgac.advisories.parsers.base import (
    AdvisoryParser,
    ParsedAdvisory,
    ParsedRule,
    RecordError,
    ReviewNote,
    cve_id,
    day,
    english,
    member,
    obj,
    objects,
    score,
    severity_from_cvss,
    severity_of,
    text,
    texts,
)
from canhgac.advisories.parsers.rules import configuration_rules, rule, version_entry
from canhgac.advisories.phrases import Bounds, from_description
from canhgac.advisories.versions import try_key

BUNDLE_KEYS = ("cveRecords", "cves", "records", "vulnerabilities")
CVSS_KEYS = ("cvssV4_0", "cvssV3_1", "cvssV3_0", "cvssV2_0")


def is_record(value: Any) -> bool:
    return isinstance(value, dict) and (value.get("dataType") == "CVE_RECORD" or "cveMetadata" in value)


class Cve5Parser(AdvisoryParser):
    name = "cve5"
    label = _("CVE JSON 5 record or bundle")
    source = AdvisorySource.CVE5

    @classmethod
    def sniff(cls, document: Any) -> int:
        if is_record(document):
            return 100
        elements = document if isinstance(document, list) else next(
            (document[key] for key in BUNDLE_KEYS if isinstance(document, dict) and isinstance(document.get(key),
                                                                                                list)), None)
        return 90 if elements and is_record(elements[0]) else 0

    def records(self, document: Any) -> Iterator[tuple[str, Any]]:
        if is_record(document) or not isinstance(document, list | dict):
            yield "", document
            return
        if isinstance(document, list):
            yield from ((f"[{index}]", element) for index, element in enumerate(document))
            return
        key = next((key for key in BUNDLE_KEYS if isinstance(document.get(key), list)), None)
        if key is None:
            yield "", document
            return
        yield from ((f"{key}[{index}]", element) for index, element in enumerate(document[key]))

    def parse(self, record: Any) -> list[ParsedAdvisory]:
        record = obj(record, "")
        metadata = member(record, "cveMetadata", "")
        identifier = cve_id(text(metadata, "cveId", "cveMetadata", required=True, limit=40), "cveMetadata.cveId")
        if text(metadata, "state", "cveMetadata").upper() == "REJECTED":
            return []
        containers = member(record, "containers", "")
        cna = member(containers, "cna", "containers")
        adps = objects(containers, "adp", "containers")
        summary = english(objects(cna, "descriptions", "containers.cna"))
        advisory = ParsedAdvisory(
            AdvisorySource.CVE5, identifier, record, vulnerabilities=[identifier],
            title=(text(cna, "title", "containers.cna") or summary)[:255], summary=summary,
            published=day(metadata, "datePublished", "cveMetadata") or day(cna, "datePublic", "containers.cna"),
            url=f"https://www.cve.org/CVERecord?id={identifier}",
        )
        _metrics(advisory, cna, adps)
        _affected(advisory, cna, adps, summary)
        advisory.vendor = next((rule.vendor for rule in advisory.rules if vendor_key(rule.vendor)), "")[:120]
        return [advisory]


def _metrics(advisory: ParsedAdvisory, cna: dict[str, Any], adps: list[tuple[str, dict[str, Any]]]) -> None:
    containers = [("containers.cna", cna), *adps]
    for where, container in containers:
        for path, metric in objects(container, "metrics", where):
            _kev(advisory, metric, path)
            if advisory.cvss is None:
                _cvss(advisory, metric, path)
    advisory.severity = severity_from_cvss(advisory.cvss) or advisory.severity
    if advisory.known_exploited:
        advisory.details["kev_date_added"] = advisory.exploited_added and advisory.exploited_added.isoformat()


def _cvss(advisory: ParsedAdvisory, metric: dict[str, Any], where: str) -> None:
    for key in CVSS_KEYS:
        if key in metric:
            data = member(metric, key, where)
            advisory.cvss = score(data, "baseScore", f"{where}.{key}")
            advisory.cvss_vector = text(data, "vectorString", f"{where}.{key}", limit=200)
            advisory.severity = severity_of(text(data, "baseSeverity", f"{where}.{key}", limit=20))
            return


def _kev(advisory: ParsedAdvisory, metric: dict[str, Any], where: str) -> None:
    other = member(metric, "other", where)
    if text(other, "type", f"{where}.other", limit=20).lower() != "kev":
        return
    content = member(other, "content", f"{where}.other")
    advisory.known_exploited = True
    advisory.exploited_added = day(content, "dateAdded", f"{where}.other.content")


def _affected(advisory: ParsedAdvisory, cna: dict[str, Any], adps: list[tuple[str, dict[str, Any]]],
              summary: str) -> None:
    identifier = advisory.source_id
    named = False
    for path, entry in objects(cna, "affected", "containers.cna"):
        named = _entry(advisory, entry, path, Trust.VENDOR) or named
    for path, applicability in objects(cna, "cpeApplicability", "containers.cna"):
        rules, notes = configuration_rules(identifier, [(path, applicability)], trust=Trust.VENDOR)
        advisory.rules += rules
        advisory.review += notes
        named = named or bool(rules)
    for where, adp in adps:
        for path, entry in objects(adp, "affected", where):
            _entry(advisory, entry, path, Trust.NVD)
    if not named:
        _from_description(advisory, summary)


def _entry(advisory: ParsedAdvisory, entry: dict[str, Any], where: str, trust: int) -> bool:
    """Rules of one ``affected`` entry; ``False`` when it names no product (vendor and product "n/a")."""
    vendor = text(entry, "vendor", where)
    product = text(entry, "product", where) or text(entry, "packageName", where)
    cpes = texts(entry, "cpes", where, limit=500)
    names = [(vendor, product, "")] if vendor_key(vendor) or product_key(vendor, product) else []
    if not names:
        names = [(vendor, product, cpe) for cpe in cpes]
    if not names:
        advisory.review.append(ReviewNote("no_product", where, f"{vendor or '?'} / {product or '?'}"))
        return False
    versions = objects(entry, "versions", where)
    branch_ends = _branch_ends(versions)
    for name_vendor, name_product, cpe in names:
        for path, version in versions:
            rules, notes = version_entry(advisory.source_id, name_vendor, name_product, version, path, cpe=cpe,
                                         trust=trust, branch_end=branch_ends.get(path, ""))
            advisory.rules += rules
            advisory.review += notes
        _default_status(advisory, entry, where, name_vendor, name_product, cpe, trust)
    return True


def _branch_ends(versions: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    """For each ``lessThan: "*"`` entry, the next higher start among its siblings (its branch ends there)."""
    starts = sorted((key, version["version"], path, version.get("lessThan") == "*") for path, version in versions
                    if isinstance(version.get("version"), str) and (key := try_key(version["version"])) is not None)
    return {path: following[1] for (_key, _start, path, open_ended), following in itertools.pairwise(starts)
            if open_ended}


def _default_status(advisory: ParsedAdvisory, entry: dict[str, Any], where: str, vendor: str, product: str,
                    cpe: str, trust: int) -> None:
    """``defaultStatus: affected``: every version not listed otherwise is affected (listed unaffected ones win)."""
    if text(entry, "defaultStatus", where, limit=20).lower() == RuleStatus.AFFECTED:
        advisory.rules.append(rule(advisory.source_id, vendor, product, f"{where}.defaultStatus", Bounds(), cpe=cpe,
                                   trust=trust))


def _from_description(advisory: ParsedAdvisory, summary: str) -> None:
    found = from_description(summary)
    where = "containers.cna.descriptions"
    if not found:
        advisory.review.append(ReviewNote("no_usable_product", where, summary[:300]))
        return
    advisory.review.append(ReviewNote("read_from_description", where, summary[:300]))
    for product, bounds in found:
        advisory.rules.append(ParsedRule(advisory.source_id, "", product, f"{where} (description)", exact=bounds.exact,
                                         start=bounds.start, start_inclusive=bounds.start_inclusive, end=bounds.end,
                                         end_inclusive=bounds.end_inclusive, trust=Trust.TEXT))


__all__ = ["Cve5Parser", "RecordError", "is_record"]
