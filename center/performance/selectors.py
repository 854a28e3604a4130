"""Reads of the performance area for its pages and the API: years, budgets, indicators, evaluations. The
area's data is the unit's (every reader sees all of it); "missing" is a NotFoundError."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from center.budget.models import Budget, PerformanceIndicator, Project
from center.core.errors import NotFoundError

from .enums import Category, Rating
from .models import Evaluation, IndicatorBinding, ManualValue, Record
from .progress import display_value, is_met, target_number, target_text
from .scoring import Rule, score_execution, score_qualitative, score_quantitative


def budget_years() -> list[int]:
    return sorted(
        set(Budget.objects.filter(indicators__isnull=False).values_list("fiscal_year__year", flat=True)),
        reverse=True,
    )


def default_year() -> int | None:
    """The latest budget year with indicators that has started (else the earliest one there is)."""
    years = budget_years()
    if not years:
        return None
    today = timezone.localdate().year
    started = [y for y in years if y <= today]
    return started[0] if started else years[-1]


def budget_for_year(year: int | None) -> Budget | None:
    if year is None:
        return None
    return (
        Budget.objects.filter(fiscal_year__year=year, indicators__isnull=False)
        .select_related("fiscal_year", "unit")
        .distinct()
        .first()
    )


def projects_of(budget) -> list[Project]:
    return list(budget.projects.select_related("department").order_by("task_sort", "sort", "id"))


def project_get(pk) -> Project:
    p = Project.objects.select_related("budget__fiscal_year", "department").filter(pk=pk).first()
    if p is None:
        raise NotFoundError(_("项目不存在。"))
    return p


def indicator_get(pk) -> PerformanceIndicator:
    ind = (
        PerformanceIndicator.objects.select_related("project__department", "budget__fiscal_year")
        .filter(pk=pk)
        .first()
    )
    if ind is None:
        raise NotFoundError(_("绩效指标不存在。"))
    return ind


def binding_of(indicator) -> IndicatorBinding | None:
    return IndicatorBinding.objects.filter(indicator=indicator).select_related("base").first()


def values_of(binding, limit: int = 50):
    if binding is None:
        return []
    return list(
        ManualValue.objects.filter(binding=binding)
        .select_related("entered_by")
        .prefetch_related("attachments")[:limit]
    )


def records_of(binding):
    if binding is None:
        return []
    return list(
        Record.objects.filter(binding=binding)
        .select_related("created_by", "accepted_by")
        .prefetch_related("attachments")
    )


def bases_for(indicator) -> list[tuple[int, str]]:
    """The quantity indicators of the same project a derived indicator may be based on."""
    qs = PerformanceIndicator.objects.filter(
        budget_id=indicator.budget_id, project_id=indicator.project_id, kind="quantitative"
    ).exclude(pk=indicator.pk)
    return [(i.pk, f"{i.display_name()} {i.target_display}") for i in qs.order_by("table_sort", "id")]


def evaluation_get(pk) -> Evaluation:
    ev = (
        Evaluation.objects.select_related(
            "budget__fiscal_year", "project__department", "created_by", "submitted_by", "approved_by"
        )
        .filter(pk=pk)
        .first()
    )
    if ev is None:
        raise NotFoundError(_("绩效自评不存在。"))
    return ev


def evaluation_lines(ev):
    """The lines with `how_display`: how each score was computed, in the reader's language (from the stored
    figures and the rule the evaluation was scored with; the stored Chinese sentence is the record)."""
    lines = list(ev.lines.select_related("indicator"))
    rule = Rule.of(ev.rule or {})
    for ln in lines:
        ln.how_display = explain(ln, rule)
        if ln.indicator is None:
            ln.target_text, ln.actual_text = ln.target_display, ln.actual_display
            continue
        ln.target_text = target_text(ln.indicator)
        if ln.rating and ln.actual is None:
            ln.actual_text = str(Rating(ln.rating).label)
        else:
            ln.actual_text = display_value(ln.actual, ln.indicator)
    return lines


def explain(ln, rule: Rule) -> str:
    if not ln.applicable:
        return _("不适用：%(r)s") % {"r": ln.not_applicable_reason}
    if ln.category == Category.EXECUTION:
        return score_execution(ln.points, ln.actual)[1]
    ind = ln.indicator
    if ind is not None and ind.kind == "qualitative":
        return score_qualitative(ln.points, ln.rating, ln.rating_pct, rule)[1]
    target = target_number(ind.value) if ind is not None else None
    comparator = ind.comparator if ind is not None else ""
    return score_quantitative(
        ln.points, ln.actual, target, comparator, is_met(ln.actual, comparator, target)
    )[1]


def evaluations_of(budget) -> dict:
    """{project id or None: Evaluation} for a budget."""
    return {e.project_id: e for e in Evaluation.objects.filter(budget=budget).select_related("approved_by")}


def total_how(ev, lines) -> dict:
    """The total's arithmetic for the page and the exports: points available (applicable parts), points
    scored, and the rescaling when some part was dropped."""
    available = sum((ln.points for ln in lines if ln.applicable), Decimal(0))
    raw = sum((ln.score or Decimal(0) for ln in lines if ln.applicable), Decimal(0))
    by_cat = []
    for cat in Category:
        group = [ln for ln in lines if ln.category == cat and ln.applicable]
        by_cat.append(
            {
                "category": cat,
                "points": sum((ln.points for ln in group), Decimal(0)),
                "score": sum((ln.score or Decimal(0) for ln in group), Decimal(0)),
                "count": len(group),
            }
        )
    return {"available": available, "raw": raw, "rescaled": available not in (0, 100), "by_category": by_cat}
