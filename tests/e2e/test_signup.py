"""Browser journey of a visitor answering a recruitment call: sign up → verification link → login → the call's
application form."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from center.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Harbour#Light2026"


def test_an_expert_signs_up_from_a_call_and_reaches_its_application_form(page, org, mailoutbox):
    from center.experts import services

    call = services.call_create(
        actor=User.objects.get(username="staff_exp"),
        year=2026,
        title="2026 年度评审专家征集",
        criteria="副高级以上职称",
        deadline=timezone.localdate() + timedelta(days=30),
    )
    services.call_publish(actor=User.objects.get(username="staff_exp"), call_id=call.pk)

    page.goto(page.base + f"/experts/public/calls/{call.pk}/")
    page.get_by_role("link", name="还没有账号？注册专家账号").click()
    page.wait_for_url(re.compile(r"/accounts/signup/"))
    assert page.get_by_role("link", name="返回中心网站").is_visible()
    page.fill("#id_full_name", "李华")
    page.fill("#id_email", "li.hua@example.edu.cn")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.check("#id_consent")
    with page.expect_navigation():
        page.get_by_role("button", name="注册").click()
    assert "请查收验证邮件" in page.content()

    [mail] = mailoutbox
    link = urlsplit(re.search(r"https?://\S+", mail.body).group(0))
    page.goto(page.base + link.path + "?" + link.query)
    assert "邮箱已验证" in page.content()
    page.fill("#id_username", "li.hua@example.edu.cn")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-submit")
    assert urlsplit(page.url).path == f"/experts/portal/apply/{call.pk}/"
    assert "2026 年度评审专家征集" in page.content()
    assert page.locator("form").first.is_visible()
