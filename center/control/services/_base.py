"""Shared by the budget-control services: the year settings, unique-key inserts and document numbers."""

from decimal import Decimal

from center.core.services import service

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
