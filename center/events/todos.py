from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.accounts.models import User
from center.core.workbench import (
    DONE,
    FINISHED,
    STARTED,
    TODO,
    Todo,
    WorkItem,
    register_todo_provider,
    register_work_provider,
)

from .enums import EventState, RegistrationState
from .models import Event
from .rules import can_approve


@register_todo_provider
def events_todos(user) -> list[Todo]:
    if not user.is_staff_account:
        return []
    items = []  # the events waiting for the user's approval are rows of the 待办 tab (events_work)
    if user.department_id and user.has_role(Role.STAFF, Role.DEPT_HEAD):
        mine = Event.objects.filter(department_id=user.department_id)
        pending = (
            mine.filter(state__in=[EventState.REGISTRATION_OPEN, EventState.REGISTRATION_CLOSED])
            .annotate(n=Count("registrations", filter=Q(registrations__state=RegistrationState.PENDING)))
            .filter(n__gt=0)
        )
        for e in pending[:5]:
            items.append(
                Todo(
                    _("“%(t)s”有报名待审核") % {"t": e.title},
                    reverse("events:registrations", args=[e.pk]) + "?state=pending",
                    "info",
                    e.n,
                )
            )
        n = mine.filter(state=EventState.HELD).count()
        if n:
            items.append(
                Todo(_("已举办、待提交总结的活动"), reverse("events:manage_list") + "?state=held", "info", n)
            )
    return items


def events_awaiting_approval(user) -> list[Event]:
    """Events submitted for approval that `user` may approve (heads and deputies of the organiser department,
    the director)."""
    if not user.has_role(Role.DIRECTOR, Role.DEPT_HEAD, Role.DEPUTY):
        return []
    qs = Event.objects.filter(state=EventState.SUBMITTED).exclude(owner=user).select_related("owner")
    if not user.has_role(Role.DIRECTOR):
        qs = qs.filter(department_id__in=user.scoped_department_ids)
    return [e for e in qs.order_by("created_at", "id")[:500] if can_approve(user, e)]


_FINISHED = {EventState.CLOSED, EventState.CANCELLED}


def _event_item(event, *, when, step="", holder="", note="", approval=False) -> WorkItem:
    return WorkItem(
        title=event.display_title(get_language() or ""),
        link=reverse("events:detail", args=[event.pk]),
        when=when,
        kind=pgettext("kind of work", "活动"),
        step=step,
        holder=holder,
        note=note,
        area="events",
        approval=approval,
    )


def _approvers(events) -> dict[int, str]:
    """Department id → the names of its heads (who approve a planned event), for the events given."""
    depts = {e.department_id for e in events}
    heads: dict[int, list[str]] = {}
    for u in User.objects.filter(
        department_id__in=depts, roles__role=Role.DEPT_HEAD, is_active=True
    ).order_by("id"):
        heads.setdefault(u.department_id, []).append(u.full_name)
    return {d: _("、").join(names) for d, names in heads.items()}


def events_work_count(user, tab: str) -> int:
    """How many rows `events_work` answers for the tab, by COUNT queries (the workbench's tab counts)."""
    if not user.is_staff_account:
        return 0
    if tab == TODO:
        return len(events_awaiting_approval(user))
    if tab == DONE:
        return Event.objects.filter(approved_by=user).count()
    mine = Event.objects.filter(owner=user)
    if tab == FINISHED:
        return mine.filter(state__in=_FINISHED).count()
    if tab == STARTED:
        return mine.exclude(state__in=_FINISHED).count()
    return 0


@register_work_provider
def events_work(user, tab: str, limit: int | None = None) -> list[WorkItem]:
    """Events to approve (待办), approved (已办), organised by the user (我发起的 / 办结); with `limit`, at
    least the newest `limit` rows of the tab."""
    limit = 500 if limit is None else limit
    if not user.is_staff_account:
        return []
    if tab == TODO:
        return [
            _event_item(
                e,
                when=e.created_at,
                step=_("活动审批"),
                note=_("经办人：%(name)s") % {"name": e.owner.full_name},
                approval=True,
            )
            for e in events_awaiting_approval(user)
        ]
    if tab == DONE:
        return [
            _event_item(e, when=e.approved_at, step=_("活动审批 · 批准"))
            for e in Event.objects.filter(approved_by=user).order_by("-approved_at")[:limit]
        ]
    if tab == FINISHED:
        return [
            _event_item(e, when=e.updated_at, step=e.get_state_display())
            for e in Event.objects.filter(owner=user, state__in=_FINISHED).order_by("-id")[:limit]
        ]
    if tab != STARTED:
        return []
    mine = list(Event.objects.filter(owner=user).exclude(state__in=_FINISHED).order_by("-id")[:limit])
    heads = _approvers([e for e in mine if e.state == EventState.SUBMITTED])
    rows = []
    for e in mine:
        if e.state == EventState.SUBMITTED:
            step, holder = _("待批准"), heads.get(e.department_id) or _("单位负责人")
        elif e.state == EventState.PLANNED:
            step, holder = _("待提交审批"), user.full_name
        else:
            step, holder = e.get_state_display(), user.full_name
        rows.append(_event_item(e, when=e.created_at, step=step, holder=holder))
    return rows


events_work.count = events_work_count
