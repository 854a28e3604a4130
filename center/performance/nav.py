from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.navigation import NavItem, register_nav

from .rules import PERFORMANCE_READERS


@register_nav
def performance_nav(user) -> list[NavItem]:
    if not PERFORMANCE_READERS.allows(user):
        return []
    return [NavItem(_("预算绩效"), reverse("performance:home"), "bullseye", 26)]
