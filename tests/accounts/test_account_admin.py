"""The system admin's account management: staff and external accounts, last sign-in, second factor, lockout
and unlock, deactivation and reactivation with a reason (audited)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from center.accounts import services
from center.core.errors import ApplicationError
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _rows(html: str) -> dict[str, str]:
    """username → its table row."""
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r"<tr>\s*<td[^>]*>(?:<a [^>]*>)?([\w.@-]+)\s*<.*?</tr>", html, re.S)
    }


def test_the_list_shows_external_accounts_last_login_and_second_factor(client_for, org):
    org["staff_inn"].last_login = timezone.now()
    org["staff_inn"].save(update_fields=["last_login"])
    TOTPDevice.objects.create(user=org["finance"], name="TOTP", confirmed=True)
    c = client_for("sysadmin")
    rows = _rows(c.get(reverse("accounts:user_list")).content.decode())
    assert {"expert", "orgcontact", "staff_inn", "finance"} <= set(rows)
    assert "专家" in rows["expert"] and "机构联系人" in rows["orgcontact"]
    assert "从未登录" in rows["staff_exc"] and "从未登录" not in rows["staff_inn"]
    assert rows["finance"].count("已启用") == 1 and "未启用" in rows["staff_inn"]
    external = _rows(c.get(reverse("accounts:user_list") + "?kind=external").content.decode())
    assert set(external) == {"expert", "orgcontact"}
    staff = _rows(c.get(reverse("accounts:user_list") + "?kind=staff").content.decode())
    assert "expert" not in staff and "staff_inn" in staff


def test_a_locked_account_is_shown_and_unlocked_by_the_admin(client_for, org, settings):
    anonymous = Client()
    for _i in range(settings.AXES_FAILURE_LIMIT):
        anonymous.post(reverse("accounts:login"), {"username": "staff_gen", "password": "wrong-Password1"})
    refused = anonymous.post(reverse("accounts:login"), {"username": "staff_gen", "password": "Center#2026"})
    assert refused.status_code == 429
    c = client_for("sysadmin")
    row = _rows(c.get(reverse("accounts:user_list")).content.decode())["staff_gen"]
    assert "已锁定" in row and reverse("accounts:user_unlock", args=[org["staff_gen"].pk]) in row
    assert "data-confirm" in row
    r = c.post(reverse("accounts:user_unlock", args=[org["staff_gen"].pk]), {"idempotency_key": "u" * 16})
    assert r.status_code == 302
    assert AuditEntry.objects.filter(
        action="accounts.user.unlocked", target_id=str(org["staff_gen"].pk)
    ).exists()
    assert "已锁定" not in _rows(c.get(reverse("accounts:user_list")).content.decode())["staff_gen"]
    ok = anonymous.post(reverse("accounts:login"), {"username": "staff_gen", "password": "Center#2026"})
    assert ok.status_code == 302
    # nothing left to unlock: a clear message, nothing audited
    with pytest.raises(ApplicationError, match="没有被锁定"):
        services.user_unlock(actor=org["sysadmin"], user_id=org["staff_gen"].pk)


def test_deactivation_asks_for_a_reason_and_is_audited(client_for, org):
    expert = org["expert"]
    c = client_for("sysadmin")
    url = reverse("accounts:user_toggle_active", args=[expert.pk])
    page = c.get(url).content.decode()
    assert "data-confirm" in page and 'name="reason"' in page
    blank = c.post(url, {"reason": "  ", "idempotency_key": "a" * 16})
    assert blank.status_code == 200 and "invalid-feedback" in blank.content.decode()
    expert.refresh_from_db()
    assert expert.is_active
    assert c.post(url, {"reason": "专家申请退出专家库", "idempotency_key": "b" * 16}).status_code == 302
    expert.refresh_from_db()
    assert not expert.is_active
    entry = AuditEntry.objects.get(action="accounts.user.deactivated", target_id=str(expert.pk))
    assert entry.extra["reason"] == "专家申请退出专家库"
    # reactivation asks for its own reason too
    assert "重新启用" in c.get(url).content.decode()
    assert c.post(url, {"reason": "重新受聘", "idempotency_key": "c" * 16}).status_code == 302
    expert.refresh_from_db()
    assert expert.is_active
    assert AuditEntry.objects.get(action="accounts.user.activated").extra["reason"] == "重新受聘"


def test_the_service_refuses_a_missing_reason(org):
    with pytest.raises(ApplicationError) as exc:
        services.user_set_active(actor=org["sysadmin"], user_id=org["staff_exc"].pk, active=False, reason="")
    assert exc.value.extra["field"] == "reason"
    org["staff_exc"].refresh_from_db()
    assert org["staff_exc"].is_active
