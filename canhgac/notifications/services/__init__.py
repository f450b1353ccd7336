"""Every write to notifications, in one public surface: producers prepare notices, the schedule delivers them,
people read them, re-send them and set their unit's preferences."""

from canhgac.notifications.services.delivering import DeliveryReport, deliver_pending, mail_configured
from canhgac.notifications.services.inbox import mark_read, preference_of, save_preference
from canhgac.notifications.services.preparing import (
    NoticePlan,
    PreparedNotices,
    next_digest_at,
    prepare_notices,
    resend,
    soc_addresses,
)

__all__ = [
    "DeliveryReport",
    "NoticePlan",
    "PreparedNotices",
    "deliver_pending",
    "mail_configured",
    "mark_read",
    "next_digest_at",
    "preference_of",
    "prepare_notices",
    "resend",
    "save_preference",
    "soc_addresses",
]
