"""Every write to catalogues and budgets, by sub-domain. Each is a `@service` (one unit of work:
center.core.services) that locks the budget through `center.core.locks` before reading what it changes,
checks the starting state (`enums.BUDGET` / `enums.PROJECT` machines), requires its rule (`rules.py`) and
audits.

Side effects and invariants:
- amounts are Decimal yuan, ≥ 0, at most 2 decimals; codes must exist in the budget's year at the right level;
- a budget outside EDITABLE_STATES is locked: every content write raises ApplicationError("预算已锁定…");
- every workflow step writes an audit entry `budget.budget.<verb>` and an immutable BudgetVersion snapshot;
- `budget_load` validates the whole payload first and writes nothing when any part is bad (errors listed in
  `extra["errors"]` as {"where", "field", "message"}).

Modules: `catalogues` (copy a year, edit codes), `lifecycle` (create, versions, the 二上二下 verbs, check and
publication), `lines` (expenditure lines), `projects` (department drafting), `loading` (whole-budget and
catalogue loads, the xlsx import), `nextyear` (prepare next year from this one), `disclosure` (inputs, targets, income, procurement); shared helpers in
`common`. Reads are in `selectors.py`. The names below are the package's public face (imported elsewhere).
"""

from ..selectors import Catalogue
from .catalogues import catalogue_copy_year, catalogue_entry_save
from .common import MAX_AMOUNT, parse_amount, require_editable
from .disclosure import (
    DETAIL_AMOUNTS,
    DETAIL_MODELS,
    budget_details_save,
    income_set,
    indicator_add,
    indicator_delete,
    procurement_add,
    procurement_remove,
)
from .lifecycle import (
    BUDGET_SERVICES,
    budget_check,
    budget_consolidate,
    budget_create,
    budget_publish,
    budget_record_approval,
    budget_record_control,
    budget_return,
    budget_submit_first,
    budget_submit_second,
    check_record,
    version_record,
)
from .lines import line_add, line_delete, line_update
from .loading import budget_load, catalogue_load, import_workbook, parse_workbook
from .nextyear import budget_prepare_next
from .projects import PROJECT_SERVICES, project_create, project_item_create, project_submit

__all__ = [
    "BUDGET_SERVICES",
    "DETAIL_AMOUNTS",
    "DETAIL_MODELS",
    "MAX_AMOUNT",
    "PROJECT_SERVICES",
    "Catalogue",
    "budget_check",
    "budget_consolidate",
    "budget_create",
    "budget_details_save",
    "budget_load",
    "budget_prepare_next",
    "budget_publish",
    "budget_record_approval",
    "budget_record_control",
    "budget_return",
    "budget_submit_first",
    "budget_submit_second",
    "catalogue_copy_year",
    "catalogue_entry_save",
    "catalogue_load",
    "check_record",
    "import_workbook",
    "income_set",
    "indicator_add",
    "indicator_delete",
    "line_add",
    "line_delete",
    "line_update",
    "parse_amount",
    "parse_workbook",
    "procurement_add",
    "procurement_remove",
    "project_create",
    "project_item_create",
    "project_submit",
    "require_editable",
    "version_record",
]
