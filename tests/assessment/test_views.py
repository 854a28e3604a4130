"""The pages: the list and its creation form, the sheet with its evidence links, hand scoring with a file, the
transitions, the report page, its PDF and the sheet's workbook, in both languages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from center.assessment.enums import EvaluationState
from center.assessment.models import Evaluation, ItemScore
from center.assessment.sheet import sheet
from tests.assessment.conftest import PDF, score_all_manual

pytestmark = pytest.mark.django_db
KEY = {"idempotency_key": "k" * 16}


def test_create_from_the_list(client_for, org):
    c = client_for("finance")
    assert "新建年度评价" in c.get(reverse("assessment:list")).content.decode()
    r = c.post(reverse("assessment:list"), {**KEY, "year": "2036"})
    e = Evaluation.objects.get(year=2036)
    assert r.status_code == 302 and r["Location"] == reverse("assessment:detail", args=[e.pk])
    r = client_for("finance").post(reverse("assessment:list"), {"idempotency_key": "j" * 16, "year": "2036"})
    assert r.status_code == 200 and "已经存在" in r.content.decode()
    # the auditor reads the list but has no form, and a forged POST changes nothing
    page = client_for("auditor").get(reverse("assessment:list")).content.decode()
    assert "新建年度评价" not in page
    r = client_for("auditor").post(reverse("assessment:list"), {"idempotency_key": "a" * 16, "year": "2035"})
    assert r.status_code == 404 and not Evaluation.objects.filter(year=2035).exists()


def test_detail_shows_computed_points_with_evidence_links(client_for, evaluation):
    page = client_for("auditor").get(reverse("assessment:detail", args=[evaluation.pk])).content.decode()
    assert "系统计算" in page and "手工评分" in page and "不适用" in page
    assert reverse("control:config") in page
    assert "?action=control.approval.refused" in page  # the auditor may open the audit trail
    page = client_for("finance").get(reverse("assessment:detail", args=[evaluation.pk])).content.decode()
    assert "?action=control.approval.refused" not in page  # finance may not: no link to a page it cannot open
    assert "被拒绝的审批尝试" in page


def test_hand_score_through_the_page(client_for, evaluation):
    c = client_for("finance")
    url = reverse("assessment:item", args=[evaluation.pk, "1.2"])
    assert c.get(url).status_code == 200
    # above the item's points: refused on the form, nothing stored
    r = c.post(url, {**KEY, "score": "3.5", "note": "培训签到表"})
    assert r.status_code == 200 and not ItemScore.objects.exists()
    # without evidence: refused
    r = c.post(url, {"idempotency_key": "m" * 16, "score": "3", "note": "培训签到表"})
    assert r.status_code == 200 and "证明材料" in r.content.decode() and not ItemScore.objects.exists()
    r = c.post(
        url,
        {
            "idempotency_key": "n" * 16,
            "score": "3",
            "note": "培训签到表",
            "file": SimpleUploadedFile("签到表.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert r.status_code == 302
    s = ItemScore.objects.get()
    att = s.attachments.get()
    detail = c.get(reverse("assessment:detail", args=[evaluation.pk])).content.decode()
    assert reverse("assessment:evidence", args=[evaluation.pk, att.pk]) in detail
    download = client_for("auditor").get(reverse("assessment:evidence", args=[evaluation.pk, att.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # an attachment that is not this evaluation's evidence: not found
    assert (
        client_for("auditor")
        .get(reverse("assessment:evidence", args=[evaluation.pk, att.pk + 99]))
        .status_code
        == 404
    )
    # computed or non-applicable items have no hand form
    assert c.get(reverse("assessment:item", args=[evaluation.pk, "3.1"])).status_code == 404
    assert c.get(reverse("assessment:item", args=[evaluation.pk, "11.1"])).status_code == 404


def test_transitions_through_the_pages(client_for, org, evaluation):
    score_all_manual(org, evaluation)
    r = client_for("finance").post(reverse("assessment:transition", args=[evaluation.pk, "submit"]), KEY)
    assert r.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.SUBMITTED
    # finance may not approve: the refusal is a message, nothing changes
    client_for("finance").post(
        reverse("assessment:transition", args=[evaluation.pk, "approve"]), {"idempotency_key": "f" * 16}
    )
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.SUBMITTED
    assert (
        client_for("finance")
        .post(reverse("assessment:transition", args=[evaluation.pk, "delete"]), {"idempotency_key": "g" * 16})
        .status_code
        == 404
    )
    client_for("director").post(reverse("assessment:transition", args=[evaluation.pk, "approve"]), KEY)
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.APPROVED
    page = client_for("finance").get(reverse("assessment:item", args=[evaluation.pk, "1.1"])).content.decode()
    assert "不能再修改评分" in page and 'type="submit"' not in page.split("<main", 1)[-1].split("评分依据")[0]


def test_report_page_pdf_and_workbook(client_for, org, evaluation):
    score_all_manual(org, evaluation, score="1")
    c = client_for("director")
    page = c.get(reverse("assessment:report", args=[evaluation.pk])).content.decode()
    for heading in (
        "一、内部控制基础性评价结果",
        "二、存在扣分情况的指标",
        "三、系统记录的控制情况",
        "四、特别说明",
        "五、下一步工作",
    ):
        assert heading in page
    assert "换算后的得分为" in page and "草稿" in page and "政府采购" in page
    pdf = c.get(reverse("assessment:report_pdf", args=[evaluation.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = c.get(reverse("assessment:sheet_xlsx", args=[evaluation.pk]))
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[cell for cell in row] for row in ws.iter_rows(values_only=True)]
    codes = [row[2] for row in values[2:] if row[2]]
    assert codes[0] == "1.1" and "12.2" in codes and len(codes) == 37 == len(sheet().items)
    assert any(row[0] == "换算后得分" for row in values)
    from center.core.models import AuditEntry

    assert AuditEntry.objects.filter(action="assessment.evaluation.exported").count() == 2


def test_english_pages(client_for, evaluation):
    c = client_for("auditor")
    c.cookies["django_language"] = "en"
    for url in (
        reverse("assessment:list"),
        reverse("assessment:detail", args=[evaluation.pk]),
        reverse("assessment:report", args=[evaluation.pk]),
    ):
        page = c.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Internal-control" in page or "internal-control" in page, url
    page = c.get(
        reverse("assessment:detail", args=[evaluation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Separation of incompatible posts and duties" in page
