"""Behind the reverse proxy: the client address comes from the trusted proxy hops (TRUSTED_PROXY_COUNT), for
both the login lockout (django-axes) and the audit trail; a client cannot choose its address."""

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from center.core.middleware import client_ip
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "Center#2026"
PROXY = "127.0.0.1"  # nginx on the same machine: what gunicorn sees as REMOTE_ADDR


def _request(xff=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_proxy_the_header_is_ignored():
    assert client_ip(_request("198.51.100.7", remote="203.0.113.1")) == "203.0.113.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_proxy_the_address_it_appended_is_the_client():
    assert client_ip(_request("198.51.100.7")) == "198.51.100.7"
    # Whatever the client itself put in the header stays to the left of what nginx appended.
    assert client_ip(_request("10.0.0.1, 6.6.6.6, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(_request("2001:DB8::1")) == "2001:db8::1"
    # No header (a health check from the machine itself): the peer address.
    assert client_ip(_request()) == PROXY
    # Garbage where the proxy's entry should be: the peer address, never the garbage.
    assert client_ip(_request("unknown")) == PROXY


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_proxies():
    # client → load balancer (appends client) → nginx (appends load balancer) → gunicorn
    assert client_ip(_request("6.6.6.6, 198.51.100.7, 10.0.0.2", remote="10.0.0.3")) == "198.51.100.7"
    assert client_ip(_request("198.51.100.7", remote="10.0.0.3")) == "198.51.100.7"


def _login(client, username, password, client_address, forged=""):
    """A login through nginx: it appends the address it received the request from."""
    xff = f"{forged}, {client_address}" if forged else client_address
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=xff,
        HTTP_X_FORWARDED_PROTO="https",
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_lockout_behind_the_proxy_hits_only_the_attackers_address(org):
    attacker = Client()
    for i in range(5):
        # A forged header with more hops than trusted, different each time, does not escape the count.
        _login(attacker, "finance", "wrong", "203.0.113.9", forged=f"10.9.9.{i}")
    locked = _login(attacker, "finance", PASSWORD, "203.0.113.9", forged="10.9.9.200")
    assert locked.status_code == 429
    failed = AuditEntry.objects.filter(action="security.login.failed").order_by("pk")
    assert failed.count() >= 5 and {e.ip for e in failed} == {"203.0.113.9"}
    locked_out = AuditEntry.objects.filter(action="security.login.locked_out")
    assert locked_out.exists() and {e.ip for e in locked_out} == {"203.0.113.9"}
    # The victim, from their own address behind the same proxy, still signs in.
    ok = _login(Client(), "finance", PASSWORD, "198.51.100.7")
    assert ok.status_code == 302
    assert AuditEntry.objects.get(action="security.login.succeeded").ip == "198.51.100.7"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_forged_address_cannot_unlock_or_frame_another_client(org):
    for _ in range(5):
        _login(Client(), "head_exp", "wrong", "203.0.113.9")
    # Claiming to be someone else in the header does not help the locked-out client…
    assert _login(Client(), "head_exp", PASSWORD, "203.0.113.9", forged="198.51.100.7").status_code == 429
    # …and the address it claimed is not locked out.
    assert _login(Client(), "head_exp", PASSWORD, "198.51.100.7").status_code == 302
