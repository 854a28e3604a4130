"""Exactly-once effects for retried requests: the API's `Idempotency-Key` header (`run_once`) and the
hidden key of every page form (`{% once_key %}`, applied by `FormOnceMiddleware`).

The first request runs and its outcome is stored in the same transaction as its effects; a retry with the
same key gets the stored outcome without running again. Two identical requests racing: the unique key
makes the loser roll back completely, and it then answers with the winner's stored outcome.
"""

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from . import locks
from .errors import ApplicationError, ConflictError
from .middleware import error_page
from .models import IdempotentRequest
from .services import run_unit

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")


def new_key() -> str:
    return uuid.uuid4().hex


def fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def run_once(
    *, user, key: str | None, fingerprint: str, fn: Callable[[], tuple[int, dict] | None]
) -> tuple[int, dict] | None:
    """Run `fn` (returning (status, body)) at most once per (user, key), as one unit of work with the key.
    When `fn` returns None there is nothing to remember (a refused or re-displayed form): the key stays free."""
    if not key:
        return fn()
    check_key(key)
    try:
        return run_unit(lambda: _claim_and_run(user, key, fingerprint, fn))
    except IntegrityError:
        # The same key was claimed meanwhile by a request that has now committed: answer with its outcome.
        stored = _stored(user, key, fingerprint)
        if stored is None:
            raise
        return stored


def _claim_and_run(user, key: str, fp: str, fn):
    """Claim the key first (its unique index makes an identical request that races this one wait for this
    one's commit, then answer with the stored outcome), run `fn`, then store its outcome or free the key."""
    stored = _stored(user, key, fp)
    if stored is not None:
        return stored
    locks.note(IdempotentRequest.lock_rank, "core.IdempotentRequest")
    claim = IdempotentRequest.objects.create(user=user, key=key, fingerprint=fp, status=0, body={})
    outcome = fn()
    if outcome is None:
        claim.delete()
    else:
        claim.status, claim.body = outcome
        claim.save(update_fields=["status", "body"])
    return outcome


KEEP_DAYS = 30


def idempotency_purge(days: int = KEEP_DAYS) -> int:
    """Forget the keys older than `days` (a retry comes within minutes; a month is ample). Returns how many."""
    deleted, _by_model = IdempotentRequest.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=days)
    ).delete()
    return deleted


def check_key(key: str) -> None:
    if not _KEY.match(key):
        raise ApplicationError(
            _("Idempotency-Key 格式无效（8–100 位字母、数字或 _.:-）。"), {"field": "Idempotency-Key"}
        )


def once_per_item(view):
    """Mark a page whose POST acts on several objects, each as its own unit of work (bulk approval): the
    middleware leaves it to the view, which runs each item through `run_once` with the form's key and the
    item (so a resubmitted form changes nothing more, and one refusal undoes nothing of the others)."""
    view.once_per_item = True
    return view


def _per_item(request) -> bool:
    try:
        return getattr(resolve(request.path_info).func, "once_per_item", False)
    except Resolver404:
        return False


class FormOnceMiddleware:
    """A page form's POST carrying `{% once_key %}` takes effect once: the view runs through `run_once`, in
    one transaction with the key, and when it succeeds (answers with a redirect and no error message) the
    key is stored with that address. A double click, a resubmitted page or a retried request with the same
    key is sent to the same address and changes nothing more. A refused or re-displayed form stores nothing:
    the corrected form can be sent again with the same key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.POST.get("idempotency_key") if request.method == "POST" else None
        if not key or not request.user.is_authenticated or _per_item(request):
            return self.get_response(request)
        answered = {}

        def view():
            response = answered["response"] = self.get_response(request)
            succeeded = response.status_code in (301, 302, 303) and not _refused(request)
            answered["outcome"] = (
                (response.status_code, {"redirect": response["Location"]}) if succeeded else None
            )
            return answered["outcome"]

        fp = fingerprint(
            request.path, sorted((k, v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken")
        )
        try:
            outcome = run_once(user=request.user, key=key, fingerprint=fp, fn=view)
        except ApplicationError as exc:
            return error_page(request, exc)
        if answered and outcome is answered["outcome"]:
            return answered["response"]  # this request ran the view
        return redirect(outcome[1]["redirect"])  # a retry, or the loser of a race: the first answer's address


def _refused(request) -> bool:
    """Whether the page reported an error (pages that redirect after a refusal show it as a message)."""
    storage = messages.get_messages(request)
    failed = any(m.level >= messages.ERROR for m in storage)
    storage.used = False  # reading must not consume them: the next page shows them
    return failed


def _stored(user, key, fp):
    row = IdempotentRequest.objects.filter(user=user, key=key).first()
    if row is None:
        return None
    if row.fingerprint != fp:
        raise ConflictError(_("该 Idempotency-Key 已用于另一个不同的请求。"), {"field": "Idempotency-Key"})
    return row.status, row.body
