from django.urls import reverse
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.core.navigation import NavItem, register_nav

BUSINESS = {Role.STAFF, Role.DEPT_HEAD, Role.DEPUTY, Role.FINANCE, Role.DIRECTOR, Role.AUDITOR, Role.CASHIER}


@register_nav
def control_nav(user) -> list[NavItem]:
    if not user.is_staff_account:
        return []
    config = (
        [NavItem(_("控制设置"), reverse("control:config"), "sliders", 25)]
        if user.has_role(Role.FINANCE, Role.DIRECTOR, Role.AUDITOR)
        else []
    )
    if not user.role_codes & BUSINESS:
        return config
    items = [
        NavItem(_("申请与报销"), reverse("control:application_list"), "receipt", 20),
        NavItem(_("待我审批"), reverse("control:approvals"), "check2-circle", 21),
        NavItem(_("指标"), reverse("control:quota_list"), "wallet2", 22),
    ]
    if user.has_role(Role.DEPT_HEAD, Role.DEPUTY, Role.FINANCE, Role.DIRECTOR, Role.AUDITOR):
        items.append(NavItem(_("执行监控"), reverse("control:dashboard"), "graph-up", 23))
    if user.has_role(Role.FINANCE, Role.DIRECTOR, Role.AUDITOR):
        items.append(NavItem(_("指标调剂"), reverse("control:adjustment_list"), "arrow-left-right", 24))
    return items + config
