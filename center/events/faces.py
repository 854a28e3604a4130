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
    """Events starting in `year` that were held (held, reported or closed; never cancelled): two queries,
    plain values (no model instances), so a year of thousands of events reads in milliseconds."""
    held = Event.objects.filter(starts_at__year=year, state__in=COUNTED_STATES)
    links: dict[int, set[int]] = {}
    for event_id, indicator_id in Event.indicators.through.objects.filter(event__in=held).values_list(
        "event_id", "performanceindicator_id"
    ):
        links.setdefault(event_id, set()).add(indicator_id)
    rows = held.order_by("starts_at", "id").values_list(
        "pk",
        "title",
        "type__code",
        "budget_item__project_id",
        "starts_at",
        "satisfaction_rate",
        "satisfaction_basis",
    )
    return [
        HeldEvent(
            id=pk,
            title=title,
            type_code=code,
            project_id=project_id,
            indicator_ids=frozenset(links.get(pk, ())),
            held_on=timezone.localdate(starts_at),
            satisfaction_rate=rate,
            satisfaction_basis=basis,
        )
        for pk, title, code, project_id, starts_at, rate, basis in rows
    ]


def event_types() -> list[tuple[str, str]]:
    """(code, name) of every event type, in the list's order."""
    return list(EventType.objects.order_by("sort", "id").values_list("code", "name"))


def event_type_labels() -> list[tuple[str, str]]:
    """(code, name in the reader's language) of every event type, for a choice list."""
    lang = get_language() or ""
    return [(t.code, t.display_name(lang)) for t in EventType.objects.order_by("sort", "id")]
