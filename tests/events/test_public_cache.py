"""Public pages from the cache (center.core.pagecache), with the real cache (files) and real commits on both
databases: what a registration, a state change and an edit do to the public event page, one entry per language,
signed-in users always live, no personal data or CSRF token in what is stored, the headers."""

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from center.core import pagecache
from center.core.errors import ApplicationError
from center.core.services import run_unit
from center.events import services
from center.events.enums import EventState
from center.events.models import Event

from .conftest import person

pytestmark = pytest.mark.django_db(transaction=True)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _url(event):
    return reverse("events:public_detail", args=[event.pk])


def _stored_pages() -> list[bytes]:
    """Every page the cache holds (the file cache: unpickle its entries)."""
    pages = []
    for path in cache._list_cache_files():
        with open(path, "rb") as f:
            if not cache._is_expired(f):
                import pickle
                import zlib

                value = pickle.loads(zlib.decompress(f.read()))  # noqa: S301 (our own test cache)
                if isinstance(value, tuple):
                    pages.append(value[2])
    return pages


def test_second_visit_is_a_hit_and_the_form_still_registers_with_its_own_token(make_event):
    event = make_event(capacity=10)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    a = first.get(_url(event))
    b = second.get(_url(event))
    assert a["X-Page-Cache"] == "miss" and b["X-Page-Cache"] == "hit"
    token_a, token_b = TOKEN.search(a.content.decode()).group(1), TOKEN.search(b.content.decode()).group(1)
    assert token_a != token_b and pagecache.PLACEHOLDER not in b.content.decode()
    # Each visitor's token goes with their own cookie: both registrations pass the CSRF check.
    for client, token, n in ((first, token_a, 1), (second, token_b, 2)):
        r = client.post(_url(event), person(n) | {"csrfmiddlewaretoken": token})
        assert r.status_code == 302, r.status_code
    # Another visitor's token is refused (403) and stores nothing.
    r = first.post(_url(event), person(3) | {"csrfmiddlewaretoken": token_b})
    assert r.status_code == 403 and event.registrations.count() == 2


def test_a_registration_shows_within_the_seats_ttl(make_event):
    with override_settings(PAGECACHE_SEATS_TTL=1):
        event = make_event(capacity=10)
        c = Client()
        assert "剩余 10 个名额" in c.get(_url(event)).content.decode()
        services.registration_create(event_id=event.pk, **person(1))
        time.sleep(1.1)
        page = c.get(_url(event))
        assert page["X-Page-Cache"] == "miss" and "剩余 9 个名额" in page.content.decode()


def test_a_cancellation_and_a_state_change_show_at_once(make_event, org):
    event = make_event(capacity=1)
    reg = services.registration_create(event_id=event.pk, **person(1))
    c = Client()
    assert "剩余 0 个名额" in c.get(_url(event)).content.decode()
    services.registration_cancel(token=reg.token)  # a seat freed by hand: dropped in the commit hook
    assert "剩余 1 个名额" in c.get(_url(event)).content.decode()
    services.event_close_registration(actor=org["staff_exc"], event_id=event.pk)
    page = c.get(_url(event)).content.decode()
    assert "本活动报名已截止" in page and 'id="register-form"' not in page
    listed = c.get(reverse("events:public_list"))
    services.event_update(actor=org["staff_exc"], event_id=event.pk, title="改过名字的研讨会")
    assert "改过名字的研讨会" in c.get(_url(event)).content.decode()
    again = c.get(reverse("events:public_list"))
    assert listed["X-Page-Cache"] == "miss" and again["X-Page-Cache"] == "miss"
    assert "改过名字的研讨会" in again.content.decode()


def test_a_rolled_back_unit_drops_nothing(make_event):
    event = make_event(capacity=3)
    c = Client()
    c.get(_url(event))

    def work():
        Event.objects.get(pk=event.pk).save()  # would drop the page (post_save) if the unit committed
        raise ApplicationError("不做了")

    with pytest.raises(ApplicationError):
        run_unit(work)
    assert c.get(_url(event))["X-Page-Cache"] == "hit"
    run_unit(lambda: Event.objects.get(pk=event.pk).save())
    assert c.get(_url(event))["X-Page-Cache"] == "miss"


def test_one_entry_per_language(make_event):
    event = make_event()
    zh = Client().get(_url(event))
    en = Client(HTTP_ACCEPT_LANGUAGE="en").get(_url(event))
    en_again = Client(HTTP_ACCEPT_LANGUAGE="en").get(_url(event))
    assert zh["X-Page-Cache"] == "miss" and en["X-Page-Cache"] == "miss" and en_again["X-Page-Cache"] == "hit"
    assert 'lang="zh-CN"' in zh.content.decode()[:300] and '<html lang="en">' in en_again.content.decode()
    assert "Accept-Language" in en["Vary"] and "Cookie" in en["Vary"]


def test_signed_in_users_get_the_live_page_and_are_never_stored(make_event, client_for):
    event = make_event()
    anonymous = Client().get(_url(event))
    staff = client_for("staff_exc")
    page = staff.get(_url(event))
    assert anonymous["X-Page-Cache"] == "miss" and not page.has_header("X-Page-Cache")
    html = page.content.decode()
    assert "进入工作台" in html and "进入工作台" not in anonymous.content.decode()
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    assert all(
        b"\xe8\xbf\x9b\xe5\x85\xa5\xe5\xb7\xa5\xe4\xbd\x9c\xe5\x8f\xb0" not in p for p in _stored_pages()
    )


def test_no_personal_data_and_no_token_in_what_is_stored(make_event):
    event = make_event()
    c = Client()
    c.post(_url(event), person(77) | {"name": "保密的名字"})
    served = c.get(_url(event))
    stored = _stored_pages()
    assert stored and all(pagecache.PLACEHOLDER.encode() in p for p in stored)
    token = TOKEN.search(served.content.decode()).group(1)
    for p in stored:
        assert token.encode() not in p and "保密的名字".encode() not in p and b"p77@example.com" not in p


def test_headers_and_what_is_never_cached(make_event):
    event = make_event()
    c = Client()
    page = c.get(_url(event))
    assert set(page["Cache-Control"].split(", ")) == {"private", "no-cache"}
    # Query parameters the page does not read: rendered live, not stored.
    assert not c.get(_url(event) + "?utm=x").has_header("X-Page-Cache")
    # A 404 is not stored.
    assert c.get(reverse("events:public_detail", args=[event.pk + 999])).status_code == 404
    # A flash message is one visitor's: that visitor gets the live page, with the message.
    closed = make_event(state=EventState.REGISTRATION_CLOSED)
    r = c.post(reverse("events:public_detail", args=[closed.pk]), person(5), follow=True)
    assert "不接受报名" in r.content.decode() and not r.has_header("X-Page-Cache")
    assert (
        "不接受报名" not in Client().get(reverse("events:public_detail", args=[closed.pk])).content.decode()
    )


def test_other_public_pages_are_cached_and_dropped_by_their_writes(org):
    from center.experts.models import RecruitmentCall

    c = Client()
    url = reverse("experts:public_calls")
    assert c.get(url)["X-Page-Cache"] == "miss" and c.get(url)["X-Page-Cache"] == "hit"
    for name in ("reviews:public_notices", "budget:public_list", "core:home"):
        assert c.get(reverse(name))["X-Page-Cache"] == "miss"
        assert c.get(reverse(name))["X-Page-Cache"] == "hit"
    from datetime import timedelta

    from django.utils import timezone

    run_unit(
        lambda: RecruitmentCall.objects.create(
            year=2027,
            title="2027年专家征集",
            criteria="—",
            deadline=timezone.localdate() + timedelta(days=30),
            state="published",
            published_at=timezone.now(),
            created_by=org["staff_exc"],
        )
    )
    page = c.get(url)
    assert page["X-Page-Cache"] == "miss" and "2027年专家征集" in page.content.decode()


def test_a_new_form_field_is_asked_at_once(make_event, org):
    from center.events.enums import FieldKind

    event = make_event(capacity=5)
    c = Client()
    assert c.post(_url(event), person(1)).status_code == 302  # the fields are now remembered by this process
    services.form_field_add(
        actor=org["staff_exc"], event_id=event.pk, label="所在城市", kind=FieldKind.TEXT, required=True
    )
    page = c.get(_url(event))
    assert page["X-Page-Cache"] == "miss" and "所在城市" in page.content.decode()
    r = c.post(_url(event), person(2))
    assert r.status_code == 400 and event.registrations.count() == 1
