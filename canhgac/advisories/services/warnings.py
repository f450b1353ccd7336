"""Warnings the SOC writes in the console — typed from a letter, or chosen from data — and their notices to units.

Both kinds of warning become one ``canhgac.warning`` document (see ``parsers/soc.py``) imported by the one import
job the API and the CLI use: stored whole or not at all, matched like any other advisory, the same document twice
recognised. A warning chosen from data names the CVEs its query found and the query itself; its CVEs' own records
say which versions are affected, the warning adds its letter and deadline (the findings' due date).

Notices: one per unit the warning hits now, listing that unit's affected assets; ``prepare_notices`` makes sure no
unit is told twice of the same warning.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from canhgac.advisories.models import Advisory, AdvisoryBatch, AffectedProduct, Exposure, Vulnerability
from canhgac.advisories.parsers.soc import KIND
from canhgac.advisories.services import import_advisories, load_namer
from canhgac.constituency.importing.columns import escape
from canhgac.core.access import ADD, may
from canhgac.core.models import Channel, Job
from canhgac.notifications.content import Attachment, SourceRef, console_link, render_notice
from canhgac.notifications.services import PreparedNotices, prepare_notices

MAX_CHOSEN = 5000
"""The most CVEs one warning chosen from data may name: a broader query is refused (narrow it)."""
NOTICE_KIND = "advisory_warning"
NOTICE_TEMPLATE = "advisories/notices/warning"
NOTICE_ROWS = 200
"""Assets listed in a notice's text; all of them are in its CSV attachment."""


def submit_warning(document: dict[str, Any], user: Any) -> Job:
    """Import one warning document through the import job (started in the background)."""
    if not may(user, ADD, AdvisoryBatch):
        raise PermissionDenied(_("You may not import advisories."))
    content = json.dumps(document, ensure_ascii=False, indent=1).encode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", document.get("reference") or document.get("title") or "warning")
    return import_advisories(content, user=user, filename=f"warning-{stem.strip('-')[:80] or 'soc'}.json",
                             format_name="soc", channel=Channel.UI)


def warning_document(*, title: str, reference: str = "", reference_date: datetime.date | None = None,
                     deadline: datetime.date | None = None, severity: str = "", summary: str = "",
                     cves: list[str] | None = None, known_exploited: bool = False, url: str = "",
                     affected: list[dict[str, str]] | None = None,
                     selection: dict[str, str] | None = None) -> dict[str, Any]:
    document: dict[str, Any] = {"kind": KIND, "reference": reference, "title": title, "summary": summary,
                                "cves": cves or [], "known_exploited": known_exploited,
                                "affected": affected or []}
    for key, value in (("reference_date", reference_date), ("deadline", deadline)):
        if value:
            document[key] = value.isoformat()
    for key, text in (("severity", severity), ("url", url)):
        if text:
            document[key] = text
    if selection is not None:
        document["selection"] = selection
    return document


@dataclass
class Selection:
    """A query of the vulnerabilities known here; empty criteria are left out."""

    vendor: str = ""
    product: str = ""
    severities: list[str] = field(default_factory=list)
    published_from: datetime.date | None = None
    published_to: datetime.date | None = None
    exploited_from: datetime.date | None = None
    exploited_to: datetime.date | None = None
    known_exploited: bool = False
    min_cvss: float | None = None
    cves: list[str] = field(default_factory=list)

    def describe(self) -> dict[str, str]:
        """The criteria as text, as the warning keeps them."""
        described = {"vendor": self.vendor, "product": self.product, "severity": ", ".join(self.severities),
                     "published_from": _day(self.published_from), "published_to": _day(self.published_to),
                     "exploited_from": _day(self.exploited_from), "exploited_to": _day(self.exploited_to),
                     "known_exploited": "yes" if self.known_exploited else "",
                     "min_cvss": "" if self.min_cvss is None else str(self.min_cvss),
                     "cves": " ".join(self.cves)}
        return {key: value for key, value in described.items() if value}


def _day(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def choose_vulnerabilities(selection: Selection) -> QuerySet[Vulnerability]:
    """The CVEs the query finds, known exploited first, then by CVSS."""
    chosen = Vulnerability.objects.filter(identifier__startswith="CVE-")
    if selection.vendor or selection.product:
        chosen = chosen.filter(_product_condition(selection.vendor, selection.product))
    if selection.severities:
        chosen = chosen.filter(severity__in=selection.severities)
    ranges = (("published__gte", selection.published_from), ("published__lte", selection.published_to),
              ("exploited_added__gte", selection.exploited_from), ("exploited_added__lte", selection.exploited_to),
              ("cvss__gte", selection.min_cvss))
    chosen = chosen.filter(**{lookup: value for lookup, value in ranges if value is not None})
    if selection.known_exploited:
        chosen = chosen.filter(known_exploited=True)
    if selection.cves:
        chosen = chosen.filter(identifier__in=selection.cves)
    return chosen.order_by("-known_exploited", "-cvss", "-published", "identifier")


def _product_condition(vendor: str, product: str) -> Q:
    """A vendor (and product) as the rules name them (aliases applied), or as the advisories name their vendor."""
    name = load_namer().of_text(vendor, product)
    rules = AffectedProduct.objects.filter(vendor_key=name.vendor) if name.vendor else AffectedProduct.objects.all()
    if product:
        rules = rules.filter(product_key=name.product)
    condition = Q(pk__in=rules.values("vulnerability_id"))
    if vendor and not product:
        condition |= Q(pk__in=Advisory.objects.filter(vendor__iexact=vendor.strip()).values("vulnerabilities"))
    return condition


def warning_notices(advisory: Advisory, *, preview: bool) -> PreparedNotices:
    """One notice per unit the warning hits now, with that unit's affected assets; units told before are skipped
    (``preview``: what would be sent, nothing written)."""
    per_unit: dict[int, list[dict[str, Any]]] = {}
    exposures = Exposure.objects.filter(vulnerability__advisories=advisory).select_related(
        "asset", "vulnerability").order_by("unit_id", "-vulnerability__known_exploited", "asset__name", "pk")
    for exposure in exposures:
        per_unit.setdefault(exposure.unit_id, []).append(_notice_row(exposure, advisory))
    contents = {unit_id: _notice_content(advisory, rows) for unit_id, rows in per_unit.items()}
    return prepare_notices(NOTICE_KIND, f"advisory-{advisory.pk}", contents, source=SourceRef.of(advisory),
                           preview=preview)


def _notice_row(exposure: Exposure, advisory: Advisory) -> dict[str, Any]:
    vulnerability = exposure.vulnerability
    return {"asset": exposure.asset.name, "internet_facing": exposure.asset.internet_facing,
            "product": exposure.label, "version": exposure.version, "cve": vulnerability.identifier,
            "known_exploited": vulnerability.known_exploited, "cvss": vulnerability.cvss,
            "deadline": advisory.deadline or vulnerability.deadline}


def _notice_content(advisory: Advisory, rows: list[dict[str, Any]]) -> Any:
    context = {"advisory": advisory, "rows": rows[:NOTICE_ROWS], "more": max(len(rows) - NOTICE_ROWS, 0),
               "total": len(rows), "assets": len({row["asset"] for row in rows}),
               "link": console_link("advisories:advisory_detail", advisory.pk)}
    return render_notice(NOTICE_TEMPLATE, context, attachments=(_rows_csv(advisory, rows),))


def _rows_csv(advisory: Advisory, rows: list[dict[str, Any]]) -> Attachment:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["asset", "internet_facing", "product", "version", "cve", "known_exploited", "cvss", "deadline"])
    for row in rows:
        writer.writerow([escape(str(row[key])) if row[key] is not None else "" for key in
                         ("asset", "internet_facing", "product", "version", "cve", "known_exploited", "cvss",
                          "deadline")])
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", advisory.reference or advisory.source_id)[:80].strip("-")
    return Attachment(f"canhgac-{name or advisory.pk}-assets.csv", "text/csv",
                      buffer.getvalue().encode("utf-8-sig"))
