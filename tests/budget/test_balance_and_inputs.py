"""二上二下: income must equal expenditure at every submission; the check names missing disclosure inputs."""

from decimal import Decimal

import pytest

from center.budget import services
from center.budget.checks import run_checks
from center.budget.enums import BudgetState, Severity
from center.budget.models import (
    Budget,
    IncomeLine,
    Narrative,
    PerformanceIndicator,
    ProcurementBudget,
    Staffing,
)
from center.core.errors import ApplicationError
from center.core.models import AuditEntry
from center.core.services import flush_refusals

pytestmark = pytest.mark.django_db


def _unbalance(budget, by="100.00"):
    line = IncomeLine.objects.get(budget=budget, source__code="gpb.basic")
    line.amount += Decimal(by)
    line.save()


def _reviewed(draft_budget, org):
    return services.budget_consolidate(actor=org["finance"], budget=draft_budget)


def test_submit_first_refused_when_unbalanced(draft_budget, org):
    budget = _reviewed(draft_budget, org)
    _unbalance(budget)
    with pytest.raises(ApplicationError) as exc:
        services.budget_submit_first(actor=org["director"], budget=budget)
    assert "收支不平衡" in exc.value.message and "相差 100.00 元" in exc.value.message
    assert Budget.objects.get(pk=budget.pk).state == BudgetState.REVIEW
    flush_refusals()  # the end of the request: the test itself runs inside a transaction
    refused = AuditEntry.objects.get(action="budget.budget.submit_first_refused")
    assert refused.extra["reason"] == "unbalanced"


def test_submit_second_and_approval_refused_when_unbalanced(draft_budget, org):
    b = _reviewed(draft_budget, org)
    b = services.budget_submit_first(actor=org["director"], budget=b)
    b = services.budget_record_control(actor=org["finance"], budget=b, total="30000000")
    _unbalance(b, "-50.00")
    with pytest.raises(ApplicationError) as exc:
        services.budget_submit_second(actor=org["director"], budget=b)
    assert "相差 -50.00 元" in exc.value.message
    assert Budget.objects.get(pk=b.pk).state == BudgetState.CONTROL_RECEIVED
    _unbalance(b, "50.00")
    b = services.budget_submit_second(actor=org["director"], budget=Budget.objects.get(pk=b.pk))
    assert b.state == BudgetState.SUBMITTED_SECOND
    _unbalance(b, "1.00")  # (a direct change: the budget is locked for the services)
    with pytest.raises(ApplicationError):
        services.budget_record_approval(actor=org["finance"], budget=b, doc_no="深财预〔2023〕1号")
    assert Budget.objects.get(pk=b.pk).state == BudgetState.SUBMITTED_SECOND


def test_workflow_page_shows_the_balance_message(client_for, draft_budget, org):
    from django.urls import reverse

    budget = _reviewed(draft_budget, org)
    _unbalance(budget)
    r = client_for("director").post(
        reverse("budget:workflow", args=[budget.pk]), {"action": "submit_first"}, follow=True
    )
    assert "收支不平衡，不能报送" in r.content.decode()
    assert Budget.objects.get(pk=budget.pk).state == BudgetState.REVIEW


def _missing(budget):
    return {f.where: f for f in run_checks(budget).by_rule("missing_inputs")}


def test_missing_inputs(draft_budget):
    assert _missing(draft_budget) == {}
    Narrative.objects.filter(budget=draft_budget).update(responsibilities="", goals=[])
    Staffing.objects.filter(budget=draft_budget).update(
        admin_posts=0, admin_filled=0, institution_posts=0, institution_filled=0
    )
    project = draft_budget.projects.get(name="办公设备采购")
    PerformanceIndicator.objects.filter(project=project).delete()
    ProcurementBudget.objects.filter(budget=draft_budget).delete()
    found = _missing(draft_budget)
    assert found["第一部分 部门概况"].severity == Severity.ERROR
    assert found["第一部分 机构设置"].severity == Severity.WARNING
    assert found["项目“办公设备采购”绩效目标"].severity == Severity.ERROR
    assert found["第四部分 政府采购预算"].severity == Severity.WARNING
    assert len(found) == 4
