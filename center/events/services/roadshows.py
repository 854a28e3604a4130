"""Roadshows: project applications, scoring, selection (the `ROADSHOW_APPLICATION` machine), investors
and follow-up outcomes."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.files import validate_upload
from center.core.rules import require
from center.core.services import service

from ..enums import (
    ROADSHOW_APPLICATION,
    ROADSHOW_CRITERIA,
    EventState,
    OutcomeKind,
    RoadshowApplicationState,
    RoadshowStage,
)
from ..models import RoadshowApplication, RoadshowInvestor, RoadshowOutcome, RoadshowScore
from ..rules import may_decide_roadshow, may_organise, may_score_roadshow
from ..tickets import new_token
from .base import MAX_TEXT, UploadedFile, _lock_event, _money, _store_file, normalise_email, normalise_phone


@service
def roadshow_apply(
    *,
    event_id: int,
    project_name: str,
    organisation: str,
    contact_name: str,
    email: str,
    phone: str,
    summary: str,
    stage: str,
    funding_sought,
    team: str,
    attachment: UploadedFile | None = None,
    actor=None,
) -> RoadshowApplication:
    """A project team applies to present (anonymous). Side effect: audit entry."""
    event = _lock_event(event_id)
    if not event.type.is_roadshow:
        raise ApplicationError(_("此活动不是路演活动。"))
    if event.state not in (EventState.PUBLISHED, EventState.REGISTRATION_OPEN):
        raise ApplicationError(_("此路演当前不接受项目申报。"))
    for value, field in (
        (project_name, "project_name"),
        (organisation, "organisation"),
        (contact_name, "contact_name"),
        (summary, "summary"),
        (team, "team"),
    ):
        if not (value or "").strip():
            raise ApplicationError(_("请填写所有必填项。"), {"field": field})
    if stage not in RoadshowStage.values:
        raise ApplicationError(_("项目阶段无效。"), {"field": "stage"})
    email_index = normalise_email(email)
    if (
        event.roadshow_applications.filter(email__iexact=email_index, project_name=project_name.strip())
        .exclude(state=RoadshowApplicationState.WITHDRAWN)
        .exists()
    ):
        raise ConflictError(_("此项目已申报过本次路演。"), {"field": "project_name"})
    if attachment is not None:
        validate_upload(attachment.name, attachment.data, "general")
    app = RoadshowApplication.objects.create(
        event=event,
        token=new_token(),
        project_name=project_name.strip()[:200],
        organisation=organisation.strip()[:200],
        contact_name=contact_name.strip()[:100],
        email=email.strip()[:200],
        phone=normalise_phone(phone),
        summary=summary.strip()[: MAX_TEXT * 2],
        stage=stage,
        funding_sought=_money(funding_sought or 0, "funding_sought"),
        team=team.strip()[:MAX_TEXT],
    )
    if attachment is not None:
        _store_file(upload=attachment, field_key="attachment", application=app)
    audit_log("events.roadshow_application.submitted", actor=actor, target=app)
    return app


@service
def roadshow_score(*, actor, application_id: int, marks: dict, comment: str = "") -> RoadshowScore:
    """A scorer's weighted sheet (0–100 per criterion); the application's score is the mean of totals."""
    app = RoadshowApplication.objects.select_related("event").filter(pk=application_id).first()
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    event = _lock_event(app.event_id)
    require(may_score_roadshow, actor, event)
    if app.state != RoadshowApplicationState.SUBMITTED:
        raise ConflictError(_("评选已结束，不能再评分。"))
    clean, total = {}, Decimal(0)
    for code, _label, weight in ROADSHOW_CRITERIA:
        try:
            mark = Decimal(str(marks.get(code, "")))
        except InvalidOperation as exc:
            raise ApplicationError(_("请为每一项打分（0–100）。"), {"field": code}) from exc
        if not 0 <= mark <= 100:
            raise ApplicationError(_("请为每一项打分（0–100）。"), {"field": code})
        clean[code] = str(mark)
        total += mark * weight / 100
    total = total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    score, created = RoadshowScore.objects.update_or_create(
        application=app,
        scorer=actor,
        defaults={"marks": clean, "total": total, "comment": (comment or "")[:MAX_TEXT]},
    )
    totals = list(app.scores.values_list("total", flat=True))
    app.score = (sum(totals) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    app.score_count = len(totals)
    app.save(update_fields=["score", "score_count"])
    audit_log(
        "events.roadshow_application.scored",
        actor=actor,
        target=app,
        extra={"total": str(total), "marks": clean},
    )
    return score


@service
def roadshow_decide(*, actor, application_id: int, selected: bool) -> RoadshowApplication:
    app = RoadshowApplication.objects.filter(pk=application_id).first()
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    event = _lock_event(app.event_id)
    require(may_decide_roadshow, actor, event)
    app = RoadshowApplication.objects.get(pk=app.pk)  # read under the event's lock
    verb = "select" if selected else "decline"
    if not ROADSHOW_APPLICATION.allows(app, verb):
        raise ConflictError(_("此项目已有评选结果。"))
    if app.score_count == 0:
        raise ApplicationError(_("项目尚未评分，不能确定结果。"))
    return ROADSHOW_APPLICATION.apply(app, verb, actor=actor)


@service
def investor_add(
    *, actor, event_id: int, name: str, organisation: str, focus: str = "", attended=False
) -> RoadshowInvestor:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    if not event.type.is_roadshow:
        raise ApplicationError(_("此活动不是路演活动。"))
    if not (name or "").strip() or not (organisation or "").strip():
        raise ApplicationError(_("请填写投资人和投资机构。"), {"field": "name"})
    inv = RoadshowInvestor.objects.create(
        event=event,
        name=name.strip()[:100],
        organisation=organisation.strip()[:200],
        focus=(focus or "").strip()[:200],
        attended=bool(attended),
    )
    audit_log("events.investor.added", actor=actor, target=event, extra={"investor": str(inv)})
    return inv


@service
def outcome_add(
    *, actor, application_id: int, kind: str, occurred_on, amount=None, note: str = "", investor_id=None
) -> RoadshowOutcome:
    app = RoadshowApplication.objects.filter(pk=application_id).first()
    if app is None:
        raise NotFoundError(_("申报项目不存在。"))
    event = _lock_event(app.event_id)
    require(may_organise, actor, event)
    if app.state != RoadshowApplicationState.SELECTED:
        raise ApplicationError(_("只有入选项目可以登记对接成果。"))
    if kind not in OutcomeKind.values:
        raise ApplicationError(_("成果类型无效。"), {"field": "kind"})
    investor = None
    if investor_id:
        investor = RoadshowInvestor.objects.filter(pk=investor_id, event=event).first()
        if investor is None:
            raise ApplicationError(_("投资人不属于此路演。"), {"field": "investor"})
    outcome = RoadshowOutcome.objects.create(
        application=app,
        investor=investor,
        kind=kind,
        occurred_on=occurred_on,
        amount=_money(amount, "amount") if amount not in (None, "") else None,
        note=(note or "").strip()[:300],
        recorded_by=actor,
    )
    audit_log(
        "events.roadshow_outcome.added",
        actor=actor,
        target=app,
        extra={"kind": kind, "amount": str(outcome.amount or "")},
    )
    return outcome
