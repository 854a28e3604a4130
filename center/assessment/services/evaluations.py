from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.files import attachment_create
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from .. import rules
from ..enums import EVALUATION, EvaluationState
from ..models import Evaluation, ItemScore
from ..scoring import score_evaluation, snapshot_of
from ..sheet import sheet

MAX_NOTE = 2000
MIN_YEAR, MAX_YEAR = 2016, 2100  # the basic evaluation began with 财会〔2016〕11号


def _locked(evaluation_id) -> Evaluation:
    try:
        pk = int(evaluation_id)
    except (TypeError, ValueError):
        pk = 0
    evaluation = lock_one(Evaluation.objects.filter(pk=pk))
    if evaluation is None:
        raise NotFoundError(_("评价不存在。"))
    return evaluation


@service
def evaluation_create(*, actor, year) -> Evaluation:
    """Start the year's evaluation (a draft): one per year."""
    require(rules.may_prepare, actor)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError(_("年度无效。"), {"field": "year"}) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ApplicationError(
            _("年度应在 %(a)s 至 %(b)s 之间。") % {"a": MIN_YEAR, "b": MAX_YEAR}, {"field": "year"}
        )
    if Evaluation.objects.filter(year=year).exists():
        raise ConflictError(_("%(y)s 年度的评价已经存在。") % {"y": year}, {"field": "year"})
    evaluation = Evaluation.objects.create(year=year, created_by=actor)
    audit_log("assessment.evaluation.created", actor=actor, target=evaluation, changes={"year": [None, year]})
    return evaluation


def _clean_score(item, value) -> Decimal:
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("得分应为数字。"), {"field": "score"}) from None
    if not score.is_finite() or score < 0:
        raise ApplicationError(_("得分不能为负数。"), {"field": "score"})
    if score > item.points:
        raise ApplicationError(
            _("得分不能超过该要点的分值 %(p)s 分。") % {"p": item.points.normalize()}, {"field": "score"}
        )
    if score != score.quantize(Decimal("0.01")):
        raise ApplicationError(_("得分最多保留两位小数。"), {"field": "score"})
    return score


@service
def item_score(*, actor, evaluation_id, code: str, score, note: str, files=()) -> ItemScore:
    """Score an evaluation point by hand: a score within its points, the reason, and evidence (an uploaded
    file now or kept from before). Computed and non-applicable points cannot be scored by hand."""
    evaluation = _locked(evaluation_id)
    require(rules.may_prepare, actor)
    require(rules.may_score, actor, evaluation)
    item = sheet().item(str(code))
    if item is None:
        raise NotFoundError(_("评价要点不存在。"))
    if not item.applicable:
        raise ApplicationError(_("该要点不适用于本单位，不评分。"))
    if item.computed:
        raise ApplicationError(_("该要点由系统根据业务记录计算，不能手工评分。"))
    value = _clean_score(item, score)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("请写明评分依据。"), {"field": "note"})
    if len(note) > MAX_NOTE:
        raise ApplicationError(_("评分依据不能超过 %(n)s 字。") % {"n": MAX_NOTE}, {"field": "note"})
    existing = ItemScore.objects.filter(evaluation=evaluation, code=item.code).first()
    if not files and (existing is None or not existing.attachments.exists()):
        raise ApplicationError(
            _("手工评分须上传证明材料（制度文件、会议纪要、培训记录等）。"), {"field": "files"}
        )
    attachments = [attachment_create(actor=actor, name=name, data=data) for name, data in files]
    before = {"score": str(existing.score), "note": existing.note} if existing else {}
    now = timezone.now()
    if existing is None:
        existing = ItemScore.objects.create(
            evaluation=evaluation, code=item.code, score=value, note=note, scored_by=actor, scored_at=now
        )
    else:
        existing.score, existing.note, existing.scored_by, existing.scored_at = value, note, actor, now
        existing.save(update_fields=["score", "note", "scored_by", "scored_at"])
    existing.attachments.add(*attachments)
    changes = {
        k: [before.get(k), v] for k, v in {"score": str(value), "note": note}.items() if before.get(k) != v
    }
    audit_log(
        "assessment.itemscore.saved",
        actor=actor,
        target=existing,
        changes=changes,
        extra={"code": item.code, "attachments": [a.pk for a in attachments]},
    )
    return existing


@service
def evaluation_submit(*, actor, evaluation_id) -> Evaluation:
    """Submit the draft to the director: every applicable hand point scored; the computed points and the totals
    are frozen as they stand now."""
    evaluation = _locked(evaluation_id)
    require(rules.may_submit, actor, evaluation)
    unscored = score_evaluation(evaluation, live=True).totals.unscored
    if unscored:
        raise ApplicationError(
            _("还有 %(n)s 个需要手工评分的要点没有评分，不能提交。") % {"n": unscored}, {"unscored": unscored}
        )
    evaluation.snapshot = snapshot_of(evaluation)
    evaluation.submitted_by, evaluation.submitted_at = actor, timezone.now()
    EVALUATION.apply(
        evaluation,
        "submit",
        actor=actor,
        fields=["snapshot", "submitted_by", "submitted_at"],
        extra={"rescaled": evaluation.snapshot["totals"]["rescaled"]},
    )
    return evaluation


@service
def evaluation_return(*, actor, evaluation_id, comment: str = "") -> Evaluation:
    """The director sends the evaluation back to finance: a draft again, computed live again."""
    evaluation = _locked(evaluation_id)
    require(rules.may_decide, actor, evaluation)
    comment = (comment or "").strip()[:300]
    evaluation.snapshot = {}
    EVALUATION.apply(evaluation, "return", actor=actor, fields=["snapshot"], extra={"comment": comment})
    return evaluation


@service
def evaluation_approve(*, actor, evaluation_id) -> Evaluation:
    """The director approves: the evaluation is locked from now on (no score, no submission, no return)."""
    evaluation = _locked(evaluation_id)
    require(rules.may_decide, actor, evaluation)
    evaluation.approved_by, evaluation.approved_at = actor, timezone.now()
    EVALUATION.apply(evaluation, "approve", actor=actor, fields=["approved_by", "approved_at"])
    return evaluation


__all__ = ["EvaluationState"]
