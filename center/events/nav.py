from django.urls import reverse
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.core.navigation import NavItem, register_nav

READER_ROLES = (Role.STAFF, Role.DEPT_HEAD, Role.DEPUTY, Role.DIRECTOR, Role.AUDITOR)


@register_nav
def events_nav(user) -> list[NavItem]:
    if not user.is_staff_account or not user.has_role(*READER_ROLES):
        return []
    return [
        NavItem(_("活动管理"), reverse("events:manage_list"), "calendar-event", 40),
        NavItem(_("活动日历"), reverse("events:manage_calendar"), "calendar3", 41),
        NavItem(_("活动绩效看板"), reverse("events:dashboard"), "bar-chart", 42),
    ]
