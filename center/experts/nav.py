from django.urls import reverse
from django.utils.translation import gettext as _

from center.core.navigation import NavItem, register_nav

from . import rules


@register_nav
def experts_nav(user) -> list[NavItem]:
    if getattr(user, "is_external", False):
        if user.external_type == "expert":
            return [
                NavItem(_("专家服务"), reverse("experts:portal"), "person-badge", 20),
                NavItem(_("我的评审任务"), reverse("reviews:portal_home"), "clipboard-check", 21),
            ]
        return []
    scope = rules.READERS.scope_for(user)
    items = []
    if rules.sees_office_data(user, scope):
        items += [
            NavItem(_("专家库"), reverse("experts:expert_list"), "person-vcard", 30),
            NavItem(_("专家征集"), reverse("experts:call_list"), "megaphone", 31),
            NavItem(_("评审活动"), reverse("reviews:round_list"), "clipboard-data", 32),
            NavItem(_("专家委员会活动"), reverse("experts:activity_list"), "people", 33),
        ]
    return items
