"""Results: aggregation and flags, the resolution of flags, approval (the results locked)."""

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_many, lock_one
from center.core.rules import require
from center.core.services import service
from center.experts.models import Expert

from .. import rules, scoring
from ..enums import (
    FLAG,
    ROUND,
    CreditKind,
    FlagDecision,
    FlagKind,
    FlagState,
    FormalState,
    RoundState,
    SheetState,
)
from ..models import (
    ApplicationResult,
    Assignment,
    Flag,
    ReviewRound,
    ScoreSheet,
)
from .common import _not_locked, _require_writer, _round_for_update, credit_config, require_state
from .credit import _credit, _lock_expert


def _flag(rnd, kind, application=None, expert_id=None, **detail):
    obj, created = Flag.objects.get_or_create(
        round=rnd, kind=kind, application=application, expert_id=expert_id, defaults={"detail": detail}
    )
    return obj if created else None


@service
def round_compute(*, actor, round_id: int) -> list[ApplicationResult]:
    """Aggregate submitted sheets per the round's method, rank, and raise flags for a person to look at.

    Flags: spread (max − min above threshold), outlier (robust z above threshold), identical score vectors
    across experts in a group, implausibly fast reviews, veto items. Existing flags are kept as they are.
    """
    _require_writer(actor)
    rnd = _round_for_update(round_id)
    if rnd.state != RoundState.SCORING:
        raise ConflictError(_("只有评审中的活动可以汇总。"))
    sheets = list(
        ScoreSheet.objects.filter(application__round=rnd, state=SheetState.SUBMITTED)
        .select_related("assignment", "application")
        .prefetch_related("scores")
    )
    by_app: dict[int, list[ScoreSheet]] = {}
    for s in sheets:
        by_app.setdefault(s.application_id, []).append(s)
    apps = list(rnd.applications.exclude(formal_state=FormalState.FAILED).exclude(group=None))
    scores, vetoed, spreads = {}, set(), {}
    threshold = float(rnd.outlier_z)
    for app in apps:
        mine = by_app.get(app.pk, [])
        counted = [s for s in mine if not s.excluded]
        scores[app.pk] = scoring.aggregate([(s.total, s.assignment.weight) for s in counted], rnd.aggregation)
        if any(s.vetoed for s in counted):
            vetoed.add(app.pk)
            for s in counted:
                if s.vetoed:
                    _flag(rnd, FlagKind.VETO, app, s.assignment.expert_id)
        totals = [s.total for s in counted]
        spreads[app.pk] = scoring.spread(totals)
        if spreads[app.pk] is not None and spreads[app.pk] > rnd.spread_threshold:
            _flag(
                rnd,
                FlagKind.SPREAD,
                app,
                None,
                spread=str(spreads[app.pk]),
                max=str(max(totals)),
                min=str(min(totals)),
            )
        for eid, z in scoring.outliers({s.assignment.expert_id: s.total for s in counted}, threshold).items():
            _flag(rnd, FlagKind.OUTLIER, app, eid, z=z)
        for s in mine:
            secs = (s.submitted_at - s.opened_at).total_seconds() if s.opened_at else 0
            if secs < rnd.min_review_seconds:
                _flag(rnd, FlagKind.TOO_FAST, app, s.assignment.expert_id, seconds=int(secs))
    for group in rnd.groups.all():
        vectors: dict[int, list] = {}
        for s in sheets:
            if s.assignment.group_id == group.pk:
                vectors.setdefault(s.assignment.expert_id, []).append(
                    (s.application_id, tuple(sorted((x.criterion_id, str(x.value)) for x in s.scores.all())))
                )
        vecs = {e: tuple(sorted(v)) for e, v in vectors.items() if len(v) >= 2}
        for same in scoring.identical_vectors(vecs):
            for eid in same:
                _flag(rnd, FlagKind.IDENTICAL, None, eid, experts=same, group=group.pk)
    ranks = scoring.rank(scores, vetoed)
    results = []
    for app in apps:
        res, _c = ApplicationResult.objects.update_or_create(
            application=app,
            defaults={
                "score": scores[app.pk],
                "rank": ranks[app.pk],
                "n_sheets": len([s for s in by_app.get(app.pk, []) if not s.excluded]),
                "spread": spreads[app.pk],
                "vetoed": app.pk in vetoed,
            },
        )
        results.append(res)
    audit_log(
        "reviews.round.computed",
        actor=actor,
        target=rnd,
        extra={"applications": len(apps), "method": rnd.aggregation},
    )
    return results


@service
def flag_resolve(*, actor, flag_id: int, decision: str, note: str) -> Flag:
    """Record a decision on a flag; "exclude" drops the expert's sheet(s) concerned from the aggregation."""
    _require_writer(actor)
    expert_id = Flag.objects.filter(pk=flag_id).values_list("expert_id", flat=True).first()
    # Excluding a score costs the expert credit: lock the expert (master data) before the flag (a document).
    expert = _lock_expert(expert_id) if expert_id and decision == FlagDecision.EXCLUDE else None
    flag = lock_one(Flag.objects.select_related("round").filter(pk=flag_id))
    if flag is None:
        raise NotFoundError(_("预警不存在。"))
    _not_locked(flag.round)
    require_state(FLAG, flag, "resolve", _("该预警已处理。"))
    if decision not in FlagDecision.values:
        raise ApplicationError(_("请选择处理决定。"), {"field": "decision"})
    if not note.strip():
        raise ApplicationError(_("请填写处理说明。"), {"field": "note"})
    if decision == FlagDecision.EXCLUDE:
        if flag.expert_id is None:
            raise ApplicationError(
                _("该预警不针对某位专家，不能剔除评分；请选择保留并说明。"), {"field": "decision"}
            )
        sheets = ScoreSheet.objects.filter(
            assignment__expert_id=flag.expert_id, application__round=flag.round
        )
        if flag.application_id:
            sheets = sheets.filter(application_id=flag.application_id)
        sheets.update(excluded=True)
        _credit(
            expert,
            actor=actor,
            kind=CreditKind.FLAGGED,
            points=credit_config()["flagged"],
            round_id=flag.round_id,
            note=flag.get_kind_display(),
        )
    flag.decision, flag.note = decision, note.strip()[:300]
    flag.resolved_by, flag.resolved_at = actor, timezone.now()
    return FLAG.apply(
        flag,
        "resolve",
        actor=actor,
        fields=["decision", "note", "resolved_by", "resolved_at"],
        extra={"round": flag.round_id, "kind": flag.kind, "decision": decision, "note": flag.note},
    )


@service
def round_approve(*, actor, round_id: int) -> ReviewRound:
    """Lock the results: all flags resolved, results current. Experts who accepted but never scored lose credit."""
    require(rules.can_approve, actor)
    # Experts who never scored lose credit: lock the round's experts (master data) before the round itself.
    experts = {
        e.pk: e
        for e in lock_many(
            Expert.objects.filter(
                pk__in=Assignment.objects.filter(group__round_id=round_id).values("expert_id")
            )
        )
    }
    rnd = _round_for_update(round_id)
    require_state(ROUND, rnd, "approve", _("只有评审中的活动可以确认结果。"))
    open_flags = rnd.flags.filter(state=FlagState.OPEN).count()
    if open_flags:
        raise ConflictError(_("还有 %(n)s 条预警未处理。") % {"n": open_flags})
    if not ApplicationResult.objects.filter(application__round=rnd).exists():
        raise ConflictError(_("请先汇总评分。"))
    latest_sheet = ScoreSheet.objects.filter(application__round=rnd).aggregate(m=Max("submitted_at"))["m"]
    oldest_result = ApplicationResult.objects.filter(application__round=rnd).order_by("computed_at").first()
    latest_flag = rnd.flags.aggregate(m=Max("resolved_at"))["m"]
    if any(t and t > oldest_result.computed_at for t in (latest_sheet, latest_flag)):
        raise ConflictError(_("汇总之后又有评分或预警处理，请重新汇总。"))
    for a in Assignment.objects.filter(group__round=rnd).select_related("expert"):
        if not a.sheets.filter(state=SheetState.SUBMITTED).exists():
            _credit(
                experts[a.expert_id],
                actor=actor,
                kind=CreditKind.NO_SHOW,
                points=credit_config()["no_show"],
                round_id=rnd.pk,
            )
    rnd.approved_by, rnd.approved_at = actor, timezone.now()
    return ROUND.apply(rnd, "approve", actor=actor, fields=["approved_by", "approved_at"])
