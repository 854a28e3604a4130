"""The pages: progress, an indicator's source and values (with an upload), the rules, a self-evaluation and
its exports; refusals shown on the form with nothing changed."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from center.performance import services
from center.performance.models import ManualValue, ScoreRule
from tests.performance.conftest import PDF

pytestmark = pytest.mark.django_db


def test_progress_pages_show_sources_and_traffic_lights(budget, ind, client_for):
    c = client_for("auditor")
    page = c.get(reverse("performance:home") + "?year=2022").content.decode()
    assert "购买办公设备" in page and "采购验收/资产入账数量" in page and "红绿灯规则" in page
    assert "为尚未声明来源的指标按建议设置" not in page  # the auditor reads only
    page = c.get(reverse("performance:project", args=[ind("购买办公设备").project_id])).content.decode()
    assert "购买办公设备" in page
    devices = ind("购买办公设备").pk
    page = c.get(reverse("performance:indicator", args=[devices])).content.decode()
    assert reverse("performance:indicator_bind", args=[devices]) not in page
    assert reverse("performance:indicator_value", args=[devices]) not in page
    page = client_for("finance").get(reverse("performance:indicator", args=[devices])).content.decode()
    assert reverse("performance:indicator_bind", args=[devices]) in page
    assert reverse("performance:indicator_value", args=[devices]) in page


def test_value_with_evidence_posted_and_shown(budget, binding, ind, client_for):
    devices = ind("购买办公设备")
    c = client_for("staff_gen")
    url = reverse("performance:indicator_value", args=[devices.pk])
    data = {"v-value": "8", "v-as_of": "2022-06-20", "v-note": "到货验收"}
    r = c.post(url, data)  # no file
    assert r.status_code == 400 and "证明材料" in r.content.decode()
    assert ManualValue.objects.count() == 0
    r = c.post(url, {**data, "v-files": [SimpleUploadedFile("验收单.pdf", PDF, "application/pdf")]})
    assert r.status_code == 302
    page = c.get(reverse("performance:indicator", args=[devices.pk])).content.decode()
    assert "验收单.pdf" in page and "到货验收" in page


def test_binding_refusal_on_the_form(budget, ind, client_for):
    week = ind("举办创新周主题活动完成率")
    r = client_for("finance").post(
        reverse("performance:indicator_bind", args=[week.pk]), {"b-source": "completion"}
    )
    assert r.status_code == 400 and "依据的数量指标" in r.content.decode()


def test_rules_refused_when_weights_do_not_add_up(budget, client_for):
    values = {
        "execution_weight": "10",
        "output_weight": "40",
        "benefit_weight": "30",
        "satisfaction_weight": "10",
        "achieved_min": "80",
        "partly_min": "60",
        "excellent_min": "90",
        "good_min": "80",
        "fair_min": "60",
        "explain_below": "90",
    }
    r = client_for("finance").post(reverse("performance:rules_save", args=[2022]), values)
    assert r.status_code == 400 and "四项分值之和须为 100，现为 90" in r.content.decode()
    assert not ScoreRule.objects.exists()
    r = client_for("finance").post(
        reverse("performance:rules_save", args=[2022]), {**values, "output_weight": "50"}
    )
    assert r.status_code == 302 and ScoreRule.objects.get(year=2022).output_weight == 50


def test_evaluation_page_and_exports(budget, org, client_for):
    ev = services.evaluation_open(actor=org["finance"], budget_id=budget.pk)
    c = client_for("director")
    page = c.get(reverse("performance:evaluation", args=[ev.pk])).content.decode()
    assert "绩效自评表" in page and "计算方法" in page and str(ev.score) in page
    pdf = c.get(reverse("performance:evaluation_pdf", args=[ev.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = c.get(reverse("performance:evaluation_xlsx", args=[ev.pk]))
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.sheetnames == ["绩效自评表", "自评报告"]
    cells = [c.value for row in wb["绩效自评表"].iter_rows() for c in row if c.value]
    assert "购买办公设备" in cells and "计算方法" in cells


def test_english_evaluation_explains_scores_in_english(budget, org, client_for):
    ev = services.evaluation_open(actor=org["finance"], budget_id=budget.pk)
    c = client_for("director")
    c.cookies["django_language"] = "en"
    page = c.get(reverse("performance:evaluation", args=[ev.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "points" in page and "未达标" not in page


def test_workflow_through_the_pages(budget, org, client_for):
    ev = services.evaluation_open(actor=org["finance"], budget_id=budget.pk)
    services.evaluation_update(actor=org["finance"], evaluation_id=ev.pk, execution_explanation="演示")
    fin = client_for("finance")
    assert fin.post(reverse("performance:evaluation_action", args=[ev.pk, "submit"])).status_code == 302
    d = client_for("director")
    r = d.post(reverse("performance:evaluation_action", args=[ev.pk, "return"]), {"comment": ""})
    assert r.status_code == 400
    d.post(reverse("performance:evaluation_action", args=[ev.pk, "approve"]))
    ev.refresh_from_db()
    assert ev.state == "approved"
    r = fin.post(reverse("performance:evaluation_action", args=[ev.pk, "score"]), follow=True)
    assert "不能修改" in r.content.decode()
    assert date.today()  # the page redirected with the refusal as a message


def test_workbench_lists_the_approval_for_the_director(budget, org, client_for):
    ev = services.evaluation_open(actor=org["finance"], budget_id=budget.pk)
    services.evaluation_update(actor=org["finance"], evaluation_id=ev.pk, execution_explanation="演示")
    services.evaluation_submit(actor=org["finance"], evaluation_id=ev.pk)
    page = client_for("director").get(reverse("core:workbench")).content.decode()
    assert "2022 年度绩效自评" in page
