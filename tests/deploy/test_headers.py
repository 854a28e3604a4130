"""Response headers of the production shape: what belongs to one person is never stored by a cache, and the
browser features no page needs are switched off (the camera only for the check-in page's QR scanner)."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.events.conftest import event_type, make_event, register  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    return dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))


def _cache(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_public_pages_stay_cacheable_and_deny_every_feature(db):
    for url in (reverse("core:home"), reverse("events:public_list"), reverse("events:public_calendar")):
        response = Client().get(url)
        assert response.status_code == 200, url
        # Kept by the browser (never no-store); private + no-cache because each carries the visitor's own CSRF
        # token (center.core.pagecache: the page itself is cached on the server, the token put in per answer).
        assert "no-store" not in _cache(response) and {"private", "no-cache"} <= _cache(response), url
        policy = _policy(response)
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert policy[feature] == "()", (url, feature)


def test_not_found_and_static_files_carry_the_policy_too(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and _policy(response)["camera"] == "()"
    static = Client().get("/static/app/app.css")
    assert static.status_code == 200 and _policy(static)["camera"] == "()"


def test_signed_in_pages_are_private_and_not_stored(client_for):
    c = client_for("staff_exc")
    for url in (reverse("core:workbench"), reverse("events:manage_list"), reverse("accounts:profile")):
        response = c.get(url)
        assert response.status_code == 200, url
        assert {"private", "no-store"} <= _cache(response), url
        assert "public" not in _cache(response)
        assert _policy(response)["camera"] == "()", url


def test_exported_files_are_private_and_not_stored(client_for, make_event, register):  # noqa: F811
    event = make_event()
    register(event)
    for username, url in (
        ("staff_exc", reverse("events:registrations_xlsx", args=[event.pk])),
        ("auditor", reverse("core:audit_export")),
    ):
        response = client_for(username).get(url)
        assert response.status_code == 200, url
        assert "attachment" in response["Content-Disposition"]
        assert {"private", "no-store"} <= _cache(response), url


def test_api_answers_for_a_token_are_private(org):
    from center.accounts import services

    _obj, token = services.api_token_create(actor=org["staff_exc"], name="ci", days=1)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache(response)


def test_a_personal_ticket_page_is_not_stored(org, make_event, register):  # noqa: F811
    reg = register(make_event())
    response = Client().get(reverse("events:ticket", args=[reg.token]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _cache(response)


def test_the_checkin_page_alone_may_use_the_camera(client_for, make_event):  # noqa: F811
    event = make_event()
    c = client_for("staff_exc")
    response = c.get(reverse("events:checkin", args=[event.pk]))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["camera"] == "(self)"
    assert policy["microphone"] == "()" and policy["geolocation"] == "()"
    other = c.get(reverse("events:detail", args=[event.pk]))
    assert _policy(other)["camera"] == "()"
