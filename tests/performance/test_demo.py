"""The demo: every indicator of the 2022 表11 bound to its source with an actual (or a rating), and the 2022
self-evaluations scored by the written rules and approved."""

import pytest

from center.performance import demo, progress
from center.performance.enums import EvaluationState
from center.performance.models import Evaluation

pytestmark = pytest.mark.django_db


class Quiet:
    def write(self, *_a, **_k):
        pass


def test_demo_binds_every_indicator_and_scores_2022(org):
    from center.budget import demo as budget_demo
    from center.budget.models import Budget
    from center.control import demo as control_demo
    from center.events import demo as events_demo

    budget_demo.seed(Quiet())
    control_demo.seed(Quiet())
    events_demo.seed(Quiet())
    demo.seed(Quiet())
    demo.seed(Quiet())  # idempotent
    budget = Budget.objects.get(fiscal_year__year=2022)
    rows = progress.unit_progress(budget)
    assert len(rows) == 38
    assert all(r.source for r in rows)
    assert all(r.actual is not None or r.rating for r in rows), [
        r.indicator.name for r in rows if r.actual is None and not r.rating
    ]
    unit = Evaluation.objects.get(budget=budget, project__isnull=True)
    assert unit.state == EvaluationState.APPROVED and unit.score is not None and unit.grade
    assert Evaluation.objects.filter(budget=budget).count() == budget.projects.count() + 1
