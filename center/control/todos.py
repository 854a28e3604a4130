from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.workbench import Todo, register_todo_provider

from .enums import DocState
from .models import Quota, Reimbursement, SpendingStandard
from .selectors import pending_tasks_for


@register_todo_provider
def control_todos(user) -> list[Todo]:
    if not user.is_staff_account:
        return []
    items = []
    pending = pending_tasks_for(user)
    if pending:
        items.append(Todo(_("待审批单据"), reverse("control:approvals"), "warning", len(pending)))
    if user.has_role("cashier"):
        to_pay = Reimbursement.objects.filter(state=DocState.APPROVED).count()
        if to_pay:
            items.append(
                Todo(
                    _("待支付报销单"), reverse("control:application_list") + "?state=approved", "info", to_pay
                )
            )
    if user.has_role("finance"):
        items += _standards_missing()
    return items


def _standards_missing() -> list[Todo]:
    """A year with quotas but no spending standards would check no application against any: say so (the
    usual cause is a new year whose standards were not copied over yet)."""
    year = Quota.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None or SpendingStandard.objects.filter(year=year).exists():
        return []
    return [
        Todo(
            _("%(y)d 年度尚未设置费用标准") % {"y": year},
            reverse("control:config") + f"?year={year}#standards",
            "danger",
        )
    ]
