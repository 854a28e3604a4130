"""收入预算 and 政府采购预算 edited on the details page: finance only, all or nothing, audited, and the
pre-publication check sees the result."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from center.budget import services
from center.budget.checks import run_checks
from center.budget.models import IncomeLine, ProcurementBudget
from center.core.errors import ApplicationError, ForbiddenError, NotFoundError
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _income(budget) -> dict[str, Decimal]:
    return {
        ln.source.code: ln.amount for ln in IncomeLine.objects.filter(budget=budget).select_related("source")
    }


def test_income_is_set_all_or_nothing_and_audited(draft_budget, org):
    before = _income(draft_budget)
    code = next(iter(before))
    with pytest.raises(ApplicationError):  # the second value is bad: the first is not stored either
        services.income_set(actor=org["finance"], budget=draft_budget, amounts={code: "1.00", "gpb": "5"})
    with pytest.raises(ApplicationError, match="不是数字"):
        services.income_set(actor=org["finance"], budget=draft_budget, amounts={code: "abc"})
    with pytest.raises(ApplicationError, match="负数"):
        services.income_set(actor=org["finance"], budget=draft_budget, amounts={code: "-1"})
    with pytest.raises(ApplicationError, match="不在目录中"):
        services.income_set(actor=org["finance"], budget=draft_budget, amounts={"nope": "1"})
    with pytest.raises(ForbiddenError):
        services.income_set(actor=org["head_exp"], budget=draft_budget, amounts={code: "1.00"})
    assert _income(draft_budget) == before
    result = services.income_set(
        actor=org["finance"], budget=draft_budget, amounts={code: str(before[code] + 100)}
    )
    assert result[code] == before[code] + 100
    entry = AuditEntry.objects.get(action="budget.income.updated")
    assert entry.changes[code] == [str(before[code]), str(before[code] + 100)]
    # income no longer equals expenditure: the check says so
    assert run_checks(draft_budget).by_rule("income_expenditure")
    services.income_set(actor=org["finance"], budget=draft_budget, amounts={code: "0"})
    assert code not in _income(draft_budget)


def test_income_of_a_locked_budget_is_refused(budget, org):
    code = next(iter(_income(budget)))
    with pytest.raises(ApplicationError, match="已锁定"):
        services.income_set(actor=org["finance"], budget=budget, amounts={code: "1.00"})


def test_procurement_lines_added_and_removed_from_the_page(draft_budget, org):
    c = Client()
    c.force_login(org["finance"])
    url = reverse("budget:details", args=[draft_budget.pk])
    page = c.get(url)
    assert page.status_code == 200 and "政府采购预算" in page.content.decode()
    count = ProcurementBudget.objects.filter(budget=draft_budget).count()
    project = draft_budget.projects.get(name="科技智库与交流")
    kind = draft_budget.fiscal_year.procurement_kinds.first()
    bad = c.post(
        url,
        {
            "section": "procurement",
            "kind": kind.code,
            "project": project.pk,
            "amount": "100",
            "sme_amount": "200",
        },
    )
    assert bad.status_code == 200 and "份额不能超过采购金额" in bad.content.decode()
    assert ProcurementBudget.objects.filter(budget=draft_budget).count() == count
    form = {
        "section": "procurement",
        "kind": kind.code,
        "project": project.pk,
        "description": "会务服务",
        "amount": "50000",
        "sme_amount": "30000",
        "idempotency_key": "procurement-0001",
    }
    ok = c.post(url, form)
    assert ok.status_code == 302
    assert c.post(url, form).status_code == 302  # the same form sent again: still one line
    added = ProcurementBudget.objects.get(budget=draft_budget, description="会务服务")
    assert (added.project, added.amount, added.sme_amount) == (
        project,
        Decimal("50000.00"),
        Decimal("30000.00"),
    )
    c.post(url, {"section": "procurement_remove", "procurement": "abc"})  # forged id: nothing removed
    assert ProcurementBudget.objects.filter(pk=added.pk).exists()
    c.post(url, {"section": "procurement_remove", "procurement": str(added.pk)})
    assert not ProcurementBudget.objects.filter(pk=added.pk).exists()
    assert AuditEntry.objects.filter(action="budget.procurement.deleted").count() == 1
    with pytest.raises(NotFoundError):
        services.procurement_remove(actor=org["finance"], budget=draft_budget, procurement_id=added.pk)
