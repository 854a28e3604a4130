"""The demo's 2022 evaluation: drafted whether the other demos left rich records or none at all."""

import io

import pytest

from center.assessment import demo
from center.assessment.enums import EvaluationState
from center.assessment.models import Evaluation
from center.assessment.scoring import score_evaluation

pytestmark = pytest.mark.django_db


def test_demo_on_thin_data_and_twice(org):
    out = io.StringIO()
    demo.seed(out)  # only the accounts demo ran: no budget, no quota, no document
    e = Evaluation.objects.get(year=2022)
    assert e.state == EvaluationState.DRAFT
    scored = score_evaluation(e)
    assert scored.totals.unscored == 0
    assert scored.totals.rescaled > 0
    quotas = next(c for r in scored.rows for c in r.checks if c.code == "quotas_issued")
    assert quotas.score == 0  # no 2022 quotas in this database: said, not invented
    demo.seed(out)  # idempotent
    assert Evaluation.objects.count() == 1
    assert "exists" in out.getvalue()
