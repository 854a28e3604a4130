"""A corrected 公示 shows what it corrected, keeps the introduction, and the corrected version stays readable."""

import pytest
from django.test import Client
from django.urls import reverse

from center.core.errors import ApplicationError
from center.reviews import services
from center.reviews.enums import NoticeState, RoundState
from center.reviews.models import ApplicationResult, ReviewRound
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db

INTRO = "经形式审查、专家评审，现将评审结果予以公示。"


def _published(org):
    rnd, _group, app = f.round_with_group(org["staff_exp"])
    ReviewRound.objects.filter(pk=rnd.pk).update(state=RoundState.APPROVED)
    ApplicationResult.objects.create(application=app, score=80, rank=1, n_sheets=1)
    n1 = services.notice_publish(actor=org["head_exp"], round_id=rnd.pk, title="公示", body=INTRO)
    return rnd, app, n1


def test_a_correction_changes_the_row_and_keeps_the_introduction(org):
    rnd, app, n1 = _published(org)
    old_unit = n1.rows[0]["applicant"]
    n2 = services.notice_publish(
        actor=org["head_exp"],
        round_id=rnd.pk,
        title="公示",
        change_note="更正申报单位名称",
        corrections={app.code: {"applicant": "深圳市芯算微电子有限公司", "title": ""}},
    )
    assert (
        n2.rows[0]["applicant"] == "深圳市芯算微电子有限公司" and n2.rows[0]["title"] == n1.rows[0]["title"]
    )
    assert n2.body == INTRO
    assert services.notice_changes(n2) == [
        {"code": app.code, "field": "applicant", "old": old_unit, "new": "深圳市芯算微电子有限公司"}
    ]
    n1.refresh_from_db()
    assert n1.state == NoticeState.SUPERSEDED and n1.rows[0]["applicant"] == old_unit


def test_a_correction_that_corrects_nothing_is_refused(org):
    rnd, _app, n1 = _published(org)
    with pytest.raises(ApplicationError) as exc:
        services.notice_publish(actor=org["head_exp"], round_id=rnd.pk, title="公示", change_note="更正")
    assert "内容相同" in exc.value.message
    n1.refresh_from_db()
    assert n1.state == NoticeState.CURRENT and rnd.notices.count() == 1


def test_the_public_page_shows_the_correction_and_v1_stays_readable(org, client_for):
    rnd, app, n1 = _published(org)
    c = client_for("head_exp")
    r = c.post(
        reverse("reviews:notice_publish", args=[rnd.pk]),
        {
            "title": "公示（更正）",
            "days": "5",
            "body": "",
            "change_note": "更正申报单位名称",
            f"applicant__{app.code}": "深圳市芯算微电子有限公司",
            f"title__{app.code}": n1.rows[0]["title"],
        },
    )
    assert r.status_code == 302
    n2 = rnd.notices.get(version=2)
    page = Client().get(reverse("reviews:public_notice", args=[n2.pk])).content.decode()
    assert 'id="notice-correction"' in page and INTRO in page
    assert "深圳市芯算微电子有限公司" in page and f"<del>{n1.rows[0]['applicant']}</del>" in page
    assert "更正申报单位名称" in page and reverse("reviews:public_notice", args=[n1.pk]) in page
    old = Client().get(reverse("reviews:public_notice", args=[n1.pk])).content.decode()
    assert n1.rows[0]["applicant"] in old and INTRO in old
    assert "已被新版本替代" in old and reverse("reviews:public_notice", args=[n2.pk]) in old
