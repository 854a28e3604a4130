from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.workbench import Todo, register_todo_provider

from . import rules
from .enums import VettingState
from .models import Expert, ExpertApplication


@register_todo_provider
def expert_todos(user) -> list[Todo]:
    items = []
    if getattr(user, "is_external", False):
        expert = Expert.objects.filter(user=user).first()
        if expert is not None:
            from .services import profile_due

            if profile_due(expert):
                items.append(Todo(_("请确认您的专家信息（每年一次）"), reverse("experts:portal"), "warning"))
        return items
    if rules.can_write(user):
        n = ExpertApplication.objects.filter(
            state__in=[VettingState.SUBMITTED, VettingState.FIRST_PASSED]
        ).count()
        if n:
            items.append(Todo(_("专家入库申请待审核"), reverse("experts:call_list"), "info", n))
    return items
