"""Who may do what in the expert pool and reviews (专家服务部 runs them; director and auditor read all)."""

from center.accounts.enums import Role
from center.core.enums import Scope
from center.core.permissions import staff

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


def can_reveal(user) -> bool:
    """Full ID numbers and bank accounts: 专家服务部's head and finance only (always audited)."""
    if user.has_role(Role.FINANCE):
        return True
    return (
        user.has_role(Role.DEPT_HEAD)
        and user.department is not None
        and user.department.code == OFFICE_DEPARTMENT
    )


def can_write(user) -> bool:
    return in_office(user) and user.has_role(Role.DEPT_HEAD, Role.STAFF)


def can_approve(user) -> bool:
    return in_office(user) and user.has_role(Role.DEPT_HEAD, Role.DEPUTY)
