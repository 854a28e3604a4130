"""The seed's 2022 budget loaded exactly: every printed figure reproduced, except the cells where the
seed contradicts itself (documented in docs/budget-seed-2022.md)."""

from decimal import Decimal

import pytest

from center.budget.checks import published_grids
from center.budget.enums import BudgetState
from center.budget.selectors import approved_lines, budget_data, budget_totals
from center.budget.tables import all_tables

pytestmark = pytest.mark.django_db

# (table, row, column) of printed cells that no yuan amounts can reproduce (C5: 表7's 206 project column
# is all project money, which 表5 prints as 762; C6: printed names differ from the national catalogue).
EXPECTED_DIFFERENCES = {
    ("表1", 0, 3),
    ("表1", 5, 2),
    ("表1", 5, 3),
    ("表1", 6, 2),
    ("表1", 6, 3),
    ("表6", 0, 3),
    ("表6", 5, 2),
    ("表6", 5, 3),
    ("表6", 6, 2),
    ("表6", 6, 3),
    ("表7", 1, 3),
    ("表7", 1, 5),
    ("表7", 6, 2),
    ("表7", 6, 3),
    ("表7", 6, 5),
    ("表7", 7, 2),
    ("表7", 7, 3),
    ("表7", 7, 5),
}


def test_demo_budget_is_approved_with_versions(budget):
    assert budget.state == BudgetState.APPROVED
    assert budget.approval_doc_no
    steps = list(budget.versions.values_list("step", flat=True))
    assert steps == ["edit", "import", "consolidate", "submit_first", "control", "submit_second", "approval"]


def test_totals_in_yuan(budget):
    t = budget_totals(budget)
    assert t["project"] == Decimal("7620000.00")
    assert t["basic"] == Decimal("13369000.00")  # prints 1,337 (lines print 1,338: C3)
    assert t["income"] == t["expenditure"]


def test_project_items_add_up(budget):
    data = budget_data(budget)
    p = next(p for p in data.projects if p.name == "科技创新与交流")
    items = [data.item_amount(i) / 10000 for i in data.items[p.pk]]
    assert items == [250, 50, 60, 80, 23, 72]
    assert data.project_amount(p) == Decimal("5350000.00")


def test_generated_tables_match_the_printed_ones(budget):
    data = budget_data(budget)
    printed, _notes = published_grids(budget.published.tables)
    differences = set()
    for t in all_tables(data):
        if t.number == "表11":
            continue
        gen = t.printed()
        pub = [[c.text for c in row] for row in printed[t.number]]
        assert len(gen) == len(pub), t.number
        for r, (a, b) in enumerate(zip(gen, pub, strict=True)):
            for c, (x, y) in enumerate(zip(a, b, strict=True)):
                if x.strip() != y.strip():
                    differences.add((t.number, r, c))
    assert differences == EXPECTED_DIFFERENCES


def test_table11_matches_except_the_unlabelled_cell(budget):
    t11 = next(t for t in all_tables(budget_data(budget)) if t.number == "表11")
    printed = [r for r in budget.published.tables["表11"][3:]]
    unlabelled = ["年度绩效指标", "产出", "数量", "", "3 场"]  # C11: not loaded as an indicator
    assert [r for r in printed if r != unlabelled] == t11.printed()


def test_empty_tables_carry_the_note(budget):
    tables = {t.number: t for t in all_tables(budget_data(budget))}
    for n in ("表9", "表10"):
        assert tables[n].empty and tables[n].notes == ["注：本表本年无发生额。"]
    assert "本套报表金额单位转换时可能存在尾数误差。" in tables["表1"].notes


def test_approved_lines_for_the_quota_ledger(budget):
    lines = approved_lines(budget)
    assert sum(ln.amount for ln in lines) == Decimal("20989000.00")
    keys = {ln.key for ln in lines}
    assert "2022|project|科技创新与交流|招才引智工作|2060899|30227|gpb.duty" in keys
    assert len(keys) == len(lines)
    assert all(
        ln.functional_code and len(ln.functional_code) == 7 and len(ln.economic_code) == 5 for ln in lines
    )


def test_approved_lines_refuse_a_draft(draft_budget):
    from center.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        approved_lines(draft_budget)


def test_demo_seed_is_idempotent(budget):
    import io

    from center.budget import demo
    from center.budget.models import Budget

    demo.seed(io.StringIO())
    assert Budget.objects.filter(fiscal_year__year=2022).count() == 1


def test_demo_2023_is_prepared_from_2022_and_carried_through_with_versions(org):
    import io
    from datetime import date

    from center.budget import demo
    from center.budget.models import Budget
    from center.budget.narrative import all_paragraphs, compose
    from center.budget.selectors import budget_data

    demo.seed(io.StringIO())
    b = Budget.objects.get(fiscal_year__year=2023)
    assert b.state == "approved" and b.approved_on == date(2023, 1, 18)
    steps = list(b.versions.order_by("number").values_list("step", flat=True))
    for step in ("import", "consolidate", "submit_first", "control", "submit_second", "approval"):
        assert step in steps
    # edits by the department before 一上 and by finance between 一下 and 二上 are versions of their own
    assert steps.index("edit", 2) < steps.index("consolidate")
    assert "edit" in steps[steps.index("control") : steps.index("submit_second")]
    assert steps.count("edit") >= 5
    data = budget_data(b)
    assert sum(data.income.values()) == data.total()
    assert {p.department.code for p in data.projects} == {"INN", "EXP", "GEN"}
    text = "\n".join(all_paragraphs(compose(data)))
    for bad in ("主要包括：。", "截至，", "：。"):
        assert bad not in text
