"""CSAF 2.0 advisories (Red Hat, Cisco, BSI, Microsoft, VEX documents…).

The product tree is walked once: each product id gets its vendor, product name and version or version range from
the branches above it (``vendor`` / ``product_family`` / ``product_name`` / ``product_version`` /
``product_version_range`` / ``service_pack``…), or from its CPE helper; relationships (a component of a platform)
stand for their component. Each vulnerability's ``product_status`` then gives the rules: ``known_affected``,
``first_affected``, ``last_affected`` affected; ``fixed``, ``first_fixed``, ``known_not_affected`` not affected.
Microsoft's documents mark exploitation in ``threats`` (``Exploited:Yes``) and severity there too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from canhgac.advisories.models import AdvisorySource, RuleStatus, Trust
from canhgac.advisories.naming import parse_cpe
from canhgac.advisories.parsers.base import (
    AdvisoryParser,
    ParsedAdvisory,
    ParsedRule,
    RecordError,
    ReviewNote,
    cve_id,
    day,
    member,
    obj,
    objects,
    score,
    severity_from_cvss,
    severity_of,
    text,
    texts,
)
from canhgac.advisories.parsers.rules import constraint_rules
from canhgac.advisories.phrases import Bounds

MAX_BRANCH_DEPTH = 30
AFFECTED = ("known_affected", "first_affected", "last_affected")
UNAFFECTED = ("fixed", "first_fixed", "known_not_affected")
VERSION_CATEGORIES = ("product_version", "service_pack", "patch_level")
NAME_CATEGORIES = ("product_name", "product_family")
EXPLOITED = re.compile(r"exploited\s*:\s*yes", re.IGNORECASE)


@dataclass
class Product:
    vendor: str = ""
    name: str = ""
    version: str = ""
    range: str = ""
    cpe: str = ""
    full_name: str = ""


class CsafParser(AdvisoryParser):
    name = "csaf"
    label = gettext_lazy("CSAF 2.0 advisory")
    source = AdvisorySource.CSAF

    @classmethod
    def sniff(cls, document: Any) -> int:
        head = document.get("document") if isinstance(document, dict) else None
        return 100 if isinstance(head, dict) and "csaf_version" in head else 0

    def records(self, document: Any) -> Iterator[tuple[str, Any]]:
        yield "", document

    def parse(self, record: Any) -> list[ParsedAdvisory]:
        record = obj(record, "")
        head = member(record, "document", "")
        tracking = member(head, "tracking", "document")
        publisher = member(head, "publisher", "document")
        tracking_id = text(tracking, "id", "document.tracking", required=True, limit=120)
        namespace = re.sub(r"^https?://", "", text(publisher, "namespace", "document.publisher", limit=80)).strip("/")
        products = product_tree(member(record, "product_tree", ""))
        advisory = ParsedAdvisory(
            AdvisorySource.CSAF, f"{namespace}/{tracking_id}" if namespace else tracking_id, record,
            title=text(head, "title", "document", required=True),
            published=day(tracking, "initial_release_date", "document.tracking"),
            vendor=text(publisher, "name", "document.publisher", limit=120),
            severity=severity_of(text(member(head, "aggregate_severity", "document"), "text",
                                      "document.aggregate_severity", limit=40)),
            details={"tracking_id": tracking_id, "publisher": text(publisher, "name", "document.publisher"),
                     "category": text(head, "category", "document", limit=60),
                     "version": text(tracking, "version", "document.tracking", limit=40)},
        )
        for path, vulnerability in objects(record, "vulnerabilities", ""):
            _vulnerability(advisory, vulnerability, path, products)
        return [advisory]


def product_tree(tree: dict[str, Any]) -> dict[str, Product]:
    """Product id → what the tree says of it."""
    products: dict[str, Product] = {}
    for path, branch in objects(tree, "branches", "product_tree"):
        _branch(branch, path, Product(), products, 0)
    for path, full in objects(tree, "full_product_names", "product_tree"):
        _leaf(full, path, Product(), products)
    for path, relation in objects(tree, "relationships", "product_tree"):
        full = member(relation, "full_product_name", path)
        component = text(relation, "product_reference", path, limit=200)
        identifier = text(full, "product_id", f"{path}.full_product_name", required=True, limit=200)
        products[identifier] = products.get(component) or Product(name=text(full, "name", path))
    return products


def _branch(branch: dict[str, Any], where: str, above: Product, products: dict[str, Product], depth: int) -> None:
    if depth > MAX_BRANCH_DEPTH:
        raise RecordError(where, _("branches nested deeper than %(limit)d levels") % {"limit": MAX_BRANCH_DEPTH})
    category = text(branch, "category", where, limit=40)
    name = text(branch, "name", where, limit=255)
    here = Product(above.vendor, above.name, above.version, above.range)
    if category == "vendor":
        here.vendor = name
    elif category in NAME_CATEGORIES:
        here.name = name if category == "product_name" or not above.name else above.name
    elif category in VERSION_CATEGORIES:
        here.version, here.range = name, ""
    elif category == "product_version_range":
        here.range, here.version = name, ""
    if "product" in branch:
        _leaf(member(branch, "product", where), f"{where}.product", here, products)
    for path, child in objects(branch, "branches", where):
        _branch(child, path, here, products, depth + 1)


def _leaf(product: dict[str, Any], where: str, above: Product, products: dict[str, Product]) -> None:
    identifier = text(product, "product_id", where, required=True, limit=200)
    helper = member(product, "product_identification_helper", where)
    cpe = text(helper, "cpe", f"{where}.product_identification_helper", limit=500)
    products[identifier] = Product(above.vendor, above.name, above.version, above.range,
                                   cpe if parse_cpe(cpe) else "", text(product, "name", where))


def _vulnerability(advisory: ParsedAdvisory, vulnerability: dict[str, Any], where: str,
                   products: dict[str, Product]) -> None:
    cve = text(vulnerability, "cve", where, limit=40)
    identifier = cve_id(cve, f"{where}.cve") if cve else f"{advisory.source_id}#{where}"[:80]
    advisory.vulnerabilities.append(identifier)
    if not advisory.summary:
        advisory.summary = _notes(vulnerability, where)
    status = member(vulnerability, "product_status", where)
    seen: set[tuple[str, str]] = set()
    for category in (*AFFECTED, *UNAFFECTED):
        rule_status = RuleStatus.AFFECTED if category in AFFECTED else RuleStatus.UNAFFECTED
        for product_id in texts(status, category, f"{where}.product_status", limit=200):
            if (product_id, rule_status) in seen:  # "first_fixed" and "fixed" often list the same product
                continue
            seen.add((product_id, rule_status))
            _product_rules(advisory, identifier, products.get(product_id), product_id, rule_status,
                           f"{where}.product_status.{category}[{product_id[:60]}]")
    _scores(advisory, vulnerability, where)
    _threats(advisory, vulnerability, where)
    advisory.published = advisory.published or day(vulnerability, "release_date", where)


def _product_rules(advisory: ParsedAdvisory, identifier: str, product: Product | None, product_id: str,
                   status: str, where: str) -> None:
    if product is None:
        raise RecordError(where, _("product “%(id)s” is not in the product tree") % {"id": product_id[:60]})
    if not product.name and not product.cpe:
        advisory.review.append(ReviewNote("no_product", where, product.full_name or product_id))
        return
    if product.range:
        rules, notes = constraint_rules(identifier, product.vendor, product.name, product.range, where,
                                        cpe=product.cpe, status=status, trust=Trust.VENDOR)
        advisory.rules += rules
        advisory.review += notes
        return
    if not product.name:  # only a CPE helper: its name and version
        advisory.rules.append(_cpe_rule(identifier, product, status, where))
        return
    advisory.rules.append(ParsedRule(identifier, product.vendor, product.name, where, cpe=product.cpe[:255],
                                     exact=product.version[:120], status=status, trust=Trust.VENDOR))


def _cpe_rule(identifier: str, product: Product, status: str, where: str) -> ParsedRule:
    cpe = parse_cpe(product.cpe)
    if cpe is None:  # checked when the leaf was read
        raise RecordError(where, product.cpe[:80])
    bounds = Bounds(exact=cpe.version) if cpe.versioned else Bounds()
    return ParsedRule(identifier, cpe.vendor, cpe.product, where, cpe=product.cpe[:255], exact=bounds.exact[:120],
                      status=status, trust=Trust.VENDOR)


def _notes(vulnerability: dict[str, Any], where: str) -> str:
    for path, note in objects(vulnerability, "notes", where):
        if text(note, "category", path, limit=40) in ("description", "summary"):
            return text(note, "text", path, limit=20_000)
    return ""


def _scores(advisory: ParsedAdvisory, vulnerability: dict[str, Any], where: str) -> None:
    for path, entry in objects(vulnerability, "scores", where):
        for key in ("cvss_v3", "cvss_v2"):
            if key in entry:
                data = member(entry, key, path)
                value = score(data, "baseScore", f"{path}.{key}")
                if value is not None and (advisory.cvss is None or value > advisory.cvss):
                    advisory.cvss = value
                    advisory.cvss_vector = text(data, "vectorString", f"{path}.{key}", limit=200)
                break
    if advisory.cvss is not None:
        advisory.severity = severity_from_cvss(advisory.cvss)


def _threats(advisory: ParsedAdvisory, vulnerability: dict[str, Any], where: str) -> None:
    """Microsoft: ``exploit_status`` "Publicly Disclosed:No;Exploited:Yes;…", ``severity`` "Critical"/"Important"."""
    for path, threat in objects(vulnerability, "threats", where):
        category = text(threat, "category", path, limit=40)
        details = text(threat, "details", path, limit=1000)
        if category == "exploit_status" and EXPLOITED.search(details):
            advisory.known_exploited = True
            advisory.exploited_added = advisory.exploited_added or day(threat, "date", path)
        elif category == "severity" and not advisory.severity:
            advisory.severity = severity_of(details)
