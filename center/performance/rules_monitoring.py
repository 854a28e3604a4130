"""Who may do what in the mid-year monitoring (双监控): the page policies and the object rules.

A report belongs to its department (the project's; for the unit's report, the finance officer's): its staff and
head read it and fill the statements (finance too, for the unit's report); the department head reviews it,
then finance, then the director submits it (each step by someone other than the one before). The director,
finance and the auditor read every report; a deputy reads those of the departments they oversee; the auditor
only reads. Finance opens a year's round and sets its period and deadline. An actor of None is the system.
"""

from django.utils.translation import gettext_lazy as _

from center.accounts.enums import Role
from center.core.enums import Scope
from center.core.permissions import staff
from center.core.rules import rule

from .monitoring_enums import EDITABLE_REPORT_STATES, ReportState

MONITORING_READERS = staff(
    "performance-monitoring-read",
    {
        Role.DIRECTOR: Scope.UNIT,
        Role.FINANCE: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.STAFF: Scope.DEPARTMENT,
    },
)
# Pages that post statements (the object rules below say which report).
MONITORING_FILLERS = staff(
    "performance-monitoring-fill",
    {Role.FINANCE: Scope.UNIT, Role.DEPT_HEAD: Scope.DEPARTMENT, Role.STAFF: Scope.DEPARTMENT},
)
# Pages that move a report on (review, return, submit).
MONITORING_DECIDERS = staff(
    "performance-monitoring-decide",
    {Role.FINANCE: Scope.UNIT, Role.DEPT_HEAD: Scope.DEPARTMENT, Role.DIRECTOR: Scope.UNIT},
)
ROUND_MANAGERS = staff("performance-monitoring-rounds", {Role.FINANCE: Scope.UNIT})


def _staff(actor) -> bool:
    return getattr(actor, "is_staff_account", False)


def _in_department(actor, report, *roles) -> bool:
    return _staff(actor) and actor.department_id == report.department_id and actor.has_role(*roles)


def visible_department_ids(user) -> set[int]:
    """The departments whose reports a department-scoped reader sees: their own (staff, heads) and those
    they oversee (heads, deputies)."""
    ids = set(user.scoped_department_ids)
    if user.department_id and user.has_role(Role.STAFF, Role.DEPT_HEAD):
        ids.add(user.department_id)
    return ids


@rule("performance.monitoring_manage", _("只有财务可以开启绩效运行监控或修改其期间和报送期限。"))
def may_manage(actor, _obj=None) -> bool:
    return actor is None or (_staff(actor) and actor.has_role(Role.FINANCE))


@rule(
    "performance.monitoring_fill",
    _("只有填报部门的经办人或部门负责人（单位整体监控表：财务）可以填写偏差说明。"),
)
def may_fill(actor, report=None) -> bool:
    if actor is None:
        return True
    if report is None:
        return False
    if report.project_id is None and _staff(actor) and actor.has_role(Role.FINANCE):
        return True
    return _in_department(actor, report, Role.STAFF, Role.DEPT_HEAD)


@rule("performance.monitoring_fill_now", _("监控表已提交审核或已报送，不能再修改。"))
def may_fill_now(actor, report=None) -> bool:
    return report is not None and report.state in EDITABLE_REPORT_STATES and may_fill(actor, report)


@rule("performance.monitoring_head_review", _("只有填报部门的负责人可以审核该监控表。"))
def may_head_review(actor, report=None) -> bool:
    if actor is None:
        return True
    return report is not None and _in_department(actor, report, Role.DEPT_HEAD)


@rule("performance.monitoring_finance_review", _("只有财务可以审核监控表，且审核人不能是部门审核人。"))
def may_finance_review(actor, report=None) -> bool:
    if actor is None:
        return True
    if not (_staff(actor) and actor.has_role(Role.FINANCE)):
        return False
    return report is None or report.head_reviewed_by_id != actor.pk


@rule("performance.monitoring_submit", _("只有单位负责人可以审定并报送监控表，且不能是此前的审核人。"))
def may_submit(actor, report=None) -> bool:
    if actor is None:
        return True
    if not (_staff(actor) and actor.has_role(Role.DIRECTOR)):
        return False
    return report is None or actor.pk not in (report.head_reviewed_by_id, report.finance_reviewed_by_id)


@rule("performance.monitoring_return", _("只有当前环节的审核人（财务或单位负责人）可以退回监控表。"))
def may_return(actor, report=None) -> bool:
    if report is None:
        return False
    if report.state == ReportState.HEAD_REVIEWED:
        return may_finance_review(actor, report)
    if report.state == ReportState.FINANCE_REVIEWED:
        return may_submit(actor, report)
    return False


# The rule each verb of the machine requires (services and pages alike).
VERB_RULES = {
    "head_review": may_head_review,
    "finance_review": may_finance_review,
    "submit": may_submit,
    "return": may_return,
}
