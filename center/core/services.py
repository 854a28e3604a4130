"""`@service`: the transaction boundary of a write, which also records refused security-relevant actions.

A refusal (an `ApplicationError` carrying `audit=`) rolls its transaction back — nothing changes — but the
attempt itself must stay in the audit trail. Outside any transaction it is written at once; inside an outer
one (a view's or an idempotent request's) it is kept until that transaction has ended and written by
`RequestContextMiddleware` (or by `flush_refusals`) so that the rollback cannot take it away.
"""

from contextvars import ContextVar
from functools import wraps

from django.db import connection, transaction

from .audit import audit_log
from .enums import AuditOutcome
from .errors import ApplicationError

_pending: ContextVar[list | None] = ContextVar("center_pending_refusals", default=None)


def service(func):
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except ApplicationError as exc:
            if exc.audit:
                _record(exc.audit)
            raise

    return wrapper


def _record(audit: dict) -> None:
    if connection.in_atomic_block:
        pending = _pending.get()
        if pending is None:
            pending = []
            _pending.set(pending)
        pending.append(audit)
        return
    _write(audit)


def _write(audit: dict) -> None:
    audit_log(
        audit["action"],
        actor=audit.get("actor"),
        target=audit.get("target"),
        extra=audit.get("extra"),
        outcome=audit.get("outcome", AuditOutcome.DENIED),
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
    for audit in pending:
        _write(audit)
