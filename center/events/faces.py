"""What the events area offers the performance area (reads only): the events held in a year with what an
indicator counts (type, budget item and project, explicit indicator links, survey satisfaction)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import get_language

from .enums import COUNTED_STATES
from .models import Event, EventType


@dataclass(frozen=True)
class HeldEvent:
    id: int
    title: str
    type_code: str
    project_id: int | None
    indicator_ids: frozenset[int]
    held_on: date
    satisfaction_rate: Decimal | None
    satisfaction_basis: int


def held_events(year: int) -> list[HeldEvent]:
    """Events starting in `year` that were held (held, reported or closed; never cancelled): two queries."""
    qs = (
        Event.objects.filter(starts_at__year=year, state__in=COUNTED_STATES)
        .select_related("type", "budget_item")
        .prefetch_related("indicators")
        .order_by("starts_at", "id")
    )
    return [
        HeldEvent(
            id=e.pk,
            title=e.title,
            type_code=e.type.code,
            project_id=e.budget_item.project_id if e.budget_item_id else None,
            indicator_ids=frozenset(i.pk for i in e.indicators.all()),
            held_on=timezone.localdate(e.starts_at),
            satisfaction_rate=e.satisfaction_rate,
            satisfaction_basis=e.satisfaction_basis,
        )
        for e in qs
    ]


def event_types() -> list[tuple[str, str]]:
    """(code, name) of every event type, in the list's order."""
    return list(EventType.objects.order_by("sort", "id").values_list("code", "name"))


def event_type_labels() -> list[tuple[str, str]]:
    """(code, name in the reader's language) of every event type, for a choice list."""
    lang = get_language() or ""
    return [(t.code, t.display_name(lang)) for t in EventType.objects.order_by("sort", "id")]
