"""Exactly-once effects for retried requests: the API's `Idempotency-Key` header and forms' hidden key.

The first request runs and its outcome is stored in the same transaction as its effects; a retry with the
same key gets the stored outcome without running again. Two identical requests racing: the unique key
makes the loser roll back completely, and it then answers with the winner's stored outcome.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .errors import ApplicationError, ConflictError
from .models import IdempotentRequest

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


def new_key() -> str:
    return uuid.uuid4().hex


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def run_once(
    *, user, key: str | None, fingerprint: str, fn: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """Run `fn` (returning (status, body)) at most once per (user, key)."""
    if not key:
        return fn()
    if not _KEY.match(key):
        raise ApplicationError(
            _("Idempotency-Key 格式无效（8–100 位字母、数字或 _.:-）。"), {"field": "Idempotency-Key"}
        )
    try:
        with transaction.atomic():
            stored = _stored(user, key, fingerprint)
            if stored is not None:
                return stored
            status, body = fn()
            IdempotentRequest.objects.create(
                user=user, key=key, fingerprint=fingerprint, status=status, body=body
            )
            return status, body
    except IntegrityError:
        stored = _stored(user, key, fingerprint)
        if stored is None:
            raise
        return stored


def _stored(user, key, fp):
    row = IdempotentRequest.objects.filter(user=user, key=key).first()
    if row is None:
        return None
    if row.fingerprint != fp:
        raise ConflictError(_("该 Idempotency-Key 已用于另一个不同的请求。"), {"field": "Idempotency-Key"})
    return row.status, row.body
