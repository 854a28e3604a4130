from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.enums import Role

from .navigation import NavItem, register_nav


@register_nav
def core_nav(user) -> list[NavItem]:
    items = [NavItem(_("工作台"), reverse("core:workbench"), "grid", 0)]
    if user.is_staff_account and user.role_codes - {Role.SYSADMIN}:
        items.append(NavItem(_("附件"), reverse("core:attachments"), "paperclip", 80))
    if user.has_role(Role.AUDITOR, Role.DIRECTOR):
        items.append(NavItem(_("审计日志"), reverse("core:audit_list"), "shield-check", 90))
    items.append(NavItem(_("通知"), reverse("core:notifications"), "bell", 95))
    return items
