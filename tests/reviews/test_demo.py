"""The demo: a few hundred experts, a published call, a finished round whose draw verifies, with scores,
resolved flags, a ranking and 公示 (with a superseded version), and a round in progress for the demo expert."""

import io

import pytest
from django.utils import timezone

from center.experts import demo as experts_demo
from center.experts.models import Expert, RecruitmentCall
from center.reviews import demo as reviews_demo
from center.reviews import services
from center.reviews.enums import FlagState, NoticeState, PickState, RoundState
from center.reviews.models import ApplicationResult, ReviewRound

pytestmark = pytest.mark.django_db


def test_demo_data(org, client_for):
    year = timezone.localdate().year
    out = io.StringIO()
    experts_demo.seed(out)
    reviews_demo.seed(out)
    assert Expert.objects.count() >= 300
    assert RecruitmentCall.objects.filter(published_at__isnull=False).exists()
    rnd = ReviewRound.objects.get(code=f"QNKJ-{year}")
    assert rnd.state == RoundState.PUBLISHED
    draw = rnd.groups.get().draws.get()
    assert services.draw_verify(draw)["ok"]
    assert rnd.flags.exists() and not rnd.flags.filter(state=FlagState.OPEN).exists()
    ranks = list(
        ApplicationResult.objects.filter(application__round=rnd, rank__isnull=False).values_list(
            "rank", flat=True
        )
    )
    assert sorted(ranks)[0] == 1 and len(ranks) >= 4
    assert list(rnd.notices.values_list("state", flat=True).order_by("version")) == [
        NoticeState.SUPERSEDED,
        NoticeState.CURRENT,
    ]
    live = ReviewRound.objects.get(code=f"SKT-{year}").groups.get().draws.get()
    assert live.picks.filter(expert__user__username="expert", state=PickState.INVITED).exists()
    experts_demo.seed(out)  # idempotent
    reviews_demo.seed(out)
    assert ReviewRound.objects.filter(code=f"QNKJ-{year}").count() == 1
    # The staff pages of the finished round render.
    c = client_for("head_exp")
    for url in [
        f"/reviews/{rnd.pk}/",
        f"/reviews/draws/{draw.pk}/",
        f"/reviews/draws/{draw.pk}/verify/",
        f"/reviews/{rnd.pk}/fees/",
    ]:
        assert c.get(url).status_code == 200, url
    assert "验证通过" in c.get(f"/reviews/draws/{draw.pk}/verify/").content.decode()
