"""xlsx import: every bad row reported (sheet, row, column, reason); nothing imported when any row is bad."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from center.budget import exports
from center.budget.selectors import budget_data
from center.core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def template(budget) -> Workbook:
    return load_workbook(io.BytesIO(exports.import_template_bytes(budget_data(budget, with_previous=False))))


def to_bytes(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def errors_of(budget, org, wb):
    with pytest.raises(ApplicationError) as exc:
        exports.import_workbook(actor=org["finance"], budget=budget, content=to_bytes(wb))
    return exc.value.extra["errors"]


def test_round_trip_import(draft_budget, org):
    before = sorted((ln.functional_id, ln.economic_id, ln.amount) for ln in draft_budget.lines.all())
    wb = template(draft_budget)
    wb["基本支出"].append(["公用经费", "2060899", "30211", "gpb.basic", 1234.5])
    for row in wb["收入"].iter_rows(min_row=2):
        if row[0].value == "gpb.basic":
            row[1].value = float(row[1].value) + 1234.5
    exports.import_workbook(actor=org["finance"], budget=draft_budget, content=to_bytes(wb))
    after = sorted((ln.functional_id, ln.economic_id, ln.amount) for ln in draft_budget.lines.all())
    assert len(after) == len(before) + 1
    assert draft_budget.projects.get(name="科技创新与交流").indicators.count() > 0  # texts and targets kept


def test_bad_rows_are_all_reported_and_nothing_is_imported(draft_budget, org):
    before = list(draft_budget.lines.order_by("id").values_list("id", "amount"))
    wb = template(draft_budget)
    ws = wb["基本支出"]
    ws.append(["人员经费", "2060899", "30101", "gpb.basic", -5])  # negative
    ws.append(["人员经费", "2060899", "30101", "gpb.basic", "一百"])  # text in a number cell
    ws.append(["人员经费", "99999", "30101", "gpb.basic", 5])  # unknown code
    ws.append(["人员经费", "20608", "30101", "gpb.basic", 5])  # wrong level
    ws.append(["人员经费", "2060899", "30101", "", 5])  # no funding source
    ws.append(["人员经费", "2060899", "30101", "gpb.basic", "=1+1"])  # formula
    first = ws.max_row - 5
    errors = errors_of(draft_budget, org, wb)
    got = {(e["sheet"], e["row"], e["column"]) for e in errors}
    assert {("基本支出", first + i, col) for i, col in enumerate("EEBBDE")} <= got
    reasons = " ".join(e["message"] for e in errors)
    for text in ("负数", "文字", "不在2023年目录中", "须填到项级", "缺少资金来源", "公式"):
        assert text in reasons
    assert list(draft_budget.lines.order_by("id").values_list("id", "amount")) == before


def test_missing_sheet_and_merged_cells(draft_budget, org):
    wb = template(draft_budget)
    del wb["项目支出"]
    assert [e["message"] for e in errors_of(draft_budget, org, wb)] == ["缺少工作表“项目支出”。"]
    wb = template(draft_budget)
    wb["基本支出"].merge_cells("A2:B2")
    assert any("合并单元格" in e["message"] for e in errors_of(draft_budget, org, wb))


def test_not_a_workbook(draft_budget, org):
    with pytest.raises(ApplicationError, match="xlsx"):
        exports.import_workbook(actor=org["finance"], budget=draft_budget, content=b"not a zip")


def test_import_page(client_for, draft_budget):
    c = client_for("finance")
    wb = Workbook()
    wb.active.title = "收入"
    f = io.BytesIO(to_bytes(wb))
    f.name = "x.xlsx"
    r = c.post(reverse("budget:import", args=[draft_budget.pk]), {"file": f})
    assert r.status_code == 200 and "缺少工作表" in r.content.decode()
    assert client_for("head_exp").get(reverse("budget:import", args=[draft_budget.pk])).status_code == 403


def test_duplicate_line_is_refused_with_its_row(draft_budget, org):
    wb = template(draft_budget)
    ws = wb["基本支出"]
    ws.append(["公用经费", "2060899", "30211", "gpb.basic", 10])
    ws.append(["公用经费", "2060899", "30211", "gpb.basic", 20])
    errors = errors_of(draft_budget, org, wb)
    dup = [e for e in errors if "重复" in e["message"]]
    assert [(e["sheet"], e["row"], e["column"]) for e in dup] == [("基本支出", ws.max_row, "A")]
    assert f"第 {ws.max_row - 1} 行" in dup[0]["message"]


def test_a_code_of_another_years_catalogue_is_named(draft_budget, org):
    from center.budget.models import FiscalYear, FunctionalCode

    fy22 = FiscalYear.objects.get(year=2022)
    parent = FunctionalCode.objects.get(fiscal_year=fy22, code="20608")
    FunctionalCode.objects.create(
        fiscal_year=fy22, code="2060888", name="机构间科技交流", level=3, parent=parent
    )
    wb = template(draft_budget)
    wb["基本支出"].append(["公用经费", "2060888", "30211", "gpb.basic", 10])
    errors = errors_of(draft_budget, org, wb)
    assert [(e["row"], e["column"]) for e in errors] == [(wb["基本支出"].max_row, "B")]
    assert "属于2022年目录，不在2023年目录中" in errors[0]["message"]


def test_merged_cells_name_row_and_column(draft_budget, org):
    wb = template(draft_budget)
    wb["项目支出"].merge_cells("A3:A4")
    errors = errors_of(draft_budget, org, wb)
    assert ("项目支出", 3, "A") in {(e["sheet"], e["row"], e["column"]) for e in errors}


def test_reimport_updates_projects_in_place(draft_budget, org, client_for):
    before = {p.name: p.pk for p in draft_budget.projects.all()}
    items_before = {(i.project.name, i.name): i.pk for i in draft_budget.projects.first().items.all()}
    url = reverse("budget:project", args=[draft_budget.pk, before["科技智库与交流"]])
    wb = template(draft_budget)
    ws = wb["项目支出"]
    ws.append(["新建示例项目", "示例明细", "用于示例", "2060899", "30227", "gpb.duty", 5000, "专家服务部"])
    for row in wb["收入"].iter_rows(min_row=2):
        if row[0].value == "gpb.duty":
            row[1].value = float(row[1].value) + 5000
    exports.import_workbook(actor=org["finance"], budget=draft_budget, content=to_bytes(wb))
    after = {p.name: p.pk for p in draft_budget.projects.all()}
    assert {k: after[k] for k in before} == before  # same ids: the old project URLs keep working
    first = draft_budget.projects.get(pk=draft_budget.projects.first().pk)
    assert {(i.project.name, i.name): i.pk for i in first.items.all()} == items_before
    new = draft_budget.projects.get(name="新建示例项目")
    assert new.state == "draft" and new.department.name == "专家服务部"  # goes through the department step
    assert client_for("finance").get(url).status_code == 200


def test_unknown_department_is_refused(draft_budget, org):
    wb = template(draft_budget)
    wb["项目支出"].append(["新建示例项目", "", "", "2060899", "30227", "gpb.duty", 5000, "不存在的部门"])
    errors = errors_of(draft_budget, org, wb)
    assert [(e["sheet"], e["row"], e["column"]) for e in errors] == [
        ("项目支出", wb["项目支出"].max_row, "H")
    ]
