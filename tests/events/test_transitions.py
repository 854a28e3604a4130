"""The state machines (events.enums.MACHINES): for each, every (state, verb) pair is either allowed (to the
table's target, audited as `events.<entity>.<verb>`) or refused with nothing changed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.core.models import AuditEntry
from center.events import services
from center.events.enums import (
    EVENT,
    MACHINES,
    REGISTRATION,
    ROADSHOW_APPLICATION,
    SURVEY,
    TRANSITIONS,
    EventState,
    QuestionKind,
    RegistrationState,
    RoadshowApplicationState,
    SurveyState,
)
from center.events.models import Event, EventType, Registration, RoadshowApplication, Survey

from .conftest import person

pytestmark = pytest.mark.django_db

PAIRS = [(state, verb) for state in EventState.values for verb in TRANSITIONS]
TESTED = {}  # machine prefix -> its (state, verb) pairs, enumerated below


def pairs(machine, states):
    TESTED[machine.prefix] = [(state, verb) for state in states for verb in machine.verbs]
    return TESTED[machine.prefix]


def _audited(machine, verb, obj) -> bool:
    return AuditEntry.objects.filter(action=f"{machine.prefix}.{verb}", target_id=str(obj.pk)).exists()


def _actor_for(verb, org):
    return org["head_exc"] if verb == "approve" else org["staff_exc"]


def _kwargs(verb):
    return {"reason": "台风停课"} if verb == "cancel" else {}


@pytest.mark.parametrize(("state", "verb"), pairs(EVENT, EventState.values))
def test_transition_table(org, make_event, state, verb):
    event = make_event(state=state, days=-1)  # started yesterday: mark_held is possible
    Event.objects.filter(pk=event.pk).update(report_summary="已完成")
    sources, target = TRANSITIONS[verb]
    service = services.SERVICES_BY_VERB[verb]
    if state in sources:
        service(actor=_actor_for(verb, org), event_id=event.pk, **_kwargs(verb))
        event.refresh_from_db()
        assert event.state == target
        assert _audited(EVENT, verb, event)
    else:
        with pytest.raises(ConflictError):
            service(actor=_actor_for(verb, org), event_id=event.pk, **_kwargs(verb))
        event.refresh_from_db()
        assert event.state == state


def test_cancel_is_only_possible_before_held():
    sources, _target = TRANSITIONS["cancel"]
    assert EventState.HELD not in sources and EventState.REPORTED not in sources


def test_owner_cannot_approve_own_event_and_other_department_head_cannot(org, make_event):
    event = make_event(state=EventState.SUBMITTED, owner="head_exc")
    with pytest.raises(ForbiddenError):
        services.event_approve(actor=org["head_exc"], event_id=event.pk)
    with pytest.raises(ForbiddenError):
        services.event_approve(actor=org["head_inn"], event_id=event.pk)
    services.event_approve(actor=org["deputy2"], event_id=event.pk)  # deputy2 oversees 交流合作部
    event.refresh_from_db()
    assert event.state == EventState.APPROVED and event.approved_by == org["deputy2"]


def test_other_department_staff_cannot_act(org, make_event):
    event = make_event(state=EventState.APPROVED)
    with pytest.raises(ForbiddenError):
        services.event_publish(actor=org["staff_inn"], event_id=event.pk)


def test_mark_held_refused_before_start(org, make_event):
    event = make_event(state=EventState.REGISTRATION_CLOSED, days=3)
    with pytest.raises(Exception, match="尚未开始"):
        services.event_mark_held(actor=org["staff_exc"], event_id=event.pk)


def test_report_needs_summary(org, make_event):
    event = make_event(state=EventState.HELD, days=-2)
    with pytest.raises(Exception, match="总结"):
        services.event_report(actor=org["staff_exc"], event_id=event.pk)


def test_cancel_needs_reason_and_emails_registrants(
    org, make_event, register, mailoutbox, django_capture_on_commit_callbacks
):
    event = make_event()
    register(event)
    with pytest.raises(Exception, match="原因"):
        services.event_cancel(actor=org["staff_exc"], event_id=event.pk, reason=" ")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(actor=org["staff_exc"], event_id=event.pk, reason="场地不可用")
    assert len(mailoutbox) == 1 and "取消" in mailoutbox[0].subject


def test_approve_calls_the_funding_hook(org, make_event, monkeypatch):
    event = make_event(state=EventState.SUBMITTED)
    monkeypatch.setattr(services.funding, "event_request_funding", lambda *, actor, event: "SQ-2022-0001")
    services.event_approve(actor=org["head_exc"], event_id=event.pk)
    event.refresh_from_db()
    assert event.application_ref == "SQ-2022-0001"


def test_planned_cost_locked_after_approval(org, make_event):
    from decimal import Decimal

    event = make_event(state=EventState.APPROVED)
    with pytest.raises(Exception, match="计划经费"):
        services.event_update(actor=org["staff_exc"], event_id=event.pk, planned_cost=Decimal("99"))


def test_capacity_cannot_drop_below_confirmed(org, make_event, register):
    event = make_event(capacity=3)
    register(event)
    register(event)
    with pytest.raises(Exception, match="名额"):
        services.event_update(actor=org["staff_exc"], event_id=event.pk, capacity=1)


def test_registration_closes_at_in_past_blocks_opening(org, make_event):
    event = make_event(state=EventState.PUBLISHED, registration_closes_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(Exception, match="截止"):
        services.event_open_registration(actor=org["staff_exc"], event_id=event.pk)


def test_cancelling_an_event_releases_its_prior_application(org, make_event):
    from center.control.models import Application, Quota
    from center.core.models import Notification
    from tests.control.factories import YEAR, approve_all, quotas_ready

    q = quotas_ready(org)
    week = q["30227"]
    for who, expected in (("staff_inn", "closed"), ("head_inn", "closed"), ("staff_inn2", "approved")):
        event = make_event(state=EventState.PUBLISHED, owner="staff_inn")
        app = services_control().application_submit(
            actor=org["staff_inn"],
            app_type="event",
            title=event.title,
            year=YEAR,
            lines=[(week.pk, "5000.00")],
        )
        approve_all(org, app)
        event.application_ref = app.number
        event.save(update_fields=["application_ref"])
        frozen = Quota.objects.get(pk=week.pk).frozen
        canceller = org.get(who) or _colleague(org, "staff_inn")
        services.event_cancel(actor=canceller, event_id=event.pk, reason="台风")
        app = Application.objects.get(pk=app.pk)
        assert app.state == expected
        if expected == "closed":
            assert Quota.objects.get(pk=week.pk).frozen == frozen - 5000
        else:  # a colleague of the organiser department may cancel the event, not the money: the applicant is told
            assert Notification.objects.filter(
                recipient=org["staff_inn"], title__contains=app.number
            ).exists()


def services_control():
    from center.control import services as control

    return control


def _colleague(org, username):
    from center.accounts.models import User, UserRole

    me = org[username]
    colleague = User.objects.create_user(
        username="staff_inn2",
        password="x-Long-Passw0rd!",
        full_name="同事",
        department=me.department,
        kind="staff",
    )
    UserRole.objects.create(user=colleague, role="staff")
    org["staff_inn2"] = colleague
    return colleague


@pytest.mark.parametrize("missing", ["type", "title", "starts_at", "ends_at", "capacity"])
def test_an_event_without_a_required_field_is_refused_clearly(org, event_type, missing):
    start = timezone.now() + timedelta(days=3)
    fields = {
        "type": event_type,
        "title": "研讨会",
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        "capacity": 10,
    }
    fields[missing] = "" if missing == "title" else None
    with pytest.raises(ApplicationError) as exc:
        services.event_create(actor=org["staff_exc"], **fields)
    assert exc.value.extra["field"] == missing
    assert not Event.objects.exists()


# --- registrations -------------------------------------------------------------------------------------


def _registration_in(event, state) -> Registration:
    """A registration of `event` put in `state` (the seat counter kept equal to the confirmed ones)."""
    reg = services.registration_create(event_id=event.pk, **person())
    Registration.objects.filter(pk=reg.pk).update(state=state)
    confirmed = event.registrations.filter(state=RegistrationState.CONFIRMED).count()
    Event.objects.filter(pk=event.pk).update(confirmed_count=confirmed)
    reg.refresh_from_db()
    return reg


def _drive_registration(org, event, reg, verb) -> None:
    """Ask for `verb` on `reg` through its service: decide (approve with a seat, or when full; reject),
    cancel from the ticket, or free a seat so that the oldest waiting registration moves up."""
    if verb == "waitlist":  # approval when the event is full: fill the other seats first
        while Event.objects.get(pk=event.pk).confirmed_count < event.capacity:
            _registration_in(event, RegistrationState.CONFIRMED)
    if verb in ("approve", "waitlist", "reject"):
        services.registration_decide(actor=org["staff_exc"], registration_id=reg.pk, approve=verb != "reject")
    elif verb == "cancel":
        services.registration_cancel(token=reg.token)
    elif verb == "promote":  # the event is full; its oldest seat holder cancels
        holder = Registration.objects.filter(event=event, state=RegistrationState.CONFIRMED).order_by("id")[0]
        services.registration_cancel(token=holder.token)


@pytest.mark.parametrize(("state", "verb"), pairs(REGISTRATION, RegistrationState.values))
def test_registration_transition_table(org, make_event, state, verb):
    event = make_event(capacity=3)
    if verb == "promote":
        _registration_in(event, RegistrationState.CONFIRMED)  # the seat holder, older than `reg`
    reg = _registration_in(event, state)
    while verb == "promote" and Event.objects.get(pk=event.pk).confirmed_count < event.capacity:
        _registration_in(event, RegistrationState.CONFIRMED)  # full: a seat frees only by cancelling
    if REGISTRATION.allows(reg, verb):
        _drive_registration(org, event, reg, verb)
        reg.refresh_from_db()
        assert reg.state == REGISTRATION.target(verb)
        assert _audited(REGISTRATION, verb, reg)
    else:
        if verb == "promote":  # nobody asks for a promotion: a freed seat does not take this one
            _drive_registration(org, event, reg, verb)
        else:
            with pytest.raises(ConflictError):
                _drive_registration(org, event, reg, verb)
        reg.refresh_from_db()
        assert reg.state == state and not _audited(REGISTRATION, verb, reg)
    event.refresh_from_db()
    assert event.confirmed_count == event.registrations.filter(state=RegistrationState.CONFIRMED).count()
    assert event.confirmed_count <= event.capacity


# --- surveys ---------------------------------------------------------------------------------------------

SURVEY_SERVICES = {"open": services.survey_open, "close": services.survey_close}


@pytest.mark.parametrize(("state", "verb"), pairs(SURVEY, SurveyState.values))
def test_survey_transition_table(org, make_event, state, verb):
    event = make_event(state=EventState.HELD, days=-1)
    services.survey_question_add(
        actor=org["staff_exc"],
        event_id=event.pk,
        kind=QuestionKind.RATING,
        text="总体满意度",
        counts_for_satisfaction=True,
    )
    survey = Survey.objects.get(event=event)
    Survey.objects.filter(pk=survey.pk).update(state=state)
    survey.refresh_from_db()
    if SURVEY.allows(survey, verb):
        SURVEY_SERVICES[verb](actor=org["staff_exc"], event_id=event.pk)
        survey.refresh_from_db()
        assert survey.state == SURVEY.target(verb) and _audited(SURVEY, verb, survey)
    else:
        with pytest.raises(ConflictError):
            SURVEY_SERVICES[verb](actor=org["staff_exc"], event_id=event.pk)
        survey.refresh_from_db()
        assert survey.state == state and not _audited(SURVEY, verb, survey)


# --- roadshow applications ------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "verb"), pairs(ROADSHOW_APPLICATION, RoadshowApplicationState.values))
def test_roadshow_application_transition_table(org, make_event, state, verb):
    roadshow = EventType.objects.create(code="roadshow-m", name="项目路演", is_roadshow=True)
    event = make_event(type=roadshow)
    app = services.roadshow_apply(
        event_id=event.pk,
        project_name="固态电池",
        organisation="某团队",
        contact_name="李四",
        email="li@example.com",
        phone="13900001111",
        summary="简介",
        stage="prototype",
        funding_sought="0",
        team="团队",
    )
    RoadshowApplication.objects.filter(pk=app.pk).update(state=state, score_count=1)
    app.refresh_from_db()
    decide = {"actor": org["head_exc"], "application_id": app.pk, "selected": verb == "select"}
    if ROADSHOW_APPLICATION.allows(app, verb):
        services.roadshow_decide(**decide)
        app.refresh_from_db()
        assert app.state == ROADSHOW_APPLICATION.target(verb) and _audited(ROADSHOW_APPLICATION, verb, app)
    else:
        with pytest.raises(ConflictError):
            services.roadshow_decide(**decide)
        app.refresh_from_db()
        assert app.state == state and not _audited(ROADSHOW_APPLICATION, verb, app)


def test_every_machine_of_the_area_is_enumerated():
    assert set(TESTED) == {m.prefix for m in MACHINES}
    for machine in MACHINES:
        assert {verb for _state, verb in TESTED[machine.prefix]} == set(machine.verbs)
