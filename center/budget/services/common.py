"""What every budget service shares: amount parsing, the editable-state check, the budget's lock (taken first
by every write to a budget or its content) and the rows re-read under it. (A year's catalogues in memory for
validation, `Catalogue`, is a read: selectors.py.)"""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from center.core.errors import ApplicationError, NotFoundError
from center.core.locks import lock_one

from ..enums import EDITABLE_STATES
from ..models import Budget, ExpenditureLine, FiscalYear, Project

MAX_AMOUNT = Decimal("99999999999999.99")


# --------------------------------------------------------------------------- validation helpers


def parse_amount(value, *, label: str = "金额") -> Decimal:
    """A yuan amount from user input: a number ≥ 0 with at most 2 decimals, else ApplicationError."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ApplicationError(_("%(label)s不能为空。") % {"label": label})
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("%(label)s“%(v)s”不是数字。") % {"label": label, "v": value}) from None
    if not amount.is_finite():
        raise ApplicationError(_("%(label)s“%(v)s”不是数字。") % {"label": label, "v": value})
    if amount < 0:
        raise ApplicationError(_("%(label)s不能为负数：%(v)s。") % {"label": label, "v": value})
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(_("%(label)s最多保留两位小数：%(v)s。") % {"label": label, "v": value})
    if amount > MAX_AMOUNT:
        raise ApplicationError(_("%(label)s超出范围：%(v)s。") % {"label": label, "v": value})
    return amount.quantize(Decimal("0.01"))


def require_editable(budget: Budget) -> None:
    if budget.state not in EDITABLE_STATES:
        raise ApplicationError(
            _("预算已锁定（%(s)s），不能修改；批复后的变动请走预算调整。")
            % {"s": budget.get_state_display()},
            {"state": budget.state},
        )


def _lock(budget: Budget) -> Budget:
    """Re-read the budget under a row lock: every write to a budget or its content (lines, projects, items,
    indicators, inputs) takes this lock first, so concurrent writes to one budget serialise."""
    locked = lock_one(Budget.objects.filter(pk=budget.pk).select_related("fiscal_year", "unit"))
    if locked is None:
        raise NotFoundError(_("预算不存在。"))
    return locked


def _lock_year(fiscal_year_id: int) -> FiscalYear:
    """Lock a year's catalogue (before any budget: FiscalYear ranks MASTER)."""
    locked = lock_one(FiscalYear.objects.filter(pk=fiscal_year_id))
    if locked is None:
        raise NotFoundError(_("目录不存在。"))
    return locked


def _line_of(budget: Budget, line_id: int) -> ExpenditureLine:
    """The line as it is now (read under the budget's lock)."""
    line = (
        ExpenditureLine.objects.filter(pk=line_id, budget=budget)
        .select_related("functional", "economic", "source", "project")
        .first()
    )
    if line is None:
        raise NotFoundError(_("预算行不存在。"))
    line.budget = budget
    if line.project is not None:
        line.project.budget = budget
    return line


def _project_of(budget: Budget, project_id: int) -> Project:
    """The project as it is now (read under the budget's lock)."""
    project = Project.objects.filter(pk=project_id, budget=budget).first()
    if project is None:
        raise NotFoundError(_("项目不存在。"))
    project.budget = budget
    return project
