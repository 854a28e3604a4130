"""Projects drafted by the departments: create, add an item, submit (the `enums.PROJECT` machine)."""

from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError
from center.core.rules import require
from center.core.services import service

from ..enums import PROJECT, ProjectState
from ..models import Budget, Project, ProjectItem
from ..rules import can_create_project, can_edit_project, can_submit_project
from .common import _lock, _project_of, require_editable

# --------------------------------------------------------------------------- projects (department drafting)


@service
def project_create(
    *, actor, budget: Budget, name: str, department=None, purpose: str = "", **fields
) -> Project:
    budget = _lock(budget)
    require_editable(budget)
    require(can_create_project, actor, budget)
    if actor is not None and not actor.has_role(Role.FINANCE):
        department = actor.department
    fields.setdefault("state", ProjectState.DRAFT)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("项目名称不能为空。"), {"field": "name"})
    if budget.projects.filter(name=name).exists():
        raise ConflictError(_("项目“%(n)s”已存在。") % {"n": name}, {"field": "name"})
    project = Project.objects.create(
        budget=budget,
        name=name,
        department=department,
        purpose=purpose,
        owner=actor if getattr(actor, "pk", None) else None,
        sort=budget.projects.count() + 1,
        **fields,
    )
    audit_log("budget.project.created", actor=actor, target=project)
    return project


@service
def project_item_create(*, actor, project: Project, name: str, purpose: str = "") -> ProjectItem:
    budget = _lock(project.budget)
    require_editable(budget)
    project = _project_of(budget, project.pk)
    require(can_edit_project, actor, project)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("明细名称不能为空。"), {"field": "name"})
    item = ProjectItem.objects.create(
        project=project, name=name, purpose=purpose, sort=project.items.count() + 1
    )
    audit_log("budget.item.created", actor=actor, target=project, extra={"item": name})
    return item


@service
def project_submit(*, actor, project: Project) -> Project:
    """The department hands its project to finance."""
    budget = _lock(project.budget)
    require_editable(budget)
    project = _project_of(budget, project.pk)
    PROJECT.check(project, "submit")
    require(can_submit_project, actor, project)
    if not project.lines.exists():
        raise ApplicationError(_("项目“%(n)s”没有预算行。") % {"n": project.name})
    PROJECT.apply(project, "submit", actor=actor)
    return project


PROJECT_SERVICES = {"submit": project_submit}
