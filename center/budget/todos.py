"""Workbench to-dos of the budget cycle: who has to act next on which budget."""

from django.urls import reverse
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.core.workbench import Todo, register_todo_provider

from .enums import BudgetState, ProjectState
from .models import Budget, Project
from .selectors import publication_deadline


def publication_todo_title(budget, days_left: int) -> str:
    """The 20-day rule, as a sentence with the days left (or overdue)."""
    y = budget.fiscal_year.year
    if days_left >= 0:
        return _("%(y)s年部门预算已批复，须在批复后20日内公开：还剩 %(n)s 天") % {"y": y, "n": days_left}
    return _("%(y)s年部门预算已批复，超过20日公开期限 %(n)s 天，请尽快公开") % {"y": y, "n": -days_left}


@register_todo_provider
def budget_todos(user) -> list[Todo]:
    if not user.is_staff_account:
        return []
    items = []
    if user.has_role(Role.DIRECTOR):
        for b in Budget.objects.filter(
            state__in=[BudgetState.REVIEW, BudgetState.CONTROL_RECEIVED]
        ).select_related("fiscal_year"):
            items.append(
                Todo(
                    _("%(y)s年部门预算待您审定报送") % {"y": b.fiscal_year.year},
                    reverse("budget:overview", args=[b.pk]),
                    "warning",
                )
            )
    if user.has_role(Role.FINANCE):
        for b in Budget.objects.filter(
            state__in=[BudgetState.DRAFT, BudgetState.SUBMITTED_FIRST, BudgetState.SUBMITTED_SECOND]
        ).select_related("fiscal_year"):
            items.append(
                Todo(
                    _("%(y)s年部门预算：%(s)s") % {"y": b.fiscal_year.year, "s": b.get_state_display()},
                    reverse("budget:overview", args=[b.pk]),
                )
            )
    if user.has_role(Role.FINANCE):
        for b in Budget.objects.filter(state=BudgetState.APPROVED).select_related("fiscal_year"):
            due = publication_deadline(b)
            if due is not None:
                items.append(
                    Todo(
                        publication_todo_title(b, due[1]),
                        reverse("budget:overview", args=[b.pk]),
                        "danger" if due[1] < 0 else "warning",
                    )
                )
    if user.has_role(Role.DEPT_HEAD) and user.scoped_department_ids:
        drafts = Project.objects.filter(
            state=ProjectState.DRAFT,
            budget__state=BudgetState.DRAFT,
            department_id__in=user.scoped_department_ids,
        ).select_related("budget")
        for p in drafts:
            items.append(
                Todo(
                    _("项目“%(n)s”待编制提交") % {"n": p.name},
                    reverse("budget:project", args=[p.budget_id, p.pk]),
                )
            )
    return items
