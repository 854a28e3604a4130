import re

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_workbench_and_language_switch(page):
    page.goto(page.base + "/workbench/")
    assert "/accounts/login/" in page.url  # not signed in yet
    login(page, "head_exp")
    assert page.url.endswith("/workbench/")
    assert page.locator("h1").inner_text() == "工作台"
    assert page.locator("text=刘芳").first.is_visible()
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Workbench"
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("button[name=language][value=zh-hans]")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "工作台"


def test_wrong_password_shows_a_clear_message(page):
    login(page, "head_exp", "wrong-password")
    assert "/accounts/login/" in page.url
    assert page.locator(".alert-danger").count() == 1
    assert re.search("用户名|密码", page.locator(".alert-danger").inner_text())


def test_phone_width_has_an_offcanvas_menu(page):
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "auditor")
    assert not page.locator("#sidenav .nav-link", has_text="审计日志").is_visible()
    page.click("button.navbar-toggler")
    page.locator("#sidenav .nav-link", has_text="审计日志").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/audit/")
