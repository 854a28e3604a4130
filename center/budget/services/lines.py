"""Expenditure lines: add, change, delete (finance for basic lines, the project's department while drafting)."""

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError
from center.core.rules import require
from center.core.services import service

from ..enums import BASIC_CATEGORY_CLASS, BasicCategory, ExpenditureKind, VersionStep
from ..models import Budget, ExpenditureLine, Project, ProjectItem
from ..rules import can_edit_line
from ..selectors import Catalogue
from .common import _line_of, _lock, _project_of, parse_amount, require_editable
from .lifecycle import version_record

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
    expected_version=None,
) -> ExpenditureLine:
    """Add one expenditure line (finance for basic lines; the project's department for project lines)."""
    budget = _lock(budget)
    require_editable(budget)
    if project is not None and project.budget_id == budget.pk:
        project = _project_of(budget, project.pk)
    cat = Catalogue.of(budget.fiscal_year)
    line = _build_line(cat, budget, functional, economic, source, amount, basic_category, project, item, note)
    require(can_edit_line, actor, line)
    _check_version(actor, budget, expected_version, "add")
    line.save()
    audit_log(
        "budget.line.created",
        actor=actor,
        target=budget,
        extra={
            "line": line.pk,
            "functional": line.functional.code,
            "economic": line.economic.code,
            "source": line.source.code,
            "amount": str(line.amount),
        },
    )
    version_record(
        actor=actor, budget=budget, step=VersionStep.EDIT, note=_("新增预算行：%(l)s") % {"l": _label(line)}
    )
    return line


def _label(line: ExpenditureLine) -> str:
    who = line.project.name if line.project is not None else BasicCategory(line.basic_category).label
    return f"{who} {line.functional.code}/{line.economic.code} {line.source.name}"


def _check_version(actor, budget: Budget, expected, verb: str) -> None:
    """Optimistic check of a page's edit: the form carries the budget's version it was read at; when someone
    saved since, this edit is refused (audited) and the officer reloads and sees the other's change."""
    if expected in (None, ""):
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise ApplicationError(_("页面版本号无效，请刷新页面后重试。")) from None
    if expected != budget.version:
        raise ConflictError(
            _(
                "预算已被他人修改（您打开的是第%(a)s版，现为第%(b)s版），您的修改未保存。请刷新页面查看最新内容后重试。"
            )
            % {"a": expected, "b": budget.version},
            {"version": budget.version},
            audit={
                "action": "budget.line.refused",
                "actor": actor,
                "target": budget,
                "extra": {
                    "reason": "stale version",
                    "verb": verb,
                    "expected": expected,
                    "current": budget.version,
                },
            },
        )


@service
def line_update(
    *,
    actor,
    line: ExpenditureLine,
    amount=None,
    functional=None,
    economic=None,
    source=None,
    note=None,
    expected_version=None,
) -> ExpenditureLine:
    """Change a line (finance for basic lines; the project's department while drafting). `expected_version`:
    the budget's version the editing page was read at (refused with a ConflictError when it moved on). Every
    change is a new version of the budget."""
    budget = _lock(line.budget)
    require_editable(budget)
    line = _line_of(budget, line.pk)
    require(can_edit_line, actor, line)
    _check_version(actor, budget, expected_version, "update")
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
    if note is not None:
        line.note = note.strip()[:300]
    line.save()
    after = {
        "functional": line.functional.code,
        "economic": line.economic.code,
        "source": line.source.code,
        "amount": str(line.amount),
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit_log("budget.line.updated", actor=actor, target=budget, changes=changes, extra={"line": line.pk})
    if changes or note is not None:
        version_record(
            actor=actor,
            budget=budget,
            step=VersionStep.EDIT,
            note=_("修改预算行：%(l)s") % {"l": _label(line)},
        )
    return line


@service
def line_delete(*, actor, line: ExpenditureLine, expected_version=None) -> None:
    budget = _lock(line.budget)
    require_editable(budget)
    line = _line_of(budget, line.pk)
    require(can_edit_line, actor, line)
    _check_version(actor, budget, expected_version, "delete")
    audit_log(
        "budget.line.deleted",
        actor=actor,
        target=budget,
        extra={"line": line.pk, "amount": str(line.amount), "label": _label(line)},
    )
    label = _label(line)
    line.delete()
    version_record(
        actor=actor, budget=budget, step=VersionStep.EDIT, note=_("删除预算行：%(l)s") % {"l": label}
    )


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
