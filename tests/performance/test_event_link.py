"""An event counts only towards indicators whose source is events held or their satisfaction: the event
form offers no other, and the service refuses a forged id with a clear message."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from center.core.errors import ApplicationError
from center.events import services as events
from center.events.forms import EventForm
from center.events.models import Event

pytestmark = pytest.mark.django_db


def _event(org, event_types, indicators):
    start = timezone.now() + timedelta(days=10)
    return events.event_create(
        actor=org["staff_inn"],
        type=event_types["innovation_week"],
        title="创新周主题活动",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=50,
        planned_cost=Decimal("1000.00"),
        indicators=indicators,
    )


def test_the_form_offers_only_event_sourced_indicators(ind, event_types):
    """The form offers this year's budget (an event is planned ahead): prepare it from 2022 and bind it."""
    import io

    from center.budget import demo as budget_demo
    from center.budget.models import Budget
    from center.performance import services

    budget_demo.seed(io.StringIO(), with_current=True)
    current = Budget.objects.get(fiscal_year__year=timezone.localdate().year)
    services.bindings_suggest(actor=None, budget_id=current.pk)
    offered = set(EventForm().fields["indicators"].queryset.values_list("name", flat=True))
    assert "举办创新周主题活动" in offered and "受众满意度" in offered and "组织开展学术研讨会" in offered
    assert "购买办公设备" not in offered
    assert not {n for n in offered if n.endswith("完成率") or n.endswith("及时性") or "保障" in n}


def test_a_forged_indicator_is_refused_and_nothing_is_created(org, ind, event_types):
    devices = ind("购买办公设备")
    before = Event.objects.count()
    with pytest.raises(ApplicationError, match="购买办公设备"):
        _event(org, event_types, [devices.pk])
    with pytest.raises(ApplicationError, match="无效"):
        _event(org, event_types, ["x"])
    assert Event.objects.count() == before
    event = _event(org, event_types, [ind("举办创新周主题活动")])
    assert list(event.indicators.values_list("name", flat=True)) == ["举办创新周主题活动"]
    with pytest.raises(ApplicationError, match="购买办公设备"):
        events.event_update(actor=org["staff_inn"], event_id=event.pk, indicators=[devices])
    assert list(event.indicators.values_list("name", flat=True)) == ["举办创新周主题活动"]


def test_the_declared_source_decides_not_the_name(org, ind, event_types):
    """Rebinding an indicator to events makes it linkable; rebinding one away makes it unlinkable."""
    from center.performance import services

    devices = ind("购买办公设备")
    services.binding_set(actor=org["finance"], indicator_id=devices.pk, source="events")
    assert _event(org, event_types, [devices]).indicators.count() == 1
    seminars = ind("组织开展学术研讨会")
    services.binding_set(actor=org["finance"], indicator_id=seminars.pk, source="manual")
    with pytest.raises(ApplicationError):
        _event(org, event_types, [seminars])


def test_an_unbound_indicator_is_judged_by_its_proposed_source(org, event_types):
    """Before the performance demo (or finance) binds anything, the name's proposal applies."""
    import io

    from center.budget import demo as budget_demo
    from center.budget.models import PerformanceIndicator

    budget_demo.seed(io.StringIO(), with_current=False)
    week = PerformanceIndicator.objects.filter(name="举办创新周主题活动").first()
    devices = PerformanceIndicator.objects.filter(name="购买办公设备").first()
    assert _event(org, event_types, [week]).indicators.count() == 1
    with pytest.raises(ApplicationError):
        _event(org, event_types, [devices])
