"""Bulk inserts for hot paths (feed matching, later event ingestion): COPY on PostgreSQL, multi-row INSERTs on SQLite.

Django's ``bulk_create`` builds a model instance per row and an SQL statement per batch; for the 10^5–10^6 rows a
monthly botnet list produces, that costs more than the matching itself. :func:`insert_rows` takes plain tuples
already in database form (:func:`db_value` converts the few values that need it, once) and streams them; columns
that hold one value for every row (the batch, the IP version) are given once as ``constants``.

On SQLite the cost of a row is mostly the driver's: ``executemany`` runs one statement per row (binding, stepping,
resetting, and the ``AUTOINCREMENT`` bookkeeping each time), which is four fifths of the time of a 300,000-row
insert. One statement per few hundred rows, with the constants bound once per statement, takes a third of it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain, islice, repeat
from typing import Any, TypeVar

from django.db import connection, models

Row = Sequence[Any]
ModelT = TypeVar("ModelT", bound=models.Model)
SQLITE_ROWS_PER_STATEMENT = 500
SQLITE_CACHE_KIB = 256 * 1024
POSTGRESQL_WORK_MEM_MB = 64


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


def column_names(model: type[models.Model], field_names: Iterable[str]) -> list[str]:
    """The quoted database columns of ``model``'s fields."""
    meta, quote = model._meta, connection.ops.quote_name
    return [quote(str(meta.get_field(name).column)) for name in field_names]  # type: ignore[union-attr]


def insert_rows(model: type[models.Model], field_names: Sequence[str], rows: Iterable[Row],
                constants: Mapping[str, Any] | None = None) -> int:
    """Insert ``rows`` (tuples in the order of ``field_names``, values already in database form); returns the count.

    ``constants`` maps further fields to the one value (in database form) every row has. Runs in the caller's
    transaction. No signals, no ``save()``, no primary keys returned: the callers are bulk writers that own their
    rows' whole life (a feed batch and its hits).
    """
    constants = dict(constants or {})
    columns = ", ".join(column_names(model, [*field_names, *constants]))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if constants:
                rows = map(tuple.__add__, map(tuple, rows), repeat(tuple(constants.values())))
            return _copy(cursor, f"COPY {table} ({columns}) FROM STDIN", rows)
        if not field_names:
            raise ValueError("insert_rows needs at least one varying field")
        return _insert_many(cursor, f"INSERT INTO {table} ({columns}) ", len(field_names), rows,
                            list(constants.values()))


def _copy(cursor: Any, sql: str, rows: Iterable[Row]) -> int:
    count = 0
    with cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _insert_many(cursor: Any, head: str, width: int, rows: Iterable[Row], constants: list[Any]) -> int:
    """``INSERT … SELECT *, <constants> FROM (VALUES (…), (…), …)``: a few hundred rows per statement."""
    per_statement = max(1, min(SQLITE_ROWS_PER_STATEMENT, (_sqlite_variable_limit() - len(constants)) // width))
    one = "(" + ", ".join(["?"] * width) + ")"
    selected = ", ".join(["*", *(["?"] * len(constants))])

    def statement(count: int) -> str:
        return f"{head}SELECT {selected} FROM (VALUES {', '.join([one] * count)}) AS v"  # noqa: S608

    full = statement(per_statement)
    total = 0
    execute = sqlite3.Cursor.execute  # "?" already: Django's per-call conversion of a long statement is skipped
    with connection.wrap_database_errors:
        for chunk in _chunks(rows, per_statement):
            execute(cursor.cursor, full if len(chunk) == per_statement else statement(len(chunk)),
                    [*constants, *chain.from_iterable(chunk)])
            total += len(chunk)
    return total


def _chunks(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _sqlite_variable_limit() -> int:
    """How many ``?`` one statement may hold (32,766 since SQLite 3.32; 999 before)."""
    connection.ensure_connection()
    raw = connection.connection
    getlimit = getattr(raw, "getlimit", None)  # Python 3.11+
    return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) if getlimit else 999


@contextmanager
def big_write(kib: int = SQLITE_CACHE_KIB) -> Iterator[None]:
    """Settings for one transaction that writes 10^5 rows, given back (or, on PostgreSQL, ended with it) afterwards.

    SQLite keeps 2 MB of pages by default: writing 10^5 rows into several indexes then reads and writes the same
    pages again and again, so the write borrows ``kib`` of page cache. PostgreSQL (``SET LOCAL``, inside the
    caller's transaction): the commit does not wait for the flush of the transaction's 10^2 MB of WAL
    (``synchronous_commit = off``: a crash in the next fraction of a second may lose the whole transaction, never
    part of it, and the next synchronous commit, such as the job's state, flushes it first); and its joins and
    sorts get ``work_mem`` enough not to spill to disk.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(f"SET LOCAL work_mem = '{POSTGRESQL_WORK_MEM_MB}MB'")
        yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def update_rows(model: type[models.Model], field_names: Sequence[str], rows: Iterable[Row]) -> int:
    """Set ``field_names`` of the rows given by primary key; returns how many rows were updated.

    ``rows`` are tuples of the new values (database form, in the order of ``field_names``) followed by the primary
    key. PostgreSQL: COPY into a temporary table, then one ``UPDATE … FROM`` (one statement per row costs a round
    trip each: a quarter-million rows took minutes). SQLite: one prepared ``UPDATE`` stepped per row, which there
    is as fast as any set-based form (no round trips; measured on 250,000 rows sorted by key: 2.5 s every way).
    Runs in the caller's transaction.
    """
    meta, quote = model._meta, connection.ops.quote_name
    table, key = quote(meta.db_table), quote(str(meta.pk.column))  # type: ignore[union-attr]
    columns = [quote(str(meta.get_field(name).column)) for name in field_names]  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {key} = %s",  # noqa: S608
                               rows)  # type: ignore[arg-type]
            return max(cursor.rowcount, 0)
        staging = quote(f"staged_{meta.db_table}"[:63])
        cursor.execute(f"DROP TABLE IF EXISTS {staging}")
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} AS SELECT {', '.join(columns)}, {key} "  # noqa: S608
                       f"FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {staging} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"ANALYZE {staging}")
        assignments = ", ".join(f"{column} = s.{column}" for column in columns)
        cursor.execute(f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s "  # noqa: S608
                       f"WHERE t.{key} = s.{key}")
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {staging}")
        return updated


def refresh_statistics(*models_written: type[models.Model]) -> None:
    """After a bulk write into tables that were small, let PostgreSQL's planner see their new size before the next
    query: ``ANALYZE`` counts the rows the current transaction wrote (autovacuum would only see them after the
    commit, a minute later). Without it a lookup of 500 keys was planned as a scan of the whole fresh table, 500
    times over. Nothing on SQLite, whose planner goes by its indexes."""
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models_written:
            cursor.execute(f"ANALYZE {quote(model._meta.db_table)}")


def rows_by_keys(model: type[models.Model], key_field: str, keys: Sequence[Any], field_names: Sequence[str],
                 **equal: Any) -> Iterator[tuple[Any, ...]]:
    """The ``field_names`` of the row whose ``key_field`` is each of ``keys`` (and whose other fields equal
    ``equal``: together they must identify one row), each key looked up through the index however fresh the table.

    Asked ``source = 'cve5' AND source_id IN (500 values)`` of a table filled in the current transaction,
    PostgreSQL's planner (no statistics yet) read every ``cve5`` row for each such query — 230 s of a 250,000-record
    import — and a join with ``unnest(keys)`` became a hash join over the whole table too. A ``LATERAL`` look-up of
    one row per key leaves it only the index. SQLite gets ``IN`` lists of 500 keys."""
    if connection.vendor != "postgresql":
        for start in range(0, len(keys), 500):
            queryset = model._default_manager.filter(**equal, **{f"{key_field}__in": keys[start:start + 500]})
            yield from queryset.order_by().values_list(*field_names)
        return
    meta, quote = model._meta, connection.ops.quote_name
    key = meta.get_field(key_field)
    array = "bigint[]" if isinstance(key, models.IntegerField | models.AutoField | models.ForeignKey) else "text[]"
    column = quote(str(key.column))  # type: ignore[union-attr]
    selected = ", ".join(quote(str(meta.get_field(name).column)) for name in field_names)  # type: ignore[union-attr]
    conditions = "".join(f" AND {quote(str(meta.get_field(name).column))} = %s" for name in equal)  # type: ignore[union-attr]
    sql = (f"SELECT t.* FROM unnest(%s::{array}) AS k(value), LATERAL (SELECT {selected} "  # noqa: S608
           f"FROM {quote(meta.db_table)} WHERE {column} = k.value{conditions} LIMIT 1) AS t")
    with connection.cursor() as cursor:
        for start in range(0, len(keys), 10_000):
            cursor.execute(sql, [list(keys[start:start + 10_000]), *equal.values()])
            yield from cursor.fetchall()


def create_with_binary(model: type[ModelT], binary_field: str, content: bytes, **fields: Any) -> ModelT:
    """``model.objects.create(**fields)`` with ``content`` in ``binary_field``, sent to PostgreSQL as binary.

    Django binds parameters on the client with psycopg 3: a 14 MB feed file becomes a 28 MB hex literal in the SQL
    text, which the server then parses (0.4 s, against 0.1 s bound as a binary parameter). There the row is created
    with empty content and the content set by one statement on the raw connection, in the caller's transaction.
    """
    if connection.vendor != "postgresql":
        return model._default_manager.create(**fields, **{binary_field: content})
    instance = model._default_manager.create(**fields, **{binary_field: b""})
    meta, quote = model._meta, connection.ops.quote_name
    column = quote(str(meta.get_field(binary_field).column))  # type: ignore[union-attr]
    sql = f"UPDATE {quote(meta.db_table)} SET {column} = %b WHERE {quote(str(meta.pk.column))} = %s"  # type: ignore[union-attr]  # noqa: S608
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, [content, instance.pk])
    setattr(instance, binary_field, content)
    return instance
