"""Who may do what in the performance area: the page/API policies and the object rules.

Performance belongs to the unit: every business role reads all of it (like the budget). Writing follows the
budget's people: finance declares sources and scoring rules, keeps the unit-wide indicators and prepares the
unit's self-evaluation; a project's department (its staff and head) enters its values, registers its records
and prepares the project's self-evaluation; the head of the department (or finance, for unit-wide indicators)
accepts a record registered by someone else; the director approves or returns a self-evaluation, which is
then locked. The auditor and the deputies read only. An actor of None is the system (demo, commands).
"""

from django.utils.translation import gettext_lazy as _

from center.accounts.enums import Role
from center.core.enums import Scope
from center.core.permissions import staff
from center.core.rules import rule

from .enums import EDITABLE_EVALUATION_STATES, EvaluationState

# --------------------------------------------------------------------------- page and API policies

PERFORMANCE_READERS = staff(
    "performance-read",
    {
        Role.DIRECTOR: Scope.UNIT,
        Role.DEPUTY: Scope.UNIT,
        Role.DEPT_HEAD: Scope.UNIT,
        Role.FINANCE: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
        Role.STAFF: Scope.UNIT,
    },
)
# Pages that post values, records and bindings (the object rules below say which indicator).
PERFORMANCE_WRITERS = staff(
    "performance-write", {Role.FINANCE: Scope.UNIT, Role.DEPT_HEAD: Scope.UNIT, Role.STAFF: Scope.UNIT}
)
RULE_EDITORS = staff("performance-rules", {Role.FINANCE: Scope.UNIT})
EVALUATION_ACTORS = staff(
    "performance-evaluate",
    {Role.FINANCE: Scope.UNIT, Role.DEPT_HEAD: Scope.UNIT, Role.STAFF: Scope.UNIT, Role.DIRECTOR: Scope.UNIT},
)


# --------------------------------------------------------------------------- object rules


def _has(actor, *roles) -> bool:
    return actor is None or (getattr(actor, "is_staff_account", False) and actor.has_role(*roles))


def _of_department(actor, department_id, *roles) -> bool:
    return (
        actor is not None
        and department_id is not None
        and actor.department_id == department_id
        and actor.has_role(*roles)
    )


def _project_department(indicator):
    return indicator.project.department_id if indicator.project_id else None


@rule("performance.bind", _("只有财务或项目所属部门负责人可以设置指标的数据来源。"))
def may_bind(actor, indicator=None) -> bool:
    if _has(actor, Role.FINANCE):
        return True
    return indicator is not None and _of_department(actor, _project_department(indicator), Role.DEPT_HEAD)


@rule("performance.enter", _("只有项目所属部门的经办人、部门负责人或财务可以填报该指标。"))
def may_enter(actor, indicator=None) -> bool:
    if _has(actor, Role.FINANCE):
        return True
    return indicator is not None and _of_department(
        actor, _project_department(indicator), Role.STAFF, Role.DEPT_HEAD
    )


@rule("performance.accept", _("只有项目所属部门负责人（单位整体指标：财务）可以验收，且验收人不能是登记人。"))
def may_accept(actor, record=None) -> bool:
    if record is not None and actor is not None and record.created_by_id == actor.pk:
        return False
    indicator = record.binding.indicator if record is not None else None
    if indicator is not None and indicator.project_id is None:
        return _has(actor, Role.FINANCE)
    if actor is None:
        return True
    return indicator is not None and _of_department(actor, _project_department(indicator), Role.DEPT_HEAD)


@rule("performance.edit_rules", _("只有财务可以修改评分规则。"))
def may_edit_rules(actor, _obj=None) -> bool:
    return _has(actor, Role.FINANCE)


@rule("performance.prepare", _("只有项目所属部门或财务（单位整体自评：财务）可以编制绩效自评。"))
def may_prepare(actor, evaluation=None) -> bool:
    if _has(actor, Role.FINANCE):
        return True
    if evaluation is None or evaluation.project_id is None:
        return False
    return _of_department(actor, evaluation.project.department_id, Role.STAFF, Role.DEPT_HEAD)


@rule("performance.edit_evaluation", _("绩效自评已提交或已审定，不能修改。"))
def may_edit_evaluation(actor, evaluation=None) -> bool:
    return (
        evaluation is not None
        and evaluation.state in EDITABLE_EVALUATION_STATES
        and may_prepare(actor, evaluation)
    )


@rule("performance.approve", _("只有单位负责人可以审定绩效自评，且审定人不能是提交人。"))
def may_approve(actor, evaluation=None) -> bool:
    if actor is None:
        return True
    if not _has(actor, Role.DIRECTOR):
        return False
    return evaluation is None or evaluation.submitted_by_id != actor.pk


@rule("performance.decide", _("该绩效自评不在待审定状态。"))
def may_decide(actor, evaluation=None) -> bool:
    return (
        evaluation is not None
        and evaluation.state == EvaluationState.SUBMITTED
        and may_approve(actor, evaluation)
    )
