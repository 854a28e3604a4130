"""The walk in a real browser: application → approvals → reimbursement → approvals → payment."""

import pytest

from center.control.models import Quota
from tests.control.factories import YEAR, quotas_ready
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _approve_next(page, username, number):
    page.context.clear_cookies()
    login(page, username)
    page.goto(page.base + "/control/approvals/")
    page.click(f"text={number}")
    page.fill("#id_comment", "同意")
    with page.expect_navigation():
        page.click("button[name=action][value=approve]")
    assert "已处理" in page.inner_text(".alert-success")


def test_application_to_payment(page, org, tmp_path):
    q = quotas_ready(org)
    login(page, "staff_inn")
    page.goto(page.base + f"/control/applications/new/?year={YEAR}")
    page.select_option("#id_app_type", "event")
    page.fill("#id_title", "浏览器测试：创新周路演")
    page.select_option("#id_quota", str(q["30227"].pk))
    page.fill("#id_amount", "12000.00")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('提交并冻结')")
    number = page.locator("h1").inner_text().split()[-1]
    assert number.startswith(f"SQ{YEAR}-")
    assert Quota.objects.get(pk=q["30227"].pk).frozen == 12000
    _approve_next(page, "head_inn", number)
    _approve_next(page, "finance", number)
    page.context.clear_cookies()
    login(page, "staff_inn")
    page.goto(page.base + "/control/documents/?mine=1")
    page.click(f"text={number}")
    page.click("a.btn[href*='/reimbursements/new/']")
    invoice = tmp_path / "发票.pdf"
    invoice.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.fill("#id_amount", "11500.00")
    page.fill("#id_invoice_code", "044001900111")
    page.fill("#id_invoice_number", "66660001")
    page.fill("#id_invoice_amount", "11500.00")
    page.fill("#id_invoice_date", f"{YEAR}-04-01")
    page.set_input_files("#id_invoice_file", str(invoice))
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('提交报销')")
    reimbursement = page.locator("h1").inner_text().split()[-1]
    assert reimbursement.startswith(f"BX{YEAR}-")
    _approve_next(page, "head_inn", reimbursement)
    _approve_next(page, "finance", reimbursement)
    page.context.clear_cookies()
    login(page, "cashier")
    page.goto(page.base + "/control/documents/?state=approved")
    page.click(f"text={reimbursement}")
    page.select_option("#id_method", "bank")
    page.fill("#id_reference", "ICBC-E2E-1")
    with page.expect_navigation():
        page.click("button:has-text('确认支付')")
    assert "已登记支付" in page.inner_text(".alert-success")
    quota = Quota.objects.get(pk=q["30227"].pk)
    assert (quota.frozen, quota.executed) == (0, 11500)


def _apply_meeting(page, quota_pk: int, amount: str) -> None:
    page.goto(page.base + f"/control/applications/new/?year={YEAR}")
    page.select_option("#id_app_type", "meeting")
    page.fill("#id_title", "浏览器测试：学术研讨会")
    page.select_option("#id_quota", str(quota_pk))
    page.fill("#id_amount", amount)
    page.fill("#id_attendees", "10")
    page.fill("#id_days", "1")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('提交并冻结')")


def test_finance_sets_a_standard_that_new_applications_follow(page, org):
    from center.control.models import Application, SpendingStandard

    q = quotas_ready(org)
    login(page, "finance")
    page.goto(page.base + f"/control/config/?year={YEAR}")
    page.click("a:has-text('新增标准')")
    page.select_option("#id_app_type", "meeting")
    page.fill("#id_name", "会议费综合定额")
    page.fill("#id_limit_per_person_day", "300")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('保存')")
    assert "会议费综合定额" in page.inner_text("#standards")
    page.context.clear_cookies()
    login(page, "staff_inn")
    _apply_meeting(page, q["30227"].pk, "5000.00")  # 10 people × 1 day × 300 = 3,000
    assert "超出费用标准" in page.inner_text("body")
    assert not Application.objects.exists()
    page.context.clear_cookies()
    login(page, "finance")
    page.goto(page.base + f"/control/config/?year={YEAR}")
    page.once("dialog", lambda dialog: dialog.accept())  # the delete button asks first
    with page.expect_navigation():
        page.click("#standards button:has-text('删除')")
    assert not SpendingStandard.objects.filter(year=YEAR, app_type="meeting").exists()
    page.context.clear_cookies()
    login(page, "staff_inn")
    _apply_meeting(page, q["30227"].pk, "5000.00")
    assert page.locator("h1").inner_text().split()[-1].startswith(f"SQ{YEAR}-")
