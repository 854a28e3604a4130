"""Budget API: budgets, every disclosure table as JSON, the check, approved lines (for the quota ledger)."""

from typing import Any

from ninja import Router, Schema

from center.budget import services
from center.budget.checks import run_checks
from center.budget.exports import table_json
from center.budget.rules import BUDGET_ACTORS, BUDGET_READERS
from center.budget.selectors import approved_lines, budget_data, budget_get_for, budget_list_for
from center.budget.tables import all_tables
from center.core.permissions import api_access

router = Router(tags=["budget"])


class BudgetOut(Schema):
    id: int
    unit: str
    year: int
    state: str
    version: int
    approval_doc_no: str


def _budget_out(b) -> dict:
    return {
        "id": b.pk,
        "unit": b.unit.name,
        "year": b.fiscal_year.year,
        "state": b.state,
        "version": b.version,
        "approval_doc_no": b.approval_doc_no,
    }


@router.get("/", response=list[BudgetOut])
@api_access(BUDGET_READERS)
def budgets(request):
    return [_budget_out(b) for b in budget_list_for(request.user, request.access_scope)[:500]]


_table_json = table_json  # one serialisation for the API and the public JSON download (exports.py)


class TablesOut(Schema):
    budget: BudgetOut
    tables: list[dict[str, Any]]  # each as /{budget_id}/tables/{number} answers it


class CheckOut(Schema):
    errors: int
    warnings: int
    findings: list[dict[str, Any]]


@router.get("/{budget_id}/tables", response=TablesOut)
@api_access(BUDGET_READERS)
def tables(request, budget_id: int):
    budget = budget_get_for(request.user, request.access_scope, budget_id)
    return {
        "budget": _budget_out(budget),
        "tables": [_table_json(t) for t in all_tables(budget_data(budget))],
    }


@router.get("/{budget_id}/tables/{number}", response=dict[str, Any])
@api_access(BUDGET_READERS)
def table(request, budget_id: int, number: int):
    budget = budget_get_for(request.user, request.access_scope, budget_id)
    found = [t for t in all_tables(budget_data(budget)) if t.number == f"表{number}"]
    if not found:
        from center.core.errors import NotFoundError

        raise NotFoundError("没有这张表。")
    return _table_json(found[0])


@router.get("/{budget_id}/check", response=CheckOut)
@api_access(BUDGET_READERS)
def check(request, budget_id: int):
    budget = budget_get_for(request.user, request.access_scope, budget_id)
    result = run_checks(budget)
    return {
        "errors": len(result.errors),
        "warnings": len(result.warnings),
        "findings": [f.as_dict() for f in result.findings],
    }


@router.get("/{budget_id}/approved-lines", response=list[dict[str, Any]])
@api_access(BUDGET_READERS)
def lines(request, budget_id: int):
    budget = budget_get_for(request.user, request.access_scope, budget_id)
    return [
        {**{k: v for k, v in line.__dict__.items() if k != "amount"}, "amount": str(line.amount)}
        for line in approved_lines(budget)
    ]


class ApprovalIn(Schema):
    doc_no: str


@router.post("/{budget_id}/publish", response=BudgetOut)
@api_access(BUDGET_ACTORS)
def publish(request, budget_id: int, confirm_warnings: bool = False):
    """`?confirm_warnings=true` publishes despite warnings (recorded in the audit entry); errors refuse."""
    budget = budget_get_for(request.user, request.access_scope, budget_id)
    return _budget_out(
        services.budget_publish(actor=request.user, budget=budget, confirm_warnings=confirm_warnings)
    )
