"""Expenditure lines: add, change, delete (finance for basic lines, the project's department while drafting)."""

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError
from center.core.rules import require
from center.core.services import service

from ..enums import BASIC_CATEGORY_CLASS, BasicCategory, ExpenditureKind
from ..models import Budget, ExpenditureLine, Project, ProjectItem
from ..rules import can_edit_line
from ..selectors import Catalogue
from .common import _line_of, _lock, _project_of, parse_amount, require_editable

# --------------------------------------------------------------------------- line edits


@service
def line_add(
    *,
    actor,
    budget: Budget,
    functional,
    economic,
    source,
    amount,
    basic_category: str = "",
    project: Project | None = None,
    item: ProjectItem | None = None,
    note: str = "",
) -> ExpenditureLine:
    """Add one expenditure line (finance for basic lines; the project's department for project lines)."""
    budget = _lock(budget)
    require_editable(budget)
    if project is not None and project.budget_id == budget.pk:
        project = _project_of(budget, project.pk)
    cat = Catalogue.of(budget.fiscal_year)
    line = _build_line(cat, budget, functional, economic, source, amount, basic_category, project, item, note)
    require(can_edit_line, actor, line)
    line.save()
    audit_log(
        "budget.line.created",
        actor=actor,
        target=budget,
        extra={
            "functional": line.functional.code,
            "economic": line.economic.code,
            "source": line.source.code,
            "amount": str(line.amount),
        },
    )
    return line


@service
def line_update(
    *, actor, line: ExpenditureLine, amount=None, functional=None, economic=None, source=None
) -> ExpenditureLine:
    budget = _lock(line.budget)
    require_editable(budget)
    line = _line_of(budget, line.pk)
    require(can_edit_line, actor, line)
    cat = Catalogue.of(budget.fiscal_year)
    before = {
        "functional": line.functional.code,
        "economic": line.economic.code,
        "source": line.source.code,
        "amount": str(line.amount),
    }
    if amount is not None:
        line.amount = parse_amount(amount)
    if functional is not None:
        line.functional = cat.functional_item(functional)
    if economic is not None:
        line.economic = cat.economic_item(economic)
        _check_category(line)
    if source is not None:
        line.source = cat.source_leaf(source)
    line.save()
    after = {
        "functional": line.functional.code,
        "economic": line.economic.code,
        "source": line.source.code,
        "amount": str(line.amount),
    }
    audit_log(
        "budget.line.updated",
        actor=actor,
        target=budget,
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
        extra={"line": line.pk},
    )
    return line


@service
def line_delete(*, actor, line: ExpenditureLine) -> None:
    budget = _lock(line.budget)
    require_editable(budget)
    line = _line_of(budget, line.pk)
    require(can_edit_line, actor, line)
    audit_log(
        "budget.line.deleted", actor=actor, target=budget, extra={"line": line.pk, "amount": str(line.amount)}
    )
    line.delete()


def _check_category(line: ExpenditureLine) -> None:
    if line.kind == ExpenditureKind.BASIC:
        cls = BASIC_CATEGORY_CLASS.get(line.basic_category)
        if cls and not line.economic.code.startswith(cls):
            raise ApplicationError(
                _("%(cat)s须使用经济分类 %(cls)s 类，“%(c)s”不属于该类。")
                % {"cat": BasicCategory(line.basic_category).label, "cls": cls, "c": line.economic.code},
                {"field": "economic"},
            )


def _build_line(cat, budget, functional, economic, source, amount, basic_category, project, item, note):
    if project is None and item is not None:
        project = item.project
    if project is not None:
        if project.budget_id != budget.pk or (item is not None and item.project_id != project.pk):
            raise ApplicationError(_("项目或明细不属于该预算。"), {"field": "project"})
        kind, basic_category = ExpenditureKind.PROJECT, ""
    else:
        if basic_category not in BasicCategory.values:
            raise ApplicationError(
                _("基本支出行须指定类别（人员经费/公用经费/对个人和家庭的补助）。"),
                {"field": "basic_category"},
            )
        kind = ExpenditureKind.BASIC
    line = ExpenditureLine(
        budget=budget,
        kind=kind,
        basic_category=basic_category,
        project=project,
        item=item,
        functional=cat.functional_item(functional),
        economic=cat.economic_item(economic),
        source=cat.source_leaf(source),
        amount=parse_amount(amount),
        note=(note or "")[:300],
    )
    _check_category(line)
    return line
