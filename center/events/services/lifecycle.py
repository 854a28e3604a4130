"""The event itself: its types, planning and editing it, and its lifecycle (the `EVENT` machine: one
service per verb, `SERVICES_BY_VERB`)."""

import re

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.enums import AccountKind
from center.accounts.models import User
from center.core.audit import audit_log, diff, snapshot
from center.core.enums import Role
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.notifications import notifications_resolve, notify, task_key_of
from center.core.rules import require
from center.core.services import service

from ..enums import ACTIVE_REGISTRATION_STATES, EDITABLE_STATES, EVENT, EventState
from ..models import Event, EventType
from ..rules import can_approve, may_create, may_manage_types, may_organise, rule_for
from . import funding as money
from .base import _lock_event, _queue_email
from .registration import _promote_waitlist

EVENT_AUDITED_FIELDS = [
    "type_id",
    "title",
    "title_en",
    "summary",
    "department_id",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "capacity",
    "co_organisers",
    "requires_approval",
    "registration_closes_at",
    "budget_item_id",
    "planned_cost",
    "application_ref",
    "state",
]


EVENT_EDITABLE_FIELDS = {
    "type",
    "title",
    "title_en",
    "summary",
    "summary_en",
    "starts_at",
    "ends_at",
    "venue",
    "venue_en",
    "online_url",
    "capacity",
    "co_organisers",
    "requires_approval",
    "registration_closes_at",
    "checkin_opens_hours",
    "checkin_closes_hours",
    "budget_item",
    "planned_cost",
}


@service
def event_type_save(
    *, actor, code: str, name: str, name_en: str = "", is_roadshow=False, active=True, sort=0, pk=None
) -> EventType:
    require(may_manage_types, actor)
    code = (code or "").strip()
    if not re.fullmatch(r"[a-z0-9_-]{2,30}", code) or not name.strip():
        raise ApplicationError(
            _("代码须为 2–30 位小写字母、数字、下划线或连字符，名称不能为空。"), {"field": "code"}
        )
    if EventType.objects.filter(code=code).exclude(pk=pk).exists():
        raise ConflictError(_("代码“%(c)s”已被使用。") % {"c": code}, {"field": "code"})
    if pk:
        et = lock_one(EventType.objects.filter(pk=pk))
        if et is None:
            raise NotFoundError(_("活动类型不存在。"))
        before = snapshot(et, ["code", "name", "name_en", "is_roadshow", "active", "sort"])
    else:
        et, before = EventType(), {}
    et.code, et.name, et.name_en = code, name.strip(), name_en.strip()
    et.is_roadshow, et.active, et.sort = bool(is_roadshow), bool(active), int(sort or 0)
    et.save()
    audit_log(
        "events.event_type.saved",
        actor=actor,
        target=et,
        changes=diff(before, snapshot(et, ["code", "name", "name_en", "is_roadshow", "active", "sort"])),
    )
    return et


EVENT_REQUIRED_FIELDS = ("type", "title", "starts_at", "ends_at", "capacity")


CHECKIN_MAX_HOURS = 72


def _validate_event_fields(fields: dict, event: Event | None = None) -> None:
    starts = fields.get("starts_at", event.starts_at if event else None)
    ends = fields.get("ends_at", event.ends_at if event else None)
    if starts and ends and ends < starts:
        raise ApplicationError(_("结束时间不能早于开始时间。"), {"field": "ends_at"})
    cost = fields.get("planned_cost")
    if cost is not None and (cost < 0 or cost.as_tuple().exponent < -2):
        raise ApplicationError(_("计划经费须为非负金额，最多两位小数。"), {"field": "planned_cost"})
    capacity = fields.get("capacity")
    if capacity is not None:
        if capacity <= 0:
            raise ApplicationError(_("名额必须大于 0。"), {"field": "capacity"})
        if event is not None and capacity < event.confirmed_count:
            raise ApplicationError(
                _("名额不能少于已确认的 %(n)d 人。") % {"n": event.confirmed_count}, {"field": "capacity"}
            )
    for name in ("checkin_opens_hours", "checkin_closes_hours"):
        hours = fields.get(name)
        if hours is not None and not 0 <= hours <= CHECKIN_MAX_HOURS:
            raise ApplicationError(
                _("签到开放时间须在 0–%(n)d 小时之间。") % {"n": CHECKIN_MAX_HOURS}, {"field": name}
            )
    closes = fields.get("registration_closes_at")
    if closes and starts and closes > (ends or starts):
        raise ApplicationError(_("报名截止时间不能晚于活动结束时间。"), {"field": "registration_closes_at"})


def _linkable_indicators(indicators):
    """The indicators an event may count towards, as given (instances or ids), or a clear refusal: only an
    indicator whose declared source is events held or satisfaction (the performance area says which)."""
    if indicators is None:
        return None
    from center.budget.models import PerformanceIndicator
    from center.performance.faces import event_linkable_ids

    ids = []
    for i in indicators:
        pk = getattr(i, "pk", i)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise ApplicationError(_("绩效指标编号无效。"), {"field": "indicators"}) from None
    found = {i.pk: i for i in PerformanceIndicator.objects.filter(pk__in=ids)}
    linkable = event_linkable_ids(PerformanceIndicator.objects.filter(pk__in=ids))
    refused = [pk for pk in ids if pk not in linkable]
    if refused:
        names = "、".join(found[pk].name if pk in found else str(pk) for pk in refused)
        raise ApplicationError(
            _("活动只能计入数据来源为“活动举办场数”或“活动受众满意度”的绩效指标，不能计入：%(n)s。")
            % {"n": names},
            {"field": "indicators", "refused": refused},
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


@service
def event_create(*, actor, indicators=None, **fields) -> Event:
    """Plan an event in the actor's department (state: planned). Side effect: audit entry."""
    require(may_create, actor)
    unknown = set(fields) - EVENT_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    for name in EVENT_REQUIRED_FIELDS:
        value = fields.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ApplicationError(
                _("请填写“%(f)s”。") % {"f": Event._meta.get_field(name).verbose_name}, {"field": name}
            )
    _validate_event_fields(fields)
    indicators = _linkable_indicators(indicators)
    event = Event(department_id=actor.department_id, owner=actor, state=EventState.PLANNED, **fields)
    event.save()
    if indicators is not None:
        event.indicators.set(indicators)
    audit_log(
        "events.event.created",
        actor=actor,
        target=event,
        changes=diff({}, snapshot(event, EVENT_AUDITED_FIELDS))
        | {"indicators": [[], sorted(i.pk for i in indicators or [])]},
    )
    return event


@service
def event_update(*, actor, event_id: int, indicators=None, **fields) -> Event:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    if event.state not in EDITABLE_STATES:
        raise ApplicationError(_("活动已举办或已取消，不能再修改。"))
    unknown = set(fields) - EVENT_EDITABLE_FIELDS
    if unknown:
        raise ApplicationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if (
        event.state not in (EventState.PLANNED, EventState.SUBMITTED)
        and "planned_cost" in fields
        and fields["planned_cost"] != event.planned_cost
    ):
        raise ApplicationError(_("活动批准后计划经费不能直接修改，请走预算调整。"), {"field": "planned_cost"})
    _validate_event_fields(fields, event)
    indicators = _linkable_indicators(indicators)
    before = snapshot(event, EVENT_AUDITED_FIELDS)
    before_ind = sorted(event.indicators.values_list("pk", flat=True))
    for k, v in fields.items():
        setattr(event, k, v)
    event.save()
    changes = diff(before, snapshot(event, EVENT_AUDITED_FIELDS))
    if indicators is not None:
        event.indicators.set(indicators)
        after_ind = sorted(i.pk for i in indicators)
        if after_ind != before_ind:
            changes["indicators"] = [before_ind, after_ind]
    # More seats: people on the waiting list move up at once.
    promoted = _promote_waitlist(event)
    audit_log(
        "events.event.updated", actor=actor, target=event, changes=changes, extra={"promoted": promoted}
    )
    return event


def _transition(*, actor, event_id: int, verb: str, extra: dict | None = None, check=None) -> Event:
    """Lock the event, check the rule, the starting state (the `EVENT` machine) and `check`; move it."""
    event = _lock_event(event_id)
    require(rule_for(verb), actor, event)
    if not EVENT.allows(event, verb):
        raise ConflictError(
            _("活动当前状态为“%(s)s”，不能执行此操作。") % {"s": event.get_state_display()},
            {"state": event.state, "verb": verb},
        )
    if check:
        check(event)
    return EVENT.apply(event, verb, actor=actor, fields=["updated_at"], extra=extra or {})


def _approvers(event) -> list:
    """Who is asked to approve: the organiser department's head, else the deputy overseeing it, else the
    director; never the event's owner (`rules.can_approve` decides; this only picks whom to tell)."""
    staff = User.objects.filter(is_active=True, kind=AccountKind.STAFF).exclude(pk=event.owner_id)
    ladder = [
        staff.filter(roles__role=Role.DEPT_HEAD, department_id=event.department_id),
        staff.filter(overseen_departments=event.department_id),
        staff.filter(roles__role=Role.DIRECTOR),
    ]
    for rung in ladder:
        people = [u for u in rung.distinct().order_by("pk") if can_approve(u, event)]
        if people:
            return people
    return []


@service
def event_submit(*, actor, event_id: int) -> Event:
    """planned → submitted (待审批): the organiser asks for approval; the department head is notified."""
    event = _transition(actor=actor, event_id=event_id, verb="submit")
    notify(
        _approvers(event),
        title=lambda: _("活动待审批：%(t)s") % {"t": event.title},
        body=lambda: (
            _("%(who)s 提交了活动“%(t)s”（%(d)s）的审批，计划经费 %(c)s 元。")
            % {
                "who": actor.full_name or actor.username,
                "t": event.title,
                "d": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
                "c": f"{event.planned_cost:,.2f}",
            }
        ),
        link=reverse("events:detail", args=[event.pk]),
        task_key=task_key_of(event),
    )
    return event


@service
def event_approve(*, actor, event_id: int) -> Event:
    """submitted → approved. Side effects: the prior application for the planned cost (hook); the approvers'
    待审批 notifications are resolved."""
    event = _transition(actor=actor, event_id=event_id, verb="approve")
    notifications_resolve(task_key_of(event))
    ref = money.event_request_funding(actor=actor, event=event)
    event.approved_by, event.approved_at = actor, timezone.now()
    if ref:
        event.application_ref = ref
    event.save(update_fields=["approved_by", "approved_at", "application_ref", "updated_at"])
    return event


@service
def event_publish(*, actor, event_id: int) -> Event:
    return _transition(actor=actor, event_id=event_id, verb="publish")


@service
def event_open_registration(*, actor, event_id: int) -> Event:
    def check(event):
        if event.registration_closes_at and event.registration_closes_at <= timezone.now():
            raise ApplicationError(_("报名截止时间已过，请先修改截止时间。"))

    return _transition(actor=actor, event_id=event_id, verb="open_registration", check=check)


@service
def event_close_registration(*, actor, event_id: int) -> Event:
    return _transition(actor=actor, event_id=event_id, verb="close_registration")


@service
def event_mark_held(*, actor, event_id: int) -> Event:
    def check(event):
        if event.starts_at > timezone.now():
            raise ApplicationError(_("活动尚未开始，不能标记为已举办。"))

    event = _transition(actor=actor, event_id=event_id, verb="mark_held", check=check)
    event.held_at = timezone.now()
    event.save(update_fields=["held_at", "updated_at"])
    return event


@service
def event_report(*, actor, event_id: int) -> Event:
    def check(event):
        if not event.report_summary.strip():
            raise ApplicationError(_("请先填写活动总结。"))

    event = _transition(actor=actor, event_id=event_id, verb="report", check=check)
    event.reported_at = timezone.now()
    event.save(update_fields=["reported_at", "updated_at"])
    return event


@service
def event_close(*, actor, event_id: int) -> Event:
    return _transition(actor=actor, event_id=event_id, verb="close")


@service
def event_cancel(*, actor, event_id: int, reason: str = "") -> Event:
    """→ cancelled (any state before held). Side effects: the event's prior application is cancelled in budget
    control (its freeze released) unless money was already claimed or advanced against it; registrants are
    told by e-mail after commit."""
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ApplicationError(_("请填写取消原因。"), {"field": "reason"})
    event = _transition(actor=actor, event_id=event_id, verb="cancel", extra={"reason": reason})
    notifications_resolve(task_key_of(event))  # a submitted event's 待审批 notifications
    event.cancel_reason = reason
    event.save(update_fields=["cancel_reason", "updated_at"])
    money._release_funding(actor, event, reason)
    for pk in event.registrations.filter(state__in=sorted(ACTIVE_REGISTRATION_STATES)).values_list(
        "pk", flat=True
    ):
        _queue_email(pk, "event_cancelled")
    return event


SERVICES_BY_VERB = {
    "submit": event_submit,
    "approve": event_approve,
    "publish": event_publish,
    "open_registration": event_open_registration,
    "close_registration": event_close_registration,
    "mark_held": event_mark_held,
    "report": event_report,
    "close": event_close,
    "cancel": event_cancel,
}
