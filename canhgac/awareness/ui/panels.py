"""What awareness adds to shared pages: the bulletins a unit received (and which it has not opened) on its page,
and the receipts still missing at home."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from canhgac.awareness.models import BulletinRecipient
from canhgac.core.ui.panels import HomeFigure, UnitPanel

SHOWN = 5


def unit_bulletins(request: Any, unit: Any) -> dict[str, Any] | None:
    received = BulletinRecipient.objects.for_user(request.user).filter(unit=unit)
    latest = list(received.select_related("bulletin").order_by("-sent_at", "-pk")[:SHOWN])
    if not latest:
        return None
    return {"received": latest, "unread": received.filter(first_read_at__isnull=True).count(),
            "list_url": reverse("awareness:bulletin_list")}


def unread_receipts(user: Any) -> int:
    return BulletinRecipient.objects.for_user(user).filter(first_read_at__isnull=True).count()


UNIT_PANELS = [UnitPanel("bulletins", "awareness/_unit_panel.html", unit_bulletins, model=BulletinRecipient,
                         order=70)]
HOME_FIGURES = [HomeFigure("unread-bulletins", _("Bulletins not yet opened by a unit"), unread_receipts,
                           "awareness:bulletin_list", query="published=true", model=BulletinRecipient, order=70)]
