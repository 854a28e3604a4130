"""Every write of the review area: rounds, sheets, groups and rules, the draw, invitations, scoring,
results and flags, notices and objections, credit and fees. Each is a `@service` (one unit of work) with its
audit entry; rows are locked through center.core.locks in the declared order (experts, then the round or group,
then documents, then tasks)."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from center.accounts.validators import validate_mobile
from center.core.audit import audit_log, diff, snapshot
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.locks import lock_many, lock_one
from center.core.notifications import notify
from center.core.services import service
from center.experts import rules
from center.experts.enums import ExpertState
from center.experts.models import Expert
from center.experts.services import expert_apply_state, organisation_get_or_create

from . import drawing, scoring
from .eligibility import compute_pool, exclusion_counts
from .enums import (
    DEFAULT_PARAMS,
    DRAW,
    FLAG,
    INVITATION,
    NOTICE,
    OBJECTION,
    ROUND,
    SHEET,
    AvoidanceKind,
    CreditKind,
    DrawState,
    FlagDecision,
    FlagKind,
    FlagState,
    FormalState,
    NoticeState,
    PartyRole,
    PickRole,
    PickState,
    RoundState,
    SeedSource,
    SheetState,
)
from .fees import labour_tax
from .models import (
    Application,
    ApplicationParty,
    ApplicationResult,
    Assignment,
    AvoidanceRule,
    CreditEvent,
    Criterion,
    Draw,
    DrawPick,
    ExpertFee,
    Flag,
    Objection,
    PublicNotice,
    ReviewGroup,
    ReviewRound,
    Score,
    ScoreSheet,
)

GROUP_RULE_FIELDS = [
    "name",
    "discipline_id",
    "discipline_match",
    "size",
    "backups",
    "min_title_level",
    "max_per_org",
    "min_non_local",
    "min_international",
]
RULE_LABELS = {
    "state": gettext_lazy("状态不是“已入库”（含暂停、退出）"),
    "status": gettext_lazy("状态不是“已入库”（含暂停、退出）"),  # the code in draws fixed before the rename
    "title": gettext_lazy("职称低于要求"),
    "discipline": gettext_lazy("学科不匹配"),
}
CREDIT_DEFAULTS = {
    "no_show": -20,
    "late": -5,
    "flagged": -10,
    "expired": -5,
    "rating_low": -5,
    "suspend_below": 60,
}


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")


def credit_config() -> dict:
    return CREDIT_DEFAULTS | getattr(settings, "REVIEW_CREDIT", {})


def rule_label(code: str) -> str:
    if code in RULE_LABELS:
        return str(RULE_LABELS[code])
    return str(AvoidanceKind(code).label) if code in AvoidanceKind.values else code


def require_state(machine, obj, verb: str, message: str) -> None:
    """Refuse `verb` from the object's state with this area's own wording (the machine holds the table)."""
    if not machine.allows(obj, verb):
        raise ConflictError(message, {"state": obj.state, "verb": verb})


def _require_writer(actor):
    if not rules.can_write(actor):
        raise ForbiddenError(_("只有专家服务部的经办人或部门负责人可以操作。"))


def _round_for_update(round_id) -> ReviewRound:
    rnd = lock_one(ReviewRound.objects.filter(pk=round_id))
    if rnd is None:
        raise NotFoundError(_("评审活动不存在。"))
    return rnd


def _not_locked(rnd: ReviewRound):
    if rnd.locked:
        raise ConflictError(_("评审结果已锁定，不能再修改。"))


# --- rounds, score sheets, groups, applications -------------------------------------------------------


@service
def round_create(
    *, actor, code: str, title: str, kind: str, year: int, budget_item_ref: str = "", **options
) -> ReviewRound:
    _require_writer(actor)
    if ReviewRound.objects.filter(code=code).exists():
        raise ConflictError(_("编号“%(c)s”已被使用。") % {"c": code}, {"field": "code"})
    allowed = {
        "blind",
        "aggregation",
        "spread_threshold",
        "outlier_z",
        "min_review_seconds",
        "invite_hours",
        "scoring_deadline",
        "fee_per_sheet",
        "fee_base",
    }
    unknown = set(options) - allowed
    if unknown:
        raise ApplicationError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    rnd = ReviewRound.objects.create(
        code=code,
        title=title,
        kind=kind,
        year=year,
        budget_item_ref=budget_item_ref,
        created_by=actor,
        **options,
    )
    audit_log(
        "reviews.round.created",
        actor=actor,
        target=rnd,
        changes=diff({}, {"code": code, "title": title, "kind": kind}),
    )
    return rnd


@service
def criterion_add(
    *,
    actor,
    round_id: int,
    name: str,
    weight=1,
    min_score=0,
    max_score=100,
    comment_required=False,
    is_veto=False,
) -> Criterion:
    _require_writer(actor)
    rnd = _round_for_update(round_id)
    if rnd.state != RoundState.DRAFT:
        raise ConflictError(_("评审开始后不能修改评分表。"))
    try:
        weight, lo, hi = Decimal(str(weight)), Decimal(str(min_score)), Decimal(str(max_score))
    except InvalidOperation:
        raise ApplicationError(_("权重和分值范围须为数字。")) from None
    if is_veto:
        weight, lo, hi = Decimal(0), Decimal(0), Decimal(1)
    if hi <= lo or weight < 0:
        raise ApplicationError(_("分值范围无效：最高分须大于最低分。"), {"field": "max_score"})
    order = (rnd.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
    c = Criterion.objects.create(
        round=rnd,
        order=order,
        name=name,
        weight=weight,
        min_score=lo,
        max_score=hi,
        comment_required=comment_required,
        is_veto=is_veto,
    )
    audit_log(
        "reviews.criterion.added", actor=actor, target=rnd, extra={"criterion": name, "weight": str(weight)}
    )
    return c


def _live_draw(group) -> Draw | None:
    return group.draws.exclude(state=DrawState.VOID).first()


def _rules_open(group):
    draw = _live_draw(group)
    if draw is not None:
        raise ConflictError(
            _("抽取规则已随候选池哈希 %(h)s 固定，不能再修改（如确需修改，须先作废尚未录入种子的抽取）。")
            % {"h": draw.pool_hash[:16]},
            {"pool_hash": draw.pool_hash},
        )


@service
def group_create(*, actor, round_id: int, name: str, default_rules: bool = True, **fields) -> ReviewGroup:
    _require_writer(actor)
    rnd = _round_for_update(round_id)
    _not_locked(rnd)
    unknown = set(fields) - set(GROUP_RULE_FIELDS) - {"discipline"}
    if unknown:
        raise ApplicationError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    group = ReviewGroup.objects.create(round=rnd, name=name, **fields)
    _check_group(group)
    if default_rules:
        AvoidanceRule.objects.bulk_create(
            [AvoidanceRule(group=group, kind=k, param=DEFAULT_PARAMS[k]) for k in AvoidanceKind]
        )
    audit_log(
        "reviews.group.created",
        actor=actor,
        target=group,
        changes=diff({}, snapshot(group, GROUP_RULE_FIELDS)),
    )
    return group


def _check_group(group):
    if group.size < 1:
        raise ApplicationError(_("正选人数至少为 1。"), {"field": "size"})
    if group.min_international > group.size or group.min_non_local > group.size:
        raise ApplicationError(_("地区配额不能超过正选人数。"), {"field": "min_non_local"})
    if group.max_per_org < 1:
        raise ApplicationError(_("同一单位最多人数至少为 1。"), {"field": "max_per_org"})


@service
def group_update_rules(
    *, actor, group_id: int, avoidance: dict[str, int | None] | None = None, **fields
) -> ReviewGroup:
    """Change a group's draw rules and avoidance rules ({kind: param, or None to drop}). Refused once the pool is hashed."""
    _require_writer(actor)
    group = lock_one(ReviewGroup.objects.filter(pk=group_id))
    if group is None:
        raise NotFoundError(_("评审组不存在。"))
    _rules_open(group)
    unknown = set(fields) - set(GROUP_RULE_FIELDS) - {"discipline"}
    if unknown:
        raise ApplicationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(group, GROUP_RULE_FIELDS) | {
        "avoidance": sorted([r.kind, r.param] for r in group.avoidance_rules.all())
    }
    for k, v in fields.items():
        setattr(group, k, v)
    _check_group(group)
    group.save()
    for kind, param in (avoidance or {}).items():
        if kind not in AvoidanceKind.values:
            raise ApplicationError(_("未知的回避规则：%(k)s") % {"k": kind})
        if param is None:
            group.avoidance_rules.filter(kind=kind).delete()
        else:
            AvoidanceRule.objects.update_or_create(group=group, kind=kind, defaults={"param": int(param)})
    after = snapshot(group, GROUP_RULE_FIELDS) | {
        "avoidance": sorted([r.kind, r.param] for r in group.avoidance_rules.all())
    }
    audit_log("reviews.group.rules_changed", actor=actor, target=group, changes=diff(before, after))
    return group


@service
def application_create(
    *,
    actor,
    round_id: int,
    code: str,
    title: str,
    group_id=None,
    discipline=None,
    summary: str = "",
    parties: list[dict] = (),
) -> Application:
    """parties: [{"role": applicant|co_applicant, "organisation": Organisation|None, "person_name": str, "expert": Expert|None}].

    An organisation may also be given as {"name", "credit_code"}: it is found or created in the same unit."""
    _require_writer(actor)
    rnd = _round_for_update(round_id)
    _not_locked(rnd)
    group = None
    if group_id:
        group = rnd.groups.filter(pk=group_id).first()
        if group is None:
            raise NotFoundError(_("评审组不存在。"))
        _rules_open(group)
    if rnd.applications.filter(code=code).exists():
        raise ConflictError(_("申报编号“%(c)s”已存在。") % {"c": code}, {"field": "code"})
    if not any(p.get("role") == PartyRole.APPLICANT for p in parties):
        raise ApplicationError(_("至少需要一个申报单位或申报人。"), {"field": "parties"})
    app = Application.objects.create(
        round=rnd, group=group, code=code, title=title, discipline=discipline, summary=summary
    )
    for p in parties:
        if p.get("role") not in PartyRole.values:
            raise ApplicationError(_("申报方角色无效。"))
        org = p.get("organisation")
        if isinstance(org, dict):
            org = organisation_get_or_create(actor=actor, **org)
        ApplicationParty.objects.create(
            application=app,
            role=p["role"],
            organisation=org,
            person_name=p.get("person_name", ""),
            expert=p.get("expert"),
        )
    audit_log(
        "reviews.application.created",
        actor=actor,
        target=app,
        changes=diff({}, {"code": code, "title": title}),
    )
    return app


@service
def application_formal_check(*, actor, application_id: int, passed: bool, note: str = "") -> Application:
    _require_writer(actor)
    app = lock_one(Application.objects.select_related("round").filter(pk=application_id))
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    _not_locked(app.round)
    if app.group_id and _live_draw(app.group):
        raise ConflictError(_("该组已固定候选池，形式审查结论不能再改。"))
    if not passed and not note.strip():
        raise ApplicationError(_("不通过时请填写理由。"), {"field": "note"})
    old = app.formal_state
    app.formal_state = FormalState.PASSED if passed else FormalState.FAILED
    app.formal_note = note.strip()[:300]
    app.save(update_fields=["formal_state", "formal_note"])
    audit_log(
        "reviews.application.formal_checked",
        actor=actor,
        target=app,
        changes={"formal_state": [old, app.formal_state]},
    )
    return app


@service
def application_add_document(*, actor, application_id: int, name: str, data: bytes):
    """Attach a checked upload (application form, supporting material) to an application."""
    from center.core.files import attachment_create

    _require_writer(actor)
    app = lock_one(Application.objects.select_related("round").filter(pk=application_id))
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    _not_locked(app.round)
    att = attachment_create(actor=actor, name=name, data=data, purpose="general")
    app.documents.add(att)
    audit_log(
        "reviews.application.document_added",
        actor=actor,
        target=app,
        extra={"attachment": att.pk, "name": att.original_name},
    )
    return att


# --- the draw -----------------------------------------------------------------------------------------


class DrawRefused(ApplicationError):
    pass


def _refusal(group, pool, exclusions, params, reason) -> DrawRefused:
    counts = exclusion_counts(exclusions)
    detail = "；".join(f"{rule_label(k)} {n} 人" for k, n in counts.most_common())
    need = params["size"] + params["backups"]
    messages = {
        "pool": _("需要 %(need)s 名专家（正选 %(size)s + 备选 %(backups)s），符合条件的只有 %(n)s 名。"),
        "max_per_org": _("符合条件的 %(n)s 名专家来自太少的单位，无法满足“同一单位最多 %(cap)s 人”。"),
        "min_international": _("符合条件的港澳及海外专家不足 %(q)s 名。"),
        "min_non_local": _("符合条件的深圳以外专家不足 %(nl)s 名。"),
    }
    msg = messages[reason] % {
        "need": need,
        "size": params["size"],
        "backups": params["backups"],
        "n": len(pool),
        "cap": params["max_per_org"],
        "q": params["min_international"],
        "nl": params["min_non_local"],
    }
    if detail:
        msg += " " + _("被排除：%(d)s。") % {"d": detail}
    return DrawRefused(
        msg, {"eligible": len(pool), "needed": need, "excluded": dict(counts), "reason": reason}
    )


@service
def draw_fix_pool(*, actor, group_id: int, as_of=None) -> Draw:
    """Fix the eligible pool and the parameters and record their hash — before any seed exists.

    Refuses (nothing saved) when the pool cannot fill the panel, saying how many are eligible and how many
    each rule excluded. From now on the group's rules and applications are frozen.
    """
    _require_writer(actor)
    group = lock_one(ReviewGroup.objects.select_related("round", "discipline").filter(pk=group_id))
    if group is None:
        raise NotFoundError(_("评审组不存在。"))
    _not_locked(group.round)
    _rules_open(group)
    if not group.applications.exists():
        raise ApplicationError(_("该组还没有申报项目。"))
    if group.applications.filter(formal_state=FormalState.PENDING).exists():
        raise ApplicationError(_("该组还有未完成形式审查的申报项目。"))
    now = as_of or timezone.now()
    params, pool, exclusions = compute_pool(group, now)
    try:
        drawing.check_feasible(params, pool)
    except drawing.DrawInfeasible as exc:
        raise _refusal(group, pool, exclusions, params, str(exc)) from None
    draw = Draw.objects.create(
        group=group,
        as_of=now,
        params=params,
        pool=pool,
        pool_hash=drawing.pool_hash(params, pool),
        exclusions=exclusions,
        fixed_by=actor,
        fixed_at=timezone.now(),
    )
    audit_log(
        "reviews.draw.pool_fixed",
        actor=actor,
        target=draw,
        extra={
            "pool_hash": draw.pool_hash,
            "eligible": len(pool),
            "excluded": dict(exclusion_counts(exclusions)),
        },
    )
    return draw


@service
def draw_void(*, actor, draw_id: int, reason: str) -> Draw:
    """Void a draw whose seed is not yet recorded (after the seed, a draw stands: no re-rolling)."""
    _require_writer(actor)
    draw = lock_one(Draw.objects.filter(pk=draw_id))
    if draw is None:
        raise NotFoundError(_("抽取记录不存在。"))
    require_state(DRAW, draw, "void", _("已开始录入随机种子的抽取不能作废。"))
    if draw.seed_parts:
        raise ConflictError(_("已开始录入随机种子的抽取不能作废。"), {"state": draw.state, "verb": "void"})
    if not reason.strip():
        raise ApplicationError(pgettext("draw", "请填写作废原因。"), {"field": "reason"})
    draw.void_reason = reason.strip()[:300]
    DRAW.apply(
        draw,
        "void",
        actor=actor,
        fields=["void_reason"],
        extra={"reason": draw.void_reason, "pool_hash": draw.pool_hash},
    )
    return draw


@service
def draw_enter_seed(*, actor, draw_id: int, source: str, value: str, description: str = "") -> Draw:
    """Record the seed after the pool hash: a public value (e.g. a lottery result drawn after the pool was fixed),
    or two values from two different staff members (the draw runs when the second arrives)."""
    _require_writer(actor)
    # The exclusion record can be large (one entry per expert not in the pool) and is not needed here.
    # The round may move from draft to scoring: lock it before the draw (a subject before its documents).
    round_id = Draw.objects.filter(pk=draw_id).values_list("group__round_id", flat=True).first()
    rnd = lock_one(ReviewRound.objects.filter(pk=round_id)) if round_id is not None else None
    draw = lock_one(Draw.objects.select_related("group__round").defer("exclusions").filter(pk=draw_id))
    if draw is None:
        raise NotFoundError(_("抽取记录不存在。"))
    require_state(DRAW, draw, "seed", _("该抽取已完成或已作废。"))
    if not drawing.normalise(value):
        raise ApplicationError(_("请输入种子值（字母或数字）。"), {"field": "value"})
    if source not in SeedSource.values:
        raise ApplicationError(_("种子来源无效。"), {"field": "source"})
    if draw.seed_source and draw.seed_source != source:
        raise ConflictError(_("种子来源已确定为“%(s)s”。") % {"s": draw.get_seed_source_display()})
    now = timezone.now()
    if source == SeedSource.PUBLIC:
        if not description.strip():
            raise ApplicationError(
                _("请说明公开来源（如：某期彩票开奖号码及开奖时间）。"), {"field": "description"}
            )
        draw.seed_parts = {
            "value": value.strip(),
            "description": description.strip()[:300],
            "by": actor.pk,
            "at": now.isoformat(),
        }
    else:
        parts = dict(draw.seed_parts)
        if not parts:
            draw.seed_source = source
            draw.seed_parts = {"first": value.strip(), "first_by": actor.pk, "first_at": now.isoformat()}
            draw.save(update_fields=["seed_source", "seed_parts"])
            audit_log("reviews.draw.seed_part_entered", actor=actor, target=draw, extra={"part": 1})
            return draw
        if parts["first_by"] == actor.pk:
            raise ForbiddenError(_("第二个种子值须由另一名工作人员录入。"))
        parts.update({"second": value.strip(), "second_by": actor.pk, "second_at": now.isoformat()})
        draw.seed_parts = parts
    draw.seed_source = source
    draw.seed = drawing.seed_from_parts(source, draw.seed_parts)
    draw.seeded_at = now
    try:
        result = drawing.select(draw.params, draw.pool, draw.seed, draw.pool_hash)
    except drawing.DrawInfeasible:
        raise ApplicationError(_("候选池无法满足组成规则。")) from None
    draw.result_hash = drawing.result_hash(result)
    DRAW.apply(
        draw,
        "seed",
        actor=actor,
        fields=["seed_source", "seed_parts", "seed", "seeded_at", "result_hash"],
        extra={
            "pool_hash": draw.pool_hash,
            "seed": draw.seed,
            "result_hash": draw.result_hash,
            "source": source,
        },
    )
    respond_by = now + timedelta(hours=draw.group.round.invite_hours)
    picks = DrawPick.objects.bulk_create(
        [
            DrawPick(
                draw=draw,
                expert_id=r["expert_id"],
                rank=r["rank"],
                role=r["role"],
                key=r["key"],
                state=PickState.INVITED if r["role"] == PickRole.MAIN else PickState.WAITING,
                invited_at=now if r["role"] == PickRole.MAIN else None,
                respond_by=respond_by if r["role"] == PickRole.MAIN else None,
            )
            for r in result
        ]
    )
    if ROUND.allows(rnd, "start_scoring"):  # the first draw of a round opens its scoring
        ROUND.apply(rnd, "start_scoring", actor=actor, extra={"draw": draw.pk})
    _notify_invited([p for p in picks if p.state == PickState.INVITED], rnd)
    return draw


def _notify_invited(picks, rnd):
    users = [
        p.expert.user
        for p in DrawPick.objects.filter(pk__in=[p.pk for p in picks]).select_related("expert__user")
        if p.expert.user_id
    ]
    if users:
        notify(
            users,
            title=_("评审邀请：%(t)s") % {"t": rnd.title},
            body=_("您被随机抽取为评审专家，请在期限内答复是否参加。"),
            link=reverse("reviews:portal_home"),
        )


def draw_record(draw: Draw) -> dict:
    """Everything needed to re-run and check the draw, with no personal data beyond expert ids."""
    result = [
        {"rank": p.rank, "expert_id": p.expert_id, "role": p.role, "key": p.key}
        for p in draw.picks.order_by("rank")
    ]
    return {
        "algorithm": drawing.ALGORITHM,
        "params": draw.params,
        "pool": draw.pool,
        "pool_hash": draw.pool_hash,
        "fixed_at": draw.fixed_at.isoformat(),
        "seed_source": draw.seed_source,
        "seed_parts": {
            k: v for k, v in draw.seed_parts.items() if k in ("value", "description", "first", "second")
        },
        "seed": draw.seed,
        "seeded_at": draw.seeded_at.isoformat() if draw.seeded_at else None,
        "result": result,
        "result_hash": draw.result_hash,
        "excluded_counts": dict(exclusion_counts(draw.exclusions)),
    }


def draw_verify(draw: Draw) -> dict:
    if draw.state != DrawState.DRAWN:
        return {"ok": False, "checks": {}, "rerun": []}
    out = drawing.verify(draw_record(draw))
    out["checks"]["seed_after_pool"] = draw.seeded_at > draw.fixed_at
    out["ok"] = all(out["checks"].values())
    return out


# --- invitations ----------------------------------------------------------------------------------------


def _panel_rows(draw) -> list:
    active = draw.picks.filter(state__in=[PickState.INVITED, PickState.ACCEPTED]).values_list(
        "expert_id", flat=True
    )
    by_id = {row[0]: row for row in draw.pool}
    return [by_id[e] for e in active]


def _advance(draw: Draw, now) -> DrawPick | None:
    """Invite the next backup (in rank order) that keeps the panel's composition rules, if a place is open."""
    panel = _panel_rows(draw)
    if len(panel) >= draw.params["size"]:
        return None
    by_id = {row[0]: row for row in draw.pool}
    waiting = list(draw.picks.filter(state=PickState.WAITING).order_by("rank"))
    nxt = next((p for p in waiting if drawing.fits(panel, by_id[p.expert_id], draw.params)), None)
    nxt = nxt or (waiting[0] if waiting else None)
    if nxt is None:
        return None
    return invite(nxt, now)


def invite(pick: DrawPick, now=None) -> DrawPick:
    """Invite a waiting backup (its place opened): a deadline to answer, a notification, the audit entry."""
    now = now or timezone.now()
    require_state(INVITATION, pick, "invite", _("该邀请已答复或已失效。"))
    rnd = pick.draw.group.round
    pick.invited_at, pick.respond_by = now, now + timedelta(hours=rnd.invite_hours)
    INVITATION.apply(
        pick,
        "invite",
        fields=["invited_at", "respond_by"],
        extra={"draw": pick.draw_id, "rank": pick.rank, "expert": pick.expert_id},
    )
    _notify_invited([pick], rnd)
    return pick


@service
def invitation_respond(*, actor, pick_id: int, accept: bool) -> DrawPick:
    """The expert (portal) or office staff (on the expert's word) answers an invitation."""
    pick = lock_one(DrawPick.objects.select_related("draw__group__round", "expert").filter(pk=pick_id))
    if pick is None or (actor.is_external and pick.expert.user_id != actor.pk):
        raise NotFoundError(_("邀请不存在。"))
    if not actor.is_external:
        _require_writer(actor)
    verb = "accept" if accept else "decline"
    require_state(INVITATION, pick, verb, _("该邀请已答复或已失效。"))
    now = timezone.now()
    if pick.respond_by and now > pick.respond_by:
        raise ConflictError(_("答复期限已过。"))
    pick.responded_at = now
    INVITATION.apply(
        pick, verb, actor=actor, fields=["responded_at"], extra={"draw": pick.draw_id, "rank": pick.rank}
    )
    if accept:
        Assignment.objects.get_or_create(group=pick.draw.group, expert=pick.expert, defaults={"pick": pick})
    else:
        _advance(pick.draw, now)
    return pick


def invitations_sweep(now=None) -> int:
    """Expire unanswered invitations past their deadline and invite the next backups. Returns how many expired.

    Each invitation is its own unit of work (one that fails leaves the others expired)."""
    now = now or timezone.now()
    n = 0
    for pick_id in DrawPick.objects.filter(state=PickState.INVITED, respond_by__lt=now).values_list(
        "pk", flat=True
    ):
        n += invitation_expire(pick_id=pick_id, now=now)
    return n


@service
def invitation_expire(*, pick_id: int, now=None) -> int:
    """Expire one unanswered invitation past its deadline (the expert loses credit) and invite the next backup.
    Returns 1 when it expired, 0 when it had been answered meanwhile."""
    now = now or timezone.now()
    expert_id = DrawPick.objects.filter(pk=pick_id).values_list("expert_id", flat=True).first()
    if expert_id is None:
        return 0
    expert = _lock_expert(expert_id)  # the expert (master data) before the pick (a task)
    pick = lock_one(DrawPick.objects.select_related("draw__group__round").filter(pk=pick_id))
    if not INVITATION.allows(pick, "expire") or not (pick.respond_by and pick.respond_by < now):
        return 0  # answered meanwhile: nothing to expire
    INVITATION.apply(
        pick, "expire", extra={"draw": pick.draw_id, "rank": pick.rank, "expert": pick.expert_id}
    )
    _credit(
        expert,
        actor=None,
        kind=CreditKind.DECLINED_LATE,
        points=credit_config()["expired"],
        round_id=pick.draw.group.round_id,
    )
    _advance(pick.draw, now)
    return 1


# --- pledge, conflicts, scoring ------------------------------------------------------------------------


def _own_assignment(actor, assignment_id) -> Assignment:
    a = lock_one(Assignment.objects.select_related("group__round", "expert").filter(pk=assignment_id))
    if a is None or a.expert.user_id != actor.pk:
        raise NotFoundError(_("评审任务不存在。"))
    return a


@service
def assignment_sign(
    *, actor, assignment_id: int, pledge: bool, conflict_application_ids=(), note: str = ""
) -> Assignment:
    """The expert signs the pledge (承诺书) and declares conflicts; only then are the applications opened to them."""
    a = _own_assignment(actor, assignment_id)
    _not_locked(a.group.round)
    if a.ready:
        raise ConflictError(_("您已签署承诺并完成利益冲突声明。"))
    if not pledge:
        raise ApplicationError(_("请先阅读并签署评审承诺书。"), {"field": "pledge"})
    apps = list(a.group.applications.exclude(formal_state=FormalState.FAILED))
    conflicts = [x for x in apps if x.pk in set(conflict_application_ids)]
    if conflicts and not note.strip():
        raise ApplicationError(_("请说明利益冲突的情况。"), {"field": "note"})
    now = timezone.now()
    a.pledge_signed_at = a.conflicts_declared_at = now
    a.conflict_note = note.strip()[:300]
    a.save()
    a.conflict_applications.set(conflicts)
    ScoreSheet.objects.bulk_create(
        [ScoreSheet(assignment=a, application=x) for x in apps if x not in conflicts]
    )
    audit_log(
        "reviews.assignment.pledged",
        actor=actor,
        target=a.group,
        extra={"expert": a.expert_id, "conflicts": [x.code for x in conflicts]},
    )
    return a


def sheet_get_for_expert(actor, sheet_id: int) -> ScoreSheet:
    sheet = (
        ScoreSheet.objects.select_related("assignment__expert", "assignment__group__round", "application")
        .filter(pk=sheet_id, assignment__expert__user=actor)
        .first()
    )
    if sheet is None or not sheet.assignment.ready:
        raise NotFoundError(_("评审材料不存在或未分配给您。"))
    return sheet


@service
def document_downloaded(*, actor, sheet_id: int, attachment_id: int) -> None:
    """Record that an expert downloaded an application's material (the file is served by the view)."""
    sheet = sheet_get_for_expert(actor, sheet_id)
    audit_log(
        "reviews.document.downloaded",
        actor=actor,
        target=sheet.application,
        extra={"attachment": attachment_id},
    )


@service
def sheet_open(*, actor, sheet_id: int) -> ScoreSheet:
    """An expert opens an application assigned to them; the first opening starts the review clock."""
    sheet = sheet_get_for_expert(actor, sheet_id)
    if sheet.opened_at is None:
        sheet.opened_at = timezone.now()
        sheet.save(update_fields=["opened_at"])
        audit_log("reviews.sheet.opened", actor=actor, target=sheet.application)
    return sheet


@service
def sheet_submit(
    *, actor, sheet_id: int, values: dict[int, tuple[str, str]], comment: str = "", now=None
) -> ScoreSheet:
    """Submit scores {criterion_id: (value, comment)}. Every score in range, every required comment present."""
    sheet = sheet_get_for_expert(actor, sheet_id)
    rnd = sheet.assignment.group.round
    now = now or timezone.now()
    late = bool(rnd.scoring_deadline and now > rnd.scoring_deadline)
    # A late sheet costs credit: the expert (master data) is locked before the sheet (a task).
    expert = _lock_expert(sheet.assignment.expert_id) if late else None
    lock_one(ScoreSheet.objects.filter(pk=sheet.pk))
    sheet.refresh_from_db(fields=["state"])
    if rnd.state != RoundState.SCORING:
        raise ConflictError(_("评审未在进行中。"))
    require_state(SHEET, sheet, "submit", _("该评分表已提交。"))
    errors, lines, rows, vetoed = [], [], [], False
    for c in rnd.criteria.all():
        raw, remark = values.get(c.pk, ("", ""))
        remark = (remark or "").strip()
        try:
            v = Decimal(str(raw).strip())
        except InvalidOperation:
            errors.append(_("“%(c)s”须填写分数。") % {"c": c.name})
            continue
        if not (c.min_score <= v <= c.max_score):
            errors.append(
                _("“%(c)s”的分数须在 %(lo)s–%(hi)s 之间。")
                % {"c": c.name, "lo": _num(c.min_score), "hi": _num(c.max_score)}
            )
            continue
        if c.is_veto and v not in (0, 1):
            errors.append(_("否决项“%(c)s”只能选是或否。") % {"c": c.name})
            continue
        if (c.comment_required or (c.is_veto and v == 1)) and not remark:
            errors.append(_("“%(c)s”须填写意见。") % {"c": c.name})
            continue
        if c.is_veto:
            vetoed = vetoed or v == 1
        else:
            lines.append((c.weight, v))
        rows.append(Score(sheet=sheet, criterion=c, value=v, comment=remark))
    if errors:
        raise ApplicationError(" ".join(errors), {"errors": errors})
    Score.objects.filter(sheet=sheet).delete()
    Score.objects.bulk_create(rows)
    sheet.total = scoring.sheet_total(lines)
    sheet.vetoed, sheet.comment = vetoed, comment.strip()
    sheet.submitted_at = now
    sheet.opened_at = sheet.opened_at or now
    SHEET.apply(
        sheet,
        "submit",
        actor=actor,
        fields=["total", "vetoed", "comment", "submitted_at", "opened_at"],
        extra={"application": sheet.application.code, "total": str(sheet.total), "vetoed": vetoed},
    )
    if late:
        _credit(
            expert,
            actor=None,
            kind=CreditKind.LATE,
            points=credit_config()["late"],
            round_id=rnd.pk,
            note=sheet.application.code,
        )
    return sheet


# --- results, flags, approval -------------------------------------------------------------------------


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
    if not rules.can_approve(actor):
        raise ForbiddenError(_("只有专家服务部负责人或分管领导可以确认评审结果。"))
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


# --- public notice and objections -------------------------------------------------------------------


def notice_rows(rnd) -> list[dict]:
    results = (
        ApplicationResult.objects.filter(application__round=rnd)
        .select_related("application")
        .order_by("rank", "application__code")
    )
    rows = []
    for r in results:
        lead = r.application.parties.filter(role=PartyRole.APPLICANT).select_related("organisation").first()
        rows.append(
            {
                "code": r.application.code,
                "title": r.application.title,
                "applicant": (
                    lead.organisation.name
                    if lead and lead.organisation
                    else (lead.person_name if lead else "")
                ),
                "score": str(r.score) if r.score is not None else "",
                "rank": r.rank,
                "vetoed": r.vetoed,
            }
        )
    return rows


@service
def notice_publish(
    *, actor, round_id: int, title: str, body: str = "", days: int = 5, change_note: str = ""
) -> PublicNotice:
    """Publish the locked results (公示) with an objection window; a new version supersedes, never hides, the old."""
    if not rules.can_approve(actor) and not rules.can_write(actor):
        raise ForbiddenError(_("无权发布公示。"))
    rnd = _round_for_update(round_id)
    require_state(ROUND, rnd, "publish", _("评审结果确认锁定后才能公示。"))
    if days < 1:
        raise ApplicationError(_("公示期至少 1 天。"), {"field": "days"})
    previous = rnd.notices.filter(state=NoticeState.CURRENT).first()
    if previous and not change_note.strip():
        raise ApplicationError(_("重新发布须说明更正内容。"), {"field": "change_note"})
    now = timezone.now()
    version = (rnd.notices.aggregate(m=Max("version"))["m"] or 0) + 1
    if previous:
        NOTICE.apply(previous, "supersede", actor=actor, extra={"by_version": version})
    notice = PublicNotice.objects.create(
        round=rnd,
        version=version,
        title=title,
        body=body,
        rows=notice_rows(rnd),
        published_at=now,
        objection_until=now + timedelta(days=days),
        published_by=actor,
        change_note=change_note.strip()[:300],
    )
    ROUND.apply(rnd, "publish", actor=actor, extra={"notice": notice.pk, "version": version, "days": days})
    return notice


@service
def objection_submit(
    *, notice_id: int, name: str, phone: str, content: str, application_id=None
) -> Objection:
    notice = PublicNotice.objects.filter(pk=notice_id).first()
    if notice is None:
        raise NotFoundError(_("公示不存在。"))
    if notice.state != NoticeState.CURRENT or timezone.now() > notice.objection_until:
        raise ConflictError(_("公示期已结束或该版本已被替代，不能再提出异议。"))
    if not name.strip() or not content.strip():
        raise ApplicationError(_("请填写姓名和异议内容。"), {"field": "content"})
    phone = validate_mobile(phone)
    app = notice.round.applications.filter(pk=application_id).first() if application_id else None
    obj = Objection.objects.create(
        notice=notice,
        application=app,
        name=name.strip()[:50],
        contact_phone=phone,
        content=content.strip()[:4000],
    )
    audit_log(
        "reviews.objection.submitted", target=notice, extra={"objection": obj.pk, "contact_phone": phone}
    )
    return obj


@service
def objection_answer(*, actor, objection_id: int, answer: str) -> Objection:
    _require_writer(actor)
    obj = lock_one(Objection.objects.filter(pk=objection_id))
    if obj is None:
        raise NotFoundError(_("异议不存在。"))
    require_state(OBJECTION, obj, "answer", _("该异议已答复。"))
    if not answer.strip():
        raise ApplicationError(_("请填写答复。"), {"field": "answer"})
    obj.answer, obj.answered_by, obj.answered_at = answer.strip(), actor, timezone.now()
    return OBJECTION.apply(
        obj,
        "answer",
        actor=actor,
        fields=["answer", "answered_by", "answered_at"],
        extra={"notice": obj.notice_id},
    )


# --- credit, ratings, fees ------------------------------------------------------------------------------


def _lock_expert(expert_id: int) -> Expert:
    expert = lock_one(Expert.objects.filter(pk=expert_id))
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    return expert


@service
def credit_event_add(
    *, actor, expert_id: int, kind: str, points: int, round_id=None, note: str = ""
) -> CreditEvent:
    """Record a credit event and recompute the score (100 + Σ points, within 0–100); below the configured
    level an admitted expert is suspended."""
    return _credit(
        _lock_expert(expert_id), actor=actor, kind=kind, points=points, round_id=round_id, note=note
    )


def _credit(expert: Expert, *, actor, kind: str, points: int, round_id=None, note: str = "") -> CreditEvent:
    """credit_event_add for an expert the caller has already locked (first, before any round or task)."""
    ev = CreditEvent.objects.create(
        expert_id=expert.pk,
        kind=kind,
        points=points,
        round_id=round_id,
        note=note[:200],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    total = 100 + sum(expert.credit_events.values_list("points", flat=True))
    old = expert.credit_score
    expert.credit_score = max(0, min(100, total))
    expert.save(update_fields=["credit_score", "updated_at"])
    audit_log(
        "reviews.credit.changed",
        actor=actor,
        target=expert,
        changes={"credit_score": [old, expert.credit_score]},
        extra={"kind": kind, "points": points},
    )
    if expert.credit_score < credit_config()["suspend_below"] and expert.state == ExpertState.ADMITTED:
        expert_apply_state(
            expert,
            actor=actor,
            state=ExpertState.SUSPENDED,
            reason=_("信用分 %(s)s 低于 %(t)s")
            % {"s": expert.credit_score, "t": credit_config()["suspend_below"]},
        )
    return ev


@service
def assignment_rate(*, actor, assignment_id: int, rating: int, note: str = "") -> Assignment:
    """Staff rate an expert's work on a round (1–5); 1 or 2 costs credit."""
    _require_writer(actor)
    expert_id = Assignment.objects.filter(pk=assignment_id).values_list("expert_id", flat=True).first()
    # A low rating costs credit: the expert (master data) is locked before the assignment (a task).
    expert = _lock_expert(expert_id) if expert_id else None
    a = lock_one(Assignment.objects.select_related("group__round").filter(pk=assignment_id))
    if a is None:
        raise NotFoundError(_("评审任务不存在。"))
    if not 1 <= int(rating) <= 5:
        raise ApplicationError(_("评价须为 1–5。"), {"field": "rating"})
    if a.rating is not None:
        raise ConflictError(_("已评价过。"))
    a.rating, a.rating_note = int(rating), note.strip()[:200]
    a.save(update_fields=["rating", "rating_note"])
    if a.rating <= 2:
        _credit(
            expert,
            actor=actor,
            kind=CreditKind.RATING,
            points=credit_config()["rating_low"],
            round_id=a.group.round_id,
            note=note,
        )
    audit_log(
        "reviews.assignment.rated",
        actor=actor,
        target=a.group,
        extra={"expert": a.expert_id, "rating": a.rating},
    )
    return a


@service
def round_fees_compute(*, actor, round_id: int) -> list[ExpertFee]:
    """Fees per the round's standard (base + per submitted sheet), 劳务报酬 tax withheld, per expert.

    The totals are recorded against `budget_item_ref`; the expert-fee spending application on that budget
    item is raised through the budget-control area's service once it exists (see docs/experts-model.md).
    """
    _require_writer(actor)
    rnd = _round_for_update(round_id)
    if not rnd.locked:
        raise ConflictError(_("评审结果确认后才能计算专家费。"))
    fees = []
    for a in Assignment.objects.filter(group__round=rnd).select_related("expert"):
        n = a.sheets.filter(state=SheetState.SUBMITTED, excluded=False).count()
        if n == 0:
            continue
        gross = scoring.q2(rnd.fee_base + rnd.fee_per_sheet * n)
        tax = labour_tax(gross)
        fee, _c = ExpertFee.objects.update_or_create(
            round=rnd,
            expert=a.expert,
            defaults={
                "sheets": n,
                "gross": gross,
                "tax": tax,
                "net": gross - tax,
                "budget_item_ref": rnd.budget_item_ref,
            },
        )
        fees.append(fee)
    total = sum((f.gross for f in fees), Decimal(0))
    audit_log(
        "reviews.fees.computed",
        actor=actor,
        target=rnd,
        extra={"experts": len(fees), "gross": str(total), "budget_item_ref": rnd.budget_item_ref},
    )
    return fees


@service
def round_fees_request_funding(*, actor, round_id: int, quota_id: int):
    """Turn the round's computed fees into an expert-fee prior application (专家劳务费) on a quota of the
    round's budget item, through budget control's rules (freeze, approval chain). Records its number on
    every fee. Money is raised through budget control's public face (center.control.funding) only: its
    refusal (no quota, not enough left) rolls this unit back. Returns the application."""
    from center.control import funding

    _require_writer(actor)
    rnd = _round_for_update(round_id)
    fees = lock_many(rnd.fees.all())
    if not fees:
        raise ConflictError(_("请先计算专家费。"))
    if any(f.spending_ref for f in fees):
        raise ConflictError(_("专家费已提交支出申请：%(no)s。") % {"no": fees[0].spending_ref})
    total = sum((f.gross for f in fees), Decimal(0))
    app = funding.request(
        applicant=actor,
        app_type="expert_fee",
        title=_("%(title)s 专家评审费") % {"title": rnd.title},
        year=rnd.year,
        lines=[(quota_id, total)],
        details={
            "experts": len(fees),
            "tax_withheld": str(sum((f.tax for f in fees), Decimal(0))),
            "round": rnd.code,
        },
    )
    ExpertFee.objects.filter(pk__in=[f.pk for f in fees]).update(spending_ref=app.number)
    audit_log(
        "reviews.fees.funding_requested",
        actor=actor,
        target=rnd,
        extra={"application": app.number, "gross": str(total)},
    )
    return app
