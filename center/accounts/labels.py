"""Words for the accounts area's audit codes (center/core/labels.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.labels import register

register(
    entities={
        "accounts.user": pgettext_lazy("audit entity", "账号"),
        "accounts.unit": pgettext_lazy("audit entity", "单位"),
        "accounts.department": pgettext_lazy("audit entity", "部门"),
        "accounts.delegation": pgettext_lazy("audit entity", "审批委托"),
        "accounts.api_token": pgettext_lazy("audit entity", "接口令牌"),
        "accounts.password": pgettext_lazy("audit entity", "密码"),
    },
    actions={
        "accounts.user.activated": _("启用账号"),
        "accounts.user.deactivated": _("停用账号"),
        "accounts.user.password_reset": _("重置密码"),
        "accounts.user.roles_changed": _("变更角色"),
        "accounts.department.deputy_changed": _("变更分管领导"),
        "accounts.password.changed": _("修改密码"),
        "accounts.password.change_failed": _("修改密码失败"),
        "accounts.api_token.refused": _("接口令牌被拒绝"),
        "accounts.signup.repeated": _("已注册邮箱再次申请注册"),
        "accounts.user.activated_by_link": _("通过链接开通账号"),
        "accounts.user.email_verified": _("邮箱验证通过"),
        "accounts.user.signed_up": _("专家自助注册"),
        "accounts.user.unlocked": _("解除账号锁定"),
    },
    fields={
        "full_name": pgettext_lazy("audit field", "姓名"),
        "deputy": pgettext_lazy("audit field", "分管领导"),
        "revoked_at": pgettext_lazy("audit field", "撤销时间"),
    },
)
