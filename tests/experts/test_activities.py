"""Committee activities tied to the event that carried them (one system: the event's budget item and
indicators account for the activity too)."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from center.core.errors import ApplicationError, NotFoundError
from center.core.models import AuditEntry
from center.events import services as events
from center.events.enums import EventState
from center.events.models import Event, EventType
from center.experts import services
from center.experts.models import CommitteeActivity

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org):
    et = EventType.objects.get_or_create(code="consultation-t", defaults={"name": "专家咨询大会"})[0]
    start = timezone.now() + timedelta(days=10)
    e = events.event_create(
        actor=org["staff_exp"],
        type=et,
        title="专家咨询大会",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        capacity=200,
    )
    Event.objects.filter(pk=e.pk).update(state=EventState.PUBLISHED)
    return e


def test_an_activity_links_its_event_and_a_forged_one_is_refused(org, event):
    act = services.activity_create(
        actor=org["staff_exp"],
        kind="consultation",
        title="咨询大会",
        date=date(2026, 12, 8),
        event_id=event.pk,
    )
    assert act.event == event and list(event.committee_activities.all()) == [act]
    assert AuditEntry.objects.get(action="experts.activity.created").extra["event"] == event.pk
    with pytest.raises(NotFoundError):
        services.activity_create(
            actor=org["staff_exp"], kind="consultation", title="x", date=date(2026, 12, 8), event_id=999999
        )
    with pytest.raises(ApplicationError):
        services.activity_create(
            actor=org["staff_exp"], kind="consultation", title=" ", date=date(2026, 12, 8)
        )
    assert CommitteeActivity.objects.count() == 1


def test_the_activity_page_offers_events_and_shows_the_link(org, event):
    c = Client()
    c.force_login(org["staff_exp"])
    url = reverse("experts:activity_list")
    assert event.title in c.get(url).content.decode()  # offered in the form
    r = c.post(
        url, {"kind": "consultation", "title": "委员咨询", "date": "2026-12-08", "event": str(event.pk)}
    )
    assert r.status_code == 302
    html = c.get(url).content.decode()
    assert reverse("events:public_detail", args=[event.pk]) in html
    bad = c.post(url, {"kind": "consultation", "title": "伪造", "date": "2026-12-08", "event": "999999"})
    assert bad.status_code == 200 and not CommitteeActivity.objects.filter(title="伪造").exists()
