"""Every page form takes effect once: the hidden `{% once_key %}` and FormOnceMiddleware."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from center.core.idempotency import idempotency_purge
from center.core.models import IdempotentRequest
from center.reviews.models import Criterion, ReviewRound

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def _key(page) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)


@pytest.fixture
def round_page(org, client_for):
    c = client_for("staff_exp")
    c.post(
        reverse("reviews:round_list"),
        {"code": "ONCE-1", "title": "一次", "kind": "soft_topic", "year": "2026", "aggregation": "mean"},
    )
    rnd = ReviewRound.objects.get(code="ONCE-1")
    return c, rnd, c.get(reverse("reviews:round_detail", args=[rnd.pk]))


def _criterion(rnd, key, name="创新性", max_score="50"):
    return reverse("reviews:criterion_add", args=[rnd.pk]), {
        "name": name,
        "weight": "1",
        "min_score": "0",
        "max_score": max_score,
        "idempotency_key": key,
    }


def test_a_double_click_adds_once_and_both_answers_go_to_the_same_page(round_page):
    c, rnd, page = round_page
    url, data = _criterion(rnd, _key(page))
    first, second = c.post(url, data), c.post(url, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Criterion.objects.filter(round=rnd).count() == 1


def test_forms_without_the_key_still_work_and_each_post_counts(round_page):
    c, rnd, _page = round_page
    url, data = _criterion(rnd, "")
    c.post(url, data)
    c.post(url, {**data, "name": "可行性"})
    assert Criterion.objects.filter(round=rnd).count() == 2


def test_the_same_key_with_other_content_is_refused_and_changes_nothing(round_page):
    c, rnd, page = round_page
    key = _key(page)
    c.post(*_criterion(rnd, key))
    other = c.post(*_criterion(rnd, key, name="另一项"))
    assert other.status_code == 409
    assert list(Criterion.objects.filter(round=rnd).values_list("name", flat=True)) == ["创新性"]


def test_a_refused_form_keeps_its_key_usable(round_page):
    c, rnd, page = round_page
    key = _key(page)
    bad = c.post(*_criterion(rnd, key, max_score="-5"))  # refused by the service, shown after a redirect
    assert bad.status_code == 302 and Criterion.objects.filter(round=rnd).count() == 0
    assert not IdempotentRequest.objects.filter(key=key).exists()
    assert "分值范围无效" in c.get(bad["Location"]).content.decode()  # the refusal is still shown
    c.post(*_criterion(rnd, key))  # the corrected form, sent again from the same page
    assert Criterion.objects.filter(round=rnd).count() == 1


def test_a_malformed_key_is_refused(round_page):
    c, rnd, _page = round_page
    assert c.post(*_criterion(rnd, "short")).status_code == 400
    assert Criterion.objects.filter(round=rnd).count() == 0


def test_old_keys_are_forgotten(round_page):
    c, rnd, page = round_page
    c.post(*_criterion(rnd, _key(page)))
    old = IdempotentRequest.objects.get()
    IdempotentRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    c.post(*_criterion(rnd, "fresh-key-0001", name="新"))
    assert idempotency_purge() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["fresh-key-0001"]


def test_every_signed_in_post_form_carries_a_one_time_key():
    # Forms sent by HTMX stay on the page and post again (they answer with a fragment, not a redirect);
    # sign-in, the second factor and sign-out act before or after a session.
    exempt = {"templates/accounts/login.html", "templates/accounts/otp_verify.html", "templates/base.html"}
    exempt.add("templates/includes/language_switch.html")
    missing = []
    for path in sorted((ROOT / "center").rglob("*.html")):
        rel = str(path.relative_to(ROOT / "center"))
        if rel in exempt:
            continue
        for form in re.findall(r"<form\b[^>]*>.*?</form>", path.read_text(), re.S):
            head = form[: form.index(">")]
            if 'method="post"' in head and "hx-post" not in head and "once_key" not in form:
                missing.append(f"{rel}: {head[:80]}")
    assert missing == []


@pytest.mark.django_db(transaction=True)
def test_identical_posts_racing_have_one_effect(round_page, org):
    import threading

    from django.db import connection
    from django.test import Client

    _c, rnd, page = round_page
    url, data = _criterion(rnd, _key(page))
    n = 4
    barrier, answers = threading.Barrier(n), []

    def post():
        client = Client()
        client.force_login(org["staff_exp"])
        barrier.wait()
        try:
            answers.append(client.post(url, data))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [302] * n
    assert len({a["Location"] for a in answers}) == 1
    assert Criterion.objects.filter(round=rnd).count() == 1
