"""Budget pages: a happy path and a denied path each; drill-down; query counts pinned; API JSON."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from center.budget.enums import BudgetState
from center.budget.models import Budget

pytestmark = pytest.mark.django_db


def test_list_and_overview(client_for, budget):
    c = client_for("auditor")
    r = c.get(reverse("budget:list"))
    assert r.status_code == 200 and "2,099" in r.content.decode()
    r = c.get(reverse("budget:overview", args=[budget.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "<svg" in body and "科技创新与交流" in body


def test_sysadmin_and_external_see_nothing(client_for, budget):
    assert client_for("sysadmin").get(reverse("budget:overview", args=[budget.pk])).status_code == 403
    assert client_for("expert").get(reverse("budget:list")).status_code == 403
    assert client_for("sysadmin").get(f"/api/v1/budget/{budget.pk}/tables").status_code == 403


def test_overview_query_count_is_fixed(client_for, budget, django_assert_max_num_queries):
    c = client_for("finance")
    c.get(reverse("budget:overview", args=[budget.pk]))
    with django_assert_max_num_queries(40):
        assert c.get(reverse("budget:overview", args=[budget.pk])).status_code == 200


def test_disclosure_has_all_parts_and_tables(client_for, budget):
    body = client_for("head_exp").get(reverse("budget:disclosure", args=[budget.pk])).content.decode()
    for part in (
        "第一部分",
        "第二部分",
        "第三部分",
        "第四部分",
        "第五部分",
        "第六部分",
        "第七部分",
        "第八部分",
        "第九部分",
    ):
        assert part in body
    for n in range(1, 12):
        assert f'data-table="表{n}"' in body
    assert "比2021年增加191万元，增长10%" in body
    assert "人员支出1,114万元" in body and "1,144" not in body
    assert "本表本年无发生额" in body


def test_drill_down_shows_the_lines_behind_a_cell(client_for, budget):
    r = client_for("director").get(
        reverse("budget:drill", args=[budget.pk]) + "?functional=2060599&kind=project"
    )
    body = r.content.decode()
    assert r.status_code == 200 and "175.00" in body and "科技智库与交流" in body


def test_table_page_links_cells_to_drill(client_for, budget):
    body = client_for("finance").get(reverse("budget:table", args=[budget.pk, 7])).content.decode()
    assert reverse("budget:drill", args=[budget.pk]) + "?" in body
    assert client_for("finance").get(reverse("budget:table", args=[budget.pk, 12])).status_code == 404


def test_check_page(client_for, budget):
    c = client_for("auditor")
    r = c.get(reverse("budget:check", args=[budget.pk]))
    assert r.status_code == 200 and "人员支出1,144万元" in r.content.decode()
    runs = budget.check_runs.count()  # the demo's publication recorded one
    r = c.post(reverse("budget:check", args=[budget.pk]))
    assert r.status_code == 302 and budget.check_runs.count() == runs + 1
    assert client_for("staff_exp").get(reverse("budget:check", args=[budget.pk])).status_code == 403


def test_publish_button_asks_to_confirm_the_warnings(client_for, approved_budget):
    budget = approved_budget
    r = client_for("finance").post(reverse("budget:workflow", args=[budget.pk]), {"action": "publish"})
    assert r.status_code == 302 and r["Location"].endswith(reverse("budget:check", args=[budget.pk]))
    assert Budget.objects.get(pk=budget.pk).state == BudgetState.APPROVED
    page = client_for("finance").get(r["Location"]).content.decode()
    assert 'id="publish-confirm"' in page and 'name="confirm_warnings"' in page
    assert (
        client_for("head_exp")
        .post(reverse("budget:workflow", args=[budget.pk]), {"action": "publish", "confirm_warnings": "1"})
        .status_code
        == 403
    )
    r = client_for("finance").post(
        reverse("budget:workflow", args=[budget.pk]), {"action": "publish", "confirm_warnings": "1"}
    )
    assert Budget.objects.get(pk=budget.pk).state == BudgetState.PUBLISHED


def test_versions_page_compares(client_for, budget):
    r = client_for("finance").get(reverse("budget:versions", args=[budget.pk]) + "?a=1&b=2")
    body = r.content.decode()
    assert r.status_code == 200 and 'id="version-diff"' in body and "新增" in body


def test_exports(client_for, budget):
    c = client_for("cashier")
    x = c.get(reverse("budget:export_xlsx", args=[budget.pk]))
    wb = load_workbook(io.BytesIO(x.content))
    assert wb.sheetnames == [f"表{n}" for n in range(1, 12)]
    assert wb["表3"]["B6"].value == 2099 or any(c.value == 2099 for row in wb["表3"].iter_rows() for c in row)
    p = c.get(reverse("budget:export_pdf", args=[budget.pk]))
    assert p.content.startswith(b"%PDF") and b"WenQuanYiMicroHei" in p.content and b"FontFile2" in p.content
    z = zipfile.ZipFile(io.BytesIO(c.get(reverse("budget:export_fdp", args=[budget.pk])).content))
    package = json.loads(z.read("datapackage.json"))
    assert package["model"]["measures"]["amount"]["phase"] == "approved"
    assert z.read("budget-lines.csv").decode().count("\n") == budget.lines.count() + 1


def test_api_tables_json(client_for, budget):
    data = client_for("finance").get(f"/api/v1/budget/{budget.pk}/tables").json()
    assert [t["number"] for t in data["tables"]] == [f"表{n}" for n in range(1, 12)]
    t3 = data["tables"][2]
    assert t3["rows"][0]["cells"][1] == {"text": "2,099", "amount_yuan": "20987000.00", "amount_wan": 2099}
    lines = client_for("finance").get(f"/api/v1/budget/{budget.pk}/approved-lines").json()
    assert len(lines) == budget.lines.count()


def test_catalogue_page_and_copy(client_for, budget):
    assert client_for("staff_gen").get(reverse("budget:catalogue", args=[2022])).status_code == 200
    assert client_for("head_exp").post(reverse("budget:catalogue_copy", args=[2022])).status_code == 403
    r = client_for("finance").post(reverse("budget:catalogue_copy", args=[2022]))
    assert r.status_code == 302 and r["Location"].endswith(reverse("budget:catalogue", args=[2023]))


def test_public_page_only_for_published(client, approved_budget):
    budget = approved_budget
    assert client.get(reverse("budget:public_disclosure", args=[budget.pk])).status_code == 404
    assert client.get(reverse("budget:public_pdf", args=[budget.pk])).status_code == 404
    Budget.objects.filter(pk=budget.pk).update(state=BudgetState.PUBLISHED)
    body = client.get(reverse("budget:public_disclosure", args=[budget.pk])).content.decode()
    assert "收支总表" in body and reverse("budget:drill", args=[budget.pk]) not in body


def test_department_drafts_its_project(client_for, draft_budget):
    from center.budget.models import ExpenditureLine

    project = draft_budget.projects.get(name="科技智库与交流")
    project.state = "draft"
    project.save()
    url = reverse("budget:project_line_add", args=[draft_budget.pk, project.pk])
    line = {"functional": "2060599", "economic": "30227", "source": "gpb.duty", "amount": "1200.50"}
    before = ExpenditureLine.objects.filter(project=project).count()
    assert client_for("head_inn").post(url, line).status_code == 404  # another department's project
    r = client_for("head_exp").post(url, line)
    assert r.status_code == 302 and ExpenditureLine.objects.filter(project=project).count() == before + 1
    client_for("head_exp").post(url, {**line, "amount": "-1"})
    assert ExpenditureLine.objects.filter(project=project).count() == before + 1
    body = (
        client_for("head_exp")
        .get(reverse("budget:project", args=[draft_budget.pk, project.pk]))
        .content.decode()
    )
    assert "1,200.50" in body and "提交财务" in body
    client_for("head_exp").post(reverse("budget:project_submit", args=[draft_budget.pk, project.pk]))
    project.refresh_from_db()
    assert project.state == "submitted"
    assert (
        client_for("staff_gen").get(reverse("budget:project", args=[draft_budget.pk, project.pk])).status_code
        == 404
    )


def test_budget_create_and_catalogue_entry(client_for, budget):
    c = client_for("finance")
    c.post(reverse("budget:catalogue_copy", args=[2022]))
    r = c.post(
        reverse("budget:catalogue_entry", args=[2023]),
        {"kind": "functional", "code": "2069999", "name": "新名"},
    )
    assert r.status_code == 302
    from center.budget.models import FunctionalCode

    assert FunctionalCode.objects.get(fiscal_year__year=2023, code="2069999").name == "新名"
    r = c.post(reverse("budget:create"), {"year": "2023"})
    assert r.status_code == 302 and Budget.objects.filter(fiscal_year__year=2023).exists()
    assert client_for("director").post(reverse("budget:create"), {"year": "2024"}).status_code == 403


def test_workbench_todos(client_for, budget):
    from center.budget.todos import budget_todos

    Budget.objects.filter(pk=budget.pk).update(state=BudgetState.REVIEW)
    todos = budget_todos(budget.unit.departments.first().members.get(username="director"))
    assert any("待您审定报送" in t.title for t in todos)


def test_details_page_saves_structured_inputs(client_for, draft_budget):
    c = client_for("finance")
    url = reverse("budget:details", args=[draft_budget.pk])
    assert c.get(url).status_code == 200
    r = c.post(
        url,
        {
            "section": "staffing",
            "staffing-admin_posts": "0",
            "staffing-admin_filled": "0",
            "staffing-institution_posts": "26",
            "staffing-institution_filled": "23",
            "staffing-retired_cadres": "0",
            "staffing-retirees": "21",
        },
    )
    assert r.status_code == 302
    draft_budget.staffing.refresh_from_db()
    assert draft_budget.staffing.institution_filled == 23
    body = c.get(reverse("budget:disclosure", args=[draft_budget.pk]) + "?part=text").content.decode()
    assert "事业编制数26人，实有在编人数23人" in body
    r = c.post(
        url, {"section": "narrative", "narrative-operating_costs": "-1", "narrative-glossary": "甲：乙"}
    )
    assert r.status_code == 200 and "不能为负数" in r.content.decode()
    r = c.post(
        url,
        {
            "section": "indicator",
            "levels": "满意度指标|服务对象满意度指标",
            "name": "参会专家满意度",
            "kind": "quantitative",
            "comparator": ">=",
            "value": "95",
            "unit": "%",
        },
    )
    assert draft_budget.indicators.filter(name="参会专家满意度", project=None).exists()
    assert client_for("director").get(url).status_code == 403


def test_project_indicator_add(client_for, draft_budget):
    project = draft_budget.projects.get(name="办公设备采购")
    url = reverse("budget:project_indicator_add", args=[draft_budget.pk, project.pk])
    r = client_for("finance").post(
        url,
        {
            "levels": "产出指标|数量指标",
            "name": "购买打印机",
            "kind": "quantitative",
            "comparator": "=",
            "value": "abc",
            "unit": "台",
        },
    )
    assert r.status_code == 302 and not project.indicators.filter(name="购买打印机").exists()
    client_for("finance").post(
        url,
        {
            "levels": "产出指标|数量指标",
            "name": "购买打印机",
            "kind": "quantitative",
            "comparator": "=",
            "value": "2",
            "unit": "台",
        },
    )
    assert project.indicators.get(name="购买打印机").target_display == "2 台"


def test_staff_starts_a_project_and_drafts_it(client_for, draft_budget):
    r = client_for("staff_exc").post(
        reverse("budget:project_create", args=[draft_budget.pk]),
        {"name": "深港澳科技联盟活动", "item": "联盟年会"},
    )
    project = draft_budget.projects.get(name="深港澳科技联盟活动")
    assert r.status_code == 302 and project.department.code == "EXC" and project.owner.username == "staff_exc"
    item = project.items.get()
    client_for("staff_exc").post(
        reverse("budget:project_line_add", args=[draft_budget.pk, project.pk]),
        {
            "item": item.pk,
            "functional": "2060899",
            "economic": "30215",
            "source": "gpb.duty",
            "amount": "50000",
        },
    )
    assert project.lines.count() == 1
    assert (
        client_for("head_exp").get(reverse("budget:project", args=[draft_budget.pk, project.pk])).status_code
        == 404
    )
    r = client_for("auditor").post(reverse("budget:project_create", args=[draft_budget.pk]), {"name": "x"})
    assert r.status_code == 302 and not draft_budget.projects.filter(name="x").exists()
