from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from center.events import services
from center.events.enums import EventState
from center.events.models import Event, EventType


@pytest.fixture
def event_type(db):
    return EventType.objects.get_or_create(code="seminar-t", defaults={"name": "学术研讨会"})[0]


@pytest.fixture
def make_event(org, event_type):
    """An event of 交流合作部 (owner staff_exc) moved straight to `state` (default: registration open)."""

    def make(state=EventState.REGISTRATION_OPEN, capacity=5, owner="staff_exc", days=7, **fields):
        start = timezone.now() + timedelta(days=days)
        event = services.event_create(
            actor=org[owner],
            type=fields.pop("type", event_type),
            title=fields.pop("title", "深港澳人工智能学术研讨会"),
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            capacity=capacity,
            planned_cost=Decimal("10000.00"),
            **fields,
        )
        Event.objects.filter(pk=event.pk).update(state=state)
        event.refresh_from_db()
        return event

    return make


_seq = iter(range(10_000, 99_999))


def person(n=None):
    n = n if n is not None else next(_seq)
    return {"name": f"参会者{n}", "email": f"p{n}@example.com", "phone": f"139{n:08d}", "consent": True}


@pytest.fixture
def register():
    def reg(event, n=None, **extra):
        return services.registration_create(event_id=event.pk, **(person(n) | extra))

    return reg
