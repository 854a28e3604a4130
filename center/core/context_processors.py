from django.urls import reverse
from django.utils.translation import gettext as _

from center.accounts.enums import Role


def _nav_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = [{"label": _("工作台"), "url": reverse("core:workbench"), "icon": "grid"}]
    if user.is_staff_account:
        if user.role_codes - {Role.SYSADMIN}:
            items.append({"label": _("附件"), "url": reverse("core:attachments"), "icon": "paperclip"})
        items.append({"label": _("审批委托"), "url": reverse("accounts:delegations"), "icon": "person-check"})
        if user.has_role(Role.AUDITOR, Role.DIRECTOR):
            items.append({"label": _("审计日志"), "url": reverse("core:audit_list"), "icon": "shield-check"})
        if user.has_role(Role.SYSADMIN):
            items.append({"label": _("账号管理"), "url": reverse("accounts:user_list"), "icon": "people"})
    items.append({"label": _("通知"), "url": reverse("core:notifications"), "icon": "bell"})
    return items


def shell(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "nav_items": _nav_for(user),
        "unread_count": user.notifications.filter(read_at__isnull=True).count()
        if user.is_authenticated
        else 0,
    }
