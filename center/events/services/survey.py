"""The satisfaction survey (the `SURVEY` machine) and the satisfaction rule."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log, diff, snapshot
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.rules import require
from center.core.services import service

from ..enums import SURVEY, EventState, QuestionKind, SurveyState
from ..models import Event, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from ..rules import may_organise
from .base import MAX_TEXT, _lock_event, _queue_email
from .registration import registration_by_token


def _survey_for_update(actor, event_id: int) -> tuple[Event, Survey]:
    event = _lock_event(event_id)
    require(may_organise, actor, event)
    survey, _created = Survey.objects.get_or_create(event=event)
    return event, survey


@service
def survey_question_add(
    *,
    actor,
    event_id: int,
    kind: str,
    text: str,
    text_en: str = "",
    choices: str = "",
    scale_max: int = 5,
    required: bool = True,
    counts_for_satisfaction: bool = False,
) -> SurveyQuestion:
    event, survey = _survey_for_update(actor, event_id)
    if survey.state != SurveyState.DRAFT:
        raise ApplicationError(_("问卷已发出，不能再修改题目。"))
    if kind not in QuestionKind.values:
        raise ApplicationError(_("未知的题型。"), {"field": "kind"})
    text = (text or "").strip()[:300]
    if not text:
        raise ApplicationError(_("题目不能为空。"), {"field": "text"})
    if (
        kind in (QuestionKind.CHOICE, QuestionKind.MULTICHOICE)
        and len([c for c in choices.splitlines() if c.strip()]) < 2
    ):
        raise ApplicationError(_("单选/多选题至少需要两个选项。"), {"field": "choices"})
    if kind == QuestionKind.RATING and not 3 <= int(scale_max) <= 10:
        raise ApplicationError(_("评分题满分须在 3 到 10 之间。"), {"field": "scale_max"})
    if counts_for_satisfaction and kind != QuestionKind.RATING:
        raise ApplicationError(_("只有评分题可以计入满意度。"), {"field": "counts_for_satisfaction"})
    q = SurveyQuestion.objects.create(
        survey=survey,
        kind=kind,
        text=text,
        text_en=(text_en or "").strip()[:400],
        choices=choices.strip(),
        scale_max=int(scale_max),
        required=bool(required),
        counts_for_satisfaction=bool(counts_for_satisfaction),
        sort=survey.questions.count() + 1,
    )
    audit_log("events.survey.question_added", actor=actor, target=event, extra={"text": text, "kind": kind})
    return q


@service
def survey_question_remove(*, actor, question_id: int) -> None:
    q = SurveyQuestion.objects.select_related("survey").filter(pk=question_id).first()
    if q is None:
        raise NotFoundError(_("题目不存在。"))
    event, survey = _survey_for_update(actor, q.survey.event_id)
    if survey.state != SurveyState.DRAFT:
        raise ApplicationError(_("问卷已发出，不能再修改题目。"))
    audit_log("events.survey.question_removed", actor=actor, target=event, extra={"text": q.text})
    q.delete()


@service
def survey_set_rule(*, actor, event_id: int, threshold: int, intro: str = "") -> Survey:
    event, survey = _survey_for_update(actor, event_id)
    if survey.state != SurveyState.DRAFT:
        raise ApplicationError(_("问卷已发出，不能再修改满意度规则。"))
    if not 1 <= int(threshold) <= 10:
        raise ApplicationError(_("满意阈值须在 1 到 10 之间。"), {"field": "threshold"})
    before = snapshot(survey, ["satisfaction_threshold", "intro"])
    survey.satisfaction_threshold, survey.intro = int(threshold), (intro or "").strip()[:MAX_TEXT]
    survey.save()
    audit_log(
        "events.survey.rule_set",
        actor=actor,
        target=event,
        changes=diff(before, snapshot(survey, ["satisfaction_threshold", "intro"])),
    )
    return survey


@service
def survey_open(*, actor, event_id: int) -> Survey:
    """Send the survey to the attendees (checked-in registrations) after the event is held."""
    event, survey = _survey_for_update(actor, event_id)
    if event.state not in (EventState.HELD, EventState.REPORTED):
        raise ApplicationError(_("活动举办后才能发出满意度问卷。"))
    if not SURVEY.allows(survey, "open"):
        raise ConflictError(_("问卷已发出。"))
    if not survey.questions.filter(counts_for_satisfaction=True).exists():
        raise ApplicationError(_("问卷至少需要一道计入满意度的评分题。"))
    survey.opened_at = timezone.now()
    SURVEY.apply(survey, "open", actor=actor, fields=["opened_at"], target_repr=f"{event.pk}/survey")
    for pk in event.registrations.filter(checked_in_at__isnull=False).values_list("pk", flat=True):
        _queue_email(pk, "survey")
    return survey


@service
def survey_close(*, actor, event_id: int) -> Survey:
    event, survey = _survey_for_update(actor, event_id)
    if not SURVEY.allows(survey, "close"):
        raise ConflictError(_("问卷不在收集中。"))
    survey.closed_at = timezone.now()
    SURVEY.apply(survey, "close", actor=actor, fields=["closed_at"], target_repr=f"{event.pk}/survey")
    _recompute_satisfaction(event, survey)
    return survey


def satisfaction_of(survey: Survey) -> tuple[Decimal | None, int]:
    """THE RULE: among the answers to the rating questions marked "计入满意度", the share rated at or
    above the survey's threshold (default 4 of 5), in percent, rounded half-up to 2 decimals."""
    answers = SurveyAnswer.objects.filter(
        question__survey=survey, question__counts_for_satisfaction=True, rating__isnull=False
    )
    total = answers.count()
    if not total:
        return None, 0
    satisfied = answers.filter(rating__gte=survey.satisfaction_threshold).count()
    rate = (Decimal(satisfied) * 100 / Decimal(total)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return rate, total


def _recompute_satisfaction(event: Event, survey: Survey) -> None:
    rate, basis = satisfaction_of(survey)
    Event.objects.filter(pk=event.pk).update(satisfaction_rate=rate, satisfaction_basis=basis)


@service
def survey_submit(*, token: str, answers: dict) -> SurveyResponse:
    """One answer per attendee, identified by the ticket token. Stores the event's satisfaction rate."""
    reg = registration_by_token(token)
    event = _lock_event(reg.event_id)
    survey = Survey.objects.filter(event=event).first()
    if survey is None or survey.state != SurveyState.OPEN:
        raise ApplicationError(_("此活动的满意度问卷未开放。"))
    if reg.checked_in_at is None:
        raise ForbiddenError(_("只有到场签到的参会者可以填写问卷。"))
    if SurveyResponse.objects.filter(survey=survey, registration=reg).exists():
        raise ConflictError(_("您已提交过问卷，谢谢！每位参会者只能提交一次。"))
    rows = []
    for q in survey.questions.all():
        raw = answers.get(str(q.pk))
        a = SurveyAnswer(question=q)
        if q.kind == QuestionKind.RATING:
            try:
                value = int(raw) if raw not in (None, "") else None
            except (TypeError, ValueError):
                value = -1
            if value is not None and not 1 <= value <= q.scale_max:
                raise ApplicationError(_("“%(q)s”的评分无效。") % {"q": q.text}, {"field": f"q{q.pk}"})
            a.rating = value
            empty = value is None
        elif q.kind == QuestionKind.CHOICE:
            value = (raw or "").strip() if isinstance(raw, str) else ""
            if value and value not in q.choice_list:
                raise ApplicationError(_("“%(q)s”的选项无效。") % {"q": q.text}, {"field": f"q{q.pk}"})
            a.choices = [value] if value else []
            empty = not value
        elif q.kind == QuestionKind.MULTICHOICE:
            values = [v for v in (raw or []) if v]
            if any(v not in q.choice_list for v in values):
                raise ApplicationError(_("“%(q)s”的选项无效。") % {"q": q.text}, {"field": f"q{q.pk}"})
            a.choices = values
            empty = not values
        else:
            value = (raw or "").strip()[:MAX_TEXT] if isinstance(raw, str) else ""
            a.text = value
            empty = not value
        if empty and q.required:
            raise ApplicationError(_("请回答“%(q)s”。") % {"q": q.text}, {"field": f"q{q.pk}"})
        if not empty:
            rows.append(a)
    # Answers are stored under the event's lock, so the check above cannot be raced past (the unique
    # constraint stays the last line of defence).
    response = SurveyResponse.objects.create(survey=survey, registration=reg)
    for a in rows:
        a.response = response
    SurveyAnswer.objects.bulk_create(rows)
    _recompute_satisfaction(event, survey)
    audit_log("events.survey.answered", target=response, target_repr=f"{event.pk}/{reg.pk}")
    return response
