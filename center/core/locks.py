"""Row locks, always taken through here, in one declared order of row kinds.

Two units of work that lock the same rows in different orders deadlock on PostgreSQL (SQLite's IMMEDIATE
transactions serialise writers and hide it). So every model that is ever locked declares its kind with a
class attribute `lock_rank = LockRank.…`, and a unit of work takes its locks from the lowest rank to the
highest: the thing an action is about, then its documents, then their tasks, then quotas, then seats, and the
audit chain head last of all (appended at the unit's end by `center.core.services`). Rows of one kind are
locked in id order within one call.

Under test settings (`LOCK_ORDER_CHECK = True`) every lock taken inside a unit is recorded and a lock of a
lower rank after a higher one fails at once with `LockOrderError`, so a test that runs a service proves its
order. On PostgreSQL a lock wait is bounded (`lock_timeout`, set on the connection) and a timeout or a
deadlock victim becomes `BusyError` (409, "busy, try again") after the unit's bounded retries.
"""

from enum import IntEnum

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet

from .context import current_unit


class LockRank(IntEnum):
    """The order in which a unit of work may lock rows: never a lower rank after a higher one."""

    REQUEST = 0  # the idempotency key of a request (claimed first, see core.idempotency)
    MASTER = 10  # accounts, departments, configuration, experts, organisations
    SUBJECT = 20  # what an action is about: a budget, an event, a review round or group, a call
    DOCUMENT = 30  # a document: application, reimbursement, advance, adjustment, registration, draw …
    TASK = 40  # the parts of a document's handling: approval tasks, picks, assignments, fees
    QUOTA = 50  # quota rows (the ledger)
    SEAT = 60  # counters taken by a conditional update at the very end (seats)
    AUDIT_HEAD = 90  # the audit chain head: last of all, held only for the append


class LockOrderError(AssertionError):
    """A unit of work locked a row kind out of the declared order (raised only when the check is on)."""


def rank_of(model) -> LockRank:
    rank = getattr(model, "lock_rank", None)
    if rank is None:
        raise LockOrderError(f"{model._meta.label} is locked but declares no lock_rank")
    return rank


def note(rank: LockRank, label: str) -> None:
    """Record a lock taken by a primitive that issues its own SQL (the ledger, the audit append)."""
    assert connection.in_atomic_block, "row locks are taken inside a unit of work"
    unit = current_unit()
    if unit is None or not getattr(settings, "LOCK_ORDER_CHECK", False):
        return
    highest = max(unit.locks, default=None, key=lambda item: item[0])
    if highest is not None and highest[0] > rank:
        raise LockOrderError(
            f"{label} (rank {rank.name}) locked after {highest[1]} (rank {highest[0].name}); "
            f"order so far: {[lbl for _r, lbl in unit.locks]}"
        )
    unit.locks.append((rank, label))


def _lockable(qs: QuerySet) -> QuerySet:
    note(rank_of(qs.model), qs.model._meta.label)
    # `of=self`: a select_related join must not lock the joined rows (they have kinds of their own).
    return qs.select_for_update(of=("self",)).order_by("pk")


def lock_one(qs: QuerySet):
    """Lock the one row of `qs` (filtered by its caller) and return it, or None when there is none."""
    return _lockable(qs).first()


def lock_many(qs: QuerySet) -> list:
    """Lock the rows of `qs` in id order and return them."""
    return list(_lockable(qs))


def locked_update(qs: QuerySet, **values) -> int:
    """A conditional UPDATE (it locks the rows it changes): recorded with the rank of its model."""
    note(rank_of(qs.model), qs.model._meta.label)
    return qs.update(**values)


def in_unit() -> bool:
    return current_unit() is not None and transaction.get_connection().in_atomic_block
