import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from center.budget import demo as budget_demo
from center.budget.models import Budget, PerformanceIndicator
from center.performance import services
from center.performance.models import IndicatorBinding

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EVIDENCE = [("验收单.pdf", PDF)]


@pytest.fixture
def budget(org):
    """The seed's 2022 budget (表11: 38 indicators), every indicator bound to its proposed source."""
    budget_demo.seed(io.StringIO(), with_current=False)
    b = Budget.objects.select_related("fiscal_year", "unit").get(fiscal_year__year=2022)
    services.bindings_suggest(actor=None, budget_id=b.pk)
    return b


@pytest.fixture
def ind(budget):
    """An indicator of the 2022 budget by name (the first of that name)."""

    def get(name: str) -> PerformanceIndicator:
        return (
            PerformanceIndicator.objects.filter(budget=budget, name=name)
            .select_related("project", "binding")
            .order_by("table_sort", "id")
            .first()
        )

    return get


@pytest.fixture
def binding(ind):
    def get(name: str) -> IndicatorBinding:
        return IndicatorBinding.objects.get(indicator=ind(name))

    return get


@pytest.fixture
def event_types(db):
    from center.events.models import EventType

    return {
        code: EventType.objects.get_or_create(code=code, defaults={"name": name, "sort": n})[0]
        for n, (code, name) in enumerate(
            [("innovation_week", "创新周主题活动"), ("haizhi", "海智交流活动"), ("seminar", "学术研讨会")]
        )
    }


@pytest.fixture
def held_event(org, budget, event_types):
    """An event held on a given day (2022 by default) under a budget item of a project (by name)."""
    from center.budget.models import ProjectItem
    from center.events.enums import EventState
    from center.events.models import Event

    def make(type_code, project_name, *, month=5, day=20, state=EventState.HELD, satisfaction=None, basis=0):
        item = ProjectItem.objects.filter(project__budget=budget, project__name=project_name).first()
        start = timezone.make_aware(datetime(2022, month, day, 9, 0))
        return Event.objects.create(
            type=event_types[type_code],
            title=f"{type_code} {month}-{day}",
            department=org["staff_inn"].department,
            owner=org["staff_inn"],
            starts_at=start,
            ends_at=start,
            capacity=100,
            budget_item=item,
            state=state,
            planned_cost=Decimal(0),
            satisfaction_rate=satisfaction,
            satisfaction_basis=basis,
        )

    return make
