"""Sending due e-mail deliveries over SMTP, each at most once, retrying while the mail server is away.

:func:`deliver_pending` runs every minute (``core/schedule.py``: a thread of ``canhgac serve``, or Celery beat).
Each run *claims* the due deliveries before sending — one conditional UPDATE from ``pending`` to ``sending``
stamped with the run's token (on PostgreSQL the candidate rows are first locked with ``SKIP LOCKED``, so racing
workers take disjoint rows without waiting) — and only the run holding the claim sends and records the outcome.
Two runs, two workers or a re-delivered Celery message therefore never send one delivery twice.

Failures: an unreachable server, a timeout or a 4xx reply keeps the delivery pending with the error and a later
attempt (exponential backoff); a 5xx refusal of the recipient or of the message fails it at once, and so does the
:data:`MAX_ATTEMPTS`-th failure. A claim left by a sender that died mid-run goes back to pending after
:data:`STALE_CLAIM`; its retry carries the same Message-ID, so a mail client can tell a repeat in the rare case
the server had accepted it.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid
from contextlib import suppress
from dataclasses import asdict, dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as database
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from canhgac.notifications.content import LETTER_LANGUAGE, render_text
from canhgac.notifications.models import Delivery, DeliveryChannel, DeliveryState, UnitNotificationPreference

logger = logging.getLogger(__name__)

BACKEND = "django.core.mail.backends.smtp.EmailBackend"
MAX_ATTEMPTS = 12
"""With the backoff below, a delivery is given up about a day after its first failure."""
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=6)
STALE_CLAIM = datetime.timedelta(minutes=30)
"""Longer than a chunk can take (:data:`CHUNK` messages at the 30-second SMTP timeout each)."""
CHUNK = 25
RUN_LIMIT = 500


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    cancelled: int = 0
    recovered: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


class Failure(NamedTuple):
    text: str
    permanent: bool = False
    connection_lost: bool = False


def mail_configured() -> bool:
    """Without ``CANHGAC_SMTP_HOST`` no e-mail is sent: deliveries wait, untouched, until one is configured."""
    return bool(settings.EMAIL_HOST)


def deliver_pending(now: datetime.datetime | None = None, limit: int = RUN_LIMIT) -> DeliveryReport:
    """Send every due e-mail delivery (at most ``limit`` per run); what happened to them."""
    report = DeliveryReport()
    if not mail_configured():
        return report
    now = now or timezone.now()
    report.recovered = recover_stale_claims(now)
    handled = 0
    while handled < limit:
        claimed = claim_due(now, min(CHUNK, limit - handled))
        if not claimed:
            break
        handled += len(claimed)
        if not send_claimed(claimed, now, report):
            break  # the server is unreachable: the other due deliveries wait for the next run
    if report.sent or report.retrying or report.failed:
        logger.info("e-mail deliveries: %s", report.as_dict())
    return report


def recover_stale_claims(now: datetime.datetime) -> int:
    return Delivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        state=DeliveryState.PENDING, claim="", claimed_at=None, next_attempt_at=now,
        last_error=_("The sender stopped while sending; tried again."))


def claim_due(now: datetime.datetime, size: int) -> list[Delivery]:
    """Take up to ``size`` due deliveries for this run only; the rows another run holds are skipped."""
    due = (Delivery.objects.filter(channel=DeliveryChannel.EMAIL, state=DeliveryState.PENDING,
                                   next_attempt_at__lte=now).order_by("next_attempt_at", "pk"))
    token = uuid.uuid4().hex
    claim = {"state": DeliveryState.SENDING, "claim": token, "claimed_at": now}
    if database.vendor == "postgresql":
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:size])
            Delivery.objects.filter(pk__in=ids).update(**claim)
    else:  # SQLite has one writer at a time: the conditional UPDATE alone decides who gets a row
        ids = list(due.values_list("pk", flat=True)[:size])
        Delivery.objects.filter(pk__in=ids, state=DeliveryState.PENDING).update(**claim)
    return list(Delivery.objects.filter(claim=token, state=DeliveryState.SENDING)
                .select_related("notice__unit").prefetch_related("notice__attachments")
                .order_by("next_attempt_at", "pk"))


def send_claimed(claimed: list[Delivery], now: datetime.datetime, report: DeliveryReport) -> bool:
    """Send the claimed deliveries over one SMTP connection; ``False`` when the server could not be reached."""
    opted_out = set(UnitNotificationPreference.objects.filter(
        unit_id__in={delivery.notice.unit_id for delivery in claimed}, do_not_notify=True)
        .values_list("unit_id", flat=True))
    for delivery in claimed:
        if delivery.notice.unit_id in opted_out:
            _record(delivery, DeliveryState.CANCELLED, error=_("The unit asked not to be notified."))
            report.cancelled += 1
    groups = group_messages([delivery for delivery in claimed if delivery.notice.unit_id not in opted_out])
    if not groups:
        return True
    smtp = get_connection(BACKEND, fail_silently=False)
    try:
        smtp.open()
    except OSError as error:  # smtplib's errors are OSErrors too
        for group in groups:
            _give_back(group, Failure(describe(error)), now, report)
        return False
    try:
        return _send_groups(smtp, groups, now, report)
    finally:
        with suppress(OSError):
            smtp.close()


def _send_groups(smtp: object, groups: list[list[Delivery]], now: datetime.datetime,
                 report: DeliveryReport) -> bool:
    for index, group in enumerate(groups):
        failure = send_message(smtp, group)
        if failure is None:
            for delivery in group:
                _record(delivery, DeliveryState.SENT, message_id=group[0].message_id)
            report.sent += len(group)
            continue
        _give_back(group, failure, now, report)
        if failure.connection_lost:
            for rest in groups[index + 1:]:
                _give_back(rest, failure, now, report)
            return False
    return True


def send_message(smtp: object, group: list[Delivery]) -> Failure | None:
    try:
        smtp.send_messages([compose(group)])  # type: ignore[attr-defined]
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (0, b""))
        return Failure(describe_reply(code, text), permanent=code >= 500)
    except smtplib.SMTPDataError as error:  # the message itself refused (size, content)
        return Failure(describe_reply(error.smtp_code, error.smtp_error), permanent=error.smtp_code >= 500)
    except smtplib.SMTPResponseException as error:  # sender refused, 421 closing…: the server's, not the message's
        return Failure(describe_reply(error.smtp_code, error.smtp_error), connection_lost=error.smtp_code == 421)
    except OSError as error:  # disconnected, reset, timed out
        return Failure(describe(error), connection_lost=True)
    except Exception as error:  # a message that cannot be built would fail the same way every time
        logger.exception("e-mail delivery %s could not be composed", group[0].pk)
        return Failure(describe(error), permanent=True)
    return None


def group_messages(deliveries: list[Delivery]) -> list[list[Delivery]]:
    """One message per delivery, except a unit's digest: its due deliveries to one address go as one message."""
    groups: dict[tuple[int | None, str] | int, list[Delivery]] = {}
    for delivery in deliveries:
        key = (delivery.notice.unit_id, delivery.recipient.lower()) if delivery.digest else -delivery.pk
        groups.setdefault(key, []).append(delivery)
    return list(groups.values())


def compose(group: list[Delivery]) -> EmailMultiAlternatives:
    notices = [delivery.notice for delivery in group]
    if len(notices) == 1:
        subject, body, html = notices[0].subject, notices[0].body, notices[0].body_html
    else:
        with translation.override(LETTER_LANGUAGE):
            context = {"notices": notices, "unit": notices[0].unit}
            subject = " ".join(render_text("notifications/email/digest_subject.txt", context).split())
            body, html = render_text("notifications/email/digest.txt", context), ""
    message = EmailMultiAlternatives(
        subject, body, from_email=settings.DEFAULT_FROM_EMAIL, to=[group[0].recipient],
        headers={"Message-ID": group[0].message_id, "Auto-Submitted": "auto-generated",
                 "X-Canhgac-Notice": ",".join(str(notice.pk) for notice in notices)})
    if html:
        message.attach_alternative(html, "text/html")
    for notice in notices:
        for attachment in notice.attachments.all():
            message.attach(attachment.name, bytes(attachment.content), attachment.content_type)
    return message


def _record(delivery: Delivery, state: str, error: str = "", message_id: str = "") -> None:
    changes: dict[str, object] = {"state": state, "claim": "", "claimed_at": None, "next_attempt_at": None}
    if state == DeliveryState.SENT:
        changes.update(sent_at=timezone.now(), attempts=F("attempts") + 1, last_error="", message_id=message_id)
    if error:
        changes["last_error"] = error
    Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(**changes)


def _give_back(group: list[Delivery], failure: Failure, now: datetime.datetime, report: DeliveryReport) -> None:
    """Pending again with a later attempt, or failed for good (a permanent refusal, or too many attempts)."""
    for delivery in group:
        attempts = delivery.attempts + 1
        final = failure.permanent or attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(
            state=DeliveryState.FAILED if final else DeliveryState.PENDING, attempts=attempts,
            next_attempt_at=None if final else now + backoff(attempts), last_error=failure.text[:2000],
            claim="", claimed_at=None)
        if final:
            report.failed += 1
        else:
            report.retrying += 1


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd … failure, at most :data:`LONGEST_WAIT`."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_WAIT)


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def describe_reply(code: int, text: bytes | str) -> str:
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {shown}".strip()
