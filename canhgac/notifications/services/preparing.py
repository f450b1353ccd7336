"""Preparing notices: one per unit per occasion (a batch, an advisory…), its deliveries, and re-sending on demand.

A producer calls :func:`prepare_notices` with the content it rendered for each unit. Each unit's notice goes to
its focal points' e-mail addresses and the extra recipients of its preferences, unless it asked not to be
notified; the console inbox always shows it. The key ``None`` stands for the SOC itself: its notice has no unit,
only the SOC and auditors see it, and its e-mail goes to the SOC's users and the operator's address (units'
preferences do not apply). ``preview=True`` answers the same plans and writes nothing, so the
SOC can read every message and see who would receive it before anything is sent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.utils import make_msgid, parseaddr
from typing import Generic, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from canhgac.constituency.models import Contact, Operator, Unit
from canhgac.core.access import Role
from canhgac.core.audit import build_entry, diff, record_many, snapshot
from canhgac.core.models import AuditAction, AuditEntry
from canhgac.notifications.content import NoticeContent, SourceRef
from canhgac.notifications.models import (
    Delivery,
    DeliveryChannel,
    DeliveryState,
    DigestInterval,
    EmailSkipped,
    Notice,
    NoticeAttachment,
    UnitNotificationPreference,
)

DIGEST_HOUR = 7
"""Digests leave at 07:00 local time (``CANHGAC_TIME_ZONE``): in the unit's inbox when its day starts."""
UnitKey = TypeVar("UnitKey", int, int | None)
"""A unit's id; ``None`` only where the caller includes a notice to the SOC itself (callers telling units only
keep plain ``int`` unit ids in the plans they get back)."""
NOBODY = (EmailSkipped.NO_RECIPIENTS, EmailSkipped.NO_SOC_ADDRESS)


@dataclass
class NoticePlan(Generic[UnitKey]):
    """One unit's (or, with no unit, the SOC's) notice as it would be (preview) or was (prepared) sent."""

    unit_id: UnitKey
    unit_label: str
    content: NoticeContent
    recipients: list[str]
    email_skipped: str = ""
    digest: str = DigestInterval.NONE
    already_notified: bool = False
    notice_id: int | None = None


@dataclass
class PreparedNotices(Generic[UnitKey]):
    plans: list[NoticePlan[UnitKey]] = field(default_factory=list)

    @property
    def created(self) -> list[int]:
        return [plan.notice_id for plan in self.plans if plan.notice_id is not None]

    def counts(self) -> dict[str, int]:
        fresh = [plan for plan in self.plans if not plan.already_notified]
        return {"units": len(self.plans), "created": len(self.created),
                "already_notified": len(self.plans) - len(fresh),
                "emails": sum(len(plan.recipients) for plan in fresh),
                "do_not_notify": sum(plan.email_skipped == EmailSkipped.DO_NOT_NOTIFY for plan in fresh),
                "no_recipients": sum(plan.email_skipped in NOBODY for plan in fresh)}


def prepare_notices(kind: str, key: str, per_unit: dict[UnitKey, NoticeContent], *,
                    source: SourceRef | None = None, preview: bool = False,
                    now: datetime.datetime | None = None) -> PreparedNotices[UnitKey]:
    """Create one notice per unit for (``kind``, ``key``) with its deliveries; a unit already told is skipped.

    Idempotent: calling it again with the same kind and key (a re-run, a second import of the same file) creates
    nothing, even when two calls race (the database's unique constraint decides).
    """
    now = now or timezone.now()
    plans = plan_notices(kind, key, per_unit)
    if preview:
        return PreparedNotices(plans)
    entries: list[AuditEntry] = []
    for plan in plans:
        if not plan.already_notified:
            notice = _create_notice(kind, key, plan, source, now)
            if notice is not None:
                plan.notice_id = notice.pk
                entries.append(build_entry(AuditAction.CREATE, notice, diff(None, snapshot(notice))))
            else:
                plan.already_notified = True
    record_many(entries)
    return PreparedNotices(plans)


def plan_notices(kind: str, key: str, per_unit: dict[UnitKey, NoticeContent]) -> list[NoticePlan[UnitKey]]:
    unit_ids = [unit_id for unit_id in per_unit if unit_id is not None]
    units = Unit.objects.in_bulk(unit_ids)
    unknown = sorted(set(unit_ids) - set(units))
    if unknown:
        raise ValueError(f"no unit with id {unknown}")
    told = set(Notice.objects.filter(kind=kind, dedup_key=key, unit_id__in=unit_ids)
               .values_list("unit_id", flat=True))
    preferences = UnitNotificationPreference.objects.in_bulk(unit_ids, field_name="unit_id")
    addresses = focal_point_addresses(unit_ids)
    plans = []
    for unit_id, content in per_unit.items():
        if unit_id is None:
            plans.append(_soc_plan(kind, key, content))
            continue
        preference = preferences.get(unit_id)
        recipients = _merge(addresses.get(unit_id, []), preference.extra_addresses() if preference else [])
        skipped = ""
        if preference is not None and preference.do_not_notify:
            recipients, skipped = [], EmailSkipped.DO_NOT_NOTIFY
        elif not recipients:
            skipped = EmailSkipped.NO_RECIPIENTS
        plans.append(NoticePlan(unit_id, str(units[unit_id]), content, recipients, skipped,
                                preference.digest if preference else DigestInterval.NONE, unit_id in told))
    return plans


def _soc_plan(kind: str, key: str, content: NoticeContent) -> NoticePlan[int | None]:
    recipients = soc_addresses()
    told = Notice.objects.filter(kind=kind, dedup_key=key, unit__isnull=True).exists()
    return NoticePlan(None, _("SOC"), content, recipients, "" if recipients else EmailSkipped.NO_SOC_ADDRESS,
                      already_notified=told)


def soc_addresses() -> list[str]:
    """The SOC's own addresses: its active administrators' and analysts' e-mail, then the operator's."""
    users = (get_user_model().objects.filter(is_active=True, role__in=[Role.SOC_ADMIN, Role.SOC_ANALYST])
             .exclude(email="").order_by("username", "pk").values_list("email", flat=True))
    operator = Operator.objects.order_by("pk").values_list("email", flat=True).first()
    return _merge(list(users), [operator] if operator else [])


def focal_point_addresses(unit_ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    rows = (Contact.objects.filter(unit_id__in=list(unit_ids), focal_point=True).exclude(email="")
            .order_by("unit_id", "name", "pk").values_list("unit_id", "email"))
    for unit_id, email in rows:
        found.setdefault(unit_id, []).append(email)
    return found


def _merge(*lists: list[str]) -> list[str]:
    """Addresses in order, each once (e-mail addresses compared without regard to case)."""
    seen: dict[str, str] = {}
    for addresses in lists:
        for address in addresses:
            seen.setdefault(address.strip().lower(), address.strip())
    return list(seen.values())


def _create_notice(kind: str, key: str, plan: NoticePlan, source: SourceRef | None,
                   now: datetime.datetime) -> Notice | None:
    """The notice with its files and deliveries, all or nothing; ``None`` if a racing call created it first."""
    content = plan.content
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                unit_id=plan.unit_id, kind=kind, dedup_key=key, subject=content.subject[:255], body=content.body,
                body_html=content.body_html, email_skipped=plan.email_skipped, created_at=now,
                source_app=source.app if source else "", source_model=source.model if source else "",
                source_id=source.id if source else "")
            NoticeAttachment.objects.bulk_create(
                NoticeAttachment(notice=notice, name=item.name[:255], content_type=item.content_type[:100],
                                 content=item.content, size=len(item.content)) for item in content.attachments)
            held_until = next_digest_at(plan.digest, now)
            deliveries = [Delivery(notice=notice, channel=DeliveryChannel.IN_APP, state=DeliveryState.SENT,
                                   sent_at=now, created_at=now)]
            deliveries += [email_delivery(notice, address, now, held_until) for address in plan.recipients]
            Delivery.objects.bulk_create(deliveries)
    except IntegrityError:
        return None
    return notice


def email_delivery(notice: Notice, address: str, now: datetime.datetime,
                   held_until: datetime.datetime | None = None) -> Delivery:
    return Delivery(notice=notice, channel=DeliveryChannel.EMAIL, recipient=address, state=DeliveryState.PENDING,
                    digest=held_until is not None, next_attempt_at=held_until or now, created_at=now,
                    message_id=make_msgid("canhgac", domain=sender_domain()))


def sender_domain() -> str:
    """The domain of the From address, for Message-IDs (never a DNS lookup of this machine's name)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def next_digest_at(interval: str, now: datetime.datetime) -> datetime.datetime | None:
    """When a digest holding a notice made at ``now`` leaves: the next 07:00 (daily) or Monday 07:00 (weekly)."""
    if interval not in (DigestInterval.DAILY, DigestInterval.WEEKLY):
        return None
    local = timezone.localtime(now)
    slot = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    if interval == DigestInterval.WEEKLY:
        slot += datetime.timedelta(days=(7 - slot.weekday()) % 7)
    while slot <= local:
        slot += datetime.timedelta(days=7 if interval == DigestInterval.WEEKLY else 1)
    return slot


def resend(notice: Notice, now: datetime.datetime | None = None) -> list[Delivery]:
    """New e-mail deliveries of ``notice`` to the unit's recipients as they are now, sent at the next run.

    Deliveries of it still waiting are cancelled (the new ones replace them: nobody gets it twice from one
    re-send). Refused, with the reason, when the unit asked not to be notified or has nobody to send to.
    """
    now = now or timezone.now()
    plan = plan_notices(notice.kind, notice.dedup_key, {notice.unit_id: NoticeContent(notice.subject, "")})[0]
    if plan.email_skipped == EmailSkipped.DO_NOT_NOTIFY:
        raise ValidationError(_("The unit asked not to be notified: change its notification settings first."))
    if not plan.recipients and notice.unit_id is None:
        raise ValidationError(_("Neither the SOC's users nor the operator have an e-mail address."))
    if not plan.recipients:
        raise ValidationError(_("The unit has no focal point with an e-mail address and no extra recipient."))
    with transaction.atomic():
        Delivery.objects.filter(notice=notice, channel=DeliveryChannel.EMAIL, state=DeliveryState.PENDING).update(
            state=DeliveryState.CANCELLED, next_attempt_at=None, last_error=_("Replaced by a re-send."))
        Notice.objects.filter(pk=notice.pk).update(email_skipped="")
        deliveries = Delivery.objects.bulk_create(email_delivery(notice, address, now) for address in plan.recipients)
        build_entry(AuditAction.UPDATE, notice, {"resent_to": [None, plan.recipients]}).save()
    return deliveries
