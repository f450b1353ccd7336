"""Watching the inventory: an asset saved through the registry's services is matched again once its transaction
commits (its software is saved in the same transaction), and a deleted asset's findings are resolved.

Bulk imports of assets write without per-row signals; the periodic full matching (``jobs.py``) covers them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save, pre_delete
from django.utils.translation import gettext as _

from canhgac.advisories.models import FINDING_SOURCE, Exposure
from canhgac.constituency.models import Asset

logger = logging.getLogger(__name__)


def connect() -> None:
    post_save.connect(asset_saved, sender=Asset, dispatch_uid="advisories.asset_saved")
    pre_delete.connect(asset_deleted, sender=Asset, dispatch_uid="advisories.asset_deleted")


def asset_saved(sender: Any, instance: Asset, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    asset_id = instance.pk
    transaction.on_commit(lambda: _rematch(asset_id))


def _rematch(asset_id: int) -> None:
    from canhgac.advisories.services import match_assets

    try:
        match_assets([asset_id])
    except Exception:  # the asset is saved; the periodic full matching will catch up
        logger.exception("matching asset %s against the advisories failed", asset_id)


def asset_deleted(sender: Any, instance: Asset, **kwargs: Any) -> None:
    rows = list(Exposure.objects.filter(asset_id=instance.pk).values_list("unit_id", "vulnerability__identifier",
                                                                           "product"))
    if not rows:
        return
    from canhgac.advisories.services import finding_key

    subjects = [(unit_id, finding_key(identifier, instance.pk, product)) for unit_id, identifier, product in rows]
    transaction.on_commit(lambda: _resolve(subjects))


def _resolve(subjects: list[tuple[int, str]]) -> None:
    from canhgac.findings.services import resolve_findings_no_longer_seen

    resolve_findings_no_longer_seen(FINDING_SOURCE, subjects,
                                    note_resolved=_("The asset was removed from the register."),
                                    note_verified=_("The asset was removed from the register."))
