"""Writing, publishing and reading bulletins, answering their quizzes, and the per-unit results.

A bulletin is edited as a draft; publishing fixes its recipients (one :class:`BulletinRecipient` per unit), tells
each unit in an in-app notice (and e-mail to its focal points) and freezes the text and quiz, which receipts and
answers refer to. Opening it as a unit's officer records the person's read and, the first time, the unit's.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, FloatField, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.awareness.models import (
    BODY_MAX,
    TITLE_MAX,
    Audience,
    Bulletin,
    BulletinAttachment,
    BulletinRead,
    BulletinRecipient,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
)
from canhgac.awareness.services.quiz import QuestionDraft, parse_quiz, score_answers
from canhgac.constituency.models import Unit, UnitKind
from canhgac.core.access import Role, role_of
from canhgac.core.audit import build_entry, save_audited
from canhgac.core.models import AuditAction
from canhgac.core.scoping import visible_unit_ids
from canhgac.notifications.content import SourceRef, console_link, render_notice
from canhgac.notifications.services import prepare_notices

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_ATTACHMENTS = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
NOTICE_KIND = "awareness_bulletin"


@dataclass(frozen=True)
class Upload:
    name: str
    content_type: str
    content: bytes


def clean_text(bulletin: Bulletin) -> None:
    """Titles are one line of text (HTML is shown as typed, never interpreted); bodies plain text."""
    bulletin.title = " ".join(CONTROL.sub(" ", bulletin.title or "").split())
    bulletin.body = CONTROL.sub("", (bulletin.body or "").replace("\r\n", "\n")).strip()
    errors: dict[str, Any] = {}
    if not bulletin.title:
        errors["title"] = _("Give the bulletin a title.")
    elif len(bulletin.title) > TITLE_MAX:
        errors["title"] = _("At most %(limit)d characters.") % {"limit": TITLE_MAX}
    if not bulletin.body:
        errors["body"] = _("Write the bulletin's text.")
    elif len(bulletin.body) > BODY_MAX:
        errors["body"] = _("At most %(limit)d characters.") % {"limit": BODY_MAX}
    unknown = [kind for kind in bulletin.unit_kinds if kind not in UnitKind.values]
    if bulletin.audience == Audience.KINDS and (not bulletin.unit_kinds or unknown):
        errors["unit_kinds"] = _("Choose the kinds of units to send it to.")
    if errors:
        raise ValidationError(errors)


def save_bulletin(bulletin: Bulletin, before: dict[str, Any] | None, *, chosen: Iterable[Unit] = (),
                  quiz: str | None = None, uploads: Iterable[Upload] = ()) -> Bulletin:
    """Create or change a draft with its chosen units, quiz (text form, see ``quiz.py``) and new files."""
    if bulletin.published_at is not None:
        raise ValidationError(_("A published bulletin is not changed: write a new one."))
    clean_text(bulletin)
    chosen = list(chosen)
    if bulletin.audience == Audience.CHOSEN and not chosen:
        raise ValidationError({"chosen_units": _("Choose the units to send it to.")})
    questions = parse_quiz(quiz) if quiz is not None else None
    uploads = _checked_uploads(bulletin, list(uploads))
    with transaction.atomic():
        save_audited(bulletin, before)
        bulletin.chosen_units.set(chosen if bulletin.audience == Audience.CHOSEN else [])
        if questions is not None:
            _replace_quiz(bulletin, questions)
        BulletinAttachment.objects.bulk_create(
            BulletinAttachment(bulletin=bulletin, name=upload.name, content_type=upload.content_type,
                               content=upload.content, size=len(upload.content)) for upload in uploads)
    return bulletin


def _checked_uploads(bulletin: Bulletin, uploads: list[Upload]) -> list[Upload]:
    present = bulletin.attachments.count() if bulletin.pk else 0
    if present + len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("At most %(limit)d files.") % {"limit": MAX_ATTACHMENTS}})
    for upload in uploads:
        if len(upload.content) > ATTACHMENT_MAX_BYTES:
            raise ValidationError({"attachments": _("“%(name)s” is larger than 10 MB.") % {"name": upload.name}})
    return [Upload(_file_name(upload.name), upload.content_type[:100], upload.content) for upload in uploads]


def _file_name(name: str) -> str:
    base = CONTROL.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip().lstrip(".")
    return (base or "file")[:255]


def _replace_quiz(bulletin: Bulletin, questions: list[QuestionDraft]) -> None:
    bulletin.questions.all().delete()
    for position, draft in enumerate(questions, 1):
        question = QuizQuestion.objects.create(bulletin=bulletin, position=position, text=draft.text)
        QuizChoice.objects.bulk_create(QuizChoice(question=question, position=number, text=text, correct=right)
                                       for number, (text, right) in enumerate(draft.choices, 1))


def recipient_units(bulletin: Bulletin) -> QuerySet:
    units = Unit.objects.filter(active=True)
    if bulletin.audience == Audience.KINDS:
        return units.filter(kind__in=bulletin.unit_kinds)
    if bulletin.audience == Audience.CHOSEN:
        return units.filter(pk__in=bulletin.chosen_units.values("pk"))
    return units


def publish_bulletin(bulletin: Bulletin, now: datetime.datetime | None = None) -> int:
    """Send the draft to its units: receipts to fill, one notice each. Returns how many units it went to."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
        if locked.published_at is not None:
            raise ValidationError(_("This bulletin has already been published."))
        unit_ids = list(recipient_units(locked).values_list("pk", flat=True))
        if not unit_ids:
            raise ValidationError(_("No active unit matches the bulletin's recipients."))
        BulletinRecipient.objects.bulk_create(
            (BulletinRecipient(bulletin=locked, unit_id=unit_id, sent_at=now) for unit_id in unit_ids),
            batch_size=1000)
        Bulletin.objects.filter(pk=locked.pk).update(published_at=now)
        build_entry(AuditAction.UPDATE, locked, {"published_at": [None, now.isoformat()],
                                                 "recipients": [0, len(unit_ids)]}).save()
    bulletin.published_at = now
    content = render_notice("awareness/notice/bulletin", {
        "bulletin": bulletin, "link": console_link("awareness:bulletin_detail", bulletin.pk)})
    prepare_notices(NOTICE_KIND, str(bulletin.pk), dict.fromkeys(unit_ids, content),
                    source=SourceRef.of(bulletin), now=now)
    return len(unit_ids)


def reading_units(bulletin: Bulletin, user: Any) -> list[int]:
    """The recipient units a person reads and answers for: those they belong to, else those they oversee."""
    if role_of(user) != Role.UNIT_OFFICER:
        return []
    received = set(BulletinRecipient.objects.filter(bulletin=bulletin).values_list("unit_id", flat=True))
    own = received & set(user.units.values_list("pk", flat=True))
    return sorted(own or (received & set(visible_unit_ids(user) or ())))


def record_opening(bulletin: Bulletin, user: Any, now: datetime.datetime | None = None,
                   units: list[int] | None = None) -> bool:
    """The person's read and, if first, their units' receipts; whether this was the person's first opening.
    ``units``: :func:`reading_units`, when the caller already asked."""
    units = reading_units(bulletin, user) if units is None else units
    if not units:
        return False
    now = now or timezone.now()
    BulletinRecipient.objects.filter(bulletin=bulletin, unit_id__in=units, first_read_at__isnull=True).update(
        first_read_at=now, first_read_by=user)
    try:
        with transaction.atomic():
            BulletinRead.objects.create(bulletin=bulletin, user=user, unit_id=units[0], read_at=now)
    except IntegrityError:
        return False
    return True


def submit_quiz(bulletin: Bulletin, user: Any, answers: dict[str, Any],
                now: datetime.datetime | None = None) -> QuizAttempt:
    """One person's answers, once, for one of the units the bulletin went to; scored at once."""
    units = reading_units(bulletin, user)
    if not units:
        raise PermissionDenied(_("Only the staff of a unit the bulletin went to answer its quiz."))
    questions = list(bulletin.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This bulletin has no quiz."))
    if QuizAttempt.objects.filter(bulletin=bulletin, user=user).exists():
        raise ValidationError(_("You have already answered this quiz."))
    score, kept = score_answers(questions, answers)
    attempt = QuizAttempt(bulletin=bulletin, user=user, unit_id=units[0], score=score, total=len(questions),
                          answers=kept, submitted_at=now or timezone.now())
    try:
        with transaction.atomic():
            save_audited(attempt)
    except IntegrityError as error:
        raise ValidationError(_("You have already answered this quiz.")) from error
    return attempt


def unit_results(bulletin: Bulletin, user: Any) -> QuerySet:
    """Per recipient unit the user may see: its receipt, how many read it, answered the quiz, the average score
    (in percent)."""
    attempts = QuizAttempt.objects.filter(bulletin=bulletin, unit=OuterRef("unit"))
    reads = BulletinRead.objects.filter(bulletin=bulletin, unit=OuterRef("unit"))
    return (BulletinRecipient.objects.for_user(user).filter(bulletin=bulletin).select_related("unit", "first_read_by")
            .annotate(readers=_count(reads), participants=_count(attempts), average=_average_percent(attempts))
            .order_by("unit__code"))


def _count(rows: QuerySet) -> Coalesce:
    counted = rows.order_by().values("bulletin").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _average_percent(attempts: QuerySet) -> Subquery:
    percent = Cast(F("score"), FloatField()) * 100.0 / Cast(F("total"), FloatField())
    averaged = attempts.order_by().values("bulletin").annotate(avg=Avg(percent)).values("avg")
    return Subquery(averaged, output_field=FloatField())
