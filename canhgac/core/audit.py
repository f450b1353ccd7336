"""The audit trail: every create/update/delete records who, when, through which channel and what changed.

Writes go through :func:`save_audited` / :func:`delete_audited` (or :func:`record_many` for bulk imports). The
acting user and channel come from :func:`acting_as`, set once by the middleware, the API view, the CLI or the
job runner, so services never need a request.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
import ipaddress
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from canhgac.core.models import AuditAction, AuditEntry, Channel


@dataclass(frozen=True)
class Actor:
    user: Any
    channel: str
    job_id: int | None = None


_current_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("canhgac_actor", default=None)


@contextmanager
def acting_as(user: Any, channel: str, job_id: int | None = None) -> Iterator[Actor]:
    actor = Actor(user if getattr(user, "is_authenticated", False) else None, channel, job_id)
    token = _current_actor.set(actor)
    try:
        yield actor
    finally:
        _current_actor.reset(token)


def current_actor() -> Actor:
    return _current_actor.get() or Actor(None, Channel.SYSTEM)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


def snapshot(instance: models.Model, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The audited state of an object: its concrete fields (foreign keys by id), minus declared secrets.

    ``extra`` stands in for the model's ``audit_extra()`` when the caller already holds those values (a bulk
    import knows every asset's software; asking the database per object would cost a query each).
    """
    hidden = set(getattr(instance, "audit_exclude", ()))
    state = {}
    for field in instance._meta.concrete_fields:
        if field.attname in hidden or field.name in hidden or getattr(field, "auto_now", False) \
                or getattr(field, "auto_now_add", False):
            continue  # timestamps are the audit entry's own; they would make every save look like a change
        state[field.name] = _plain(getattr(instance, field.attname))
    extras = extra if extra is not None else getattr(instance, "audit_extra", lambda: {})()
    for name, value in extras.items():
        state[name] = _plain(value)
    return state


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, list[Any]]:
    before, after = before or {}, after or {}
    keys = [key for key in {**before, **after} if before.get(key) != after.get(key)]
    return {key: [before.get(key), after.get(key)] for key in keys}


def _unit_id_of(instance: models.Model) -> int | None:
    policy = getattr(type(instance), "scope", None)
    if policy is None:
        return None
    if policy.unit_path == "pk":
        return instance.pk
    *hops, last = policy.unit_path.split("__")
    target: Any = instance
    for hop in hops:
        target = getattr(target, hop, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def build_entry(action: str, instance: models.Model, changes: dict[str, list[Any]]) -> AuditEntry:
    actor = current_actor()
    user = actor.user
    return AuditEntry(
        actor=user,
        actor_label=(user.get_username() if user else "system")[:150],
        channel=actor.channel,
        action=action,
        object_type=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        unit_id=_unit_id_of(instance),
        changes=changes,
        job_id=actor.job_id,
    )


def save_audited(instance: models.Model, before: dict[str, Any] | None = None) -> bool:
    """Save ``instance`` and record the change. ``before`` is its snapshot when loaded; ``None`` for new.

    Returns whether anything changed (saving an unchanged object writes nothing and records nothing).
    """
    creating = instance._state.adding
    after = snapshot(instance)
    changes = diff(None if creating else before, after)
    if not creating and not changes:
        return False
    with transaction.atomic():
        instance.save()
        if creating:
            changes = diff(None, snapshot(instance))
        build_entry(AuditAction.CREATE if creating else AuditAction.UPDATE, instance, changes).save()
    return True


def delete_audited(instance: models.Model) -> None:
    with transaction.atomic():
        entry = build_entry(AuditAction.DELETE, instance, diff(snapshot(instance), None))
        instance.delete()
        entry.save()


def record_many(entries: Iterable[AuditEntry], batch_size: int = 2000) -> None:
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
