"""Who may do what in the expert pool and reviews (专家服务部 runs them; director and auditor read all).

Page/API policies (the API imports them from here) and object rules (`@rule`): services `require(...)` them,
views and templates ask the same rule (`{% allowed "experts.write" %}` or the rule passed in the context).
"""

from django.utils.translation import gettext_lazy as _

from center.accounts.enums import Role
from center.core.enums import Scope
from center.core.permissions import staff
from center.core.rules import rule

OFFICE_DEPARTMENT = "EXP"  # 专家服务部

# Page policies (roles); `in_office` then narrows department-scoped roles to 专家服务部 and its deputy.
READERS = staff(
    "experts-readers",
    {
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.STAFF: Scope.DEPARTMENT,
        Role.DIRECTOR: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
    },
)
WRITERS = staff("experts-writers", {Role.DEPT_HEAD: Scope.DEPARTMENT, Role.STAFF: Scope.DEPARTMENT})
APPROVERS = staff("experts-approvers", {Role.DEPT_HEAD: Scope.DEPARTMENT, Role.DEPUTY: Scope.DEPARTMENT})
FEE_READERS = staff(
    "review-fee-readers",
    {
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.STAFF: Scope.DEPARTMENT,
        Role.DIRECTOR: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
        Role.FINANCE: Scope.UNIT,
    },
)
REVEALERS = staff("experts-revealers", {Role.DEPT_HEAD: Scope.DEPARTMENT, Role.FINANCE: Scope.UNIT})


def in_office(user) -> bool:
    """A member of 专家服务部, or the deputy who oversees it."""
    if not getattr(user, "is_staff_account", False):
        return False
    dept = user.department
    if dept is not None and dept.code == OFFICE_DEPARTMENT:
        return True
    return user.overseen_departments.filter(code=OFFICE_DEPARTMENT).exists()


def sees_office_data(user, scope) -> bool:
    """Reading the pool and reviews: unit-wide readers, or department-scoped readers in the office."""
    if scope == Scope.UNIT:
        return True
    return scope is not None and in_office(user)


@rule("experts.reveal", _("您没有查看完整证件号码或银行账号的权限。"))
def can_reveal(user, _obj=None) -> bool:
    """Full ID numbers and bank accounts: 专家服务部's head and finance only (always audited)."""
    if user.has_role(Role.FINANCE):
        return True
    return (
        user.has_role(Role.DEPT_HEAD)
        and user.department is not None
        and user.department.code == OFFICE_DEPARTMENT
    )


@rule("experts.write", _("只有专家服务部的经办人或部门负责人可以操作。"))
def can_write(user, _obj=None) -> bool:
    return in_office(user) and user.has_role(Role.DEPT_HEAD, Role.STAFF)


@rule("experts.approve", _("只有专家服务部负责人或分管领导可以确认。"))
def can_approve(user, _obj=None) -> bool:
    return in_office(user) and user.has_role(Role.DEPT_HEAD, Role.DEPUTY)


@rule("experts.apply", _("只有专家账号可以申请入库。"))
def can_apply(user, _obj=None) -> bool:
    return bool(getattr(user, "is_external", False) and user.external_type == "expert")


@rule("experts.review_application", _("初审与复审须由不同人员完成。"))
def can_review_application(user, app) -> bool:
    """The second vetting step is someone other than the first checker."""
    return app.first_by_id != user.pk


@rule("experts.edit_profile", _("专家不存在。"), hide=True)
def can_edit_profile(user, expert) -> bool:
    """Office staff edit any profile; an expert only their own (another's looks missing)."""
    if getattr(user, "is_external", False):
        return expert.user_id == user.pk
    return True
