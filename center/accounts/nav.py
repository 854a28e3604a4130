from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.navigation import NavItem, register_nav

from .enums import Role


@register_nav
def accounts_nav(user) -> list[NavItem]:
    if not user.is_staff_account:
        return []
    items = [NavItem(_("审批委托"), reverse("accounts:delegations"), "person-check", 85)]
    if user.has_role(Role.SYSADMIN):
        items.append(NavItem(_("账号管理"), reverse("accounts:user_list"), "people", 91))
    return items
