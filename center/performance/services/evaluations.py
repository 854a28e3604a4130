"""Scoring rules (data) and the year-end self-evaluation: open, score from live progress, set applicability
and qualitative percentages, explain, submit, return, approve (then locked)."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, NotFoundError
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from .. import progress as live
from ..enums import EVALUATION, Category
from ..models import Evaluation, EvaluationLine, ScoreRule
from ..rules import may_decide, may_edit_evaluation, may_edit_rules, may_prepare
from ..scoring import DEFAULTS, Line, Rule, category_of, score
from .common import lock_budget

RULE_FIELDS = tuple(DEFAULTS)


def rule_for_year(year: int) -> Rule:
    row = ScoreRule.objects.filter(year=year).first()
    return Rule.of(row) if row else Rule()


def _decimal(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, AttributeError):
        raise ApplicationError(_("请填写数字。"), {"field": field}) from None
    if not d.is_finite() or d != d.quantize(Decimal("0.01")) or abs(d) >= 100000:
        raise ApplicationError(_("请填写最多两位小数的数字。"), {"field": field})
    return d


@service
def rule_save(*, actor, year: int, **values) -> ScoreRule:
    """Save a year's scoring rules. Refused (nothing changed) when the four weights do not add up to 100,
    the qualitative bands or the grade lines are out of order. Side effect: audit entry."""
    require(may_edit_rules, actor)
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ApplicationError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if not (2000 <= int(year) <= 2100):
        raise ApplicationError(_("年度不正确。"), {"field": "year"})
    current = lock_one(ScoreRule.objects.filter(year=year))
    base = Rule.of(current) if current else Rule()
    merged = base.as_dict() | {k: str(_decimal(v, k)) for k, v in values.items()}
    rule = Rule.of(merged)
    problems = rule.problems()
    if problems:
        raise ApplicationError(" ".join(problems), {"problems": problems})
    row = current or ScoreRule(year=year)
    changes = {
        k: [str(getattr(base, k)), str(getattr(rule, k))]
        for k in RULE_FIELDS
        if getattr(base, k) != getattr(rule, k)
    }
    for k in RULE_FIELDS:
        setattr(row, k, getattr(rule, k))
    row.updated_by = actor
    row.save()
    audit_log("performance.rule.saved", actor=actor, target=row, changes=changes)
    return row


def _lock_evaluation(evaluation_id) -> Evaluation:
    try:
        pk = int(evaluation_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("绩效自评不存在。")) from None
    ev = Evaluation.objects.filter(pk=pk).values_list("budget_id", flat=True).first()
    if ev is None:
        raise NotFoundError(_("绩效自评不存在。"))
    lock_budget(ev)
    return lock_one(Evaluation.objects.filter(pk=pk).select_related("budget__fiscal_year", "project"))


def _lines_for(evaluation: Evaluation, rule: Rule):
    """The rows to score, from live progress, keeping what the evaluator set (applicability, percentages)."""
    budget = evaluation.budget
    rows = live.project_progress(evaluation.project) if evaluation.project_id else live.unit_progress(budget)
    execution = live.execution_figures(budget, evaluation.project if evaluation.project_id else None)
    kept = {ln.indicator_id: ln for ln in evaluation.lines.all()}
    lines = []

    def keep(line: Line, key):
        old = kept.get(key)
        if old is not None:
            line.applicable = old.applicable
            line.extra["reason"] = old.not_applicable_reason
            if line.qualitative and old.rating == line.rating and old.rating_pct is not None:
                line.rating_pct = old.rating_pct
        return line

    lines.append(keep(Line(key=None, category=Category.EXECUTION, actual=execution.rate), None))
    for r in rows:
        ind = r.indicator
        line = Line(
            key=ind.pk,
            category=category_of(ind.level1),
            qualitative=ind.kind == "qualitative",
            actual=r.actual,
            target=r.target,
            comparator=ind.comparator,
            met=live.is_met(r.actual, ind.comparator, r.target),
            rating=r.rating,
        )
        line.extra.update(row=r)
        lines.append(keep(line, ind.pk))
    return lines, execution


def _rescore(evaluation: Evaluation) -> None:
    """Recompute and store the lines; the stored "how" sentences are the record, in Chinese (pages show
    them in the reader's language, recomputed from the stored figures: selectors.evaluation_lines)."""
    with translation.override(settings.LANGUAGE_CODE):
        _rescore_now(evaluation)


def _rescore_now(evaluation: Evaluation) -> None:
    rule = rule_for_year(evaluation.budget.fiscal_year.year)
    lines, execution = _lines_for(evaluation, rule)
    result = score(lines, rule)
    existing = {ln.indicator_id: ln for ln in evaluation.lines.all()}
    fields = [
        "category",
        "applicable",
        "not_applicable_reason",
        "rating",
        "rating_pct",
        "points",
        "target_display",
        "actual",
        "actual_display",
        "score",
        "how",
        "sort",
    ]
    new, changed = [], []
    for n, line in enumerate(result.lines):
        row = line.extra.get("row")
        values = {
            "category": line.category,
            "applicable": line.applicable,
            "not_applicable_reason": line.extra.get("reason", "") if not line.applicable else "",
            "rating": line.rating,
            "rating_pct": line.rating_pct,
            "points": line.points,
            "target_display": row.target_display if row else "100%",
            "actual": line.actual,
            "actual_display": row.actual_display
            if row
            else (f"{line.actual}%" if line.actual is not None else ""),
            "score": line.score,
            "how": line.how,
            "sort": n,
        }
        obj = existing.pop(line.key, None)
        if obj is None:
            new.append(EvaluationLine(evaluation=evaluation, indicator_id=line.key, **values))
        else:
            for k, v in values.items():
                setattr(obj, k, v)
            changed.append(obj)
    # lines stay the same rows (their ids are on the page); an indicator gone from the budget goes too
    EvaluationLine.objects.filter(pk__in=[ln.pk for ln in existing.values()]).delete()
    EvaluationLine.objects.bulk_update(changed, fields)
    EvaluationLine.objects.bulk_create(new)
    evaluation.rule = rule.as_dict()
    evaluation.budgeted = execution.budgeted
    evaluation.executed = execution.executed
    evaluation.execution_rate = execution.rate
    evaluation.score = result.total
    evaluation.grade = result.grade
    evaluation.scored_at = timezone.now()
    evaluation.save(
        update_fields=["rule", "budgeted", "executed", "execution_rate", "score", "grade", "scored_at"]
    )


@service
def evaluation_open(*, actor, budget_id: int, project_id: int | None = None) -> Evaluation:
    """Open the self-evaluation of a project (or of the unit) for a budget, scored at once from live data;
    an existing one is returned as it is. Side effect: audit entry when created."""
    from center.budget.models import Project

    budget = lock_budget(budget_id)
    project = None
    if project_id:
        project = Project.objects.filter(pk=project_id, budget=budget).first()
        if project is None:
            raise NotFoundError(_("项目不存在。"))
    existing = Evaluation.objects.filter(budget=budget, project=project).first()
    probe = existing or Evaluation(budget=budget, project=project)
    require(may_prepare, actor, probe)
    if existing:
        return existing
    ev = Evaluation.objects.create(budget=budget, project=project, created_by=actor)
    audit_log("performance.evaluation.created", actor=actor, target=ev)
    _rescore(ev)
    return ev


@service
def evaluation_score(*, actor, evaluation_id) -> Evaluation:
    """Recompute the lines and the total from live data (a draft or returned evaluation only)."""
    ev = _lock_evaluation(evaluation_id)
    require(may_edit_evaluation, actor, ev)
    before = [str(ev.score), ev.grade]
    _rescore(ev)
    audit_log(
        "performance.evaluation.scored",
        actor=actor,
        target=ev,
        changes={"score": [before[0], str(ev.score)], "grade": [before[1], ev.grade]},
    )
    return ev


@service
def evaluation_line_set(
    *, actor, evaluation_id, line_id, applicable: bool, reason: str = "", rating_pct=None
) -> Evaluation:
    """Mark a line (not) applicable, with the reason, and choose a qualitative line's percentage inside its
    band; the evaluation is rescored."""
    ev = _lock_evaluation(evaluation_id)
    require(may_edit_evaluation, actor, ev)
    line = ev.lines.filter(pk=line_id).first()
    if line is None:
        raise NotFoundError(_("自评指标行不存在。"))
    reason = (reason or "").strip()
    if not applicable and not reason:
        raise ApplicationError(_("标记为不适用时须说明原因。"), {"field": "reason"})
    if len(reason) > 200:
        raise ApplicationError(_("原因不能超过 200 字。"), {"field": "reason"})
    pct = None
    if rating_pct not in (None, ""):
        if not line.rating:
            raise ApplicationError(_("只有已评价的定性指标可以选择得分比例。"), {"field": "rating_pct"})
        pct = _decimal(rating_pct, "rating_pct")
        low, high = Rule.of(ev.rule or {}).band(line.rating)
        if not (low <= pct <= high):
            raise ApplicationError(
                _("“%(r)s”的得分比例须在 %(lo)s%%–%(hi)s%% 之间。")
                % {"r": line.get_rating_display(), "lo": f"{low:g}", "hi": f"{high:g}"},
                {"field": "rating_pct"},
            )
    changes = {}
    if line.applicable != applicable:
        changes["applicable"] = [line.applicable, applicable]
    if (line.rating_pct or None) != pct:
        changes["rating_pct"] = [str(line.rating_pct or ""), str(pct or "")]
    line.applicable = applicable
    line.not_applicable_reason = "" if applicable else reason
    line.rating_pct = pct
    line.save(update_fields=["applicable", "not_applicable_reason", "rating_pct"])
    _rescore(ev)
    audit_log(
        "performance.evaluation.line_set", actor=actor, target=ev, changes=changes, extra={"line": str(line)}
    )
    return ev


TEXT_FIELDS = ("execution_explanation", "conclusion", "problems")


@service
def evaluation_update(*, actor, evaluation_id, **texts) -> Evaluation:
    """The evaluator's words: why execution is low, the conclusion, problems and improvements."""
    ev = _lock_evaluation(evaluation_id)
    require(may_edit_evaluation, actor, ev)
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise ApplicationError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    changes = {}
    for k, v in texts.items():
        v = (v or "").strip()
        if len(v) > 5000:
            raise ApplicationError(_("内容不能超过 5000 字。"), {"field": k})
        if getattr(ev, k) != v:
            changes[k] = [getattr(ev, k), v]
            setattr(ev, k, v)
    ev.save(update_fields=list(TEXT_FIELDS))
    audit_log("performance.evaluation.updated", actor=actor, target=ev, changes=changes)
    return ev


@service
def evaluation_submit(*, actor, evaluation_id) -> Evaluation:
    """Submit for approval: rescored from live data first, so what is submitted is current. Refused when
    execution is below the rule's line (90%) without an explanation."""
    ev = _lock_evaluation(evaluation_id)
    require(may_prepare, actor, ev)
    EVALUATION.check(ev, "submit")
    _rescore(ev)
    rule = Rule.of(ev.rule)
    if ev.score is None:
        raise ApplicationError(_("没有适用的指标，无法评分，不能提交。"))
    if (
        ev.execution_rate is not None
        and ev.execution_rate < rule.explain_below
        and not ev.execution_explanation.strip()
    ):
        raise ApplicationError(
            _("预算执行率 %(r)s%% 低于 %(l)s%%，请先说明原因。")
            % {"r": ev.execution_rate, "l": f"{rule.explain_below:g}"},
            {"field": "execution_explanation"},
        )
    ev.submitted_by = actor
    ev.submitted_at = timezone.now()
    ev.return_comment = ""
    return EVALUATION.apply(
        ev,
        "submit",
        actor=actor,
        fields=["submitted_by", "submitted_at", "return_comment"],
        extra={"score": str(ev.score), "grade": ev.grade},
    )


@service
def evaluation_return(*, actor, evaluation_id, comment: str) -> Evaluation:
    ev = _lock_evaluation(evaluation_id)
    require(may_decide, actor, ev)
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError(_("请填写退回意见。"), {"field": "comment"})
    ev.return_comment = comment[:300]
    return EVALUATION.apply(
        ev, "return", actor=actor, fields=["return_comment"], extra={"comment": ev.return_comment}
    )


@service
def evaluation_approve(*, actor, evaluation_id) -> Evaluation:
    """Approve (审定): the result is locked; values, records and sources it covers can no longer change."""
    ev = _lock_evaluation(evaluation_id)
    require(may_decide, actor, ev)
    ev.approved_by = actor
    ev.approved_at = timezone.now()
    return EVALUATION.apply(
        ev,
        "approve",
        actor=actor,
        fields=["approved_by", "approved_at"],
        extra={"score": str(ev.score), "grade": ev.grade},
    )
