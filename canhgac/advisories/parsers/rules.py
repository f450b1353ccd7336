"""Turning version statements of any format into rules, saying what could not be read instead of guessing."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from canhgac.advisories.models import RuleStatus, Trust
from canhgac.advisories.naming import cpe_name, parse_cpe
from canhgac.advisories.parsers.base import ParsedRule, RecordError, ReviewNote, objects, text
from canhgac.advisories.phrases import Bounds, PhraseError, parse_constraints, parse_free_text
from canhgac.advisories.versions import is_wildcard, problem_of

NO_VERSION = frozenset({"n/a", "na", "unspecified", "unknown", ""})
PREFIX = re.compile(r"^\d[\d.]*\.[x*]$", re.IGNORECASE)
MAX_NODE_DEPTH = 8


def rule(vulnerability: str, vendor: str, product: str, origin: str, bounds: Bounds, *, cpe: str = "",
         status: str = RuleStatus.AFFECTED, trust: int = Trust.VENDOR, version_type: str = "") -> ParsedRule:
    """A rule from ``bounds``; a bound that is not a version makes the rule unusable, with the reason."""
    problem = bounds.problem
    for value in (bounds.exact, bounds.start, bounds.end):
        if value and not problem and (reason := problem_of(value)):
            problem = f"“{value[:100]}”: {reason}"
    return ParsedRule(vulnerability, vendor, product, origin[:255], cpe=cpe[:255], exact=bounds.exact[:120],
                      start=bounds.start[:120], start_inclusive=bounds.start_inclusive, end=bounds.end[:120],
                      end_inclusive=bounds.end_inclusive, version_type=version_type[:30], status=status,
                      trust=trust, problem=problem[:255])


def version_entry(vulnerability: str, vendor: str, product: str, entry: dict[str, Any], where: str, *,
                  cpe: str = "", trust: int = Trust.VENDOR,
                  branch_end: str = "") -> tuple[list[ParsedRule], list[ReviewNote]]:
    """One ``versions[]`` element of a CVE 5 ``affected`` entry, with its ``changes``.

    ``branch_end`` bounds a ``lessThan: "*"`` range that a sibling entry's range follows (F5 lists each branch as
    ``17.1.0``, ``16.1.0``… each "up to *", with the branch's hotfix marked unaffected: the 16.1 hotfix must not
    pass for a fix of 17.1)."""
    version = text(entry, "version", where, limit=500)
    less, less_equal = text(entry, "lessThan", where, limit=500), text(entry, "lessThanOrEqual", where, limit=500)
    version_type = text(entry, "versionType", where, limit=30)
    status = text(entry, "status", where, required=True, limit=20).lower()
    if status not in (RuleStatus.AFFECTED, RuleStatus.UNAFFECTED, "unknown"):
        raise RecordError(f"{where}.status", _("expected affected, unaffected or unknown"))
    if status == "unknown":
        return [], []  # says nothing either way
    named: dict[str, Any] = {"cpe": cpe, "status": status, "trust": trust, "version_type": version_type}
    if less or less_equal:
        end = less or less_equal
        start = "" if version.lower() in NO_VERSION | {"0", "*"} else version
        if is_wildcard(end):
            bounds = Bounds(start=start, end=branch_end)
        else:
            bounds = Bounds(start=start, end=end, end_inclusive=not less)
        found = [rule(vulnerability, vendor, product, where, bounds, **named)]
        found += _changes(vulnerability, vendor, product, entry, where, bounds, named)
        notes = [ReviewNote("bound_not_version", where, found[0].problem)] if found[0].problem else []
        return found, notes
    return _single(vulnerability, vendor, product, version, where, named)


def _changes(vulnerability: str, vendor: str, product: str, entry: dict[str, Any], where: str, bounds: Bounds,
             named: dict[str, Any]) -> list[ParsedRule]:
    """``changes: [{at, status}]``: from ``at`` up to the range's end the status is the change's."""
    found = []
    for path, change in objects(entry, "changes", where):
        status = text(change, "status", path, limit=20).lower()
        at = text(change, "at", path, limit=500)
        if status not in (RuleStatus.AFFECTED, RuleStatus.UNAFFECTED) or not at:
            continue
        changed = Bounds(start=at, end=bounds.end, end_inclusive=bounds.end_inclusive)
        found.append(rule(vulnerability, vendor, product, path, changed, **{**named, "status": status}))
    return found


def _single(vulnerability: str, vendor: str, product: str, version: str, where: str,
            named: dict[str, Any]) -> tuple[list[ParsedRule], list[ReviewNote]]:
    if version == "*":
        return [rule(vulnerability, vendor, product, where, Bounds(), **named)], []
    if version.lower() in NO_VERSION:
        note = ReviewNote("no_version", where, version)
        return [rule(vulnerability, vendor, product, where, Bounds(problem="no version given"), **named)], [note]
    if PREFIX.match(version):
        return [rule(vulnerability, vendor, product, where, parse_constraints(version)[0], **named)], []
    if not problem_of(version) and len(version.split()) <= 4:
        return [rule(vulnerability, vendor, product, where, Bounds(exact=version), **named)], []
    phrases = parse_free_text(version)
    if not phrases:
        note = ReviewNote("free_text", where, version)
        return [rule(vulnerability, vendor, product, where, Bounds(problem="free text"), **named)], [note]
    text_named = {**named, "trust": min(named["trust"], Trust.TEXT)}
    note = ReviewNote("read_from_text", where, version)
    return [rule(vulnerability, vendor, product, f"{where} (text)", bounds, **text_named) for bounds in phrases], [note]


def constraint_rules(vulnerability: str, vendor: str, product: str, constraint: str, where: str, *,
                     cpe: str = "", status: str = RuleStatus.AFFECTED,
                     trust: int = Trust.VENDOR) -> tuple[list[ParsedRule], list[ReviewNote]]:
    """``>= 9.0.0, < 9.0.0 Patch 36``, ``vers:generic/<4.2``, ``all``… (the SOC's entries, CSAF ranges)."""
    try:
        alternatives = parse_constraints(constraint) if constraint.strip() else [Bounds()]
    except PhraseError:
        note = ReviewNote("free_text", where, constraint)
        return [rule(vulnerability, vendor, product, where, Bounds(problem="not a version range"), cpe=cpe,
                     status=status, trust=trust)], [note]
    return [rule(vulnerability, vendor, product, where, bounds, cpe=cpe, status=status, trust=trust)
            for bounds in alternatives], []


def configuration_rules(vulnerability: str, configurations: list[tuple[str, dict[str, Any]]], *,
                        trust: int = Trust.NVD, match_key: str = "cpeMatch",
                        criteria_key: str = "criteria") -> tuple[list[ParsedRule], list[ReviewNote]]:
    """NVD ``configurations`` (API 2.0: ``nodes[].cpeMatch[]``; 1.1: ``nodes[].cpe_match[]`` with ``children``) and
    CVE 5 ``cpeApplicability``: every *vulnerable* CPE match with its version range. Platform conditions (the
    ``vulnerable: false`` side of an AND) are not required of the asset: the rule is about the product itself."""
    found: list[ParsedRule] = []
    notes: list[ReviewNote] = []
    for path, configuration in configurations:
        for node_path, node in objects(configuration, "nodes", path):
            _node(vulnerability, node, node_path, trust, match_key, criteria_key, found, notes, 0)
    return found, notes


def _node(vulnerability: str, node: dict[str, Any], where: str, trust: int, match_key: str, criteria_key: str,
          found: list[ParsedRule], notes: list[ReviewNote], depth: int) -> None:
    if depth > MAX_NODE_DEPTH:
        raise RecordError(where, _("configuration nodes nested too deeply"))
    negate = node.get("negate") is True
    for path, match in objects(node, match_key, where):
        if match.get("vulnerable") is not True or negate:
            continue
        rules, rule_notes = cpe_match_rules(vulnerability, match, path, trust, criteria_key)
        found += rules
        notes += rule_notes
    for child_path, child in objects(node, "children", where):
        _node(vulnerability, child, child_path, trust, match_key, criteria_key, found, notes, depth + 1)


def cpe_match_rules(vulnerability: str, match: dict[str, Any], where: str, trust: int,
                    criteria_key: str = "criteria") -> tuple[list[ParsedRule], list[ReviewNote]]:
    criteria = text(match, criteria_key, where, required=True, limit=500)
    cpe = parse_cpe(criteria)
    if cpe is None:
        raise RecordError(f"{where}.{criteria_key}", _("“%(value)s” is not a CPE 2.3 name") % {"value": criteria[:80]})
    start_in, start_ex = (text(match, key, where, limit=500) for key in ("versionStartIncluding",
                                                                          "versionStartExcluding"))
    end_in, end_ex = (text(match, key, where, limit=500) for key in ("versionEndIncluding", "versionEndExcluding"))
    if start_in or start_ex or end_in or end_ex:
        bounds = Bounds(start=start_in or start_ex, start_inclusive=not start_ex, end=end_ex or end_in,
                        end_inclusive=not end_ex)
    else:
        _name, version = cpe_name(cpe)  # office:2016 names a product, not a version; zimbra:8.8.15:p3 a version
        bounds = Bounds() if is_wildcard(version) else (
            parse_constraints(version)[0] if PREFIX.match(version) else Bounds(exact=version))
    found = rule(vulnerability, cpe.vendor, cpe.product, where, bounds, cpe=criteria, trust=trust)
    return [found], ([ReviewNote("bound_not_version", where, found.problem)] if found.problem else [])
