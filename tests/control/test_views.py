import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from center.control import approvals, services
from center.control.models import Application, Quota
from center.control.printing import verification_token
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def q(org):
    return quotas_ready(org)


def _app(org, q, amount="3000.00"):
    return services.application_submit(
        actor=org["staff_inn"], app_type="event", title="页面测试", year=YEAR, lines=[(q["30227"].pk, amount)]
    )


def test_application_form_submits_once(client_for, q):
    c = client_for("staff_inn")
    page = c.get(reverse("control:application_new") + f"?year={YEAR}")
    assert page.status_code == 200
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)
    data = {
        "idempotency_key": key,
        "app_type": "event",
        "title": "双击提交",
        "quota": q["30227"].pk,
        "amount": "500.00",
    }
    first = c.post(reverse("control:application_new") + f"?year={YEAR}", data)
    second = c.post(reverse("control:application_new") + f"?year={YEAR}", data)  # the double click
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Application.objects.count() == 1
    assert Quota.objects.get(pk=q["30227"].pk).frozen == Decimal("500.00")


def test_application_form_shows_the_refusal(client_for, q):
    c = client_for("staff_inn")
    data = {
        "idempotency_key": "k" * 16,
        "app_type": "event",
        "title": "太多",
        "quota": q["30227"].pk,
        "amount": "99999999.00",
    }
    page = c.post(reverse("control:application_new") + f"?year={YEAR}", data)
    assert page.status_code == 200 and "可用余额不足" in page.content.decode()
    assert Application.objects.count() == 0


def test_reception_needs_the_letter_upload(client_for, q):
    c = client_for("staff_gen")
    data = {
        "idempotency_key": "r" * 16,
        "app_type": "reception",
        "title": "接待",
        "quota": q["30217_basic"].pk,
        "amount": "300.00",
        "guests": 2,
        "companions": 1,
        "start_date": f"{YEAR}-05-01",
    }
    assert "公函" in c.post(reverse("control:application_new") + f"?year={YEAR}", data).content.decode()
    # a form refused for another reason keeps the chosen letter: it is listed and sent again with the form
    data.update(letter=SimpleUploadedFile("来访公函.pdf", PDF), guests="", idempotency_key="t" * 16)
    page = c.post(reverse("control:application_new") + f"?year={YEAR}", data).content.decode()
    assert "已选择的附件" in page and "来访公函.pdf" in page
    kept = re.search(r'name="letter_kept" value="(\d+)"', page).group(1)
    del data["letter"]
    data.update(guests=2, letter_kept=kept, idempotency_key="s" * 16)
    assert c.post(reverse("control:application_new") + f"?year={YEAR}", data).status_code == 302
    assert Application.objects.get().letter.original_name == "来访公函.pdf"


def test_approver_acts_from_the_page(client_for, org, q):
    app = _app(org, q)
    c = client_for("head_inn")
    assert app.number in c.get(reverse("control:approvals")).content.decode()
    detail = c.get(reverse("control:application_detail", args=[app.pk])).content.decode()
    assert 'value="approve"' in detail
    c.post(
        reverse("control:application_act", args=[app.pk]),
        {"action": "approve", "comment": "同意", "idempotency_key": "a" * 16},
    )
    assert approvals.task_for_actor(app, org["finance"]) is not None
    # someone outside the chain sees no action buttons and cannot act
    other = client_for("head_exc")
    assert other.get(reverse("control:application_detail", args=[app.pk])).status_code == 404
    assert (
        other.post(reverse("control:application_act", args=[app.pk]), {"action": "approve"}).status_code
        == 404
    )


def test_an_approval_attempt_without_the_task_is_refused_and_audited(client_for, org, q):
    """The auditor may read the document but holds no task: posting its approve form changes nothing and the
    attempt is in the audit trail (README: refused actions that matter are audited)."""
    from center.core.models import AuditEntry

    app = _app(org, q)
    c = client_for("auditor")
    assert c.get(reverse("control:application_detail", args=[app.pk])).status_code == 200
    r = c.post(
        reverse("control:application_act", args=[app.pk]),
        {"action": "approve", "comment": "越权", "idempotency_key": "u" * 16},
        follow=True,
    )
    assert "不在您的待审批范围内" in r.content.decode()
    app.refresh_from_db()
    assert app.state == "pending"
    assert approvals.task_for_actor(app, org["head_inn"]) is not None  # the real approver still holds it
    refused = AuditEntry.objects.get(action="control.approval.refused")
    assert refused.actor_id == org["auditor"].pk and refused.outcome == "denied"
    assert refused.extra["reason"] == "not_assignee"
    assert not AuditEntry.objects.filter(action="control.approval.approved").exists()


def test_pdf_form_and_verification(client_for, org, q):
    app = _app(org, q)
    c = client_for("staff_inn")
    pdf = c.get(reverse("control:document_pdf", args=["application", app.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    token = verification_token("application", app)
    ok = client_for("auditor").get(reverse("control:verify", args=["application", app.pk, token]))
    assert ok.status_code == 200 and app.number in ok.content.decode()
    forged = client_for("auditor").get(reverse("control:verify", args=["application", app.pk, "0" * 20]))
    assert forged.status_code == 404 and "核验失败" in forged.content.decode()


def test_pages_have_a_fixed_number_of_queries(client_for, org, q, django_assert_max_num_queries):
    for i in range(3):
        _app(org, q, amount=f"{100 + i}.00")
    c = client_for("finance")
    with django_assert_max_num_queries(25):
        assert c.get(reverse("control:dashboard") + f"?year={YEAR}").status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(reverse("control:application_list")).status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(reverse("control:quota_list") + f"?year={YEAR}").status_code == 200
    for i in range(10):
        _app(org, q, amount=f"{200 + i}.00")
    with django_assert_max_num_queries(25):
        assert c.get(reverse("control:dashboard") + f"?year={YEAR}").status_code == 200
    with django_assert_max_num_queries(20):
        assert c.get(reverse("control:application_list")).status_code == 200


def test_sysadmin_and_experts_have_no_business_pages(client_for):
    for user in ("sysadmin", "expert"):
        assert client_for(user).get(reverse("control:quota_list")).status_code == 403


def test_adjustment_pages(client_for, org, q):
    from center.control.models import Adjustment

    fin = client_for("finance")
    page = fin.get(reverse("control:adjustment_list") + f"?year={YEAR}")
    assert page.status_code == 200
    data = {
        "idempotency_key": "adj" + "x" * 10,
        "from_quota": q["30227"].pk,
        "to_quota": q["30226"].pk,
        "amount": "1000.00",
        "doc_no": "TJ-2037-1",
        "reason": "活动调整",
    }
    fin.post(reverse("control:adjustment_list") + f"?year={YEAR}", data)
    adj = Adjustment.objects.get(doc_no="TJ-2037-1")
    fin.post(reverse("control:adjustment_approve", args=[adj.pk]))  # the requester cannot approve
    adj.refresh_from_db()
    assert adj.state == "pending"
    client_for("director").post(reverse("control:adjustment_approve", args=[adj.pk]))
    adj.refresh_from_db()
    assert adj.state == "approved" and Quota.objects.get(pk=q["30226"].pk).adjusted == Decimal("1000.00")
    assert client_for("staff_inn").get(reverse("control:adjustment_list")).status_code == 403
