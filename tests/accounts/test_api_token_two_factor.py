"""An API token must not be a way round the second factor: for the roles that must use TOTP (finance, cashier,
system admin once enforced) and for anyone who enrolled one, a token is issued only from a session whose
login passed the TOTP step; otherwise the issue service refuses, clearly, and the refusal is audited."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from center.accounts import services
from center.accounts.models import ApiToken
from center.core.errors import ForbiddenError
from center.core.models import AuditEntry
from center.core.services import flush_refusals

pytestmark = pytest.mark.django_db
PASSWORD = "Center#2026"


def _device(user):
    return TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)


def _code(device) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _signed_in(username, device=None) -> Client:
    """Signed in through the login page, then (with a device) through the TOTP step."""
    c = Client()
    c.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    if device is not None:
        assert c.post(reverse("accounts:otp_verify"), {"token": _code(device)}).status_code == 302
    return c


@override_settings(TWO_FACTOR_ENFORCED=True)
@pytest.mark.parametrize("username", ["finance", "cashier", "sysadmin"])
def test_no_token_for_a_required_role_without_a_verified_session(org, username):
    with pytest.raises(ForbiddenError, match="两步验证"):
        services.api_token_create(actor=org[username], name="脚本", days=30)
    assert not ApiToken.objects.filter(user=org[username]).exists()
    flush_refusals()  # the end of the request: the test itself runs inside a transaction
    refusal = AuditEntry.objects.get(action="accounts.api_token.refused")
    assert refusal.actor == org[username] and refusal.outcome == "denied"
    assert refusal.extra == {"reason": "two_factor"}


@override_settings(TWO_FACTOR_ENFORCED=True)
def test_a_required_role_gets_a_token_from_a_totp_verified_session(org):
    device = _device(org["finance"])
    c = _signed_in("finance", device)
    page = c.post(reverse("accounts:profile"), {"form": "token", "name": "报表脚本", "days": 30})
    assert page.status_code == 200 and "szt_" in page.content.decode()
    token = ApiToken.objects.get(user=org["finance"])
    assert AuditEntry.objects.filter(action="accounts.api_token.created", target_id=str(token.pk)).exists()


@override_settings(TWO_FACTOR_ENFORCED=True)
def test_a_session_that_skipped_the_second_factor_gets_no_token(org):
    """The page gate sends such a session to the TOTP step; the service refuses it even so."""
    _device(org["cashier"])
    c = _signed_in("cashier")
    response = c.post(reverse("accounts:profile"), {"form": "token", "name": "脚本", "days": 30})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")
    assert not ApiToken.objects.filter(user=org["cashier"]).exists()
    c2 = Client()
    c2.force_login(org["cashier"])  # signed in, second factor never asked
    with pytest.raises(ForbiddenError):
        services.api_token_create(actor=org["cashier"], name="脚本")


def test_anyone_who_enrolled_a_second_factor_needs_it_for_a_token(org):
    _device(org["head_exp"])
    with pytest.raises(ForbiddenError):
        services.api_token_create(actor=org["head_exp"], name="脚本")
    c = _signed_in("head_exp", TOTPDevice.objects.get(user=org["head_exp"]))
    page = c.post(reverse("accounts:profile"), {"form": "token", "name": "脚本", "days": 30})
    assert "szt_" in page.content.decode()


def test_roles_without_the_rule_are_unchanged(org):
    """Without enforcement and without a device, tokens are issued as before."""
    obj, token = services.api_token_create(actor=org["finance"], name="脚本", days=1)
    assert token.startswith("szt_") and obj.user == org["finance"]
    with override_settings(TWO_FACTOR_ENFORCED=True):
        services.api_token_create(actor=org["staff_gen"], name="脚本", days=1)
