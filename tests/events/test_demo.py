"""The demo: the seed's 2022 events in various states, linked to the 2022 budget, counted on the dashboard."""

import pytest

from center.events import demo, selectors
from center.events.enums import EventState
from center.events.models import Event, Registration, SurveyResponse

pytestmark = pytest.mark.django_db


class Quiet:
    def write(self, *_a, **_k):
        pass


def test_demo_events_linked_to_budget_and_counted(org):
    from center.budget import demo as budget_demo
    from center.control import demo as control_demo

    budget_demo.seed(Quiet())
    control_demo.seed(Quiet(), spending=False)  # quotas: approving an event freezes its planned cost
    demo.seed(Quiet())
    demo.seed(Quiet())  # idempotent
    year = Event.objects.filter(starts_at__year=2022)
    assert year.filter(type__code="innovation_week").count() == 3
    assert year.filter(type__code="haizhi").count() == 3
    assert year.filter(type__code="seminar").count() == 5
    assert year.filter(type__code="talent").exists() and year.filter(type__code="roadshow").exists()
    assert len(set(Event.objects.values_list("state", flat=True))) >= 7
    assert Registration.objects.filter(checked_in_at__isnull=False).exists()
    assert SurveyResponse.objects.exists()
    assert year.filter(budget_item__isnull=False).count() == year.count()
    progress = {p.name: p for p in selectors.indicator_progress(2022)}
    assert progress["举办创新周主题活动"].held == 3 and progress["举办创新周主题活动"].met
    assert progress["举办海智交流活动"].held == 2  # the third was cancelled
    # 2022 is closed: every seminar was held (none left planned)
    assert progress["组织开展学术研讨会"].held == 5 and progress["组织开展学术研讨会"].planned == 0
    assert progress["受众满意度"].is_satisfaction and progress["受众满意度"].actual >= 90
    for e in year.exclude(state__in=[EventState.PLANNED, EventState.APPROVED, EventState.CANCELLED]):
        assert e.confirmed_count <= e.capacity


def test_demo_events_money_goes_through_budget_control(org):
    """Approved events froze their planned cost; reported and closed ones claimed their actual cost against
    that application and the cashier paid it, so the quota executed what the event spent; a cancelled one
    released it."""
    from django.db.models import Sum

    from center.budget import demo as budget_demo
    from center.control import demo as control_demo
    from center.control.ledger import ledger_check
    from center.control.models import Application, Reimbursement
    from center.events.enums import EventState
    from center.events.models import Event

    budget_demo.seed(Quiet())
    control_demo.seed(Quiet(), spending=False)
    demo.seed(Quiet())
    funded = Event.objects.exclude(application_ref="")
    assert funded.filter(state__in=[EventState.REPORTED, EventState.CLOSED]).exists()
    for event in funded:
        app = Application.objects.get(number=event.application_ref)
        assert app.app_type == "event" and app.amount == event.planned_cost
        if event.state in (EventState.REPORTED, EventState.CLOSED):
            actual = event.cost_lines.aggregate(s=Sum("actual"))["s"]
            paid = Reimbursement.objects.filter(application=app, state="paid").aggregate(s=Sum("amount"))["s"]
            assert (app.state, paid, app.lines.get().frozen) == ("closed", actual, 0)
        elif event.state == EventState.CANCELLED:  # cancelling the event released its money
            assert (app.state, app.lines.get().frozen) == ("closed", 0)
        else:
            assert (app.state, app.lines.get().frozen) == ("approved", event.planned_cost)
    assert ledger_check() == []
