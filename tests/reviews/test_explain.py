"""Review flags and draw verification failures in words, never codes or the program's error text."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from center.reviews.enums import FlagKind
from center.reviews.explain import flag_text, verify_failures
from center.reviews.models import Flag
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def test_flags_are_explained_with_their_numbers(org, client_for):
    rnd, _group, app = f.round_with_group(org["staff_exp"])
    outlier = Flag.objects.create(round=rnd, kind=FlagKind.OUTLIER, application=app, detail={"z": 4.0512})
    assert "高 4.05 个标准差" in flag_text(outlier)
    low = Flag.objects.create(
        round=rnd, kind=FlagKind.OUTLIER, application=app, expert=None, detail={"z": -11.2}
    )
    assert "低 11.20 个标准差" in flag_text(low) and "-" not in flag_text(low)
    fast = Flag.objects.create(round=rnd, kind=FlagKind.TOO_FAST, application=app, detail={"seconds": 20})
    assert "20 秒" in flag_text(fast)
    spread = Flag.objects.create(
        round=rnd, kind=FlagKind.SPREAD, application=app, detail={"spread": "65.00", "max": "85", "min": "20"}
    )
    assert "相差 65.00 分" in flag_text(spread)
    page = client_for("staff_exp").get(reverse("reviews:round_detail", args=[rnd.pk])).content.decode()
    assert "4.05 个标准差" in page and "z=" not in page and "seconds=" not in page


def test_verification_failures_are_sentences():
    sentences = verify_failures({"pool_hash": False, "seed": True, "result": False, "result_hash": True})
    assert len(sentences) == 2 and all("。" in s for s in sentences)


def test_public_verify_speaks_in_sentences(org):
    c = Client()
    url = reverse("reviews:public_verify")
    page = c.post(url, {"record": "not json"}).content.decode()
    assert "可读的抽取记录" in page and "Expecting value" not in page
    page = c.post(url, {"record": json.dumps({"params": {}})}).content.decode()
    assert "记录不完整" in page and "KeyError" not in page
