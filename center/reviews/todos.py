from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.workbench import Todo, register_todo_provider

from . import rules
from .enums import FlagState, PickState
from .models import Assignment, DrawPick, Flag


@register_todo_provider
def review_todos(user) -> list[Todo]:
    items = []
    if getattr(user, "is_external", False):
        n = DrawPick.objects.filter(expert__user=user, state=PickState.INVITED).count()
        if n:
            items.append(Todo(_("评审邀请待答复"), reverse("reviews:portal_home"), "warning", n))
        pending = (
            Assignment.objects.filter(expert__user=user, group__round__state="scoring", sheets__state="draft")
            .distinct()
            .count()
        )
        if pending:
            items.append(Todo(_("评审任务待评分"), reverse("reviews:portal_home"), "info", pending))
        return items
    if rules.can_write(user):
        n = Flag.objects.filter(state=FlagState.OPEN).count()
        if n:
            items.append(Todo(_("评审异常预警待处理"), reverse("reviews:round_list"), "danger", n))
    return items
