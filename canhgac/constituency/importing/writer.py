"""Bulk writes of a planned import and their audit entries (the same before/after a single save records)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

from canhgac.constituency.importing.base import Planned
from canhgac.core.audit import build_entry, diff, record_many, snapshot
from canhgac.core.models import AuditAction

T = TypeVar("T")
BATCH = 1000


def chunks(items: Sequence[T], size: int = 500) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def created(plans: Iterable[Planned]) -> list[Planned]:
    return [plan for plan in plans if plan.before is None]


def updated(plans: Iterable[Planned]) -> list[Planned]:
    return [plan for plan in plans if plan.before is not None and plan.changed]


def create_all(model: type[models.Model], plans: list[Planned]) -> None:
    """Insert the new objects; their primary keys are set afterwards (RETURNING on SQLite and PostgreSQL)."""
    model._default_manager.bulk_create([plan.instance for plan in plans], batch_size=BATCH)


def update_all(model: type[models.Model], plans: list[Planned]) -> None:
    """Write every editable column of the changed objects, stamping ``auto_now`` fields as ``save()`` would."""
    if not plans:
        return
    now = timezone.now()
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or getattr(field, "auto_now_add", False):
            continue
        if getattr(field, "auto_now", False):
            for plan in plans:
                setattr(plan.instance, field.attname, now)
        fields.append(field.name)
    model._default_manager.bulk_update([plan.instance for plan in plans], fields, batch_size=BATCH // 4)


def audit(plans: Iterable[Planned], extra: Callable[[Planned], dict[str, Any] | None] = lambda plan: plan.extra
          ) -> None:
    """One audit entry per created or changed object, with each field's before and after."""
    entries = []
    for plan in plans:
        if not plan.changed:
            continue
        action = AuditAction.CREATE if plan.before is None else AuditAction.UPDATE
        entries.append(build_entry(action, plan.instance, diff(plan.before, snapshot(plan.instance, extra(plan)))))
    record_many(entries)


def insert_plain(model: type[models.Model], rows: list[models.Model], batch: int = 5000) -> None:
    """Insert rows of a model with only plain columns (text, numbers, foreign-key ids) through ``executemany``.

    The ORM's ``bulk_create`` compiles every value through its field (and SQLite caps a statement at 999
    parameters): for the 150,000 software rows of a province that costs more than the rest of the import.
    """
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  (names come from the model, values are bound)
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(field.column or field.attname) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for part in chunks(rows, batch):
            cursor.executemany(sql, [tuple(getattr(row, field.attname) for field in fields) for row in part])
