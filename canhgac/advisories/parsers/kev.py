"""CISA's Known Exploited Vulnerabilities catalogue (JSON): one advisory per entry, marking its CVE exploited.

KEV names a vendor and product but no versions, so its entries carry no rules: the versions come from the CVE,
NVD or CSAF records of the same CVE (or the SOC's entry). CISA's due date is the US federal deadline, kept as a
fact of the entry, not taken as our units' deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

from canhgac.advisories.models import AdvisorySource
from canhgac.advisories.parsers.base import AdvisoryParser, ParsedAdvisory, cve_id, day, obj, text, texts


class KevParser(AdvisoryParser):
    name = "kev"
    label = _("CISA Known Exploited Vulnerabilities catalogue")
    source = AdvisorySource.KEV

    @classmethod
    def sniff(cls, document: Any) -> int:
        if not isinstance(document, dict):
            return 0
        entries = document.get("vulnerabilities")
        if "catalogVersion" in document:
            return 100
        return 80 if isinstance(entries, list) and entries and isinstance(entries[0], dict) and \
            "cveID" in entries[0] else 0

    def records(self, document: Any) -> Iterator[tuple[str, Any]]:
        entries = document.get("vulnerabilities") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            yield "", document  # parse() says what is wrong
            return
        yield from ((f"vulnerabilities[{index}]", entry) for index, entry in enumerate(entries))

    def parse(self, record: Any) -> list[ParsedAdvisory]:
        entry = obj(record, "")
        identifier = cve_id(text(entry, "cveID", "", required=True, limit=40), "cveID")
        added = day(entry, "dateAdded", "")
        return [ParsedAdvisory(
            AdvisorySource.KEV, identifier, entry, vulnerabilities=[identifier],
            title=text(entry, "vulnerabilityName", ""), summary=text(entry, "shortDescription", "", limit=20_000),
            known_exploited=True, exploited_added=added, published=added, vendor=text(entry, "vendorProject", "",
                                                                                        limit=120),
            url=f"https://www.cisa.gov/known-exploited-vulnerabilities-catalog?field_cve={identifier}",
            details={"product": text(entry, "product", ""), "required_action": text(entry, "requiredAction", "",
                                                                                     limit=1000),
                     "kev_due_date": text(entry, "dueDate", "", limit=20),
                     "ransomware": text(entry, "knownRansomwareCampaignUse", "", limit=20),
                     "cwes": texts(entry, "cwes", "", limit=20)[:20] if isinstance(entry.get("cwes"), list) else [],
                     "notes": text(entry, "notes", "", limit=2000)},
        )]
