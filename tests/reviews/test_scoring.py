"""Scoring in the portal, aggregation, flags and their resolution, locking, 公示 with objections, credit, fees."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from center.accounts.enums import AccountKind, ExternalType
from center.accounts.services import user_create
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.experts.enums import ExpertState
from center.reviews import scoring, services
from center.reviews.enums import FlagKind, FlagState, NoticeState, PartyRole, PickState, RoundState
from center.reviews.fees import labour_tax
from center.reviews.models import ApplicationResult, ExpertFee, ScoreSheet
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def expert_user(i):
    return user_create(
        actor=None,
        username=f"ex{i}",
        full_name=f"专家{i}",
        password="Expert#2026pw",
        kind=AccountKind.EXTERNAL,
        external_type=ExternalType.EXPERT,
    )


@pytest.fixture
def scored_round(org):
    """A round with 2 applications and 3 accepted, pledged experts."""
    actor = org["staff_exp"]
    users = [expert_user(i) for i in range(4)]
    for u in users:
        f.expert(user=u)
    rnd, group, app1 = f.round_with_group(actor, size=3, backups=1, max_per_org=3)
    app2 = services.application_create(
        actor=actor,
        round_id=rnd.pk,
        code="B2",
        title="第二个项目",
        group_id=group.pk,
        parties=[{"role": PartyRole.APPLICANT, "organisation": f.org()}],
    )
    services.application_formal_check(actor=actor, application_id=app2.pk, passed=True)
    draw = services.draw_fix_pool(actor=actor, group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=actor, draw_id=draw.pk, source="public", value="8", description="测试"
    )
    assignments = []
    for pick in draw.picks.filter(state=PickState.INVITED):
        services.invitation_respond(actor=pick.expert.user, pick_id=pick.pk, accept=True)
        a = pick.expert.assignments.get()
        assignments.append(services.assignment_sign(actor=pick.expert.user, assignment_id=a.pk, pledge=True))
    return rnd, [app1, app2], assignments


def submit(a, app, v1, v2, *, seconds=600):
    sheet = ScoreSheet.objects.get(assignment=a, application=app)
    services.sheet_open(actor=a.expert.user, sheet_id=sheet.pk)
    ScoreSheet.objects.filter(pk=sheet.pk).update(opened_at=timezone.now() - timedelta(seconds=seconds))
    c1, c2 = app.round.criteria.all()
    return services.sheet_submit(
        actor=a.expert.user, sheet_id=sheet.pk, values={c1.pk: (v1, ""), c2.pk: (v2, "可行")}
    )


def test_pledge_first_and_only_assigned_applications(org, scored_round):
    rnd, (app1, _app2), assignments = scored_round
    a = assignments[0]
    other_user = assignments[1].expert.user
    sheet = ScoreSheet.objects.get(assignment=a, application=app1)
    with pytest.raises(NotFoundError):
        services.sheet_open(actor=other_user, sheet_id=sheet.pk)
    sheet.refresh_from_db()
    assert sheet.opened_at is None


def test_scores_out_of_range_or_missing_comment_change_nothing(org, scored_round):
    rnd, (app1, _), (a, *_rest) = scored_round
    sheet = ScoreSheet.objects.get(assignment=a, application=app1)
    c1, c2 = rnd.criteria.all()
    with pytest.raises(ApplicationError) as exc:
        services.sheet_submit(
            actor=a.expert.user, sheet_id=sheet.pk, values={c1.pk: ("60", ""), c2.pk: ("40", "")}
        )
    assert "0–50" in exc.value.message and "须填写意见" in exc.value.message
    sheet.refresh_from_db()
    assert sheet.state == "draft" and not sheet.scores.exists()


def test_aggregation_flags_resolution_lock_notice_fees(org, scored_round):
    rnd, (app1, app2), (a, b, c) = scored_round
    submit(a, app1, "45", "40")
    submit(b, app1, "44", "41")
    submit(c, app1, "10", "10", seconds=20)  # far from the panel, and fast
    submit(a, app2, "30", "30")
    submit(b, app2, "30", "30")
    submit(c, app2, "25", "30")
    services.round_compute(actor=org["staff_exp"], round_id=rnd.pk)
    kinds = set(rnd.flags.values_list("kind", flat=True))
    assert {FlagKind.SPREAD, FlagKind.TOO_FAST} <= kinds
    res1 = ApplicationResult.objects.get(application=app1)
    assert res1.score == Decimal("63.33") and res1.spread == Decimal("65.00")  # mean of 85, 85, 20
    with pytest.raises(ConflictError):
        services.round_approve(actor=org["head_exp"], round_id=rnd.pk)  # open flags
    for flag in rnd.flags.filter(state=FlagState.OPEN):
        decision = "exclude" if flag.expert_id == c.expert_id and flag.application_id == app1.pk else "keep"
        if flag.expert_id is None:
            decision = "keep"
        services.flag_resolve(actor=org["staff_exp"], flag_id=flag.pk, decision=decision, note="已核实")
    c.expert.refresh_from_db()
    assert c.expert.credit_score < 100
    services.round_compute(actor=org["staff_exp"], round_id=rnd.pk)
    res1.refresh_from_db()
    assert res1.score == Decimal("85.00") and res1.rank == 1
    with pytest.raises(ForbiddenError):
        services.round_approve(actor=org["staff_exp"], round_id=rnd.pk)
    services.round_approve(actor=org["head_exp"], round_id=rnd.pk)
    rnd.refresh_from_db()
    assert rnd.state == RoundState.APPROVED
    with pytest.raises(ConflictError):
        services.round_compute(actor=org["staff_exp"], round_id=rnd.pk)
    n1 = services.notice_publish(actor=org["staff_exp"], round_id=rnd.pk, title="公示", days=5)
    obj = services.objection_submit(notice_id=n1.pk, name="王某", phone="13800138000", content="对排名有异议")
    services.objection_answer(actor=org["staff_exp"], objection_id=obj.pk, answer="经复核维持原结果。")
    with pytest.raises(ApplicationError):
        services.notice_publish(actor=org["staff_exp"], round_id=rnd.pk, title="公示（更正）")
    n2 = services.notice_publish(
        actor=org["staff_exp"], round_id=rnd.pk, title="公示（更正）", change_note="更正单位名称"
    )
    n1.refresh_from_db()
    assert n1.state == NoticeState.SUPERSEDED and n2.version == 2 and n2.state == NoticeState.CURRENT
    with pytest.raises(ConflictError):
        services.objection_submit(notice_id=n1.pk, name="李某", phone="13800138001", content="…")
    fees = services.round_fees_compute(actor=org["staff_exp"], round_id=rnd.pk)
    assert {fee.expert_id for fee in fees} == {a.expert_id, b.expert_id, c.expert_id}
    fa = ExpertFee.objects.get(round=rnd, expert=a.expert)
    assert fa.gross == Decimal("600.00") and fa.tax == Decimal("0.00") and fa.net == Decimal("600.00")
    _fees_become_an_expert_fee_application(org, rnd)


def _fees_become_an_expert_fee_application(org, rnd):
    """The fees go through budget control: an expert-fee application on a quota of 专家服务部, frozen."""
    from center.control import services as control
    from center.control.models import Quota
    from tests.control.factories import approved_budget, default_flows

    budget = approved_budget(year=rnd.year)
    budget.projects.update(department=org["staff_exp"].department)
    default_flows()
    control.quotas_issue_from_budget(actor=org["finance"], budget=budget)
    quota = Quota.objects.get(year=rnd.year, economic__code="30226")
    total = sum(ExpertFee.objects.filter(round=rnd).values_list("gross", flat=True))
    # a review done in another year than the quota's is not paid from it: refused, nothing frozen
    from datetime import timedelta

    from center.reviews.models import ScoreSheet

    sheets = ScoreSheet.objects.filter(assignment__group__round=rnd, submitted_at__isnull=False)
    kept = dict(sheets.values_list("pk", "submitted_at"))
    last = max(kept.values())
    sheets.filter(submitted_at=last).update(submitted_at=last + timedelta(days=400))
    with pytest.raises(ApplicationError, match="不在所用指标的预算年度"):
        services.round_fees_request_funding(actor=org["staff_exp"], round_id=rnd.pk, quota_id=quota.pk)
    assert Quota.objects.get(pk=quota.pk).frozen == 0
    assert not ExpertFee.objects.filter(round=rnd).exclude(spending_ref="").exists()
    for pk, when in kept.items():
        ScoreSheet.objects.filter(pk=pk).update(submitted_at=when)
    app = services.round_fees_request_funding(actor=org["staff_exp"], round_id=rnd.pk, quota_id=quota.pk)
    quota.refresh_from_db()
    assert app.app_type == "expert_fee" and app.amount == total and quota.frozen == total
    assert set(ExpertFee.objects.filter(round=rnd).values_list("spending_ref", flat=True)) == {app.number}
    with pytest.raises(ConflictError):
        services.round_fees_request_funding(actor=org["staff_exp"], round_id=rnd.pk, quota_id=quota.pk)
    # the fees page says how far budget control has got with it, under a plain page title
    from django.test import Client
    from django.urls import reverse

    c = Client()
    c.force_login(org["staff_exp"])
    html = c.get(reverse("reviews:round_fees", args=[rnd.pk])).content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "专家费" in title
    assert 'id="control-execution"' in html and app.get_state_display() in html


def test_labour_tax_brackets():
    assert labour_tax(Decimal(800)) == Decimal("0.00")
    assert labour_tax(Decimal(3000)) == Decimal("440.00")  # (3000-800) × 20%
    assert labour_tax(Decimal(4000)) == Decimal("640.00")
    assert labour_tax(Decimal(5000)) == Decimal("800.00")  # 5000 × 80% × 20%
    assert labour_tax(Decimal(30000)) == Decimal("5200.00")  # 24000 × 30% − 2000
    assert labour_tax(Decimal(100000)) == Decimal("25000.00")  # 80000 × 40% − 7000


def test_aggregation_methods_and_flags_helpers():
    one = Decimal(1)
    vals = [(Decimal(90), one), (Decimal(80), one), (Decimal(20), one), (Decimal(85), one)]
    assert scoring.aggregate(vals, "mean") == Decimal("68.75")
    assert scoring.aggregate(vals, "median") == Decimal("82.50")
    assert scoring.aggregate(vals, "trimmed") == Decimal("82.50")
    assert scoring.aggregate([(Decimal(90), Decimal(2)), (Decimal(60), one)], "mean") == Decimal("80.00")
    assert scoring.rank({1: Decimal(90), 2: Decimal(90), 3: Decimal(70), 4: None}, set()) == {
        1: 1,
        2: 1,
        3: 3,
        4: None,
    }
    assert 3 in scoring.outliers({1: Decimal(80), 2: Decimal(82), 3: Decimal(20), 4: Decimal(81)}, 3.5)
    assert scoring.outliers({1: Decimal(80), 2: Decimal(82), 3: Decimal(79), 4: Decimal(81)}, 3.5) == {}
    assert scoring.identical_vectors({1: (1, 2), 2: (1, 2), 3: (2, 2)}) == [[1, 2]]


def test_low_credit_suspends(org):
    e = f.expert()
    services.credit_event_add(actor=org["staff_exp"], expert_id=e.pk, kind="manual", points=-45)
    e.refresh_from_db()
    assert e.credit_score == 55 and e.state == ExpertState.SUSPENDED
    assert e.state_history.first().to_state == ExpertState.SUSPENDED
