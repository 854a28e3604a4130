"""Events API: staff list, check-in (for scanner apps), and indicator progress for the performance module."""

from datetime import datetime
from decimal import Decimal

from ninja import Router, Schema

from center.core.permissions import api_access
from center.events import selectors, services
from center.events.rules import CHECKIN, EVENT_READERS

router = Router(tags=["events"])


class EventOut(Schema):
    id: int
    title: str
    type_id: int
    department_id: int
    state: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed_count: int
    checked_in_count: int
    satisfaction_rate: Decimal | None
    budget_item_id: int | None
    planned_cost: Decimal
    application_ref: str


@router.get("/", response=list[EventOut])
@api_access(EVENT_READERS)
def event_list(request, year: int | None = None, state: str = ""):
    return list(selectors.event_list_for(request.user, request.access_scope, year=year, state=state)[:500])


class CheckinIn(Schema):
    code: str


class CheckinOut(Schema):
    registration_id: int
    name: str
    state: str
    checked_in_at: datetime


@router.post("/{event_id}/checkin", response=CheckinOut)
@api_access(CHECKIN)
def checkin(request, event_id: int, payload: CheckinIn):
    event = selectors.event_get_for(request.user, request.access_scope, event_id)
    reg = services.checkin(actor=request.user, event_id=event.pk, raw=payload.code)
    return {
        "registration_id": reg.pk,
        "name": reg.name,
        "state": reg.state,
        "checked_in_at": reg.checked_in_at,
    }


class ProgressOut(Schema):
    indicator_id: int
    name: str
    project: str
    target_display: str
    held: int
    planned: int
    satisfaction: Decimal | None
    actual: Decimal | None
    met: bool | None
    event_ids: list[int]


@router.get("/indicator-progress/{year}", response=list[ProgressOut])
@api_access(EVENT_READERS)
def indicator_progress(request, year: int):
    return selectors.indicator_progress(year)
