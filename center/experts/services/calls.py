"""Recruitment calls (征集批次) and the two-step vetting of applications to them."""

from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log, diff
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from .. import rules
from ..enums import (
    CALL,
    EXPERT,
    VETTING,
    CallState,
    ExpertState,
)
from ..models import (
    Expert,
    ExpertApplication,
    Organisation,
    RecruitmentCall,
)
from .pool import expert_create, expert_transition, require_state


@service
def call_create(
    *, actor, year: int, title: str, criteria: str, deadline, discipline_ids=()
) -> RecruitmentCall:
    if not title.strip() or not criteria.strip():
        raise ApplicationError(_("标题和征集条件不能为空。"))
    call = RecruitmentCall.objects.create(
        year=year, title=title.strip(), criteria=criteria.strip(), deadline=deadline, created_by=actor
    )
    if discipline_ids:
        call.disciplines.set(discipline_ids)
    audit_log(
        "experts.call.created",
        actor=actor,
        target=call,
        changes=diff({}, {"title": call.title, "deadline": str(deadline)}),
    )
    return call


@service
def call_publish(*, actor, call_id: int) -> RecruitmentCall:
    call = lock_one(RecruitmentCall.objects.filter(pk=call_id))
    if call is None:
        raise NotFoundError(_("征集批次不存在。"))
    require_state(CALL, call, "publish", _("只有草稿可以发布。"))
    if call.deadline < timezone.localdate():
        raise ApplicationError(_("截止日期已过，不能发布。"), {"field": "deadline"})
    call.published_at = timezone.now()
    return CALL.apply(call, "publish", actor=actor, fields=["published_at"])


def calls_published_count(year: int) -> int:
    """The budget's performance indicator 发布征集专家广告 N 批次."""
    return RecruitmentCall.objects.filter(year=year, published_at__isnull=False).count()


@service
def expert_apply(
    *, actor, call_id: int, employer: Organisation | None = None, disciplines=None, **profile
) -> ExpertApplication:
    """An external expert applies to a published call; the first application creates their record
    (`employer`: an Organisation or {"name", "credit_code", "region"})."""
    require(rules.can_apply, actor)
    call = RecruitmentCall.objects.filter(pk=call_id, state=CallState.PUBLISHED).first()
    if call is None:
        raise NotFoundError(_("征集批次不存在或未发布。"))
    if call.deadline < timezone.localdate():
        raise ConflictError(_("该批次已截止。"))
    expert = Expert.objects.filter(user=actor).first()
    if expert is None:
        if employer is None:
            raise ApplicationError(_("请填写工作单位。"), {"field": "employer"})
        expert = expert_create(
            actor=actor, employer=employer, disciplines=disciplines or [], user=actor, **profile
        )
    if ExpertApplication.objects.filter(call=call, expert=expert).exists():
        raise ConflictError(_("您已申请过该批次。"))
    app = ExpertApplication.objects.create(call=call, expert=expert)
    audit_log(
        "experts.application.submitted", actor=actor, target=app, extra={"call": call.pk, "expert": expert.pk}
    )
    return app


@service
def application_first_check(*, actor, application_id: int, passed: bool, note: str = "") -> ExpertApplication:
    app = lock_one(ExpertApplication.objects.select_related("expert").filter(pk=application_id))
    if app is None:
        raise NotFoundError(_("申请不存在。"))
    verb = "pass_first" if passed else "decline_first"
    require_state(VETTING, app, verb, _("该申请不在待初审状态。"))
    if not passed and not note.strip():
        raise ApplicationError(_("不通过时请填写理由。"), {"field": "note"})
    app.first_by, app.first_at, app.first_note = actor, timezone.now(), note.strip()[:300]
    return VETTING.apply(
        app, verb, actor=actor, fields=["first_by", "first_at", "first_note"], extra={"note": app.first_note}
    )


@service
def application_review(*, actor, application_id: int, admit: bool, note: str = "") -> ExpertApplication:
    """Second step: someone other than the first checker admits or declines, with reasons."""
    # Admitting changes the expert's state: the expert (master data) is locked before the application.
    expert_id = (
        ExpertApplication.objects.filter(pk=application_id).values_list("expert_id", flat=True).first()
    )
    expert = lock_one(Expert.objects.filter(pk=expert_id)) if expert_id else None
    app = lock_one(ExpertApplication.objects.select_related("expert", "call").filter(pk=application_id))
    if app is None:
        raise NotFoundError(_("申请不存在。"))
    verb = "admit" if admit else "decline"
    require_state(VETTING, app, verb, _("该申请不在待复审状态。"))
    require(rules.can_review_application, actor, app)
    if not admit and not note.strip():
        raise ApplicationError(_("不予入库时请填写理由。"), {"field": "note"})
    app.review_by, app.review_at, app.review_note = actor, timezone.now(), note.strip()[:300]
    VETTING.apply(
        app,
        verb,
        actor=actor,
        fields=["review_by", "review_at", "review_note"],
        extra={"note": app.review_note},
    )
    if admit and EXPERT.allows(expert, "admit") and expert.state == ExpertState.APPLICANT:
        expert_transition(
            expert,
            "admit",
            actor=actor,
            reason=_("征集批次“%(t)s”复审通过") % {"t": app.call.title},
        )
    return app
