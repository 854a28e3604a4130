"""Expert committee activities (consultation conferences, academic exchanges, field surveys)."""

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, NotFoundError
from center.core.services import service
from center.events.models import Event

from ..models import (
    CommitteeActivity,
    Expert,
)


@service
def activity_create(
    *,
    actor,
    kind: str,
    title: str,
    date,
    location: str = "",
    summary: str = "",
    expert_ids=(),
    event_id: int | None = None,
) -> CommitteeActivity:
    """Record a committee activity, optionally tied to the event (会展 record) that carried it: the event's
    budget item and indicators then account for it too."""
    if not title.strip():
        raise ApplicationError(_("名称不能为空。"), {"field": "title"})
    event = None
    if event_id is not None:
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            raise NotFoundError(_("关联的活动不存在。"), {"field": "event"})
    act = CommitteeActivity.objects.create(
        kind=kind,
        title=title.strip(),
        date=date,
        location=location,
        summary=summary,
        event=event,
        created_by=actor,
    )
    act.experts.set(Expert.objects.filter(pk__in=expert_ids))
    audit_log(
        "experts.activity.created",
        actor=actor,
        target=act,
        extra={"experts": len(expert_ids), "event": event.pk if event else None},
    )
    return act
