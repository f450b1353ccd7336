"""Warnings to the units after a batch: one bundled notice per affected unit (never one per address), through the
notifications app — e-mail to its focal points and extra recipients with a CSV of *its* listed addresses and an
official letter addressed to it (``warning_letters.py``), and the console inbox — respecting each unit's
preferences (recipients, do not notify, daily or weekly digest).

How it flows. A batch is imported; its warnings are not sent yet. The SOC opens the batch's warnings page
(``ui/warnings.py``): per unit, who would receive it, the message and the attachment, computed from the stored hits
(:func:`preview_warnings`, which writes nothing). "Send warnings" calls :func:`send_warnings`, which hands the
notices to ``notifications.prepare_notices``; the delivery log there retries while the mail server is away.

Nothing is sent twice: a notice is keyed by (unit, :data:`KIND`, the batch file's SHA-256), so re-importing the
same file (recognised as the same batch), re-running the job, pressing the button twice or two people pressing it
at once creates no second notice. The SOC re-sends one unit's warning on demand from the notice's page.

Automatic mode. A source whose lists need no human reading (``FeedSource.auto_warn``, off by default) has its
batches' warnings sent as soon as the import job stores them (``jobs.py``). This is a per-source switch rather than
a global setting because the decision belongs to the list: a scheduled pull of a trusted national list at night
should not wait for someone to press a button, while a new or noisy feed should be read before units are told.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from canhgac.constituency.importing.columns import escape
from canhgac.constituency.models import Unit
from canhgac.intel.models import FeedBatch, FeedCategory, Hit
from canhgac.intel.warning_letters import (
    SHOWN_IN_LETTER,
    UnitListing,
    draft_letter,
    letter_attachments,
    letters_operator,
)
from canhgac.notifications.content import (
    LETTER_LANGUAGE,
    Attachment,
    NoticeContent,
    SourceRef,
    console_link,
    render_notice,
)
from canhgac.notifications.models import Notice, NoticeAttachment
from canhgac.notifications.services import PreparedNotices, prepare_notices

KIND = "intel.batch_warning"
JOB_KIND = "intel.batch_warnings"
"""The job that sends a batch's warnings (the console's button starts it: hundreds of units take seconds)."""
TEMPLATE = "intel/warnings/batch"
SHOWN_IN_TEXT = 20
"""The message names the first addresses; the attachment lists them all."""
UNITS_PER_STEP = 100


@dataclass(frozen=True)
class Listing:
    """One listed address of a unit in the batch, with its history in the same source's earlier batches."""

    ip: str
    first_listed: Any
    last_listed: Any
    times_listed: int
    families: str
    ports: str
    asset: str


@dataclass(frozen=True)
class WarningStatus:
    """The hook for the batch page: how many units the batch concerns and how many were warned."""

    units: int
    warned: int

    @property
    def waiting(self) -> int:
        return self.units - self.warned


def warning_key(batch: FeedBatch) -> str:
    """The file, not the row: the same list imported again is the same warning."""
    return f"sha256:{batch.sha256}"


def affected_units(batch: FeedBatch) -> dict[int, int]:
    """Unit id → how many of its addresses the batch lists."""
    rows = Hit.objects.filter(batch=batch).values("unit_id").annotate(count=Count("id")).order_by()
    return {row["unit_id"]: row["count"] for row in rows}


def warned_units(batch: FeedBatch, unit_ids: Iterable[int] | None = None) -> set[int]:
    notices = Notice.objects.filter(kind=KIND, dedup_key=warning_key(batch))
    if unit_ids is not None:
        notices = notices.filter(unit_id__in=list(unit_ids))
    return set(notices.values_list("unit_id", flat=True))


def warning_status(batch: FeedBatch) -> WarningStatus:
    return WarningStatus(len(affected_units(batch)), len(warned_units(batch)))


def warning_notices(batch: FeedBatch) -> dict[int, int]:
    """Unit id → the id of its notice about the batch (for links to the notice and its re-send)."""
    rows = Notice.objects.filter(kind=KIND, dedup_key=warning_key(batch)).values_list("unit_id", "pk")
    return dict(rows)


def unit_listings(batch: FeedBatch, unit_id: int) -> list[Listing]:
    """The unit's addresses in the batch, in address order, with when the source first and last listed each."""
    history: dict[str, Any] = {row["indicator"]: row for row in (
        Hit.objects.filter(unit_id=unit_id, batch__source_id=batch.source_id,
                           batch__received_at__lte=batch.received_at)
        .values("indicator").annotate(first=Min("batch__received_at"), last=Max("batch__received_at"),
                                      times=Count("batch_id", distinct=True)).order_by())}
    hits = (Hit.objects.filter(batch=batch, unit_id=unit_id).order_by("version", "first_key")
            .values_list("indicator", "families", "ports", "asset__name"))
    listings = []
    for indicator, families, ports, asset in hits:
        seen = history.get(indicator, {})
        listings.append(Listing(indicator, seen.get("first", batch.received_at), seen.get("last", batch.received_at),
                                seen.get("times", 1), families, ports, asset or ""))
    return listings


def listings_csv(listings: Iterable[Listing]) -> bytes:
    """The attachment: UTF-8 with a BOM (Excel), every cell escaped so that none runs as a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with translation.override(LETTER_LANGUAGE):
        writer.writerow([_("IP address"), _("First listed"), _("Last listed"), _("Times listed"), _("Malware family"),
                         _("Port"), _("Asset")])
    for item in listings:
        writer.writerow([escape(cell) for cell in (item.ip, _day(item.first_listed), _day(item.last_listed),
                                                   str(item.times_listed), item.families, item.ports, item.asset)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _day(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d") if moment else ""


def attachment_name(batch: FeedBatch, unit: Unit) -> str:
    code = "".join(char if char.isalnum() or char in "-_" else "-" for char in unit.code)[:40]
    return f"canhgac-{batch.source.name}-{batch.period}-{code or unit.pk}.csv"


def warning_content(batch: FeedBatch, unit: Unit, listings: list[Listing],
                    letter: tuple[Attachment, ...] = ()) -> NoticeContent:
    """One unit's message (Vietnamese, as every letter) with its CSV, then its official letter when given."""
    context = {"batch": batch, "source": batch.source, "unit": unit, "listings": listings[:SHOWN_IN_TEXT],
               "count": len(listings), "more": max(0, len(listings) - SHOWN_IN_TEXT),
               "category": FeedCategory(batch.source.category).label, "link": console_link("findings:finding_list")}
    attachment = Attachment(attachment_name(batch, unit), "text/csv", listings_csv(listings))
    return render_notice(TEMPLATE, context, (attachment, *letter))


def letter_listing(unit: Unit, listings: list[Listing]) -> UnitListing:
    rows = tuple((item.ip, item.families, item.ports, str(item.times_listed)) for item in listings[:SHOWN_IN_LETTER])
    return UnitListing(unit, len(listings), rows)


def contents_for(batch: FeedBatch, unit_ids: Iterable[int], with_letters: bool = False,
                 ) -> Iterator[dict[int, NoticeContent]]:
    """The units' messages, :data:`UNITS_PER_STEP` units at a time (memory holds one step's attachments); with
    their letters (``warning_letters.py``) when they are to be sent, not for a preview."""
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), UNITS_PER_STEP):
        units = Unit.objects.in_bulk(ids[start:start + UNITS_PER_STEP])
        listings = {unit_id: unit_listings(batch, unit_id) for unit_id in units}
        letters = letter_attachments(batch, (letter_listing(units[unit_id], items) for unit_id, items in
                                             listings.items())) if with_letters else {}
        yield {unit_id: warning_content(batch, unit, listings[unit_id], letters.get(unit_id, ()))
               for unit_id, unit in units.items()}


def preview_warnings(batch: FeedBatch, unit_ids: Iterable[int]) -> PreparedNotices:
    """What the units would receive (recipients, message, attachment); nothing is written."""
    plans = PreparedNotices()
    for contents in contents_for(batch, unit_ids):
        plans.plans += prepare_notices(KIND, warning_key(batch), contents, preview=True).plans
    return plans


def send_warnings(batch: FeedBatch, unit_ids: Iterable[int] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> PreparedNotices:
    """Create the notices of the batch's units not warned yet (all affected units, or those of ``unit_ids``);
    the e-mail leaves at the sender's next run. Idempotent."""
    wanted = set(affected_units(batch))
    if unit_ids is not None:
        wanted &= set(unit_ids)
    wanted -= warned_units(batch, wanted)
    prepared = PreparedNotices()
    for contents in contents_for(batch, wanted, with_letters=True):
        prepared.plans += prepare_notices(KIND, warning_key(batch), contents, source=SourceRef.of(batch)).plans
        if progress:
            progress(len(prepared.plans), len(wanted))
    return prepared


def unit_letter(batch: FeedBatch, unit: Unit, fmt: str) -> Attachment | None:
    """The unit's letter (``docx`` or ``pdf``) as sent with its notice or, before that, as it would be sent now;
    ``None`` when no operator is set to sign it."""
    sent = (NoticeAttachment.objects.filter(notice__unit=unit, notice__kind=KIND, notice__dedup_key=warning_key(batch),
                                            name__endswith=f".{fmt}").exclude(content_type="text/csv").first())
    if sent is not None:
        return Attachment(sent.name, sent.content_type, bytes(sent.content))
    body = letters_operator()
    if body is None:
        return None
    return draft_letter(batch, letter_listing(unit, unit_listings(batch, unit.pk)), body, fmt)


def warn_if_automatic(batch: FeedBatch) -> PreparedNotices | None:
    """After an import: send the warnings at once when the batch's source asks for it (see the module's text)."""
    if not batch.source.auto_warn:
        return None
    return send_warnings(batch)
