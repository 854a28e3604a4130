"""The unit of work: `@service` is the only way a write starts a transaction.

The outermost service call (or `run_unit`, used by the exactly-once layer around a request) opens the
transaction; services called inside it join it (each in a savepoint, so a refusal the caller catches undoes
only its own part). The unit's audit entries are kept and appended as its **last** statements, so the audit
chain head is the last row it locks and is held only for the append (center.core.locks declares the order).

A unit that loses a lock race on PostgreSQL (a deadlock victim, a `lock_timeout`) or finds SQLite busy is run
again from the start, a bounded number of times, when nothing outside it holds the transaction; it then gives
up with `BusyError` (409, "busy, try again"). A unit that rolls back leaves nothing behind: the files it
stored are removed (`on_rollback`). A unit that commits drops the cached public pages it changed
(`pagecache.invalidate`) in its commit hook.

A refusal (an `ApplicationError` carrying `audit=`) rolls its unit back — nothing changes — but the attempt
itself must stay in the audit trail. Outside any transaction it is written at once; inside an outer one (a
test's) it is kept until that transaction has ended and written by `RequestContextMiddleware` (or by
`flush_refusals`) so that the rollback cannot take it away.
"""

import logging
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial, wraps
from typing import TypeVar

from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from . import audit, pagecache
from .context import Unit, current_unit, enter_unit, leave_unit
from .enums import AuditOutcome
from .errors import ApplicationError, BusyError

logger = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 3  # a unit that loses a lock race runs at most this many times
_pending: ContextVar[list | None] = ContextVar("center_pending_refusals", default=None)


def service(func):
    """Make `func` a unit of work (outermost call) or a part of the current one (nested call)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        unit = current_unit()
        if unit is None:
            return run_unit(lambda: func(*args, **kwargs))
        kept, undo_from = len(unit.audit), len(unit.on_rollback)
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except Exception as exc:
            # The savepoint rolled back what this part did: its entries and its files go with it.
            del unit.audit[kept:]
            _undo(unit, undo_from)
            if isinstance(exc, ApplicationError):
                _keep_once(exc)
            raise

    return wrapper


def run_unit(fn: Callable[[], T]) -> T:
    """Run `fn` as one unit of work: one transaction, the audit appended last, retried after a lost lock race."""
    retry = not connection.in_atomic_block  # inside a foreign transaction a failed statement dooms it all
    for attempt in range(1, ATTEMPTS + 1):
        unit = Unit()
        token = enter_unit(unit)
        try:
            with transaction.atomic():
                result = fn()
                audit.append(unit.audit)
                if unit.page_tags:
                    # The cached public pages this unit changed are dropped once it has committed.
                    transaction.on_commit(partial(pagecache.bump, frozenset(unit.page_tags)))
            return result
        except ApplicationError as exc:
            _undo(unit)
            _keep_once(exc)
            if not connection.in_atomic_block:
                flush_refusals()
            raise
        except OperationalError as exc:
            _undo(unit)
            if not is_lock_failure(exc):
                raise
            if not retry or attempt == ATTEMPTS:
                logger.warning("unit of work gave up after %s attempt(s): %s", attempt, exc)
                raise BusyError(_("系统繁忙，请稍后重试。"), {"retry": True}) from exc
            time.sleep(random.uniform(0.02, 0.1) * attempt)  # noqa: S311 (jitter, not a secret)
        except BaseException:
            _undo(unit)
            raise
        finally:
            leave_unit(token)
    raise AssertionError("unreachable")  # pragma: no cover


def is_lock_failure(exc: OperationalError) -> bool:
    """A deadlock victim, a lock or serialisation wait that ran out (PostgreSQL), or SQLite busy."""
    code = getattr(exc.__cause__, "sqlstate", None)
    if code in ("40P01", "55P03", "40001"):
        return True
    return connection.vendor == "sqlite" and "database is locked" in str(exc)


def on_rollback(callback: Callable[[], None]) -> None:
    """Run `callback` if the current unit rolls back (outside a unit: nothing to register)."""
    unit = current_unit()
    if unit is not None:
        unit.on_rollback.append(callback)


def _undo(unit: Unit, start: int = 0) -> None:
    callbacks, unit.on_rollback[start:] = unit.on_rollback[start:], []
    for callback in reversed(callbacks):
        try:
            callback()
        except Exception:  # an undo that fails must not hide the unit's own error
            logger.exception("undo after a rolled-back unit failed")


def _keep_once(exc: ApplicationError) -> None:
    """Keep a refusal to record for after the transaction (once, however many services it passes)."""
    if exc.audit and not getattr(exc, "_kept", False):
        exc._kept = True
        _keep_refusal(exc.audit)


def _keep_refusal(audit_: dict) -> None:
    pending = _pending.get()
    if pending is None:
        pending = []
        _pending.set(pending)
    pending.append(audit_)


def _write(audit_: dict) -> None:
    audit.audit_log(
        audit_["action"],
        actor=audit_.get("actor"),
        target=audit_.get("target"),
        extra=audit_.get("extra"),
        outcome=audit_.get("outcome", AuditOutcome.DENIED),
    )


def reset_refusals() -> None:
    """Forget refusals kept from before (a new request starts clean)."""
    _pending.set(None)


def flush_refusals() -> None:
    """Write refusals kept during an outer transaction; call only outside any transaction."""
    pending = _pending.get()
    if not pending:
        return
    _pending.set(None)
    for audit_ in pending:
        _write(audit_)
