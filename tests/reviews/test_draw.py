"""The draw: every avoidance rule excludes when it should and not when it should not; the pool hash comes
before the seed; the ranking is reproducible, verifiable and uniform; refusals say why and change nothing."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.experts.enums import ExpertState, RelationKind
from center.experts.models import ExpertRelation
from center.reviews import drawing, services
from center.reviews.eligibility import compute_pool, why_not
from center.reviews.enums import AvoidanceKind, DrawState, PickRole, PickState
from center.reviews.models import Assignment, Draw, DrawPick
from tests.reviews import factories as f

pytestmark = pytest.mark.django_db


def excluded_by(group, expert, as_of=None):
    _params, pool, exclusions = compute_pool(group, as_of or timezone.now())
    for rule, entry in exclusions.items():
        if expert.pk in entry["ids"]:
            return rule
    assert any(row[0] == expert.pk for row in pool)
    return None


def only(kind, param):
    return {k: (param if k == kind else None) for k in AvoidanceKind.values}


# --- one test per rule: a case that excludes, and one that does not ---------------------------------


def test_same_employer(org):
    a_org = f.org()
    _r, group, _a = f.round_with_group(
        org["staff_exp"], rules=only(AvoidanceKind.SAME_EMPLOYER, 0), applicant_org=a_org
    )
    assert excluded_by(group, f.expert(employer=a_org)) == AvoidanceKind.SAME_EMPLOYER
    assert excluded_by(group, f.expert()) is None


def test_former_employer_within_window(org):
    a_org = f.org()
    _r, group, _a = f.round_with_group(
        org["staff_exp"], rules=only(AvoidanceKind.FORMER_EMPLOYER, 3), applicant_org=a_org
    )
    recent, old = f.expert(), f.expert()
    today = date.today()
    ExpertRelation.objects.create(
        expert=recent,
        kind=RelationKind.FORMER_EMPLOYER,
        organisation=a_org,
        end_date=today - timedelta(days=365 * 2),
    )
    ExpertRelation.objects.create(
        expert=old,
        kind=RelationKind.FORMER_EMPLOYER,
        organisation=a_org,
        end_date=today - timedelta(days=365 * 4),
    )
    assert excluded_by(group, recent) == AvoidanceKind.FORMER_EMPLOYER
    assert excluded_by(group, old) is None


def test_declared_relation_both_directions_and_by_name(org):
    applicant = f.expert()
    _r, group, _a = f.round_with_group(
        org["staff_exp"],
        rules=only(AvoidanceKind.DECLARED_RELATION, 3),
        applicant_expert=applicant,
        applicant_name="欧阳申报",
    )
    teacher, relative, by_name, stranger, lapsed = f.expert(), f.expert(), f.expert(), f.expert(), f.expert()
    ExpertRelation.objects.create(expert=teacher, kind=RelationKind.TEACHER_STUDENT, other_expert=applicant)
    ExpertRelation.objects.create(expert=applicant, kind=RelationKind.RELATIVE, other_expert=relative)
    ExpertRelation.objects.create(expert=by_name, kind=RelationKind.COAUTHOR, other_name="欧阳申报")
    ExpertRelation.objects.create(
        expert=lapsed,
        kind=RelationKind.COAUTHOR,
        other_expert=applicant,
        end_date=date.today() - timedelta(days=365 * 5),
    )
    assert excluded_by(group, teacher) == AvoidanceKind.DECLARED_RELATION
    assert excluded_by(group, relative) == AvoidanceKind.DECLARED_RELATION
    assert excluded_by(group, by_name) == AvoidanceKind.DECLARED_RELATION
    assert excluded_by(group, stranger) is None
    assert excluded_by(group, lapsed) is None


def test_co_applicant(org):
    applicant = f.expert()
    _r, group, _a = f.round_with_group(
        org["staff_exp"], rules=only(AvoidanceKind.CO_APPLICANT, 0), applicant_expert=applicant
    )
    assert excluded_by(group, applicant) == AvoidanceKind.CO_APPLICANT
    assert excluded_by(group, f.expert()) is None


def _past_assignment(actor, expert, applicant_org, when):
    _r, g, _a = f.round_with_group(actor, applicant_org=applicant_org)
    a = Assignment.objects.create(group=g, expert=expert)
    Assignment.objects.filter(pk=a.pk).update(created_at=when)


def test_reviewed_same_applicant_within_months(org):
    a_org = f.org()
    recent, old = f.expert(), f.expert()
    _past_assignment(org["staff_exp"], recent, a_org, timezone.now() - timedelta(days=100))
    _past_assignment(org["staff_exp"], old, a_org, timezone.now() - timedelta(days=500))
    _r, group, _a = f.round_with_group(
        org["staff_exp"], rules=only(AvoidanceKind.REVIEWED_APPLICANT, 12), applicant_org=a_org
    )
    assert excluded_by(group, recent) == AvoidanceKind.REVIEWED_APPLICANT
    assert excluded_by(group, old) is None


def test_annual_cap(org):
    busy, fresh = f.expert(), f.expert()
    for _ in range(2):
        _past_assignment(org["staff_exp"], busy, f.org(), timezone.now())
    _past_assignment(org["staff_exp"], fresh, f.org(), timezone.now())
    _r, group, _a = f.round_with_group(org["staff_exp"], rules=only(AvoidanceKind.ANNUAL_CAP, 2))
    assert excluded_by(group, busy) == AvoidanceKind.ANNUAL_CAP
    assert excluded_by(group, fresh) is None


def _drawn_main(actor, expert, days_ago):
    _r, g, _a = f.round_with_group(actor)
    d = Draw.objects.create(
        group=g,
        as_of=timezone.now(),
        pool_hash="0" * 64,
        fixed_by=actor,
        fixed_at=timezone.now(),
        state=DrawState.DRAWN,
        seeded_at=timezone.now() - timedelta(days=days_ago),
    )
    DrawPick.objects.create(draw=d, expert=expert, rank=1, role=PickRole.MAIN, key="k")


def test_cool_off_between_draws(org):
    recent, earlier = f.expert(), f.expert()
    _drawn_main(org["staff_exp"], recent, 3)
    _drawn_main(org["staff_exp"], earlier, 30)
    _r, group, _a = f.round_with_group(org["staff_exp"], rules=only(AvoidanceKind.COOL_OFF, 14))
    assert excluded_by(group, recent) == AvoidanceKind.COOL_OFF
    assert excluded_by(group, earlier) is None


def test_low_credit_and_suspended(org):
    _r, group, _a = f.round_with_group(org["staff_exp"], rules=only(AvoidanceKind.LOW_CREDIT, 60))
    assert excluded_by(group, f.expert(credit=55)) == AvoidanceKind.LOW_CREDIT
    assert excluded_by(group, f.expert(credit=60)) is None
    assert excluded_by(group, f.expert(state=ExpertState.SUSPENDED)) == "state"


def test_base_rules_title_and_discipline_subtree(org):
    _r, group, _a = f.round_with_group(org["staff_exp"], rules={}, discipline="520")
    assert excluded_by(group, f.expert(level=2)) == "title"
    assert excluded_by(group, f.expert(discipline="32021")) == "discipline"
    assert excluded_by(group, f.expert(discipline="52040")) is None  # a sub-discipline of 520


# --- the draw itself ------------------------------------------------------------------------------------


def _pool(n, **kw):
    return [f.expert(**kw) for _ in range(n)]


def test_pool_hash_before_seed_then_reproducible_and_verified(org):
    _pool(8)
    _r, group, _a = f.round_with_group(org["staff_exp"], size=3, backups=2)
    draw = services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)
    assert draw.state == DrawState.POOL_FIXED and draw.seed == "" and len(draw.pool_hash) == 64
    assert not draw.picks.exists()
    # Rules cannot change once the pool hash is recorded.
    with pytest.raises(ConflictError):
        services.group_update_rules(actor=org["staff_exp"], group_id=group.pk, size=4)
    group.refresh_from_db()
    assert group.size == 3
    # Two staff values: the second must come from someone else.
    services.draw_enter_seed(actor=org["staff_exp"], draw_id=draw.pk, source="two_staff", value="4711")
    with pytest.raises(ForbiddenError):
        services.draw_enter_seed(actor=org["staff_exp"], draw_id=draw.pk, source="two_staff", value="0815")
    draw = services.draw_enter_seed(actor=org["head_exp"], draw_id=draw.pk, source="two_staff", value="0815")
    assert draw.state == DrawState.DRAWN and draw.seeded_at > draw.fixed_at
    picks = list(draw.picks.order_by("rank"))
    assert [p.role for p in picks] == ["main"] * 3 + ["backup"] * 2
    assert all(p.state == PickState.INVITED for p in picks[:3])
    # Anyone with the record re-runs it and gets the same ranked list.
    record = services.draw_record(draw)
    assert drawing.verify(record)["ok"]
    rerun = drawing.select(
        record["params"],
        record["pool"],
        drawing.seed_from_parts("two_staff", {"first": "4711", "second": "0815"}),
        record["pool_hash"],
    )
    assert [r["expert_id"] for r in rerun] == [p.expert_id for p in picks]
    assert services.draw_verify(draw)["ok"]
    # A tampered record fails.
    record["pool"] = record["pool"][1:]
    assert not drawing.verify(record)["checks"]["pool_hash"]


def test_refuses_a_draw_larger_than_the_pool_and_says_why(org):
    a_org = f.org()
    _pool(3)
    f.expert(employer=a_org)
    f.expert(level=2)
    _r, group, _a = f.round_with_group(org["staff_exp"], size=7, backups=3, applicant_org=a_org)
    with pytest.raises(ApplicationError) as exc:
        services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)
    extra = exc.value.extra
    assert extra["needed"] == 10 and extra["eligible"] >= 3
    assert extra["excluded"]["same_employer"] >= 1 and extra["excluded"]["title"] >= 1
    assert "同单位回避" in exc.value.message
    assert not Draw.objects.filter(group=group).exists()


def test_why_not_drawn(org):
    a_org = f.org()
    _pool(6)
    conflicted = f.expert(employer=a_org)
    _r, group, _a = f.round_with_group(org["staff_exp"], size=2, backups=1, applicant_org=a_org)
    draw = services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=org["staff_exp"],
        draw_id=draw.pk,
        source="public",
        value="03 08 15 22 27 31 09",
        description="福利彩票双色球第2026137期",
    )
    assert why_not(draw, conflicted.pk) == {
        "state": "excluded",
        "rule": "same_employer",
        "detail": f"org#{a_org.pk}",
    }
    top = draw.picks.get(rank=1)
    assert why_not(draw, top.expert_id)["state"] == "picked"
    others = [row[0] for row in draw.pool if not draw.picks.filter(expert_id=row[0]).exists()]
    assert why_not(draw, others[0])["state"] in ("ranked_below", "skipped_composition")


def test_composition_rules_hold(org):
    shared = f.org()
    for _ in range(5):
        f.expert(employer=shared)
    for _ in range(3):
        f.expert(region="hk")
    _pool(4)
    _r, group, _a = f.round_with_group(
        org["staff_exp"], size=5, backups=2, max_per_org=1, min_international=2
    )
    draw = services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)
    for seed in ["1", "2", "3", "4", "5"]:
        result = drawing.select(
            draw.params, draw.pool, drawing.seed_from_parts("public", {"value": seed}), draw.pool_hash
        )
        by_id = {row[0]: row for row in draw.pool}
        main = [by_id[r["expert_id"]] for r in result if r["role"] == "main"]
        assert len(main) == 5
        assert max(sum(1 for r in main if r[1] == o) for o in {r[1] for r in main}) <= 1
        assert sum(1 for r in main if r[2] in drawing.INTERNATIONAL) >= 2


def test_decline_moves_to_the_next_backup(org):
    _pool(6)
    _r, group, _a = f.round_with_group(org["staff_exp"], size=2, backups=2)
    draw = services.draw_fix_pool(actor=org["staff_exp"], group_id=group.pk)
    draw = services.draw_enter_seed(
        actor=org["staff_exp"], draw_id=draw.pk, source="public", value="12345", description="测试"
    )
    first = draw.picks.get(rank=1)
    services.invitation_respond(actor=org["staff_exp"], pick_id=first.pk, accept=False)
    assert draw.picks.get(rank=3).state == PickState.INVITED
    assert draw.picks.get(rank=4).state == PickState.WAITING
    # No answer by the deadline: expired, credit deducted, next backup invited.
    second = draw.picks.get(rank=2)
    DrawPick.objects.filter(pk=second.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    assert services.invitations_sweep() == 1
    second.refresh_from_db()
    assert second.state == PickState.EXPIRED and second.expert.credit_score < 100
    assert draw.picks.get(rank=4).state == PickState.INVITED


def test_ranking_is_uniform_over_the_eligible_pool():
    """Chi-square over many seeds: each of N experts lands in the k-panel with probability k/N."""
    n, k, trials = 20, 5, 4000
    params = {"size": k, "backups": 0, "max_per_org": k, "min_non_local": 0, "min_international": 0}
    pool = [[i, 1000 + i, "sz"] for i in range(1, n + 1)]
    h = drawing.pool_hash(params, pool)
    counts = dict.fromkeys(range(1, n + 1), 0)
    first = dict.fromkeys(range(1, n + 1), 0)
    for t in range(trials):
        result = drawing.select(params, pool, drawing.seed_from_parts("public", {"value": f"seed{t}"}), h)
        for r in result:
            counts[r["expert_id"]] += 1
        first[result[0]["expert_id"]] += 1
    expected = trials * k / n
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    # 19 degrees of freedom: the 99.9% quantile is 43.8. (Selections within a trial are dependent, which
    # makes the statistic smaller, not larger; the rank-1 test below is a plain multinomial.)
    assert chi2 < 43.8, chi2
    e1 = trials / n
    chi2_first = sum((c - e1) ** 2 / e1 for c in first.values())
    assert chi2_first < 43.8, chi2_first


def test_fast_ranking_keys_are_the_published_hmac():
    """The ranking hashes the key pads and the "<pool_hash>:" prefix once (speed); each key must still be the
    HMAC-SHA256 the module docstring publishes (rank_key), so anyone can re-run a draw with hmac alone."""
    pool = [[i, 1000 + i % 7, "sz" if i % 3 else "hk"] for i in (1, 2, 3, 10, 99, 12345, 987654)]
    for value in ("2026 03 08", "seed", "x" * 80):
        seed = drawing.seed_from_parts("public", {"value": value})
        h = drawing.pool_hash({"size": 3}, pool)
        order = drawing.ranked(pool, seed, h)
        assert order == sorted((drawing.rank_key(seed, h, row[0]), row) for row in pool)
        params = {"size": 3, "backups": 2, "max_per_org": 1, "min_non_local": 1, "min_international": 1}
        for r in drawing.select(params, pool, seed, h):
            assert r["key"] == drawing.rank_key(seed, h, r["expert_id"])
    # a key longer than SHA-256's block (a record pasted with another seed) takes RFC 2104's hashed-key path
    long_seed = "ab" * 70
    assert drawing.ranked(pool, long_seed, "h") == sorted(
        (drawing.rank_key(long_seed, "h", row[0]), row) for row in pool
    )
