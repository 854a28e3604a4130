"""The review area's state machines: every (state, verb) pair of every machine is either allowed (to the
table's target, with the audit code `<prefix>.<verb>`) or refused (the state stays as it was)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from center.core.errors import ConflictError
from center.core.models import AuditEntry
from center.reviews import services
from center.reviews.enums import (
    DRAW,
    FLAG,
    INVITATION,
    NOTICE,
    OBJECTION,
    ROUND,
    SHEET,
    DrawState,
    FlagState,
    NoticeState,
    ObjectionState,
    PickRole,
    PickState,
    RoundState,
    SheetState,
)
from center.reviews.models import (
    ApplicationResult,
    Draw,
    DrawPick,
    Flag,
    Objection,
    PublicNotice,
    ReviewRound,
    ScoreSheet,
)
from tests.reviews import factories as f
from tests.reviews.test_scoring import scored_round  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def pairs(machine, states):
    return [(state, verb) for state in states for verb in machine.verbs]


def audited(machine, verb, obj) -> bool:
    return AuditEntry.objects.filter(action=f"{machine.prefix}.{verb}", target_id=str(obj.pk)).exists()


def check(machine, obj, state, verb, run):
    """Run the verb's service on `obj` (in `state`): allowed pairs reach the target, others are refused."""
    if state in machine.sources[verb]:
        run()
        obj.refresh_from_db()
        assert obj.state == machine.target(verb)
        assert audited(machine, verb, obj)
    else:
        with pytest.raises(ConflictError):
            run()
        obj.refresh_from_db()
        assert obj.state == state
        assert not audited(machine, verb, obj)


def _fixed_draw(org):
    for _ in range(4):
        f.expert()
    rnd, group, app = f.round_with_group(org["staff_exp"], size=2, backups=1)
    return rnd, services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)


def _drawn(org):
    rnd, draw = _fixed_draw(org)
    return rnd, services.draw_enter_seed(
        actor=org["staff_exp"], draw_id=draw.pk, source="public", value="8", description="测试"
    )


# --- the round -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "verb"), pairs(ROUND, [s for s in RoundState.values]))
def test_round_machine(org, state, verb):
    if verb == "start_scoring":  # the first seed of a round's draw opens its scoring; later seeds leave it
        rnd, draw = _fixed_draw(org)
        ReviewRound.objects.filter(pk=rnd.pk).update(state=state)
        services.draw_enter_seed(
            actor=org["staff_exp"], draw_id=draw.pk, source="public", value="8", description="测试"
        )
        rnd.refresh_from_db()
        allowed = state in ROUND.sources[verb]
        assert rnd.state == (ROUND.target(verb) if allowed else state)
        assert audited(ROUND, verb, rnd) == allowed
        return
    rnd, _group, app = f.round_with_group(org["staff_exp"])
    ReviewRound.objects.filter(pk=rnd.pk).update(state=state)
    ApplicationResult.objects.create(application=app, score=80, rank=1, n_sheets=1)
    run = {
        "approve": lambda: services.round_approve(actor=org["head_exp"], round_id=rnd.pk),
        "publish": lambda: services.notice_publish(
            actor=org["head_exp"], round_id=rnd.pk, title="公示", change_note="更正"
        ),
    }[verb]
    check(ROUND, rnd, state, verb, run)


# --- the draw and its invitations ----------------------------------------------------------------------


@pytest.mark.parametrize(("state", "verb"), pairs(DRAW, DrawState.values))
def test_draw_machine(org, state, verb):
    _rnd, draw = _fixed_draw(org)
    Draw.objects.filter(pk=draw.pk).update(state=state)
    run = {
        "seed": lambda: services.draw_enter_seed(
            actor=org["staff_exp"], draw_id=draw.pk, source="public", value="8", description="测试"
        ),
        "void": lambda: services.draw_void(actor=org["staff_exp"], draw_id=draw.pk, reason="规则有误"),
    }[verb]
    check(DRAW, draw, state, verb, run)


@pytest.mark.parametrize(("state", "verb"), pairs(INVITATION, PickState.values))
def test_invitation_machine(org, state, verb):
    _rnd, draw = _drawn(org)
    pick = draw.picks.filter(role=PickRole.MAIN).order_by("rank").first()
    now = timezone.now()
    DrawPick.objects.filter(pk=pick.pk).update(state=state, respond_by=now + timedelta(hours=1))
    pick.refresh_from_db()
    if verb == "expire":  # the sweep: an answered invitation is left as it is
        expired = services.invitation_expire(pick_id=pick.pk, now=now + timedelta(hours=2))
        pick.refresh_from_db()
        allowed = state in INVITATION.sources[verb]
        assert expired == int(allowed) and pick.state == (INVITATION.target(verb) if allowed else state)
        assert audited(INVITATION, verb, pick) == allowed
        return
    run = {
        "invite": lambda: services.invite(pick, now),
        "accept": lambda: services.invitation_respond(actor=org["staff_exp"], pick_id=pick.pk, accept=True),
        "decline": lambda: services.invitation_respond(actor=org["staff_exp"], pick_id=pick.pk, accept=False),
    }[verb]
    check(INVITATION, pick, state, verb, run)


# --- sheets, flags, notices, objections ----------------------------------------------------------------


@pytest.mark.parametrize(("state", "verb"), pairs(SHEET, SheetState.values))
def test_sheet_machine(org, scored_round, state, verb):  # noqa: F811
    rnd, (app1, _app2), (a, *_rest) = scored_round
    sheet = ScoreSheet.objects.get(assignment=a, application=app1)
    ScoreSheet.objects.filter(pk=sheet.pk).update(state=state)
    c1, c2 = rnd.criteria.all()
    values = {c1.pk: ("40", ""), c2.pk: ("40", "可行")}
    check(
        SHEET,
        sheet,
        state,
        verb,
        lambda: services.sheet_submit(actor=a.expert.user, sheet_id=sheet.pk, values=values),
    )


@pytest.mark.parametrize(("state", "verb"), pairs(FLAG, FlagState.values))
def test_flag_machine(org, state, verb):
    rnd, _group, app = f.round_with_group(org["staff_exp"])
    flag = Flag.objects.create(round=rnd, kind="spread", application=app, state=state)
    check(
        FLAG,
        flag,
        state,
        verb,
        lambda: services.flag_resolve(
            actor=org["staff_exp"], flag_id=flag.pk, decision="keep", note="已核实"
        ),
    )


def _published(org):
    rnd, _group, app = f.round_with_group(org["staff_exp"])
    ReviewRound.objects.filter(pk=rnd.pk).update(state=RoundState.APPROVED)
    ApplicationResult.objects.create(application=app, score=80, rank=1, n_sheets=1)
    return rnd, services.notice_publish(actor=org["head_exp"], round_id=rnd.pk, title="公示")


@pytest.mark.parametrize(("state", "verb"), pairs(NOTICE, NoticeState.values))
def test_notice_machine(org, state, verb):
    """A new version supersedes the current one; a version already superseded is left as it is."""
    rnd, notice = _published(org)
    PublicNotice.objects.filter(pk=notice.pk).update(state=state)
    services.notice_publish(actor=org["head_exp"], round_id=rnd.pk, title="公示（更正）", change_note="更正")
    notice.refresh_from_db()
    allowed = state in NOTICE.sources[verb]
    assert notice.state == (NOTICE.target(verb) if allowed else state)
    assert audited(NOTICE, verb, notice) == allowed


@pytest.mark.parametrize(("state", "verb"), pairs(OBJECTION, ObjectionState.values))
def test_objection_machine(org, state, verb):
    _rnd, notice = _published(org)
    obj = services.objection_submit(notice_id=notice.pk, name="王某", phone="13800138000", content="有异议")
    assert obj.state == ObjectionState.OPEN
    Objection.objects.filter(pk=obj.pk).update(state=state)
    check(
        OBJECTION,
        obj,
        state,
        verb,
        lambda: services.objection_answer(actor=org["staff_exp"], objection_id=obj.pk, answer="经复核维持。"),
    )
