"""NVD CVE records: the CVE API 2.0 (a response with ``vulnerabilities[].cve``, or one ``cve`` object) and the
legacy 1.1 feeds (``CVE_Items``, or one item). Rules come from ``configurations`` (CPE match strings with version
ranges); exploitation from CISA's ``cisaExploitAdd``; CVSS from the primary metric of the newest CVSS version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from canhgac.advisories.models import AdvisorySource, Trust
from canhgac.advisories.parsers.base import (
    AdvisoryParser,
    ParsedAdvisory,
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
)
from canhgac.advisories.parsers.rules import configuration_rules

METRIC_KEYS = ("cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2")


def _is_api_cve(value: Any) -> bool:
    return isinstance(value, dict) and "id" in value and ("configurations" in value or "sourceIdentifier" in value)


def _is_legacy_item(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("cve"), dict) and "CVE_data_meta" in value["cve"]


class NvdParser(AdvisoryParser):
    name = "nvd"
    label = _("NVD CVE record (API 2.0 or 1.1 feed)")
    source = AdvisorySource.NVD

    @classmethod
    def sniff(cls, document: Any) -> int:
        if not isinstance(document, dict):
            return 0
        if _is_api_cve(document) or _is_legacy_item(document) or isinstance(document.get("CVE_Items"), list):
            return 100
        if document.get("format") == "NVD_CVE" or _is_api_cve(document.get("cve")):
            return 95
        elements = document.get("vulnerabilities")
        if isinstance(elements, list) and elements and isinstance(elements[0], dict) and "cve" in elements[0]:
            return 90
        return 0

    def records(self, document: Any) -> Iterator[tuple[str, Any]]:
        if isinstance(document, dict) and isinstance(document.get("CVE_Items"), list):
            yield from ((f"CVE_Items[{index}]", item) for index, item in enumerate(document["CVE_Items"]))
        elif isinstance(document, dict) and isinstance(document.get("vulnerabilities"), list):
            yield from ((f"vulnerabilities[{index}]", item) for index, item in enumerate(document["vulnerabilities"]))
        else:
            yield "", document

    def parse(self, record: Any) -> list[ParsedAdvisory]:
        record = obj(record, "")
        if _is_legacy_item(record):
            return [_legacy(record)]
        cve = member(record, "cve", "") if "cve" in record else record
        where = "cve" if "cve" in record else ""
        return [_api(cve, where)]


def _api(cve: dict[str, Any], where: str) -> ParsedAdvisory:
    prefix = f"{where}." if where else ""
    identifier = cve_id(text(cve, "id", where, required=True, limit=40), f"{prefix}id")
    summary = english(objects(cve, "descriptions", where))
    advisory = ParsedAdvisory(
        AdvisorySource.NVD, identifier, cve, vulnerabilities=[identifier], summary=summary,
        title=(text(cve, "cisaVulnerabilityName", where) or summary)[:255], published=day(cve, "published", where),
        url=f"https://nvd.nist.gov/vuln/detail/{identifier}",
    )
    added = day(cve, "cisaExploitAdd", where)
    if added:
        advisory.known_exploited, advisory.exploited_added = True, added
        advisory.details.update({"kev_date_added": added.isoformat(),
                                 "kev_due_date": text(cve, "cisaActionDue", where, limit=20),
                                 "required_action": text(cve, "cisaRequiredAction", where, limit=500)})
    metrics = member(cve, "metrics", where)
    for key in METRIC_KEYS:
        entries = objects(metrics, key, f"{prefix}metrics")
        if entries:
            path, chosen = next(((path, entry) for path, entry in entries if entry.get("type") == "Primary"),
                                entries[0])
            data = member(chosen, "cvssData", path)
            advisory.cvss = score(data, "baseScore", f"{path}.cvssData")
            advisory.cvss_vector = text(data, "vectorString", f"{path}.cvssData", limit=200)
            advisory.severity = (severity_from_cvss(advisory.cvss) or
                                 severity_of(text(data, "baseSeverity", f"{path}.cvssData", limit=20)))
            break
    advisory.rules, advisory.review = configuration_rules(identifier, objects(cve, "configurations", where),
                                                          trust=Trust.NVD)
    advisory.vendor = next((rule.vendor for rule in advisory.rules), "")[:120]
    return advisory


def _legacy(item: dict[str, Any]) -> ParsedAdvisory:
    cve = member(item, "cve", "")
    metadata = member(cve, "CVE_data_meta", "cve")
    identifier = cve_id(text(metadata, "ID", "cve.CVE_data_meta", required=True, limit=40), "cve.CVE_data_meta.ID")
    summary = english(objects(member(cve, "description", "cve"), "description_data", "cve.description"))
    advisory = ParsedAdvisory(AdvisorySource.NVD, identifier, item, vulnerabilities=[identifier], summary=summary,
                              title=summary[:255], published=day(item, "publishedDate", ""),
                              url=f"https://nvd.nist.gov/vuln/detail/{identifier}")
    impact = member(item, "impact", "")
    for key, inner in (("baseMetricV3", "cvssV3"), ("baseMetricV2", "cvssV2")):
        if key in impact:
            data = member(member(impact, key, "impact"), inner, f"impact.{key}")
            advisory.cvss = score(data, "baseScore", f"impact.{key}.{inner}")
            advisory.cvss_vector = text(data, "vectorString", f"impact.{key}.{inner}", limit=200)
            advisory.severity = severity_from_cvss(advisory.cvss)
            break
    configurations = member(item, "configurations", "")
    advisory.rules, advisory.review = configuration_rules(
        identifier, [("configurations", configurations)], trust=Trust.NVD, match_key="cpe_match",
        criteria_key="cpe23Uri")
    advisory.vendor = next((rule.vendor for rule in advisory.rules), "")[:120]
    return advisory
