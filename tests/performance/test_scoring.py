"""Each scoring rule of 财预〔2020〕10号 as the defaults of `scoring.Rule`: the case it gives full points and
the case it does not, rescaling, grades, and rules whose figures do not add up."""

from decimal import Decimal as D

import pytest

from center.performance.enums import Category, Rating
from center.performance.scoring import (
    Line,
    Rule,
    category_of,
    score,
    score_execution,
    score_qualitative,
    score_quantitative,
)

RULE = Rule()


def test_defaults_are_the_finance_ministry_weights():
    assert [RULE.execution_weight, RULE.output_weight, RULE.benefit_weight, RULE.satisfaction_weight] == [
        10,
        50,
        30,
        10,
    ]
    assert RULE.problems() == []


def test_quantitative_met_takes_full_points():
    s, how = score_quantitative(D(5), D(3), D(3), "=", met=True)
    assert s == D(5) and "满分" in how


def test_quantitative_missed_takes_points_times_actual_over_target():
    s, how = score_quantitative(D(6), D(2), D(3), "=", met=False)
    assert s == D("4.00") and "2" in how and "3" in how


def test_quantitative_without_actual_scores_nothing():
    assert score_quantitative(D(6), None, D(3), "=", met=False)[0] == 0


def test_reverse_indicator_missed_takes_points_times_target_over_actual():
    # "≤ 10 天" and it took 20: half the points
    s, how = score_quantitative(D(8), D(20), D(10), "<=", met=False)
    assert s == D("4.00") and "反向" in how
    assert score_quantitative(D(8), D(9), D(10), "<=", met=True)[0] == D(8)


def test_execution_is_points_times_rate_capped_at_full():
    assert score_execution(D(10), D("85.5"))[0] == D("8.55")
    assert score_execution(D(10), D("104"))[0] == D(10)
    assert score_execution(D(10), None)[0] == 0


@pytest.mark.parametrize(
    ("rating", "pct", "expected"),
    [
        (Rating.ACHIEVED, None, D("10.00")),  # default: the top of 80–100%
        (Rating.ACHIEVED, D(85), D("8.50")),
        (Rating.PARTLY, None, D("7.00")),  # default: the middle of 60–80%
        (Rating.NOT, None, D("3.00")),  # default: the middle of 0–60%
        ("", None, D(0)),  # no rating yet
    ],
)
def test_qualitative_bands(rating, pct, expected):
    assert score_qualitative(D(10), rating, pct, RULE)[0] == expected


def test_bands_come_from_the_rule():
    assert RULE.band(Rating.ACHIEVED) == (80, 100)
    assert RULE.band(Rating.PARTLY) == (60, 80)
    assert RULE.band(Rating.NOT) == (0, 60)
    assert Rule(achieved_min=D(90), partly_min=D(50)).band(Rating.PARTLY) == (50, 90)


@pytest.mark.parametrize(
    ("total", "grade"),
    [
        (D(100), "优"),
        (D(90), "优"),
        (D("89.99"), "良"),
        (D(80), "良"),
        (D("79.99"), "中"),
        (D(60), "中"),
        (D("59.99"), "差"),
    ],
)
def test_grades(total, grade):
    assert RULE.grade(total) == grade


def test_points_shared_within_a_part_and_the_parts_add_to_100():
    lines = [
        Line(key=None, category=Category.EXECUTION, actual=D(100)),
        *[Line(key=i, category=Category.OUTPUT, actual=D(1), target=D(1), met=True) for i in range(3)],
        Line(key=9, category=Category.BENEFIT, qualitative=True, rating=Rating.ACHIEVED),
        Line(key=10, category=Category.SATISFACTION, actual=D(95), target=D(90), comparator=">=", met=True),
    ]
    result = score(lines, RULE)
    assert [ln.points for ln in lines[1:4]] == [D("16.67"), D("16.67"), D("16.66")]
    assert result.available == 100 and result.total == 100 and result.grade == "优"


def test_not_applicable_dropped_and_total_rescaled():
    lines = [
        Line(key=None, category=Category.EXECUTION, actual=D(100)),
        Line(key=1, category=Category.OUTPUT, actual=D(1), target=D(2), met=False),  # 25 of 50
        Line(key=2, category=Category.BENEFIT, qualitative=True, rating=Rating.ACHIEVED),
        Line(key=3, category=Category.SATISFACTION, applicable=False),  # dropped: the part goes
    ]
    result = score(lines, RULE)
    assert result.available == 90
    assert result.raw == D(65)  # 10 + 25 + 30
    assert result.total == D("72.22") and result.grade == "中"
    assert lines[3].score is None and "不适用" in lines[3].how
    assert "折算" in result.how


def test_nothing_applicable_gives_no_score():
    result = score([Line(key=1, category=Category.OUTPUT, applicable=False)], RULE)
    assert result.total is None and result.grade == ""


def test_weights_that_do_not_add_to_100_are_refused():
    problems = Rule(output_weight=D(45)).problems()
    assert problems and "100" in problems[0] and "95" in problems[0]


def test_bands_and_grade_lines_out_of_order_are_refused():
    assert Rule(partly_min=D(85)).problems()
    assert Rule(good_min=D(95)).problems()
    assert Rule().problems() == []


def test_category_of_follows_level_one():
    assert category_of("产出指标") == Category.OUTPUT
    assert category_of("效益指标") == Category.BENEFIT
    assert category_of("满意度指标") == Category.SATISFACTION
    assert category_of("产出指标", is_execution=True) == Category.EXECUTION
