"""Expert fees raise money through budget control's public face (center.control.funding) only."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from center.control import funding
from center.core.errors import ApplicationError
from center.reviews import services
from center.reviews.models import ExpertFee, ReviewRound
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def fees_ready(org):
    rnd, _group, _app = f.round_with_group(org["staff_exp"])
    ReviewRound.objects.filter(pk=rnd.pk).update(state="approved")
    for gross in ("300.00", "600.00"):
        ExpertFee.objects.create(
            round=rnd, expert=f.expert(), sheets=1, gross=Decimal(gross), tax=0, net=Decimal(gross)
        )
    return rnd


def test_funding_request_goes_through_control_funding(org, fees_ready, monkeypatch):
    calls = []

    def request(**kwargs):
        calls.append(kwargs)
        return SimpleNamespace(number="SQ-2026-0099")

    monkeypatch.setattr(funding, "request", request)
    app = services.round_fees_request_funding(actor=org["staff_exp"], round_id=fees_ready.pk, quota_id=7)
    assert app.number == "SQ-2026-0099"
    (call,) = calls
    assert call["applicant"] == org["staff_exp"] and call["app_type"] == "expert_fee"
    assert call["lines"] == [(7, Decimal("900.00"))] and call["year"] == fees_ready.year
    assert set(fees_ready.fees.values_list("spending_ref", flat=True)) == {"SQ-2026-0099"}


def test_a_refused_funding_request_leaves_the_fees_untouched(org, fees_ready, monkeypatch):
    def request(**kwargs):
        raise ApplicationError("没有可用指标。")

    monkeypatch.setattr(funding, "request", request)
    with pytest.raises(ApplicationError):
        services.round_fees_request_funding(actor=org["staff_exp"], round_id=fees_ready.pk, quota_id=7)
    assert set(fees_ready.fees.values_list("spending_ref", flat=True)) == {""}
