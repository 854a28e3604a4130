from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.workbench import Todo, register_todo_provider

from .models import Delegation


@register_todo_provider
def account_todos(user) -> list[Todo]:
    items = []
    if user.must_change_password:
        items.append(Todo(_("请修改临时密码"), reverse("accounts:password_change"), "danger"))
    if user.is_staff_account:
        for d in Delegation.objects.active_at().filter(delegate=user).select_related("delegator"):
            items.append(
                Todo(
                    _("您正代理 %(name)s 的审批权限（至 %(end)s）")
                    % {"name": d.delegator.full_name, "end": d.ends_at.strftime("%Y-%m-%d %H:%M")},
                    reverse("accounts:delegations"),
                    "warning",
                )
            )
    return items
