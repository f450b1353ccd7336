"""The directive's letter: its text with the placeholders filled in, as a :class:`LetterContent`.

Templates and the SOC write ``{reference}``, ``{period}``, ``{deadline}``, ``{operator}`` and ``{team}`` in the
opening, closing and tasks; they are filled in when the letter is made, so a date changed later is never left
behind in the text. Only these names are replaced (any other brace stays as written).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import F
from django.utils import timezone

from canhgac.advisories.models import Advisory
from canhgac.advisories.querysets import identifiers_of
from canhgac.constituency.models import Contact, Operator
from canhgac.directives.models import Directive, DirectiveTask, RecipientGroup
from canhgac.letters.content import LetterContent, LetterItem, Signature, archive_of, listed, nfc, short_date
from canhgac.letters.letterhead import letterhead_of_operator, operator, signature_of_operator

NO_REFERENCE = "chỉ đạo của cơ quan cấp trên"
CONTACTS_ITEM = "Đầu mối liên hệ, hỗ trợ:"
ADVISORIES_ITEM = "Các cảnh báo có lỗ hổng cần khắc phục:"
CVES_SHOWN = 5


def padded(date: datetime.date) -> str:
    """ "03/5/2026": day and month as letters write them in running text (day always two digits)."""
    return f"{date.day:02d}/{date.month}/{date.year}"


def reference_text(directive: Directive) -> str:
    if not directive.reference_number:
        return NO_REFERENCE
    text = f"Công văn số {directive.reference_number}"
    if directive.reference_date:
        text += f" ngày {short_date(directive.reference_date)}"
    if directive.reference_issuer:
        text += f" của {directive.reference_issuer}"
    return text


def period_text(directive: Directive) -> str:
    start, end = directive.period_start, directive.period_end
    if start and end:
        return f"từ ngày {padded(start)} đến hết ngày {padded(end)}"
    if start:
        return f"từ ngày {padded(start)}"
    return f"đến hết ngày {padded(end)}" if end else "trong thời gian nghỉ lễ"


def deadline_text(directive: Directive) -> str:
    local = timezone.localtime(directive.report_deadline)
    return f"{local:%H} giờ {local:%M} ngày {padded(local.date())}"


def fill(text: str, directive: Directive, body: Operator) -> str:
    values = {"{reference}": reference_text(directive), "{period}": period_text(directive),
              "{deadline}": deadline_text(directive), "{operator}": body.name,
              "{team}": body.soc_team_name or body.name}
    for key, value in values.items():
        text = text.replace(key, value)
    return nfc(text)


def paragraphs(text: str, directive: Directive, body: Operator) -> tuple[str, ...]:
    return tuple(fill(line.strip(), directive, body) for line in text.splitlines() if line.strip())


def advisory_line(advisory: Advisory) -> str:
    """ "Công văn số 12/CATTT ngày 3/4/2026 (Lỗ hổng …): CVE-2026-1, CVE-2026-2": the warning, then its CVE ids
    (the first :data:`CVES_SHOWN`, then how many more)."""
    if advisory.reference:
        head = f"Công văn số {advisory.reference}"
        if advisory.reference_date:
            head += f" ngày {short_date(advisory.reference_date)}"
        if advisory.title:
            head += f" ({advisory.title})"
    else:
        head = advisory.title or advisory.source_id
    identifiers = sorted(identifiers_of(advisory))
    if not identifiers:
        return head
    shown = ", ".join(identifiers[:CVES_SHOWN])
    if len(identifiers) > CVES_SHOWN:
        shown += f" và {len(identifiers) - CVES_SHOWN} lỗ hổng khác"
    return f"{head}: {shown}"


def contact_line(contact: Contact) -> str:
    parts = [contact.organisation or contact.name]
    if contact.organisation and contact.name:
        parts[0] += f" ({contact.name})"
    phones = [number for number in (contact.hotline, contact.phone, contact.mobile) if number]
    if phones:
        parts.append(f"điện thoại: {', '.join(phones)}")
    if contact.email:
        parts.append(f"thư điện tử: {contact.email}")
    return "; ".join(parts)


def letter_content(directive: Directive) -> LetterContent:
    """The whole letter: one numbered item per recipient group with its tasks lettered, then the contacts."""
    body = operator()
    groups = list(RecipientGroup.objects.filter(directive=directive).order_by("position"))
    tasks = DirectiveTask.objects.filter(directive=directive).order_by("group__position", "position")
    items = [LetterItem(f"Đối với {lower_first(group.label)}:",
                        tuple(fill(task.text, directive, body) for task in tasks if task.group_id == group.pk))
             for group in groups]
    warned = [advisory_line(advisory) for advisory in directive.advisories.order_by(
        F("reference_date").desc(nulls_last=True), F("published").desc(nulls_last=True), "-pk")]
    if warned:
        items.append(LetterItem(ADVISORIES_ITEM, tuple(listed(warned))))
    contacts = [contact_line(contact) for contact in directive.contacts.order_by("organisation", "name")]
    if contacts:
        items.append(LetterItem(CONTACTS_ITEM, tuple(listed(contacts))))
    return LetterContent(
        letterhead=letterhead_of_operator(body), number=directive.number, date=directive.issued_on,
        subject=nfc(directive.subject), recipients=tuple(group.label for group in groups),
        opening=paragraphs(directive.opening, directive, body), items=tuple(items),
        closing=paragraphs(directive.closing, directive, body), copies=_lines(directive.copies),
        archive=archive_of(directive.number),
        signature=signature_of_operator(body, Signature(directive.signer_authority, directive.signer_title,
                                                        directive.signer_name)))


def lower_first(label: str) -> str:
    """ "Các sở, ban, ngành" reads "các sở, ban, ngành" after "Đối với"; "UBND các huyện" keeps its capitals."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def task_texts(tasks: Iterable[DirectiveTask], directive: Directive) -> list[tuple[DirectiveTask, str]]:
    body = operator()
    return [(task, fill(task.text, directive, body)) for task in tasks]
