"""What the review area offers the expert pool, so that experts never read reviews' tables: who is available
for a draw now, and an expert's review record (assignments, credit events); and for the performance area the review rounds organised in a year. Reads only."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .enums import PickRole
from .models import Assignment, CreditEvent, DrawPick

AVAILABLE_MIN_CREDIT = 60
AVAILABLE_COOL_OFF_DAYS = 14


def available_experts_q(now=None) -> Q:
    """Experts a draw could take now: admitted, credit not below the suspension level, and not drawn onto a
    main panel within the cool-off period. A filter on the expert table (`Expert.objects.filter(...)`)."""
    now = now or timezone.now()
    recent = DrawPick.objects.filter(
        expert=OuterRef("pk"),
        role=PickRole.MAIN,
        draw__seeded_at__gte=now - timedelta(days=AVAILABLE_COOL_OFF_DAYS),
    )
    return Q(state="admitted", credit_score__gte=AVAILABLE_MIN_CREDIT) & ~Q(Exists(recent))


def expert_assignments(expert_id: int, limit: int = 20):
    """The panels an expert served on, with their round."""
    return Assignment.objects.filter(expert_id=expert_id).select_related("group__round")[:limit]


def expert_credit_events(expert_id: int, limit: int = 20):
    """An expert's credit events, newest first."""
    return CreditEvent.objects.filter(expert_id=expert_id)[:limit]


def organised_rounds(year: int) -> list[tuple[int, str, date]]:
    """Review rounds of `year` that were organised (scoring started, results locked or published): their id,
    title and the day the round was set up. For the performance area; one query."""
    from .enums import RoundState
    from .models import ReviewRound

    rows = (
        ReviewRound.objects.filter(year=year)
        .exclude(state=RoundState.DRAFT)
        .order_by("created_at", "id")
        .values_list("pk", "title", "created_at")
    )
    return [(pk, title, timezone.localdate(created)) for pk, title, created in rows]
