from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.navigation import NavItem, register_nav

from .rules import READERS


@register_nav
def assessment_nav(user) -> list[NavItem]:
    if not READERS.allows(user):
        return []
    return [NavItem(_("内部控制评价"), reverse("assessment:list"), "clipboard-check", 26)]
