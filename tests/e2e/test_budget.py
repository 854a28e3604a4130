"""Browser journeys of the budget area: overview with charts → table → drill-down; the check; versions."""

import io

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_budget(org):
    from center.budget import demo
    from center.budget.models import Budget

    demo.seed(io.StringIO(), with_current=False)  # one budget on the list: the 2022 one
    return Budget.objects.get(fiscal_year__year=2022)


def test_overview_table_and_drill_down(page, demo_budget):
    login(page, "finance")
    page.click("#sidenav >> text=部门预算")
    page.click("text=打开")
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.budget-chart").count() == 4
    assert page.locator("#budget-state").inner_text() == "已公开"
    page.click("a.btn >> text=表7")
    row = page.locator("table[data-table='表7'] tr", has_text="2060599").first
    row.locator("td.num a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#drill-total").inner_text() == "175.00"
    assert page.locator("table tbody tr").count() == 7  # six items of 科技智库与交流 + 信息化系统运行维护


def test_publishing_asks_to_confirm_the_warnings_then_the_public_site_lists_it(page, demo_budget):
    from center.budget.enums import BudgetState
    from center.budget.models import Budget

    Budget.objects.filter(pk=demo_budget.pk).update(state=BudgetState.APPROVED, published_at=None)
    login(page, "finance")
    page.goto(page.base + f"/budget/{demo_budget.pk}/")
    page.click("button:has-text('校验并公开')")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/budget/{demo_budget.pk}/check/")
    assert page.locator("tr.finding-error").count() == 0
    assert page.locator("tr.finding-warning").count() == 11
    assert page.locator("text=人员支出1,144万元").count() >= 1
    page.check("#confirm-warnings")
    page.once("dialog", lambda d: d.accept())
    page.click("#publish-confirm button")
    page.wait_for_load_state("networkidle")
    assert page.locator("#budget-state").inner_text() == "已公开"
    page.goto(page.base + "/")
    page.click("#home-budget-link")
    page.wait_for_load_state("networkidle")
    assert page.locator("#public-budget-2022").count() == 1


def test_version_comparison(page, demo_budget):
    login(page, "auditor")
    page.goto(page.base + f"/budget/{demo_budget.pk}/versions/?a=1&b=2")
    assert page.locator("#version-diff tr.table-success").count() == demo_budget.lines.count()
