"""Hand-written SQL for the statements every money write and every API call passes through.

Django's query compiler costs several times more CPU than the database spends on these short statements
(a filtered read: about 0.65 ms through the ORM, 0.2 ms through a cursor), so the quota ledger, the audit
chain, the API token check and a submission's reads and writes issue their SQL through these helpers;
everything else uses the ORM.
Decision and rules: docs/decisions/0002-hot-path-sql.md. The statements go through Django's own cursor
(same connection, same transaction, same query log for tests), and run unchanged on PostgreSQL and SQLite:
- `FOR UPDATE` only where the database has it (`locking()`; SQLite serialises writers at BEGIN IMMEDIATE);
- values are bound as Django stores them (`at()` for a datetime; `insert()` converts through each field);
- amounts are read back through `money()` (SQLite hands decimals over as int or float).
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection

CENT = Decimal("0.01")


def rows(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def row(sql: str, params: Sequence[Any] = ()) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def first(model, sql: str, params: Sequence[Any] = ()):
    """The first model instance a hand-written SELECT returns (fields converted as the ORM does), or None."""
    return next(iter(model.objects.raw(sql, params)), None)


def attach(obj, field: str, **columns) -> None:
    """Set the object a foreign key points to from columns joined into a hand-written read (text and integer
    columns only: they need no conversion). Its other columns are deferred and load on first use."""
    fk = obj._meta.get_field(field)
    model = fk.related_model
    names = [model._meta.pk.attname, *columns]
    setattr(obj, field, model.from_db(connection.alias, names, [getattr(obj, fk.attname), *columns.values()]))


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run a write; returns the number of rows it touched."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def marks(n: int) -> str:
    """`%s, %s, …`: the placeholders of an IN list of n values."""
    return ", ".join(["%s"] * n)


@cache
def _insert_into(model, n: int) -> tuple[str, list]:
    meta = model._meta
    assert not meta.parents, "one table per statement: multi-table inheritance goes through save()"
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    quote = connection.ops.quote_name
    one = f"({marks(len(fields))})"
    returning = f" RETURNING {quote(meta.pk.column)}" if meta.auto_field else ""
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608 (names from the model; values bound)
        f" VALUES {', '.join([one] * n)}{returning}"
    )
    return statement, fields


def insert(*objs) -> None:
    """INSERT new instances of one model in one statement and set their ids: what `save()` and `bulk_create()`
    do for new rows, minus the query compiler. Each value is converted by its own field (`pre_save` fills
    `auto_now_add`, `get_db_prep_save` adapts dates, amounts, JSON and encrypted text as the ORM does)."""
    model = type(objs[0])
    statement, fields = _insert_into(model, len(objs))
    values = [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs for f in fields]
    ids = rows(statement, values)
    for i, obj in enumerate(objs):
        if model._meta.auto_field:
            obj.pk = ids[i][0]
        obj._state.adding = False
        obj._state.db = connection.alias


def locking() -> str:
    """The row-lock clause for a read inside a transaction: ` FOR UPDATE`, or nothing on SQLite."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def at(value: datetime):
    """A datetime parameter in the form the ORM stores it (UTC; naive text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(value)


def money(value) -> Decimal:
    """An amount column read back as Decimal with two places (PostgreSQL gives Decimal; SQLite int or float)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)).quantize(CENT)
