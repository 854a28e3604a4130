"""What the public event pages depend on (center.core.pagecache): the list and the calendar show every public
event, a detail page its event, type, department and registration form. Seats left change with every
registration: those pages keep a few seconds (`PAGECACHE_SEATS_TTL`) instead of being dropped by each
registration of a burst; a seat freed or given by hand (a cancellation, an approval) drops them at once."""

from django.conf import settings

from center.core.pagecache import depends_on, invalidate

PUBLIC = "events.public"


def event_tags(pk) -> list[str]:
    return [f"events.event:{pk}", PUBLIC]


def seats_ttl() -> int:
    return int(getattr(settings, "PAGECACHE_SEATS_TTL", 5))


def seats_changed(event_id: int) -> None:
    invalidate(*event_tags(event_id))


def register() -> None:
    from .models import Event, EventType, FormField

    depends_on(Event, lambda event: event_tags(event.pk))
    depends_on(FormField, lambda field: event_tags(field.event_id))
    depends_on(EventType, lambda _type: [PUBLIC])
