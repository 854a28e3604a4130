"""The expert pool's state machines: every (state, verb) pair is either allowed (to the table's target, with
the audit code `<prefix>.<verb>`) or refused (the state stays as it was)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from center.core.errors import ConflictError
from center.core.models import AuditEntry
from center.experts import services
from center.experts.enums import (
    CALL,
    EXPERT,
    STATE_TRANSITIONS,
    VETTING,
    CallState,
    ExpertState,
    VettingState,
)
from center.experts.models import Expert, ExpertApplication, RecruitmentCall
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def pairs(machine, states):
    return [(state, verb) for state in states for verb in machine.verbs]


def check(machine, obj, state, verb, run):
    audited = AuditEntry.objects.filter(action=f"{machine.prefix}.{verb}", target_id=str(obj.pk))
    if state in machine.sources[verb]:
        run()
        obj.refresh_from_db()
        assert obj.state == machine.target(verb) and audited.exists()
    else:
        with pytest.raises(ConflictError):
            run()
        obj.refresh_from_db()
        assert obj.state == state and not audited.exists()


@pytest.mark.parametrize(("state", "verb"), pairs(EXPERT, ExpertState.values))
def test_expert_machine(org, state, verb):
    expert = f.expert(state=state)
    service = services.EXPERT_SERVICES[verb]
    check(
        EXPERT,
        expert,
        state,
        verb,
        lambda: service(actor=org["staff_exp"], expert_id=expert.pk, reason="测试"),
    )
    if state in EXPERT.sources[verb]:
        assert expert.state_history.first().to_state == EXPERT.target(verb)


def test_the_staff_page_offers_the_machine_targets():
    assert STATE_TRANSITIONS[ExpertState.APPLICANT] == {ExpertState.ADMITTED, ExpertState.WITHDRAWN}
    assert STATE_TRANSITIONS[ExpertState.WITHDRAWN] == set()


@pytest.mark.parametrize(("state", "verb"), pairs(CALL, CallState.values))
def test_call_machine(org, state, verb):
    call = services.call_create(
        actor=org["staff_exp"],
        year=2026,
        title="征集",
        criteria="条件",
        deadline=timezone.localdate() + timedelta(days=10),
    )
    RecruitmentCall.objects.filter(pk=call.pk).update(state=state)
    check(CALL, call, state, verb, lambda: services.call_publish(actor=org["staff_exp"], call_id=call.pk))


@pytest.mark.parametrize(("state", "verb"), pairs(VETTING, VettingState.values))
def test_vetting_machine(org, state, verb):
    call = RecruitmentCall.objects.create(
        year=2026,
        title="征集",
        criteria="条件",
        deadline=timezone.localdate() + timedelta(days=10),
        state=CallState.PUBLISHED,
        created_by=org["staff_exp"],
    )
    expert = f.expert(state=ExpertState.APPLICANT)
    app = ExpertApplication.objects.create(call=call, expert=expert, state=state)
    actor = org["staff_exp"]
    run = {
        "pass_first": lambda: services.application_first_check(
            actor=actor, application_id=app.pk, passed=True
        ),
        "decline_first": lambda: services.application_first_check(
            actor=actor, application_id=app.pk, passed=False, note="不符合"
        ),
        "admit": lambda: services.application_review(actor=actor, application_id=app.pk, admit=True),
        "decline": lambda: services.application_review(
            actor=actor, application_id=app.pk, admit=False, note="不符合"
        ),
    }[verb]
    check(VETTING, app, state, verb, run)
    admitted = state in VETTING.sources[verb] and verb == "admit"
    assert Expert.objects.get(pk=expert.pk).state == (
        ExpertState.ADMITTED if admitted else ExpertState.APPLICANT
    )
