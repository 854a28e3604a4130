"""Security baseline: passwords, lockout per (username, IP), session timeouts, CSRF, 2FA, external accounts."""

import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from center.accounts import services
from center.core.errors import ApplicationError
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "Center#2026"


def _login(client, username, password=PASSWORD, ip="10.1.1.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_success_and_failure_are_audited(org):
    c = Client()
    assert _login(c, "head_exp", "wrong").status_code == 200
    failed = AuditEntry.objects.filter(action="security.login.failed").first()
    assert failed.outcome == "failed" and failed.extra["username"] == "head_exp" and failed.ip == "10.1.1.1"
    response = _login(c, "head_exp")
    assert response.status_code == 302 and response["Location"] == reverse("core:workbench")
    assert AuditEntry.objects.filter(action="security.login.succeeded", actor=org["head_exp"]).exists()


def test_wrong_password_message_is_chinese_by_default_and_english_on_request(org):
    zh = _login(Client(), "head_exp", "nope").content.decode()
    assert "请输入一个正确的" in zh or "用户名" in zh
    en_client = Client(HTTP_ACCEPT_LANGUAGE="en")
    en = _login(en_client, "head_exp", "nope").content.decode()
    assert "Please enter a correct" in en


def test_lockout_is_per_username_and_ip(org):
    attacker = Client()
    for _ in range(5):
        _login(attacker, "finance", "wrong", ip="203.0.113.9")
    locked = _login(attacker, "finance", PASSWORD, ip="203.0.113.9")
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert AuditEntry.objects.filter(action="security.login.locked_out").exists()
    # The victim, from their own office address, still signs in.
    ok = _login(Client(), "finance", PASSWORD, ip="10.8.0.5")
    assert ok.status_code == 302


def test_password_rules(org):
    for weak in ["short1A!", "alllowercaseletters", "1234567890123", "password123"]:
        with pytest.raises(ApplicationError):
            services.user_create(
                actor=org["sysadmin"],
                username="u" + str(len(weak)),
                full_name="测试",
                password=weak,
                department=org["staff_gen"].department,
                roles=["staff"],
            )


def test_passwords_are_hashed_with_argon2id_at_owasp_minimum_in_production_settings():
    from django.utils.module_loading import import_string

    from config.settings import base

    preferred = import_string(base.PASSWORD_HASHERS[0])()
    assert preferred.algorithm == "argon2"
    assert (preferred.memory_cost, preferred.time_cost, preferred.parallelism) == (19 * 1024, 2, 1)
    encoded = preferred.encode("Blue#Harbor2026", preferred.salt())
    assert "$argon2id$" in encoded and "m=19456,t=2,p=1" in encoded


def test_a_hash_with_djangos_argon2_defaults_is_upgraded_at_sign_in(org, settings):
    """Hashes made before the tuning (m=100 MiB, p=8) still verify and are rehashed at the next sign-in."""
    from django.contrib.auth import authenticate
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.test import RequestFactory

    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    user = org["staff_gen"]
    old = Argon2PasswordHasher()
    user.password = old.encode("Blue#Harbor2026", old.salt())
    user.save(update_fields=["password"])
    assert authenticate(RequestFactory().post("/"), username="staff_gen", password="Blue#Harbor2026")
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password


def test_idle_timeout_logs_out(org, client_for, settings):
    c = client_for("staff_gen")
    assert c.get(reverse("core:workbench")).status_code == 200
    session = c.session
    session["last_seen"] = time.time() - settings.SESSION_COOKIE_AGE - 5
    session.save()
    response = c.get(reverse("core:workbench"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert AuditEntry.objects.filter(action="security.session.expired", extra__reason="idle").exists()
    assert c.get(reverse("core:workbench")).status_code == 302  # stays signed out


def test_absolute_timeout_logs_out_even_when_active(org, client_for, settings):
    c = client_for("staff_gen")
    c.get(reverse("core:workbench"))
    session = c.session
    session["login_at"] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 5
    session.save()
    response = c.get(reverse("core:workbench"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="security.session.expired", extra__reason="absolute").exists()


def test_forged_csrf_is_refused_and_audited(org):
    c = Client(enforce_csrf_checks=True)
    c.force_login(org["head_gen"])
    response = c.post(reverse("accounts:delegations"), {"delegate": org["head_exp"].pk, "reason": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()
    assert AuditEntry.objects.filter(action="security.csrf.rejected", outcome="denied").exists()


def test_external_account_never_reaches_staff_pages(client_for):
    c = client_for("expert")
    for name in [
        "core:attachments",
        "accounts:profile",
        "accounts:delegations",
        "accounts:user_list",
        "core:audit_list",
    ]:
        assert c.get(reverse(name)).status_code == 403, name


def test_script_in_a_name_is_shown_escaped(org, client_for):
    services.user_update(
        actor=org["sysadmin"], user_id=org["staff_gen"].pk, full_name="<script>alert(1)</script>"
    )
    body = client_for("staff_gen").get(reverse("core:workbench")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_security_headers_and_csp_without_inline_script(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()  # no inline script blocks


def _enable_totp(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def test_two_factor_is_asked_after_the_password(org):
    device = _enable_totp(org["finance"])
    c = Client()
    _login(c, "finance")
    response = c.get(reverse("core:workbench"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")
    bad = c.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert "验证码不正确" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp throttles after a failure (1 s, then doubling); skip the wait
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    ok = c.post(reverse("accounts:otp_verify"), {"token": token})
    assert ok.status_code == 302
    assert c.get(reverse("core:workbench")).status_code == 200
    assert AuditEntry.objects.filter(action="security.two_factor.verified").exists()


def test_api_refuses_a_session_without_its_second_factor(org):
    _enable_totp(org["finance"])
    c = Client()
    _login(c, "finance")
    assert c.get("/api/v1/me").status_code in (401, 403)


@override_settings(TWO_FACTOR_ENFORCED=True)
def test_enforced_roles_must_enrol(client_for):
    response = client_for("cashier").get(reverse("core:workbench"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor_setup")
    # Roles outside the rule are not forced.
    assert client_for("staff_exp").get(reverse("core:workbench")).status_code == 200


def test_two_factor_enrolment_confirms_with_a_code(client_for, org):
    c = client_for("head_inn")
    page = c.get(reverse("accounts:two_factor_setup"))
    body = page.content.decode()
    assert page.status_code == 200 and "data:image/svg+xml" in body and "xmlns" in body.replace("%3A", ":")
    device = TOTPDevice.objects.get(user=org["head_inn"], confirmed=False)
    token = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert c.post(reverse("accounts:two_factor_setup"), {"token": token}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="security.two_factor.enabled", actor=org["head_inn"]).exists()


def test_admin_password_reset_forces_a_change(org, client_for):
    temporary = services.user_reset_password(actor=org["sysadmin"], user_id=org["staff_inn"].pk)
    c = Client()
    _login(c, "staff_inn", temporary)
    response = c.get(reverse("core:workbench"))
    assert response["Location"] == reverse("accounts:password_change")
    c.post(
        reverse("accounts:password_change"),
        {"old_password": temporary, "new_password": "Another#Pass99", "new_password2": "Another#Pass99"},
    )
    assert c.get(reverse("core:workbench")).status_code == 200


def test_phone_is_encrypted_at_rest_and_masked_on_pages(org, client_for):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM accounts_user WHERE username = %s", ["head_gen"])
        stored = cur.fetchone()[0]
    assert org["head_gen"].phone.startswith("138") and org["head_gen"].phone not in stored
    body = client_for("head_gen").get(reverse("accounts:profile")).content.decode()
    assert "138****" in body and org["head_gen"].phone not in body
