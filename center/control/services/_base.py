"""Shared by the budget-control services: the year settings, unique-key inserts, document numbers and the
release of a document's frozen lines."""

from decimal import Decimal

from center.core.services import service

from ..enums import EntryKind
from ..ledger import Doc, lock_quotas, post
from ..selectors import settings_for  # noqa: E402,F401 (a read: re-exported for the services)

ZERO = Decimal("0")


@service
def _insert(*rows) -> None:
    """Insert rows whose unique keys may clash with a concurrent unit's: a nested part of the unit (its own
    savepoint), so the caller can turn the `IntegrityError` into a clear refusal."""
    for row in rows:
        row.save(force_insert=True)


def _finalize_number(doc, prefix: str) -> None:
    doc.number = f"{prefix}{doc.year}-{doc.pk:06d}"
    type(doc).objects.filter(pk=doc.pk).update(number=doc.number)


def _release_lines(lines, doc: Doc, *, actor, note: str) -> None:
    """Release what a document's lines still hold frozen (their quotas locked in id order), and zero them."""
    lines = [ln for ln in lines if ln.frozen > 0]
    quotas = lock_quotas([ln.quota_id for ln in lines]) if lines else {}
    for ln in lines:
        post(quotas[ln.quota_id], EntryKind.RELEASE, ln.frozen, actor=actor, doc=doc, note=note)
        ln.frozen = ZERO
        ln.save(update_fields=["frozen"])
