"""Who may do what in the budget area: the page/API policies and the object rules.

One predicate answers the service (`require(rule, actor, obj)`), the template's button
(`{% allowed "budget.<rule>" obj as … %}`, center.core.templatetags.rules) and the API (which imports its
policies from here, never from views.py). Services check a budget's state first (a locked budget is refused
with "预算已锁定", a verb from the wrong state with a ConflictError), then the rule.

An actor of None is the system (the demo loader, management commands): it may do everything.
"""

from django.utils.translation import gettext_lazy as _

from center.accounts.enums import Role
from center.core.enums import Scope
from center.core.permissions import staff
from center.core.rules import rule

from .enums import BUDGET, EDITABLE_STATES, PROJECT, BudgetState, ExpenditureKind, ProjectState

# --------------------------------------------------------------------------- page and API policies

# Who reads budgets: every business role (the budget is the unit's); the system admin sees nothing.
BUDGET_READERS = staff(
    "budget-readers",
    {
        Role.DIRECTOR: Scope.UNIT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.FINANCE: Scope.UNIT,
        Role.CASHIER: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
        Role.STAFF: Scope.OWN,
    },
)
# Workflow steps: finance prepares and records, the director approves; the verb rules below say which does what.
BUDGET_ACTORS = staff("budget-actors", {Role.FINANCE: Scope.UNIT, Role.DIRECTOR: Scope.UNIT})
BUDGET_EDITORS = staff("budget-editors", {Role.FINANCE: Scope.UNIT})
CHECK_RUNNERS = staff(
    "budget-check", {Role.FINANCE: Scope.UNIT, Role.DIRECTOR: Scope.UNIT, Role.AUDITOR: Scope.UNIT}
)


# --------------------------------------------------------------------------- object rules


def _has(actor, *roles) -> bool:
    return actor is None or actor.has_role(*roles)


def _editable(budget) -> bool:
    return budget.state in EDITABLE_STATES


@rule("budget.manage", _("您无权执行此操作。"))
def can_manage_budgets(actor, obj=None) -> bool:
    """Create budgets and years' catalogues (finance)."""
    return _has(actor, Role.FINANCE)


@rule("budget.edit_catalogue", _("您无权执行此操作。"))
def can_edit_catalogue(actor, fiscal_year=None) -> bool:
    """Add or rename a code of a year's catalogue (finance; not once an approved budget uses the year)."""
    return _has(actor, Role.FINANCE) and not (fiscal_year is not None and fiscal_year.catalogue_locked)


@rule("budget.edit", _("您无权执行此操作。"))
def can_edit_budget(actor, budget) -> bool:
    """Edit the unit-level content of an editable budget: basic lines, income, procurement, disclosure
    inputs, unit targets (finance)."""
    return _editable(budget) and _has(actor, Role.FINANCE)


@rule("budget.import", _("您无权执行此操作。"))
def can_import(actor, budget) -> bool:
    """Replace the whole content of an editable budget (xlsx import, seed load): finance."""
    return can_edit_budget(actor, budget)


@rule("budget.create_project", _("您无权新建项目。"))
def can_create_project(actor, budget) -> bool:
    """Finance in any editable state; department heads and staff while the budget is being drafted."""
    if not _editable(budget):
        return False
    if _has(actor, Role.FINANCE):
        return True
    return actor.has_role(Role.DEPT_HEAD, Role.STAFF) and budget.state == BudgetState.DRAFT


@rule("budget.edit_project", _("您无权修改这一预算行。"))
def can_edit_project(actor, project) -> bool:
    """Draft a project's lines, items and targets: finance while the budget is editable; the project's
    department head or its owner while both the budget and the project are drafts."""
    budget = project.budget
    if not _editable(budget):
        return False
    if _has(actor, Role.FINANCE):
        return True
    return (
        budget.state == BudgetState.DRAFT
        and project.state == ProjectState.DRAFT
        and (
            (actor.has_role(Role.DEPT_HEAD) and project.department_id in actor.scoped_department_ids)
            or project.owner_id == actor.pk
        )
    )


@rule("budget.edit_line", _("您无权修改这一预算行。"))
def can_edit_line(actor, line) -> bool:
    """A project line follows its project; a basic line is finance's."""
    if line.kind == ExpenditureKind.PROJECT and line.project is not None:
        return can_edit_project(actor, line.project)
    return can_edit_budget(actor, line.budget)


@rule("budget.submit_project", _("只有本部门负责人可以提交项目。"))
def can_submit_project(actor, project) -> bool:
    """Hand a drafted project to finance: its department's head (or finance) while the budget is editable."""
    if not (_editable(project.budget) and PROJECT.allows(project, "submit")):
        return False
    return _has(actor, Role.FINANCE) or (
        actor.has_role(Role.DEPT_HEAD) and project.department_id in actor.scoped_department_ids
    )


@rule("budget.check", _("您无权执行此操作。"))
def can_run_check(actor, budget=None) -> bool:
    """Run and record the pre-publication check (finance, the director, the auditor)."""
    return _has(actor, Role.FINANCE, Role.DIRECTOR, Role.AUDITOR)


# The verbs of the 二上二下 machine: who performs each (finance prepares and records, the director approves;
# either publishes), and only from a state the machine allows.
VERB_ROLES = {
    "consolidate": (Role.FINANCE,),
    "return": (Role.FINANCE,),
    "submit_first": (Role.DIRECTOR,),
    "record_control": (Role.FINANCE,),
    "submit_second": (Role.DIRECTOR,),
    "record_approval": (Role.FINANCE,),
    "publish": (Role.FINANCE, Role.DIRECTOR),
}


def _verb_rule(verb: str):
    roles = VERB_ROLES[verb]

    def test(actor, budget) -> bool:
        return BUDGET.allows(budget, verb) and _has(actor, *roles)

    test.__name__ = f"can_{verb}"
    return rule(f"budget.{verb}", _("您无权执行此操作。"))(test)


VERB_RULES = {verb: _verb_rule(verb) for verb in BUDGET.verbs}
