"""The verifiable draw: the pool and parameters fixed and hashed first, then the seed, then the ranked picks."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.notifications import notify
from center.core.rules import require
from center.core.services import service

from .. import drawing, rules
from ..eligibility import compute_pool, exclusion_counts
from ..enums import (
    DRAW,
    ROUND,
    DrawState,
    FormalState,
    PickRole,
    PickState,
    SeedSource,
)
from ..models import (
    Draw,
    DrawPick,
    ReviewGroup,
    ReviewRound,
)
from .common import _not_locked, _require_writer, require_state, rule_label
from .portal_accounts import ensure_portal_accounts
from .rounds import _rules_open


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
        require(rules.can_enter_second_seed_part, actor, draw)
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
    _notify_invited([p for p in picks if p.state == PickState.INVITED], rnd, actor)
    return draw


def _notify_invited(picks, rnd, actor=None):
    picks = list(DrawPick.objects.filter(pk__in=[p.pk for p in picks]).select_related("expert__user"))
    activation = ensure_portal_accounts(picks, actor)  # drawn experts without an account get one
    users = [p.expert.user for p in picks if p.expert.user_id and p.expert.user_id not in activation]

    def title():
        return _("评审邀请：%(t)s") % {"t": rnd.title}

    if users:
        notify(
            users,
            title=title,
            body=lambda: _("您被随机抽取为评审专家，请在期限内答复是否参加。"),
            link=reverse("reviews:portal_home"),
        )
    for p in picks:
        if p.expert.user_id in activation:
            notify(
                [p.expert.user],
                title=title,
                body=lambda u=p.expert.user.username: (
                    _(
                        "您被随机抽取为评审专家。中心已为您开通专家账号（用户名：%(u)s）：请打开下面的链接设置密码，"
                        "登录后在“我的评审任务”中答复邀请并评分。链接 3 天内有效。"
                    )
                    % {"u": u}
                ),
                link=activation[p.expert.user_id],
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
