"""What reviews offers the expert pool (center.reviews.faces): availability for a draw, an expert's record."""

import pytest

from center.experts.enums import ExpertState
from center.experts.models import Expert
from center.experts.selectors import expert_search
from center.reviews import faces, services
from center.reviews.enums import PickRole
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def test_available_experts_leave_out_suspended_low_credit_and_recently_drawn(org):
    free = f.expert()
    suspended = f.expert(state=ExpertState.SUSPENDED)
    low = f.expert(credit=55)
    others = [f.expert() for _ in range(3)]
    _rnd, group, _app = f.round_with_group(org["staff_exp"], size=2, backups=1)
    draw = services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=org["staff_exp"], draw_id=draw.pk, source="public", value="8", description="测试"
    )
    drawn = set(draw.picks.filter(role=PickRole.MAIN).values_list("expert_id", flat=True))
    available = set(Expert.objects.filter(faces.available_experts_q()).values_list("pk", flat=True))
    assert suspended.pk not in available and low.pk not in available
    assert available.isdisjoint(drawn)
    assert {e.pk for e in [free, *others]} - drawn <= available
    assert set(expert_search(available=True).values_list("pk", flat=True)) == available


def test_an_experts_record_comes_through_the_face(org):
    e = f.expert()
    services.credit_event_add(actor=org["staff_exp"], expert_id=e.pk, kind="manual", points=-5)
    assert [ev.points for ev in faces.expert_credit_events(e.pk)] == [-5]
    assert list(faces.expert_assignments(e.pk)) == []
