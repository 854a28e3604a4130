"""The workbench tabs in a real browser: a document submitted by staff appears under 我发起的 with its step and
holder; the head approves it, sees it under 已办, and the staff's row moves on to the next step."""

import pytest

from tests.control.factories import YEAR, quotas_ready
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(page, number):
    return page.locator("#work-list li", has_text=number)


def test_workbench_tabs_follow_a_document(page, org):
    q = quotas_ready(org)
    login(page, "staff_inn")
    page.goto(page.base + f"/control/applications/new/?year={YEAR}")
    page.select_option("#id_app_type", "event")
    page.fill("#id_title", "浏览器测试：工作台")
    page.select_option("#id_quota", str(q["30227"].pk))
    page.fill("#id_amount", "800.00")
    with page.expect_navigation():
        page.click("button[type=submit]:has-text('提交并冻结')")
    number = page.locator("h1").inner_text().split()[-1]

    page.goto(page.base + "/workbench/")
    page.focus("#tab-started")  # the tabs are links: reachable and followed with the keyboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_attribute("#tab-started", "aria-current") == "page"
    row = _row(page, number).inner_text()
    assert "部门负责人" in row and org["head_inn"].full_name in row

    page.context.clear_cookies()
    login(page, "head_inn")
    page.goto(page.base + "/workbench/")
    assert _row(page, number).count() == 1  # 待办
    with page.expect_navigation():
        _row(page, number).locator("a").first.click()
    assert "审批流程图" in page.content()
    page.fill("#id_comment", "同意")
    with page.expect_navigation():
        page.click("button[name=action][value=approve]")
    page.goto(page.base + "/workbench/")
    assert _row(page, number).count() == 0
    page.click("#tab-done")
    page.wait_for_url("**tab=done")
    assert "部门负责人" in _row(page, number).inner_text()

    page.context.clear_cookies()
    login(page, "staff_inn")
    page.goto(page.base + "/workbench/?tab=started")
    row = _row(page, number).inner_text()
    assert "财务审核" in row and org["finance"].full_name in row
