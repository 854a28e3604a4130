from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.core.workbench import Todo, register_todo_provider

from .enums import EventState, RegistrationState
from .models import Event


@register_todo_provider
def events_todos(user) -> list[Todo]:
    if not user.is_staff_account:
        return []
    items = []
    if user.has_role(Role.DIRECTOR, Role.DEPT_HEAD, Role.DEPUTY):
        qs = Event.objects.filter(state=EventState.SUBMITTED).exclude(owner=user)
        if not user.has_role(Role.DIRECTOR):
            qs = qs.filter(department_id__in=user.scoped_department_ids)
        n = qs.count()
        if n:
            items.append(
                Todo(_("待批准的活动"), reverse("events:manage_list") + "?state=submitted", "warning", n)
            )
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
