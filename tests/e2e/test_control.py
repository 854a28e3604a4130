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
    page.fill("#id_invoices-0-code", "044001900111")
    page.fill("#id_invoices-0-number", "66660001")
    page.fill("#id_invoices-0-amount", "6500.00")
    page.fill("#id_invoices-0-issued_on", f"{YEAR}-04-01")
    page.set_input_files("#id_invoices-0-file", str(invoice))
    # a second invoice, a 数电票 (20-digit number, no code)
    page.fill("#id_invoices-1-number", "25442000000012345678")
    page.fill("#id_invoices-1-amount", "5000.00")
    page.fill("#id_invoices-1-issued_on", f"{YEAR}-04-02")
    page.set_input_files("#id_invoices-1-file", str(invoice))
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
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))  # payment asks first
    with page.expect_navigation():
        page.click("button:has-text('确认支付')")
    assert "已登记支付" in page.inner_text(".alert-success")
    assert "11,500.00" in asked[0] and org["staff_inn"].full_name in asked[0]
    quota = Quota.objects.get(pk=q["30227"].pk)
    assert (quota.frozen, quota.executed) == (0, 11500)


def _apply_meeting(page, quota_pk: int, amount: str) -> None:
    page.goto(page.base + f"/control/applications/new/?year={YEAR}")
    page.select_option("#id_app_type", "meeting")
    page.fill("#id_title", "浏览器测试：学术研讨会")
    page.select_option("#id_quota", str(quota_pk))
    page.fill("#id_amount", amount)
    page.fill("#id_start_date", f"{YEAR}-05-10")
    page.fill("#id_end_date", f"{YEAR}-05-10")
    page.fill("#id_city", "深圳")
    page.fill("#id_attendees", "10")
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
    _apply_meeting(page, q["30215"].pk, "5000.00")  # 10 people × 1 day × 300 = 3,000
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
    _apply_meeting(page, q["30215"].pk, "5000.00")
    assert page.locator("h1").inner_text().split()[-1].startswith(f"SQ{YEAR}-")


def test_return_for_revision_edit_and_approve(page, org, tmp_path):
    """Staff submits, the head returns it with an opinion, staff corrects the amount and adds an attachment
    and resubmits; the head sees what changed and approves."""
    from center.control.models import Application

    q = quotas_ready(org)
    login(page, "staff_inn")
    page.goto(page.base + f"/control/applications/new/?year={YEAR}")
    page.select_option("#id_app_type", "meeting")
    assert page.is_hidden("fieldset[data-types='travel']") and page.is_visible(
        "fieldset[data-types*='meeting']"
    )
    # only 会议费 quotas are offered for a meeting
    assert page.locator(f"#id_quota option[value='{q['30227'].pk}']").is_disabled()
    _apply_meeting(page, q["30215"].pk, "3000.00")
    number = page.locator("h1").inner_text().split()[-1]
    page.context.clear_cookies()
    login(page, "head_inn")
    page.goto(page.base + "/control/approvals/")
    page.click(f"text={number}")
    page.fill("#id_comment", "请核减金额并附参会名单")
    with page.expect_navigation():
        page.click("button[name=action][value=return]")
    page.context.clear_cookies()
    login(page, "staff_inn")
    page.goto(page.base + "/control/documents/?mine=1")
    page.click(f"text={number}")
    with page.expect_navigation():
        page.click("a:has-text('修改并重新提交')")
    assert "请核减金额并附参会名单" in page.inner_text(".alert-warning")
    names = tmp_path / "参会名单.pdf"
    names.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.fill("#id_amount", "2400.00")
    page.set_input_files("#id_minutes", str(names))
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('重新提交')")
    assert "重新提交" in page.inner_text(".alert-success")
    assert Quota.objects.get(pk=q["30215"].pk).frozen == 2400
    page.context.clear_cookies()
    login(page, "head_inn")
    page.goto(page.base + "/control/approvals/")
    page.click(f"text={number}")
    history = page.inner_text("#revisions")
    assert "3,000.00" in history and "2,400.00" in history and "参会名单.pdf" in history
    page.fill("#id_comment", "同意")
    with page.expect_navigation():
        page.click("button[name=action][value=approve]")
    app = Application.objects.get(number=number)
    assert app.state == "pending" and app.amount == 2400  # the head approved; finance is next
