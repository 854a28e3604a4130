"""The seed's 2022 budget loaded exactly: every printed figure and name of 表1–表11 reproduced (the yuan
amounts chosen for this are documented in docs/budget-seed-2022.md)."""

from decimal import Decimal

import pytest

from center.budget.checks import published_grids
from center.budget.enums import BudgetState
from center.budget.selectors import approved_lines, budget_data, budget_totals
from center.budget.tables import all_tables

pytestmark = pytest.mark.django_db


def test_demo_budget_is_approved_and_published_with_versions(budget):
    from center.core.models import AuditEntry

    assert budget.state == BudgetState.PUBLISHED and budget.published_at
    assert budget.approval_doc_no
    steps = list(budget.versions.values_list("step", flat=True))
    assert steps == [
        "edit",
        "import",
        "consolidate",
        "submit_first",
        "control",
        "submit_second",
        "approval",
        "publish",
    ]
    # published after finance confirmed the check's warnings (the seed's own contradictions)
    assert "11" in AuditEntry.objects.get(action="budget.budget.publish").extra["note"]


def test_totals_in_yuan(budget):
    t = budget_totals(budget)
    assert t["project"] == Decimal("7618000.00")  # prints 762; 206's share 7,614,000 prints 761 (C5)
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
        gen = t.printed()
        pub = [[c.text for c in row] for row in printed[t.number]]
        assert len(gen) == len(pub), t.number
        for r, (a, b) in enumerate(zip(gen, pub, strict=True)):
            for c, (x, y) in enumerate(zip(a, b, strict=True)):
                if x.strip() != y.strip():
                    differences.add((t.number, r, c))
    assert differences == set()


def test_table11_keeps_both_printed_target_values(budget):
    t11 = next(t for t in all_tables(budget_data(budget)) if t.number == "表11")
    assert budget.published.tables["表11"][3:] == t11.printed()
    rows = t11.printed()
    i = rows.index(["年度绩效指标", "产出", "数量", "举办招才引智主题活动", "1 场"])
    assert rows[i + 1] == ["年度绩效指标", "产出", "数量", "", "3 场"]


def test_catalogue_loaded_as_printed(budget):
    data = budget_data(budget)
    assert data.functional_names["20609"] == "其他科学技术支出"
    assert data.functional_names["2060999"] == "其他科学技术支出"


def test_empty_tables_carry_the_note(budget):
    tables = {t.number: t for t in all_tables(budget_data(budget))}
    for n in ("表9", "表10"):
        assert tables[n].empty and tables[n].notes == ["注：本表本年无发生额。"]
    assert "本套报表金额单位转换时可能存在尾数误差。" in tables["表1"].notes


def test_approved_lines_for_the_quota_ledger(budget):
    lines = approved_lines(budget)
    assert sum(ln.amount for ln in lines) == Decimal("20987000.00")
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


def test_narrative_parts_five_and_seven_as_printed(budget):
    from center.budget.narrative import compose

    sections = {s.title: s for s in compose(budget_data(budget))}
    s5 = sections["第五部分 一般公共预算“三公”经费预算情况"]
    assert s5.paragraphs[0] == (
        "2022年“三公”经费预算2万元，比2021年预算增加0万元，增长0%，主要是：1、因公出国（境）费用2022年预算数0万元。"
        "为进一步规范因公出国（境）经费管理，我市因公出国（境）经费完全按零基预算的原则根据市因公出国计划预审会议"
        "审定计划动态调配使用，因此各单位2022年因公出国（境）经费预算数为0万元，在实际执行中根据计划据实调配；"
        "2、公务接待费2022年预算数2万元。主要用于接待各地方科技交流中心、科技专家来深交流；"
        "3、公务用车购置和运行维护费2022年预算数0万元。本单位已完成事业单位公务用车改革，2022年本单位公务用车保有量共0辆。"
    )
    assert s5.paragraphs[1].startswith(
        "1.因公出国（境）费用。2022年预算数0万元，为进一步规范因公出国（境）经费管理"
    )
    assert not any(
        "公务用车改革" in p for p in s5.paragraphs[1:]
    )  # only in the summary, where the seed has it
    s7 = sections["第七部分 重点项目预算绩效情况说明"]
    assert s7.table and s7.after == ["备注：无。"] and not any("备注" in p for p in s7.paragraphs)


def test_demo_current_year_is_prepared_from_2022_and_carried_through_with_versions(org):
    import io
    from datetime import date

    from django.utils import timezone

    from center.budget import demo
    from center.budget.models import Budget
    from center.budget.narrative import all_paragraphs, compose
    from center.budget.selectors import budget_data

    demo.seed(io.StringIO())
    year = timezone.localdate().year
    assert not Budget.objects.filter(fiscal_year__year__in=range(2023, year)).exists()  # two years only
    b = Budget.objects.get(fiscal_year__year=year)
    assert b.state == "published" and b.approved_on == min(date(year, 1, 18), timezone.localdate())
    steps = list(b.versions.order_by("number").values_list("step", flat=True))
    for step in ("import", "consolidate", "submit_first", "control", "submit_second", "approval"):
        assert step in steps
    # edits by the department before 一上 and by finance between 一下 and 二上 are versions of their own
    assert steps.index("edit", 2) < steps.index("consolidate")
    assert "edit" in steps[steps.index("control") : steps.index("submit_second")]
    assert steps.count("edit") >= 5 and steps[-1] == "publish"
    data = budget_data(b)
    assert sum(data.income.values()) == data.total()
    assert {p.department.code for p in data.projects} == {"INN", "EXP", "GEN"}
    text = "\n".join(all_paragraphs(compose(data)))
    for bad in ("主要包括：。", "截至，", "：。"):
        assert bad not in text
