"""Check-in (QR token, typed code, refusals, walk-ins), the survey and the satisfaction rule."""

from decimal import Decimal

import pytest

from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.events import selectors, services
from center.events.enums import EventState, QuestionKind
from center.events.models import Event

pytestmark = pytest.mark.django_db


def test_checkin_by_qr_payload_and_by_typed_code(org, make_event, register):
    event = make_event(days=0)
    a, b = register(event), register(event)
    assert (
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=services.QR_PREFIX + a.token).pk
        == a.pk
    )
    typed = b.code[:4].lower() + "-" + b.code[4:].lower()
    assert services.checkin(actor=org["head_exc"], event_id=event.pk, raw=typed).pk == b.pk
    event.refresh_from_db()
    assert event.checked_in_count == 2


def test_double_checkin_refused(org, make_event, register):
    event = make_event(days=0)
    reg = register(event)
    services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=reg.code)
    with pytest.raises(ConflictError, match="重复签到"):
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=services.QR_PREFIX + reg.token)
    event.refresh_from_db()
    assert event.checked_in_count == 1


def test_forged_and_other_event_tickets_refused(org, make_event, register):
    event, other = make_event(days=0), make_event(days=0, title="另一场")
    foreign = register(other)
    with pytest.raises(NotFoundError):
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=services.QR_PREFIX + "x" * 32)
    with pytest.raises(NotFoundError):
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw="ZZZZ2222")
    with pytest.raises(ApplicationError, match="其他活动"):
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=services.QR_PREFIX + foreign.token)
    with pytest.raises(ApplicationError, match="其他活动"):
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=foreign.code)
    from center.core.models import AuditEntry
    from center.core.services import flush_refusals

    flush_refusals()  # the end of the request: refusals survive their rolled-back transaction
    refused = AuditEntry.objects.filter(
        action="events.ticket.refused", outcome="denied", actor=org["staff_exc"]
    )
    assert sorted(e.extra["reason"] for e in refused) == [
        "other event",
        "other event",
        "unknown or forged",
        "unknown or forged",
    ]


def test_waitlisted_and_cancelled_cannot_check_in(org, make_event, register):
    event = make_event(days=0, capacity=1)
    register(event)
    waiting = register(event)
    with pytest.raises(ApplicationError, match="候补"):
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=waiting.code)


def test_checkin_only_by_organiser_department(org, make_event, register):
    event = make_event(days=0)
    reg = register(event)
    with pytest.raises(ForbiddenError):
        services.checkin(actor=org["staff_inn"], event_id=event.pk, raw=reg.code)


def test_walkin_respects_capacity(org, make_event, register):
    event = make_event(days=0, capacity=1)
    reg = services.walkin_register(
        actor=org["staff_exc"],
        event_id=event.pk,
        **{"name": "现场甲", "email": "w@example.com", "phone": "13700000001"},
    )
    assert reg.walk_in and reg.checked_in_at and reg.state == "confirmed"
    with pytest.raises(ApplicationError, match="名额已满"):
        services.walkin_register(
            actor=org["staff_exc"],
            event_id=event.pk,
            name="现场乙",
            email="w2@example.com",
            phone="13700000002",
        )
    event.refresh_from_db()
    assert (event.confirmed_count, event.checked_in_count) == (1, 1)


def _held_event_with_survey(org, make_event, register, attendees=4):
    event = make_event(days=0, capacity=10)
    regs = [register(event) for _ in range(attendees + 1)]
    for r in regs[:attendees]:
        services.checkin(actor=org["staff_exc"], event_id=event.pk, raw=r.code)
    Event.objects.filter(pk=event.pk).update(state=EventState.HELD)
    sat = services.survey_question_add(
        actor=org["staff_exc"],
        event_id=event.pk,
        kind=QuestionKind.RATING,
        text="总体满意度",
        counts_for_satisfaction=True,
    )
    choice = services.survey_question_add(
        actor=org["staff_exc"],
        event_id=event.pk,
        kind=QuestionKind.CHOICE,
        text="获知渠道",
        choices="公众号\n邮件",
    )
    text = services.survey_question_add(
        actor=org["staff_exc"], event_id=event.pk, kind=QuestionKind.TEXT, text="建议", required=False
    )
    return event, regs, sat, choice, text


def test_survey_rule_and_one_answer_per_attendee(
    org, make_event, register, mailoutbox, django_capture_on_commit_callbacks
):
    event, regs, sat, choice, text = _held_event_with_survey(org, make_event, register)
    with django_capture_on_commit_callbacks(execute=True):
        services.survey_open(actor=org["staff_exc"], event_id=event.pk)
    assert len([m for m in mailoutbox if "问卷" in m.subject]) == 4  # only attendees who checked in
    for reg, rating in zip(regs[:4], [5, 4, 3, 5], strict=True):
        services.survey_submit(
            token=reg.token,
            answers={str(sat.pk): rating, str(choice.pk): "邮件", str(text.pk): "<script>alert(1)</script>"},
        )
    event.refresh_from_db()
    assert event.satisfaction_rate == Decimal("75.00") and event.satisfaction_basis == 4  # 3 of 4 rated ≥ 4
    with pytest.raises(ConflictError):
        services.survey_submit(token=regs[0].token, answers={str(sat.pk): 1, str(choice.pk): "邮件"})
    with pytest.raises(ForbiddenError):  # registered but never came
        services.survey_submit(token=regs[4].token, answers={str(sat.pk): 5, str(choice.pk): "邮件"})
    event.refresh_from_db()
    assert event.satisfaction_rate == Decimal("75.00")
    results = {r.question.pk: r for r in selectors.survey_results(event.survey)}
    assert results[sat.pk].mean == Decimal("4.25")
    assert ("邮件", 4, 100) in results[choice.pk].distribution


def test_survey_bad_answers_refused(org, make_event, register):
    event, regs, sat, choice, _text = _held_event_with_survey(org, make_event, register, attendees=1)
    services.survey_open(actor=org["staff_exc"], event_id=event.pk)
    with pytest.raises(ApplicationError, match="评分无效"):
        services.survey_submit(token=regs[0].token, answers={str(sat.pk): 9, str(choice.pk): "邮件"})
    with pytest.raises(ApplicationError, match="请回答"):
        services.survey_submit(token=regs[0].token, answers={str(choice.pk): "邮件"})
    assert not event.survey.responses.exists()


def test_survey_cannot_open_before_held_or_without_satisfaction_question(org, make_event):
    event = make_event()
    services.survey_question_add(
        actor=org["staff_exc"], event_id=event.pk, kind=QuestionKind.TEXT, text="建议"
    )
    with pytest.raises(ApplicationError, match="举办后"):
        services.survey_open(actor=org["staff_exc"], event_id=event.pk)
    Event.objects.filter(pk=event.pk).update(state=EventState.HELD)
    with pytest.raises(ApplicationError, match="计入满意度"):
        services.survey_open(actor=org["staff_exc"], event_id=event.pk)


def test_indicator_progress_counts_held_events(org, make_event):
    from center.accounts.models import Unit
    from center.budget.models import Budget, FiscalYear, PerformanceIndicator, Project

    fy, _ = FiscalYear.objects.get_or_create(year=2031)
    budget = Budget.objects.create(unit=Unit.objects.first(), fiscal_year=fy)
    project = Project.objects.create(budget=budget, name="科技智库与交流")
    seminars = PerformanceIndicator.objects.create(
        budget=budget,
        project=project,
        level1="产出指标",
        level2="数量指标",
        name="组织开展学术研讨会",
        kind="quantitative",
        comparator="=",
        value="2",
        measure_unit="场",
    )
    satisfaction = PerformanceIndicator.objects.create(
        budget=budget,
        project=project,
        level1="满意度指标",
        level2="服务对象满意度指标",
        name="受众满意度",
        kind="quantitative",
        comparator=">=",
        value="90",
        measure_unit="%",
    )
    from datetime import datetime

    from django.utils import timezone

    start = timezone.make_aware(datetime(2031, 5, 1, 9))
    events = []
    for state, rate, basis in [
        (EventState.HELD, "95", 20),
        (EventState.CLOSED, "85", 20),
        (EventState.CANCELLED, None, 0),
        (EventState.APPROVED, None, 0),
    ]:
        e = make_event(state=state)
        Event.objects.filter(pk=e.pk).update(
            starts_at=start, ends_at=start, satisfaction_rate=rate, satisfaction_basis=basis
        )
        e.indicators.set([seminars, satisfaction])
        events.append(e)
    rows = {p.indicator_id: p for p in selectors.indicator_progress(2031)}
    s = rows[seminars.pk]
    assert (s.held, s.planned, s.target, s.met) == (2, 1, Decimal("2"), True)
    assert s.satisfaction == Decimal("90.00")
    sat = rows[satisfaction.pk]
    assert sat.is_satisfaction and sat.actual == Decimal("90.00") and sat.met is True
    assert selectors.indicator_progress(2030) == []
