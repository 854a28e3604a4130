"""The event's report: summary, cost lines and photos."""

from django.utils.translation import gettext as _

from center.core.audit import audit_log, diff, snapshot
from center.core.errors import ApplicationError, NotFoundError
from center.core.files import attachment_create
from center.core.rules import require
from center.core.services import service

from ..enums import EventState
from ..models import Event, EventCostLine, EventPhoto
from ..rules import may_organise
from .base import MAX_TEXT, _lock_event, _money

REPORT_STATES = frozenset({EventState.HELD, EventState.REPORTED})


def _report_event(actor, event_id: int) -> Event:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    if event.state not in REPORT_STATES:
        raise ApplicationError(_("活动举办后、关闭前才能填写总结。"))
    return event


@service
def report_save(*, actor, event_id: int, summary: str, outcomes: str) -> Event:
    event = _report_event(actor, event_id)
    before = snapshot(event, ["report_summary", "report_outcomes"])
    event.report_summary = (summary or "").strip()[: MAX_TEXT * 5]
    event.report_outcomes = (outcomes or "").strip()[: MAX_TEXT * 5]
    event.save(update_fields=["report_summary", "report_outcomes", "updated_at"])
    audit_log(
        "events.report.saved",
        actor=actor,
        target=event,
        changes=diff(before, snapshot(event, ["report_summary", "report_outcomes"])),
    )
    return event


@service
def cost_line_add(*, actor, event_id: int, name: str, planned, actual, note: str = "") -> EventCostLine:
    event = _report_event(actor, event_id)
    name = (name or "").strip()[:100]
    if not name:
        raise ApplicationError(_("请填写费用项目。"), {"field": "name"})
    line = EventCostLine.objects.create(
        event=event,
        name=name,
        planned=_money(planned, "planned"),
        actual=_money(actual, "actual"),
        note=(note or "").strip()[:200],
    )
    audit_log(
        "events.cost_line.added",
        actor=actor,
        target=event,
        extra={"name": name, "planned": str(line.planned), "actual": str(line.actual)},
    )
    return line


@service
def cost_line_remove(*, actor, line_id: int) -> None:
    line = EventCostLine.objects.filter(pk=line_id).first()
    if line is None:
        raise NotFoundError(_("费用行不存在。"))
    event = _report_event(actor, line.event_id)
    audit_log("events.cost_line.removed", actor=actor, target=event, extra={"name": line.name})
    line.delete()


@service
def photo_add(*, actor, event_id: int, name: str, data: bytes, caption: str = "") -> EventPhoto:
    event = _report_event(actor, event_id)
    att = attachment_create(actor=actor, name=name, data=data, purpose="image")
    photo = EventPhoto.objects.create(event=event, attachment=att, caption=(caption or "").strip()[:200])
    audit_log("events.photo.added", actor=actor, target=event, extra={"attachment": att.pk})
    return photo
