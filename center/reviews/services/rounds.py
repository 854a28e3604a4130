"""Rounds, score sheets, groups with their draw and avoidance rules, applications and their formal check."""

from decimal import Decimal, InvalidOperation

from django.db.models import Max
from django.utils.translation import gettext as _

from center.core.audit import audit_log, diff, snapshot
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.services import service
from center.experts.services import organisation_get_or_create

from ..enums import (
    DEFAULT_PARAMS,
    Aggregation,
    AvoidanceKind,
    DrawState,
    FormalState,
    PartyRole,
    RoundKind,
    RoundState,
)
from ..models import (
    Application,
    ApplicationParty,
    AvoidanceRule,
    Criterion,
    Draw,
    ReviewGroup,
    ReviewRound,
)
from .common import GROUP_RULE_FIELDS, _not_locked, _require_writer, _round_for_update


@service
def round_create(
    *, actor, code: str, title: str, kind: str, year: int, budget_item_ref: str = "", **options
) -> ReviewRound:
    _require_writer(actor)
    if not code or not title:
        raise ApplicationError(_("请填写评审活动的编号和名称。"), {"field": "code" if not code else "title"})
    if kind not in RoundKind.values:
        raise ApplicationError(_("请选择评审类型。"), {"field": "kind"})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ApplicationError(_("年度应为 2000–2100 之间的年份。"), {"field": "year"})
    if options.get("aggregation", Aggregation.MEAN) not in Aggregation.values:
        raise ApplicationError(_("请选择分数汇总方式。"), {"field": "aggregation"})
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
    name_en: str = "",
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
    name_en = " ".join(str(name_en or "").split())
    if len(name_en) > 200:
        raise ApplicationError(_("英文名称过长（%(n)d 个字符以内）。") % {"n": 200}, {"field": "name_en"})
    order = (rnd.criteria.aggregate(m=Max("order"))["m"] or 0) + 1
    c = Criterion.objects.create(
        round=rnd,
        order=order,
        name=name,
        name_en=name_en,
        weight=weight,
        min_score=lo,
        max_score=hi,
        comment_required=comment_required,
        is_veto=is_veto,
    )
    audit_log(
        "reviews.criterion.added",
        actor=actor,
        target=rnd,
        extra={"criterion": name, "criterion_en": name_en, "weight": str(weight)},
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
