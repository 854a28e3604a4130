from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.navigation import NavItem, register_nav

from .rules import BUDGET_READERS


@register_nav
def budget_nav(user) -> list[NavItem]:
    if not BUDGET_READERS.allows(user):
        return []
    return [NavItem(_("部门预算"), reverse("budget:list"), "cash-stack", 20)]
