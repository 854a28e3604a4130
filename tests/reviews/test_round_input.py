"""A review round refuses what it cannot be: each bad field named, nothing created."""

import pytest
from django.urls import reverse

from center.reviews.models import ReviewRound

pytestmark = pytest.mark.django_db

GOOD = {
    "code": "R-1",
    "title": "青年科技奖评审",
    "kind": "soft_topic",
    "year": "2026",
    "aggregation": "median",
}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("year", "abc", "年度应为 2000–2100 之间的年份。"),
        ("year", "99999", "年度应为 2000–2100 之间的年份。"),
        ("kind", "zzz", "请选择评审类型。"),
        ("aggregation", "zzz", "请选择分数汇总方式。"),
        ("code", "", "请填写评审活动的编号和名称。"),
        ("title", "", "请填写评审活动的编号和名称。"),
    ],
)
def test_round_create_refuses_a_bad_field(org, client_for, field, value, message):
    response = client_for("staff_exp").post(reverse("reviews:round_list"), GOOD | {field: value}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ReviewRound.objects.exists()


def test_round_create_with_good_fields_still_works(org, client_for):
    response = client_for("staff_exp").post(reverse("reviews:round_list"), GOOD)
    assert response.status_code == 302
    assert ReviewRound.objects.get().year == 2026
