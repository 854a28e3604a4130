"""A review criterion's English name, typed next to its Chinese name on the round page: saved, audited,
refused when too long, and shown on the English page."""

import pytest
from django.urls import reverse
from django.utils import translation

from center.core.models import AuditEntry
from center.reviews.models import ReviewRound

pytestmark = pytest.mark.django_db


def _round(c) -> ReviewRound:
    c.post(
        reverse("reviews:round_list"),
        {"code": "EN-1", "title": "英文评审", "kind": "soft_topic", "year": "2026", "aggregation": "mean"},
    )
    return ReviewRound.objects.get(code="EN-1")


def test_criterion_form_saves_the_english_name_and_the_english_page_shows_it(org, client_for):
    c = client_for("staff_exp")
    rnd = _round(c)
    page = c.get(reverse("reviews:round_detail", args=[rnd.pk])).content.decode()
    assert 'name="name_en"' in page
    r = c.post(
        reverse("reviews:criterion_add", args=[rnd.pk]),
        {"name": "创新性", "name_en": " Innovation ", "weight": "1", "min_score": "0", "max_score": "50"},
    )
    assert r.status_code == 302
    assert rnd.criteria.get().name_en == "Innovation"
    entry = AuditEntry.objects.filter(action="reviews.criterion.added").latest("seq")
    assert entry.extra["criterion"] == "创新性" and entry.extra["criterion_en"] == "Innovation"
    c.cookies["django_language"] = "en"
    with translation.override("en"):
        english = c.get(reverse("reviews:round_detail", args=[rnd.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Innovation" in english.content.decode() and "创新性" not in english.content.decode()


def test_a_too_long_english_name_is_refused_and_nothing_is_added(org, client_for):
    c = client_for("staff_exp")
    rnd = _round(c)
    r = c.post(
        reverse("reviews:criterion_add", args=[rnd.pk]),
        {"name": "创新性", "name_en": "x" * 201, "weight": "1", "min_score": "0", "max_score": "50"},
        follow=True,
    )
    assert "英文名称过长" in r.content.decode()
    assert not rnd.criteria.exists()
