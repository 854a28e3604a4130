"""The sheet as data and the arithmetic: points add up, construction is dropped and the total rescaled."""

from decimal import Decimal

import pytest

from center.assessment.scoring import rescale, score_evaluation
from center.assessment.sheet import sheet
from tests.assessment.conftest import score_all_manual

pytestmark = pytest.mark.django_db


def test_sheet_levels_and_indicators_add_up():
    s = sheet()
    by_level = {}
    for ind in s.indicators:
        by_level[ind.level] = by_level.get(ind.level, 0) + ind.points
    assert by_level == {"unit": 60, "business": 40}
    assert [i.points for i in s.indicators if i.level == "unit"] == [14, 6, 8, 16, 6, 10]
    assert [i.points for i in s.indicators if i.level == "business"] == [7, 6, 7, 6, 8, 6]
    # construction (indicator 11, 8 points) and its rules (4.6, 2 points) do not apply to the Center
    assert s.applicable_points == Decimal(90)
    assert not any(i.applicable for i in s.items if i.indicator == "11")
    assert not s.item("4.6").applicable
    assert all(i.name_en for i in s.items) and all(i.name_en for i in s.indicators)


def test_rescaling_to_100():
    assert rescale(Decimal("81"), Decimal("90")) == Decimal("90.00")
    assert rescale(Decimal("90"), Decimal("90")) == Decimal("100.00")
    assert rescale(Decimal("0"), Decimal("90")) == Decimal("0.00")
    assert rescale(Decimal("50"), Decimal("0")) == Decimal("0")


def test_totals_of_an_evaluation(org, evaluation):
    scored = score_evaluation(evaluation)
    t = scored.totals
    manual = [i for i in sheet().items if i.applicable and not i.computed]
    assert t.unscored == len(manual)
    computed_total = sum(r.score for r in scored.rows if r.item.computed and r.item.applicable)
    assert t.raw == computed_total
    score_all_manual(org, evaluation)
    t = score_evaluation(evaluation).totals
    assert t.unscored == 0
    assert t.raw == computed_total + sum(i.points for i in manual)
    assert t.unit + t.business == t.raw
    assert t.rescaled == rescale(t.raw, Decimal(90))
    assert t.dropped_points == Decimal(10)


def test_each_computed_item_shows_how_it_was_computed(org, evaluation):
    for row in score_evaluation(evaluation).rows:
        if row.item.computed:
            assert row.checks, row.item.code
            assert sum(c.points for c in row.checks) == row.item.points
            for c in row.checks:
                assert c.explanation and c.title
                assert Decimal(0) <= c.score <= c.points
