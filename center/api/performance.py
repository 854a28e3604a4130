"""Performance API (reads): live progress of a year's indicators and its self-evaluations."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema

from center.core.errors import NotFoundError
from center.core.permissions import api_access
from center.performance import progress, selectors
from center.performance.rules import PERFORMANCE_READERS

router = Router(tags=["performance"])


class IndicatorProgressOut(Schema):
    indicator_id: int
    project_id: int | None
    name: str
    source: str
    definition: str
    target: Decimal | None
    target_display: str
    actual: Decimal | None
    actual_display: str
    rating: str
    progress: Decimal | None
    expected: Decimal | None
    status: str
    deadline: date


class EvaluationOut(Schema):
    id: int
    project_id: int | None
    state: str
    execution_rate: Decimal | None
    score: Decimal | None
    grade: str


def _budget(year: int):
    budget = selectors.budget_for_year(year) if 2000 <= year <= 2100 else None
    if budget is None:
        raise NotFoundError(_("预算不存在。"))
    return budget


@router.get("/progress/{year}", response=list[IndicatorProgressOut])
@api_access(PERFORMANCE_READERS)
def year_progress(request, year: int):
    """Every indicator of the year's 表11 with its source, actual, progress and traffic light (computed now)."""
    return [
        {
            "indicator_id": r.indicator.pk,
            "project_id": r.indicator.project_id,
            "name": r.indicator.name,
            "source": r.source,
            "definition": r.definition,
            "target": r.target,
            "target_display": r.target_display,
            "actual": r.actual,
            "actual_display": r.actual_display,
            "rating": r.rating,
            "progress": r.progress,
            "expected": r.expected,
            "status": str(r.status),
            "deadline": r.deadline,
        }
        for r in progress.unit_progress(_budget(year))
    ]


@router.get("/evaluations/{year}", response=list[EvaluationOut])
@api_access(PERFORMANCE_READERS)
def year_evaluations(request, year: int):
    return list(selectors.evaluations_of(_budget(year)).values())
