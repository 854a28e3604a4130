"""Services that change an expert's credit while handling a round, a flag or an assignment lock the expert
(master data) first: under the test settings a lock out of the declared order fails (LockOrderError)."""

import pytest

from center.reviews import services
from center.reviews.enums import CreditKind, FlagState
from tests.reviews.test_scoring import scored_round, submit  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_no_show_at_approval_and_a_low_rating_cost_credit_in_lock_order(org, scored_round):  # noqa: F811
    rnd, (app1, app2), (a, b, c) = scored_round
    for who in (a, b):
        submit(who, app1, "40", "40")
        submit(who, app2, "30", "30")
    services.round_compute(actor=org["staff_exp"], round_id=rnd.pk)
    for flag in rnd.flags.filter(state=FlagState.OPEN):
        services.flag_resolve(actor=org["staff_exp"], flag_id=flag.pk, decision="keep", note="已核实")
    services.round_compute(actor=org["staff_exp"], round_id=rnd.pk)
    services.round_approve(actor=org["head_exp"], round_id=rnd.pk)
    c.expert.refresh_from_db()
    assert c.expert.credit_score == 80
    assert c.expert.credit_events.get().kind == CreditKind.NO_SHOW
    services.assignment_rate(actor=org["staff_exp"], assignment_id=c.pk, rating=1, note="未参加")
    c.expert.refresh_from_db()
    assert c.expert.credit_score == 75
