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
