"""One rule answers the service, the page's button and the API (center/events/rules.py)."""

import inspect

import pytest
from django.urls import reverse

from center.core.errors import ForbiddenError
from center.events import rules, services
from center.events.enums import EventState

pytestmark = pytest.mark.django_db

PEOPLE = ["staff_exc", "head_exc", "deputy2", "director", "staff_inn", "head_inn", "auditor"]


@pytest.mark.parametrize("who", PEOPLE)
def test_the_organise_rule_is_what_the_service_enforces(org, make_event, who):
    event = make_event(state=EventState.APPROVED)
    allowed = rules.may_organise(org[who], event)
    if allowed:
        services.event_publish(actor=org[who], event_id=event.pk)
    else:
        with pytest.raises(ForbiddenError, match="主办部门"):
            services.event_publish(actor=org[who], event_id=event.pk)
    event.refresh_from_db()
    assert (event.state == EventState.PUBLISHED) == allowed


@pytest.mark.parametrize("who", PEOPLE)
def test_the_approve_rule_is_what_the_service_enforces(org, make_event, who, monkeypatch):
    monkeypatch.setattr(services.funding, "event_request_funding", lambda *, actor, event: "")
    event = make_event(state=EventState.SUBMITTED)  # owner: staff_exc
    allowed = rules.may_approve(org[who], event)
    if allowed:
        services.event_approve(actor=org[who], event_id=event.pk)
    else:
        with pytest.raises(ForbiddenError):
            services.event_approve(actor=org[who], event_id=event.pk)
    assert who != "staff_exc" or not allowed  # never the owner


@pytest.mark.parametrize("who", ["staff_exc", "head_inn", "director"])
def test_the_detail_page_shows_edit_and_cancel_by_the_same_rules(org, client_for, make_event, who):
    event = make_event(state=EventState.PUBLISHED)
    html = client_for(who).get(reverse("events:detail", args=[event.pk])).content.decode()
    user = org[who]
    assert (reverse("events:edit", args=[event.pk]) in html) == rules.may_edit(user, event)
    cancel_url = reverse("events:transition", args=[event.pk, "cancel"])
    assert (cancel_url in html) == rules.may_cancel(user, event)


def test_held_event_offers_no_edit_nor_cancel_to_its_organiser(org, client_for, make_event):
    event = make_event(state=EventState.HELD, days=-1)
    html = client_for("staff_exc").get(reverse("events:detail", args=[event.pk])).content.decode()
    assert reverse("events:edit", args=[event.pk]) not in html
    assert reverse("events:transition", args=[event.pk, "cancel"]) not in html
    assert not rules.may_edit(org["staff_exc"], event) and not rules.may_cancel(org["staff_exc"], event)


def test_the_api_takes_its_policies_from_rules_not_views():
    from center.api import events as api

    assert api.CHECKIN is rules.CHECKIN and api.EVENT_READERS is rules.EVENT_READERS
    assert "events.views" not in inspect.getsource(api)
