"""The official letter of each unit's batch warning ("letter per unit", issue 5): a công văn in the layout of Decree
30/2020 made by the ``letters`` app, addressed to the unit ("Kính gửi: <unit>"), citing the list's reference letter,
giving the unit's count of listed addresses (the first of them in a table; the CSV holds them all) and what to do:
sweep those hosts first, then the rest, and report back by the findings' due date.

It travels with the warning: the notice carries the CSV, the DOCX and, where LibreOffice runs, its PDF, so the
e-mail and the console inbox hold the same files, made once when the notice is created (a re-send sends the stored
files again). The letterhead is the deployment's ``Operator``; without one, warnings go without a letter and the
batch's warnings page says why. The number (số) is left blank for the clerk, as for any letter issued unsigned.

Cost: the DOCX takes about 50 ms; LibreOffice takes about 3 s a PDF here, so the PDFs of a step of units are made
:data:`PDF_WORKERS` at a time (each conversion has its own profile: they run side by side).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from canhgac.constituency.models import Operator, Unit
from canhgac.findings.workflow import due_date
from canhgac.intel.models import FeedBatch, FeedCategory
from canhgac.letters.services import (
    ConversionError,
    LetterContent,
    LetterItem,
    LetterTable,
    find_soffice,
    letterhead_of_operator,
    render_letter,
    short_date,
    signature_of_operator,
    to_pdf,
)
from canhgac.notifications.content import LETTER_LANGUAGE, Attachment

logger = logging.getLogger(__name__)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
SHOWN_IN_LETTER = 30
"""The letter's table names the first addresses; the attached CSV lists them all."""
PDF_WORKERS = 2


@dataclass(frozen=True)
class UnitListing:
    """What the letter says of one unit: how many of its addresses the batch lists, and the first of them."""

    unit: Unit
    count: int
    rows: tuple[tuple[str, str, str, str], ...]
    """(address, families, ports, times listed) of the first :data:`SHOWN_IN_LETTER` addresses."""


def letters_operator() -> Operator | None:
    """The body that signs the letters; ``None`` when none is set (warnings then go without a letter)."""
    return Operator.objects.order_by("pk").first()


def letter_stem(batch: FeedBatch, unit: Unit) -> str:
    code = "".join(char if char.isalnum() or char in "-_" else "-" for char in unit.code)[:40]
    return f"cong-van-canh-bao-{batch.source.name}-{batch.period}-{code or unit.pk}"


def warning_letter(batch: FeedBatch, listing: UnitListing, body: Operator) -> LetterContent:
    """The letter's parts, in the letters' language (Vietnamese)."""
    today = timezone.localdate()
    values = {"count": listing.count, "unit": listing.unit.name, "period": batch.period,
              "category": FeedCategory(batch.source.category).label, "source": batch.source.label or batch.source.name,
              "reference": batch.reference, "team": body.soc_team_name or body.name,
              "due": short_date(due_date(batch.source.severity, today) or today)}
    with translation.override(LETTER_LANGUAGE):
        return LetterContent(
            letterhead=letterhead_of_operator(body), number="", date=today,
            subject=_("warning about IP addresses of the unit listed as %(category)s") % values,
            recipients=(listing.unit.name,), opening=(_opening(batch, values),), items=_tasks(values),
            tables=(_table(listing, values),), closing=_closing(body, values), signature=signature_of_operator(body))


def _opening(batch: FeedBatch, values: dict[str, object]) -> str:
    text = ngettext("The list “%(source)s” of %(period)s names %(count)d IP address of %(unit)s as %(category)s.",
                    "The list “%(source)s” of %(period)s names %(count)d IP addresses of %(unit)s as %(category)s.",
                    int(values["count"])) % values  # type: ignore[call-overload]
    if batch.reference:
        text = _("Under official letter No. %(reference)s: ") % values + text
    return text


def _tasks(values: dict[str, object]) -> tuple[LetterItem, ...]:
    return (
        LetterItem(ngettext("Check first the host at the listed IP address: find and remove the malware, and change "
                            "the passwords used on it.",
                            "Check first the hosts at the %(count)d listed IP addresses: find and remove the malware, "
                            "and change the passwords used on them.", int(values["count"]))  # type: ignore[call-overload]
                   % values),
        LetterItem(_("Then sweep the unit's other hosts for the same malware, and block their connections to its "
                     "command servers at the firewall.")),
        LetterItem(_("Report the results back to %(team)s by %(due)s, and record what was done on each finding in "
                     "Canh Gác.") % values),
    )


def _table(listing: UnitListing, values: dict[str, object]) -> LetterTable:
    more = listing.count - len(listing.rows)
    title = (_("The unit's listed IP addresses (the first %(shown)d of %(count)d; the attached file lists them all):")
             % {**values, "shown": len(listing.rows)}) if more else _("The unit's listed IP addresses:")
    return LetterTable(header=(_("IP address"), _("Malware family"), _("Port"), _("Times listed")),
                       rows=listing.rows, title=title)


def _closing(body: Operator, values: dict[str, object]) -> tuple[str, ...]:
    contact = [part for part in (body.phone and _("phone %(phone)s") % {"phone": body.phone},
                                 body.email and _("e-mail %(email)s") % {"email": body.email}) if part]
    if not contact:
        return ()
    return (_("For support, contact %(team)s: %(contact)s.") % {**values, "contact": ", ".join(contact)},)


def draft_letter(batch: FeedBatch, listing: UnitListing, body: Operator, fmt: str) -> Attachment:
    """One unit's letter as it would be sent now, DOCX or PDF (``ConversionError`` when no PDF can be made)."""
    stem, docx = letter_stem(batch, listing.unit), render_letter(warning_letter(batch, listing, body))
    if fmt == "pdf":
        return Attachment(f"{stem}.pdf", PDF_TYPE, to_pdf(docx))
    return Attachment(f"{stem}.docx", DOCX_TYPE, docx)


def letter_attachments(batch: FeedBatch, listings: Iterable[UnitListing]) -> dict[int, tuple[Attachment, ...]]:
    """Unit id → its letter as DOCX and, when LibreOffice converts it, PDF; empty without an operator."""
    body = letters_operator()
    if body is None:
        return {}
    documents = {item.unit.pk: (letter_stem(batch, item.unit), render_letter(warning_letter(batch, item, body)))
                 for item in listings}
    pdfs = _pdfs({unit_id: docx for unit_id, (_stem, docx) in documents.items()})
    return {unit_id: (Attachment(f"{stem}.docx", DOCX_TYPE, docx),
                      *((Attachment(f"{stem}.pdf", PDF_TYPE, pdfs[unit_id]),) if unit_id in pdfs else ()))
            for unit_id, (stem, docx) in documents.items()}


def _pdfs(documents: dict[int, bytes]) -> dict[int, bytes]:
    """The PDFs that could be made (none without LibreOffice: the DOCX still goes)."""
    if not documents or find_soffice() is None:
        return {}
    with ThreadPoolExecutor(max_workers=PDF_WORKERS) as pool:
        results = dict(zip(documents, pool.map(_pdf_or_empty, documents.values()), strict=True))
    return {unit_id: pdf for unit_id, pdf in results.items() if pdf}


def _pdf_or_empty(docx: bytes) -> bytes:
    try:
        return to_pdf(docx)
    except ConversionError:
        logger.exception("a warning letter could not be converted to PDF; its DOCX is sent alone")
        return b""
