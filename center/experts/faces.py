"""What the experts area offers the performance area (reads only): the recruitment calls published for a
year (批次). A call belongs to the year it was published for (`year`), not the calendar year it went out."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from .enums import CallState
from .models import RecruitmentCall


@dataclass(frozen=True)
class PublishedCall:
    id: int
    title: str
    published_on: date | None


def published_calls(year: int) -> list[PublishedCall]:
    """Calls of budget year `year` that were published (published or closed since): one query."""
    qs = RecruitmentCall.objects.filter(
        year=year, state__in=[CallState.PUBLISHED, CallState.CLOSED]
    ).order_by("published_at", "id")
    return [
        PublishedCall(
            id=c.pk,
            title=c.title,
            published_on=timezone.localdate(c.published_at) if c.published_at else None,
        )
        for c in qs
    ]
