"""Who may do what with accounts: the page/API policies and the object predicates of this area.

Services call `require(rule, actor, obj)`; views, templates (`{% allowed "accounts.…" %}`) and the API ask the
same rules, and the API takes its policies from here, never from views.py.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from center.core.enums import Scope
from center.core.permissions import ANY_STAFF, staff
from center.core.rules import rule

from .enums import APPROVER_ROLES, Role

# --- page and API policies ---------------------------------------------------------------------------------
ACCOUNT_ADMIN = staff("account-admin", {Role.SYSADMIN: Scope.UNIT})
# Every staff member: their own profile, tokens and delegations; the list of departments.
OWN_ACCOUNT = ANY_STAFF
DEPARTMENT_READERS = ANY_STAFF


# --- object predicates -------------------------------------------------------------------------------------
@rule("accounts.manage", _("只有系统管理员可以管理账号。"))
def can_manage_accounts(actor, obj=None) -> bool:
    return actor.has_role(Role.SYSADMIN)


@rule("accounts.delegate", _("您没有可委托的审批权限。"))
def can_delegate(actor, obj=None) -> bool:
    """Only staff with approval rights have something to delegate."""
    return actor.has_role(*APPROVER_ROLES)


@rule("accounts.revoke_delegation", _("委托不存在。"), hide=True)
def can_revoke_delegation(actor, delegation) -> bool:
    return delegation.delegator_id == actor.pk


@rule("accounts.revoke_api_token", _("令牌不存在。"), hide=True)
def can_revoke_api_token(actor, token) -> bool:
    return token.user_id == actor.pk


def two_factor_required(user) -> bool:
    """Roles that must sign in with a second factor (finance, cashier, system admin) once it is enforced."""
    return settings.TWO_FACTOR_ENFORCED and user.has_role(*settings.TWO_FACTOR_REQUIRED_ROLES)


def signed_in_with_second_factor(user) -> bool:
    """The request's user passed the TOTP step in this session (django-otp marks the request's user)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


@rule(
    "accounts.issue_api_token",
    _("您的岗位须使用两步验证：请先以动态验证码登录，再在本页创建 API 令牌。"),
)
def can_issue_api_token(actor, obj=None) -> bool:
    """A token is a standing credential: for a role that must use a second factor (and for anyone who enrolled
    one) it may only be issued from a session whose login passed the TOTP step, or it would bypass it."""
    from django_otp import user_has_device

    if not (two_factor_required(actor) or user_has_device(actor, confirmed=True)):
        return True
    return signed_in_with_second_factor(actor)
