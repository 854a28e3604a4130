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


# --- delegation: who may receive whose approval rights ---------------------------------------------------------
# The level of a person's approval rights on the approval line: unit leadership (the director and the deputies,
# 单位领导班子) above department level (heads, and staff whose position names them a (deputy) head of
# department), above everyone else. Approval rights go to someone of the same level or above, never below (a
# department head may delegate to another head, a deputy head of department or a leader, not to a clerk); the
# finance review only to another finance reviewer; never to an incompatible post (admin, auditor, cashier).
LEADERSHIP, DEPARTMENT_LEVEL, NO_LEVEL = 2, 1, 0
DEPARTMENT_POSITIONS = ("部长", "负责人", "主任")
INCOMPATIBLE_DELEGATES = (Role.SYSADMIN, Role.AUDITOR, Role.CASHIER)


def approval_level(user) -> int:
    if user.has_role(Role.DIRECTOR, Role.DEPUTY):
        return LEADERSHIP
    if user.has_role(Role.DEPT_HEAD) or any(word in (user.position or "") for word in DEPARTMENT_POSITIONS):
        return DEPARTMENT_LEVEL
    return NO_LEVEL


def delegation_refusal(actor, delegate) -> str | None:
    """Why `delegate` cannot receive `actor`'s approval rights, or None. The form offers only those with None;
    the service refuses the others with this sentence."""
    if delegate.pk == actor.pk:
        return str(_("不能委托给自己。"))
    if delegate.has_role(*INCOMPATIBLE_DELEGATES):
        return str(_("不能委托给系统管理员、审计员或出纳（不相容岗位）。"))
    if actor.has_role(Role.FINANCE) and not delegate.has_role(Role.FINANCE):
        return str(_("财务审核权限只能委托给另一位财务审核人员。"))
    if approval_level(delegate) < approval_level(actor):
        return str(_("受托人的审批层级低于您（部门负责人只能委托给其他部门负责人或单位领导）。"))
    return None


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
