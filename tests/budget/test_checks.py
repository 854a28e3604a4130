"""Every rule of the pre-publication check, with a failing and a passing case; publishing blocked on error."""

import copy
from decimal import Decimal

import pytest

from center.budget import checks, services
from center.budget.checks import GCell, check_cross_tables, check_grid_sums, grid_from_table, run_checks
from center.budget.enums import BudgetState, Severity
from center.budget.models import (
    Budget,
    IncomeLine,
    PerformanceIndicator,
    ProcurementBudget,
    PublishedDisclosure,
)
from center.budget.selectors import budget_data
from center.budget.tables import all_tables
from center.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def rules(result, severity=Severity.ERROR):
    return {f.rule for f in result.findings if f.severity == severity}


def generated(budget):
    return {t.number: grid_from_table(t) for t in all_tables(budget_data(budget))}


def printed_copy(grids):
    """The generated tables as if printed (figures only, no yuan): what a transcription looks like."""
    return {n: [[GCell(c.text) for c in row] for row in g] for n, g in grids.items()}


@pytest.fixture
def clean(draft_budget):
    """The draft 2023 budget with the seed's text conflicts (C7, C8) corrected: no error at all."""
    for p in draft_budget.projects.all():
        p.performance_summary = p.performance_summary.replace(
            "举办创新周主题活动1场", "举办招才引智主题活动1场"
        )
        p.performance_summary = p.performance_summary.replace(
            "发布征集专家广告1批次", "发布征集专家广告2批次"
        )
        p.save()
    # 表11's second target value of 举办招才引智主题活动 (C11) resolved: 1 场.
    PerformanceIndicator.objects.filter(budget=draft_budget, name="举办招才引智主题活动", value="3").delete()
    return draft_budget


def test_clean_budget_has_no_error(clean):
    result = run_checks(clean)
    assert result.errors == []
    # Rounding is reported, as warnings (C2/C4 reproduced from yuan amounts), and what the reader notices in
    # the texts and the catalogue the 2023 budget inherited.
    assert rules(result, Severity.WARNING) == {"parts_total", "national_name", "text_names"}


# ---- income ≠ expenditure


def test_income_expenditure(clean):
    line = IncomeLine.objects.get(budget=clean, source__code="gpb.duty")
    line.amount += Decimal("100.00")
    line.save()
    result = run_checks(clean)
    found = result.by_rule("income_expenditure")
    assert found and all(f.severity == Severity.ERROR for f in found)
    assert any("gpb.duty" in f.where for f in found)


# ---- a table total that disagrees with another table


def test_cross_table_totals(clean):
    grids = printed_copy(generated(clean))
    result = checks.CheckResult()
    check_cross_tables(result, grids, "published")
    assert result.findings == []
    grids["表3"][0][1] = GCell("2,100")
    grids["表4"][0][1] = GCell("1,300")
    check_cross_tables(result, grids, "published")
    wheres = {f.where for f in result.by_rule("cross_table")}
    assert "表1 本年支出合计 / 表3 支出总计" in wheres
    assert "表3 基本支出 / 表4 总计" in wheres


# ---- sums of parts vs totals: warning when rounding explains it, error otherwise


def test_parts_total_rounding_is_a_warning_and_a_real_gap_an_error(clean):
    grids = printed_copy(generated(clean))
    result = checks.CheckResult()
    check_grid_sums(result, {"表5": grids["表5"]}, "published")
    assert result.findings == []
    for c in (1, 2, 3):  # 办公设备采购 7 → 8 in 总计/小计/履职类: 763 vs 762 over five parts → rounding
        grids["表5"][1][c] = GCell("8")
    check_grid_sums(result, {"表5": grids["表5"]}, "published")
    assert {f.severity for f in result.by_rule("parts_total")} == {Severity.WARNING}
    result = checks.CheckResult()
    for c in (1, 2, 3):
        grids["表5"][1][c] = GCell("70")  # far beyond rounding
    check_grid_sums(result, {"表5": grids["表5"]}, "published")
    assert Severity.ERROR in {f.severity for f in result.by_rule("parts_total")}


def test_parts_total_generated_uses_yuan(clean):
    grids = generated(clean)
    result = checks.CheckResult()
    check_grid_sums(result, {"表4": grids["表4"]}, "generated")
    assert {f.severity for f in result.by_rule("parts_total")} == {Severity.WARNING}  # 74 vs 73: yuan add up
    grids["表4"][0][1] = GCell("1,400", Decimal("14000000.00"))
    result = checks.CheckResult()
    check_grid_sums(result, {"表4": grids["表4"]}, "generated")
    assert Severity.ERROR in {f.severity for f in result.by_rule("parts_total")}


# ---- procurement vs projects


def test_procurement_projects(clean):
    assert not run_checks(clean).by_rule("procurement_projects")
    ProcurementBudget.objects.filter(budget=clean).update(
        amount=Decimal("90000.00"), sme_amount=Decimal("90000.00")
    )
    found = run_checks(clean).by_rule("procurement_projects")
    assert found and found[0].severity == Severity.ERROR and "办公设备采购" in found[0].message


# ---- 三公 vs its economic lines


def test_three_public_lines(clean):
    assert not run_checks(clean).by_rule("three_public_lines")
    tp = clean.three_public
    tp.reception = Decimal("30000.00")
    tp.save()
    found = run_checks(clean).by_rule("three_public_lines")
    assert found and "30217" in found[0].where


# ---- 表11 amounts vs 表3/表5


def test_table11_amounts(clean):
    grids = printed_copy(generated(clean))
    result = checks.CheckResult()
    check_cross_tables(result, grids, "published")
    assert not result.by_rule("table11_amounts")
    for row in grids["表11"]:
        if row[0].text == "年度主要任务" and row[1].text == "科技智库与交流":
            row[3] = GCell("160")
    check_cross_tables(result, grids, "published")
    assert any("科技智库与交流" in f.where for f in result.by_rule("table11_amounts"))


# ---- a code whose name differs from the year's catalogue


def test_code_name(clean):
    data = budget_data(clean)
    grids = printed_copy(generated(clean))
    result = checks.CheckResult()
    checks.check_code_names(result, grids, data, "published")
    assert result.findings == []
    grids["表7"][7][2] = GCell("其他科技重大项目")  # a printed name that is not the year's catalogue's
    checks.check_code_names(result, grids, data, "published")
    assert [f.where for f in result.by_rule("code_name")] == ["表7 2060999"]


def test_national_name_warns_once_per_code(clean):
    from center.budget.models import FunctionalCode

    found = run_checks(clean).by_rule("national_name")
    assert [(f.severity, f.where) for f in found] == [(Severity.WARNING, "表1/表6/表7 科目 20609 / 2060999")]
    FunctionalCode.objects.filter(fiscal_year=clean.fiscal_year, code="20609").update(name="科技重大项目")
    FunctionalCode.objects.filter(fiscal_year=clean.fiscal_year, code="2060999").update(
        name="其他科技重大项目"
    )
    assert not run_checks(clean).by_rule("national_name")


# ---- the same indicator with conflicting targets


def test_indicator_conflict_between_indicators(clean):
    assert not run_checks(clean).by_rule("indicator_conflict")
    ind = PerformanceIndicator.objects.filter(budget=clean, name="购买办公设备").first()
    PerformanceIndicator.objects.create(
        budget=clean,
        project=None,
        level1=ind.level1,
        level2=ind.level2,
        name=ind.name,
        kind=ind.kind,
        comparator="=",
        value="10",
        measure_unit="台",
    )
    found = run_checks(clean).by_rule("indicator_conflict")
    assert found and "8 台" in found[0].message and "10 台" in found[0].message


def test_indicator_conflict_with_text(draft_budget):
    found = run_checks(draft_budget).by_rule("indicator_conflict")
    messages = " ".join(f.message for f in found)
    assert "“发布征集专家广告”：表11 绩效指标的目标值是 2 批次" in messages and "写 1 批次" in messages  # C8
    assert "“举办创新周主题活动”：表11 绩效指标的目标值是 3 场" in messages and "写 1 场" in messages  # C7
    assert all(f.severity == Severity.WARNING for f in found)


# ---- an empty mandatory table without its note


def test_empty_table_note():
    result = checks.CheckResult()
    checks.check_empty_notes(
        result, {"表9": (True, ["注：本表本年无发生额。"]), "表10": (False, [])}, "published"
    )
    assert result.findings == []
    checks.check_empty_notes(result, {"表10": (True, ["注：无。"])}, "published")
    assert [f.where for f in result.by_rule("empty_table_note")] == ["表10"]


# ---- generated vs published, text figures, control figures


def test_published_diff_and_text_figures(clean):
    skip = {"表1": 5, "表6": 5, "表11": 3}
    tables = {
        t.number: [["x"]] * skip.get(t.number, 4) + t.printed() + [[n] for n in t.notes]
        for t in all_tables(budget_data(clean))
    }
    pub = PublishedDisclosure.objects.create(
        budget=clean,
        source="test",
        tables=tables,
        texts={"第三部分": "包括人员支出1,114万元、项目支出762万元。"},
    )
    result = run_checks(clean)
    assert not result.by_rule("published_diff") and not result.by_rule("text_figures")
    tables = copy.deepcopy(tables)
    tables["表3"][4][1] = "2,098"  # first data row
    pub.tables = tables
    pub.texts = {"第三部分": "包括人员支出1,144万元。"}
    pub.save()
    result = run_checks(clean)
    assert [f.where for f in result.by_rule("published_diff")] == ["表3 第1行第2列"]
    assert "1,144" in result.by_rule("text_figures")[0].message


def test_control_figures(clean):
    assert not run_checks(clean).by_rule("control_figures")
    Budget.objects.filter(pk=clean.pk).update(control_total=Decimal("1000.00"))
    assert run_checks(Budget.objects.get(pk=clean.pk)).by_rule("control_figures")


# ---- the seed's own inconsistencies, and publishing blocked


def test_demo_check_reports_exactly_the_seed_contradictions(budget):
    """Each genuine contradiction of the 2022 seed once, naming its table and row — and nothing else."""
    found = [(f.severity, f.rule, f.where) for f in run_checks(budget).findings]
    W = Severity.WARNING
    assert found == [
        (W, "parts_total", "表4 “商品和服务支出”"),  # C2: items 74 vs 73
        (W, "parts_total", "表7 “深圳市科技交流服务中心”基本支出"),  # C3/C4: 1,338 vs 1,337
        (W, "parts_total", "表7 “深圳市科技交流服务中心”项目支出"),  # C5: 761 vs 762
        (W, "indicator_conflict", "表11 指标“举办招才引智主题活动”"),  # C11: 1 场 and 3 场
        (W, "indicator_conflict", "表11 指标“举办创新周主题活动”"),  # C7: 3 场 vs 1 场
        (W, "indicator_conflict", "表11 指标“发布征集专家广告”"),  # C8: 2 批次 vs 1 批次
        (W, "text_figures", "第三部分 一"),  # C1: 人员支出 1,144 vs 1,114
        (W, "national_name", "表1/表6/表7 科目 20609 / 2060999"),  # C6
        (W, "change_reason", "第三部分（四）项目“科技智库与交流”"),  # C9: falls by 23, reason covers 7
        (W, "text_names", "项目“科技创新与交流”"),  # C10: 中国“深圳”
        (W, "text_names", "项目“科技创新与交流”"),  # C10: 科技创活动周
    ]
    messages = [f.message for f in run_checks(budget).findings]
    for expected in (
        "分项之和 74 与合计 73",
        "基本支出：分项之和 1,338 与合计 1,337",
        "项目支出：分项之和 761 与合计 762",
        "有两个目标值：1 场、3 场",
        "目标值是 3 场",
        "目标值是 2 批次",
        "人员支出1,144万元”，表格为 1,114 万元",
        "全国政府收支分类科目中为“科技重大项目”/“其他科技重大项目”",
        "减少 23 万元",
        "只涉及 7 万元，其余 16 万元",
        "中国“深圳”",
        "“科技创活动周”，应为“科技创新活动周”",
    ):
        assert any(expected in m for m in messages), expected
    assert not any("2,100" in m for m in messages)


def test_publishing_with_warnings_needs_a_recorded_confirmation(approved_budget, org):
    from center.core.models import AuditEntry

    with pytest.raises(ApplicationError) as exc:
        services.budget_publish(actor=org["finance"], budget=approved_budget)
    assert exc.value.extra["warnings"] and not exc.value.extra.get("errors")
    assert Budget.objects.get(pk=approved_budget.pk).state == BudgetState.APPROVED
    b = services.budget_publish(actor=org["finance"], budget=approved_budget, confirm_warnings=True)
    assert b.state == BudgetState.PUBLISHED
    entry = AuditEntry.objects.filter(action="budget.budget.publish").latest("id")
    assert "11" in entry.extra["note"]


def test_publishing_is_refused_while_an_error_stands(approved_budget, org):
    IncomeLine.objects.filter(budget=approved_budget, source__code="gpb.basic").update(amount=Decimal("1.00"))
    with pytest.raises(ApplicationError) as exc:
        services.budget_publish(actor=org["finance"], budget=approved_budget, confirm_warnings=True)
    assert exc.value.extra["errors"]
    assert Budget.objects.get(pk=approved_budget.pk).state == BudgetState.APPROVED


def test_publishing_a_clean_approved_budget(clean, org):
    b = clean
    b = services.budget_consolidate(actor=org["finance"], budget=b)
    b = services.budget_submit_first(actor=org["director"], budget=b)
    b = services.budget_record_control(actor=org["finance"], budget=b, total="20990000")
    b = services.budget_submit_second(actor=org["director"], budget=b)
    b = services.budget_record_approval(actor=org["finance"], budget=b, doc_no="深财预〔2023〕1号")
    b = services.budget_publish(actor=org["finance"], budget=b, confirm_warnings=True)
    assert b.state == BudgetState.PUBLISHED and b.published_at
