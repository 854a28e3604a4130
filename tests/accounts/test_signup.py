"""An expert answering a recruitment call signs up (e-mail verified), recovers a password, goes back to the site."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from center.accounts.models import User
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "Harbour#Light2026"


@pytest.fixture
def call(org):
    from center.experts import services

    c = services.call_create(
        actor=org["staff_exp"],
        year=2026,
        title="2026 年度专家征集",
        criteria="副高级以上职称",
        deadline=timezone.localdate() + timedelta(days=30),
    )
    services.call_publish(actor=org["staff_exp"], call_id=c.pk)
    return c


def _link(message) -> str:
    """The one-time link of an e-mail, as a path on this site."""
    url = re.search(r"https?://\S+", message.body).group(0)
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _signup(client, email="li.hua@example.edu.cn", **extra):
    data = {
        "full_name": "李华",
        "email": email,
        "password": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        "idempotency_key": "s" * 16,
    } | extra
    return client.post(reverse("accounts:signup"), data)


def test_signup_from_a_call_verify_login_and_land_on_its_application_form(
    call, mailoutbox, django_capture_on_commit_callbacks
):
    c = Client()
    page = c.get(reverse("experts:public_call", args=[call.pk])).content.decode()
    apply_url = reverse("experts:portal_apply", args=[call.pk])
    signup_href = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', page).group(1)
    assert "portal%2Fapply" in signup_href or "portal/apply" in signup_href
    form = c.get(signup_href).content.decode()
    assert f'value="{apply_url}"' in form and reverse("core:home") in form  # the way back to the site
    with django_capture_on_commit_callbacks(execute=True):
        r = _signup(c, next=apply_url)
    assert r.status_code == 302 and r["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get(email="li.hua@example.edu.cn")
    assert user.is_external and user.external_type == "expert" and not user.is_active
    # not usable before the address is verified
    assert (
        c.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code
        == 200
    )
    [mail] = mailoutbox
    assert mail.to == ["li.hua@example.edu.cn"] and "验证" in mail.subject
    verified = c.get(_link(mail))
    assert verified.status_code == 302 and verified["Location"].startswith(reverse("accounts:login"))
    user.refresh_from_db()
    assert user.is_active
    assert AuditEntry.objects.filter(action="accounts.user.email_verified", target_id=str(user.pk)).exists()
    login = c.get(verified["Location"])
    assert "邮箱已验证" in login.content.decode()
    assert c.get(_link(mail)).status_code == 400  # one use only
    r = c.post(
        verified["Location"], {"username": "li.hua@example.edu.cn", "password": PASSWORD, "next": apply_url}
    )
    assert r.status_code == 302 and r["Location"] == apply_url
    form = c.get(apply_url)
    assert form.status_code == 200 and call.title in form.content.decode()


def test_signup_refusals_change_nothing(call, mailoutbox, django_capture_on_commit_callbacks):
    c = Client()
    weak = _signup(c, password="short", password2="short")
    assert weak.status_code == 200 and "invalid-feedback" in weak.content.decode()
    no_consent = _signup(c, consent="")
    assert no_consent.status_code == 200 and "个人信息" in no_consent.content.decode()
    assert not User.objects.filter(email="li.hua@example.edu.cn").exists() and mailoutbox == []


def test_signup_with_a_registered_address_reveals_nothing(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    org["staff_inn"].email = "lin.tao@szstec.example.cn"
    org["staff_inn"].save()
    count = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        r = _signup(Client(), email="Lin.Tao@szstec.example.cn")
    assert r.status_code == 302 and r["Location"] == reverse("accounts:signup_sent")  # as for a new address
    assert User.objects.count() == count
    [mail] = mailoutbox  # the owner is told instead
    assert mail.to == ["lin.tao@szstec.example.cn"] and "注册" in mail.subject


def test_password_reset_sends_a_link_only_to_a_known_address_and_the_link_works_once(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    user = org["expert"]
    user.email = "zhang@example.edu.cn"
    user.save()
    c = Client()
    login_page = c.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in login_page and reverse("accounts:signup") in login_page
    with django_capture_on_commit_callbacks(execute=True):
        unknown = c.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
        known = c.post(reverse("accounts:password_reset"), {"email": "ZHANG@example.edu.cn"})
    # the same answer either way
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("accounts:password_reset_sent")
    [mail] = mailoutbox
    assert mail.to == ["zhang@example.edu.cn"] and "expert" in mail.body
    link = _link(mail)
    form_url = c.get(link)["Location"]  # Django moves the token out of the address
    mismatch = c.post(form_url, {"new_password1": PASSWORD, "new_password2": "Other#Pass2026"})
    assert mismatch.status_code == 200
    done = c.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:password_reset_done")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="security.password_reset.completed", actor=user).exists()
    assert "链接无效" in Client().get(link, follow=True).content.decode()  # used: no second time


def test_password_reset_is_rate_limited_per_address(org, mailoutbox, django_capture_on_commit_callbacks):
    c = Client(REMOTE_ADDR="10.9.9.9")
    with django_capture_on_commit_callbacks(execute=True):
        for _i in range(5):
            assert (
                c.post(reverse("accounts:password_reset"), {"email": f"x{_i}@example.com"}).status_code == 302
            )
        sixth = c.post(reverse("accounts:password_reset"), {"email": "x6@example.com"})
    assert sixth.status_code == 200 and "过于频繁" in sixth.content.decode()
    other = Client(REMOTE_ADDR="10.9.9.10").post(
        reverse("accounts:password_reset"), {"email": "y@example.com"}
    )
    assert other.status_code == 302
