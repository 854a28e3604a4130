"""The event's money, through budget control's public face only (`center.control.funding`)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from center.control import funding

from ..models import Event


def event_request_funding(*, actor, event: Event) -> str:
    """Submit the event's prior application (事前申请, type 活动) for its planned cost through budget control's
    public face (`center.control.funding`): it freezes a quota of `event.budget_item` for the event's year
    and starts the approval chain (with the item's department reviewing when another department organises
    the event). Returns the application's number, or '' when the event has no budget item or no cost.
    Called by `event_approve` inside its unit of work: a refusal (no quota, not enough left, a standard
    exceeded) leaves the event planned."""
    if event.budget_item_id is None or not event.planned_cost:
        return ""
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    app = funding.request_for_item(
        applicant=event.owner,
        item=event.budget_item,
        year=starts.year,
        amount=event.planned_cost,
        app_type="event",
        title=_("%(title)s（活动经费）") % {"title": event.title},
        details={
            "attendees": event.capacity,
            "days": max((ends.date() - starts.date()).days + 1, 1),
            # the event's dates: budget control refuses a quota of another year than the one it is held in
            "start_date": starts.date().isoformat(),
            "end_date": ends.date().isoformat(),
            "city": event.venue[:50],
        },
    )
    return app.number


def _release_funding(actor, event: Event, reason: str) -> None:
    """Cancel the event's prior application in budget control when the person cancelling the event may (its
    applicant, or the head of its department, with nothing claimed yet); otherwise tell the applicant."""
    funding.cancel(
        actor=actor,
        number=event.application_ref,
        reason=_("活动取消：%(r)s") % {"r": reason},
        matter=event.title,
    )
