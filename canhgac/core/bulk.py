"""Bulk inserts for hot paths (feed matching, later event ingestion): COPY on PostgreSQL, executemany on SQLite.

Django's ``bulk_create`` builds a model instance per row and an SQL statement per batch; for the 10^5–10^6 rows a
monthly botnet list produces, that costs more than the matching itself. :func:`insert_rows` takes plain tuples
already in database form (:func:`db_value` converts the few values that need it, once) and streams them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

Row = Sequence[Any]


def db_value(model: type[models.Model], field_name: str, value: Any) -> Any:
    """``value`` as the database stores ``model.field_name`` (datetimes, dates and JSON need converting).

    JSON becomes its text, which both executemany (SQLite) and COPY (PostgreSQL) take as it is.
    """
    if value is None:
        return None
    field = model._meta.get_field(field_name)
    if isinstance(field, models.JSONField):
        return json.dumps(value, cls=field.encoder, ensure_ascii=False)
    return field.get_db_prep_save(value, connection)  # type: ignore[union-attr]


def insert_rows(model: type[models.Model], field_names: Sequence[str], rows: Iterable[Row]) -> int:
    """Insert ``rows`` (tuples in the order of ``field_names``, values already in database form); returns the count.

    Runs in the caller's transaction. No signals, no ``save()``, no primary keys returned: the callers are bulk
    writers that own their rows' whole life (a feed batch and its hits).
    """
    meta = model._meta
    columns = [str(meta.get_field(name).column) for name in field_names]  # type: ignore[union-attr]
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    table = quote(meta.db_table)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(columns))
        counted = _Counted(rows)
        cursor.executemany(f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})",  # noqa: S608
                           counted)  # type: ignore[arg-type]
        return counted.count


class _Counted:
    """Counts the rows an iterator hands to ``executemany`` without materialising them."""

    def __init__(self, rows: Iterable[Row]):
        self._rows = iter(rows)
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self) -> Row:
        row = next(self._rows)
        self.count += 1
        return row
