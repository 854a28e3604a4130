"""Hand scores with evidence, the evaluation's lifecycle (draft → submitted → approved, locked) and the
refusals: each clear, each leaving nothing changed."""

from decimal import Decimal

import pytest

from center.assessment import services
from center.assessment.enums import EVALUATION, EvaluationState
from center.assessment.models import Evaluation, ItemScore
from center.assessment.scoring import score_evaluation
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.models import Attachment, AuditEntry
from tests.assessment.conftest import PDF, score_all_manual
from tests.control.factories import YEAR

pytestmark = pytest.mark.django_db


def _score(
    org,
    evaluation,
    code="1.1",
    score="3.5",
    note="领导小组成立文件",
    files=(("文件.pdf", PDF),),
    who="finance",
):
    return services.item_score(
        actor=org[who], evaluation_id=evaluation.pk, code=code, score=score, note=note, files=list(files)
    )


def _nothing_changed(evaluation, audit_before):
    assert not ItemScore.objects.filter(evaluation=evaluation).exists()
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="assessment.itemscore").count() == audit_before


def test_hand_score_with_evidence(org, evaluation):
    s = _score(org, evaluation)
    assert s.score == Decimal("3.5") and s.scored_by == org["finance"] and s.attachments.count() == 1
    entry = AuditEntry.objects.get(action="assessment.itemscore.saved")
    assert entry.changes["score"] == [None, "3.5"]
    # a second score keeps the evidence already given; a new file is added to it
    s = _score(org, evaluation, score="4", note="补充：工作机制文件", files=())
    assert s.score == 4 and s.attachments.count() == 1
    row = next(r for r in score_evaluation(evaluation).rows if r.item.code == "1.1")
    assert row.score == 4 and row.lost == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"files": ()}, ApplicationError, "证明材料"),
        ({"note": "  "}, ApplicationError, "评分依据"),
        ({"score": "4.01"}, ApplicationError, "不能超过该要点的分值 4"),
        ({"score": "-1"}, ApplicationError, "负数"),
        ({"score": "abc"}, ApplicationError, "数字"),
        ({"score": "NaN"}, ApplicationError, "负数"),
        ({"score": "1.234"}, ApplicationError, "两位小数"),
        ({"code": "3.1"}, ApplicationError, "系统根据业务记录计算"),
        ({"code": "11.1"}, ApplicationError, "不适用"),
        ({"code": "4.6"}, ApplicationError, "不适用"),
        ({"code": "99.9"}, NotFoundError, "评价要点不存在"),
        ({"files": (("x.exe", b"MZ\x90\x00"),)}, ApplicationError, "不允许的文件类型"),
        ({"who": "auditor"}, ForbiddenError, "财务审核"),
        ({"who": "director"}, ForbiddenError, "财务审核"),
    ],
)
def test_bad_hand_scores_are_refused_and_nothing_changes(org, evaluation, kwargs, error, message):
    before = AuditEntry.objects.filter(action__startswith="assessment.itemscore").count()
    with pytest.raises(error, match=message):
        _score(org, evaluation, **kwargs)
    _nothing_changed(evaluation, before)


def test_forged_evaluation_id(org, evaluation):
    for forged in (999999, "1 OR 1=1", None):
        with pytest.raises(NotFoundError):
            services.item_score(
                actor=org["finance"],
                evaluation_id=forged,
                code="1.1",
                score="1",
                note="x",
                files=[("a.pdf", PDF)],
            )
        with pytest.raises(NotFoundError):
            services.evaluation_submit(actor=org["finance"], evaluation_id=forged)


def test_one_evaluation_per_year_and_valid_years(org, evaluation):
    with pytest.raises(ConflictError, match="已经存在"):
        services.evaluation_create(actor=org["finance"], year=YEAR)
    for year in (2015, 2101, "二〇二二", None):
        with pytest.raises(ApplicationError):
            services.evaluation_create(actor=org["finance"], year=year)
    with pytest.raises(ForbiddenError):
        services.evaluation_create(actor=org["director"], year=2036)
    assert Evaluation.objects.count() == 1


def test_submit_needs_every_hand_point(org, evaluation):
    with pytest.raises(ApplicationError, match="没有评分"):
        services.evaluation_submit(actor=org["finance"], evaluation_id=evaluation.pk)
    evaluation.refresh_from_db()
    assert evaluation.state == EvaluationState.DRAFT and evaluation.snapshot == {}


def test_lifecycle_freezes_then_locks(org, q, evaluation):
    score_all_manual(org, evaluation, score="1")
    live = score_evaluation(evaluation).totals
    e = services.evaluation_submit(actor=org["finance"], evaluation_id=evaluation.pk)
    assert e.state == EvaluationState.SUBMITTED and e.submitted_by == org["finance"]
    assert e.snapshot["totals"]["rescaled"] == str(live.rescaled)
    assert set(e.snapshot) == {"zh", "en", "totals"}
    # the records change after submission: the submitted evaluation does not move
    from center.control.models import ApprovalFlow

    ApprovalFlow.objects.update(active=False)
    assert score_evaluation(e).totals.rescaled == live.rescaled
    assert score_evaluation(e, live=True).totals.rescaled < live.rescaled
    # finance cannot score a submitted evaluation nor approve it; the director can
    with pytest.raises(ForbiddenError, match="已提交或已审定"):
        _score(org, e, score="2")
    with pytest.raises(ForbiddenError):
        services.evaluation_approve(actor=org["finance"], evaluation_id=e.pk)
    e = services.evaluation_approve(actor=org["director"], evaluation_id=e.pk)
    assert e.state == EvaluationState.APPROVED and e.approved_by == org["director"]
    # locked: no score, no submission, no return, no second approval
    for attempt in (
        lambda: _score(org, e, score="2"),
        lambda: services.evaluation_submit(actor=org["finance"], evaluation_id=e.pk),
        lambda: services.evaluation_return(actor=org["director"], evaluation_id=e.pk),
        lambda: services.evaluation_approve(actor=org["director"], evaluation_id=e.pk),
    ):
        with pytest.raises(ApplicationError):
            attempt()
    assert ItemScore.objects.get(evaluation=e, code="1.1").score == 1
    actions = list(
        AuditEntry.objects.filter(action__startswith="assessment.evaluation")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "assessment.evaluation.created",
        "assessment.evaluation.submit",
        "assessment.evaluation.approve",
    ]


def test_return_makes_it_a_live_draft_again(org, evaluation):
    score_all_manual(org, evaluation)
    services.evaluation_submit(actor=org["finance"], evaluation_id=evaluation.pk)
    e = services.evaluation_return(
        actor=org["director"], evaluation_id=evaluation.pk, comment="请补充培训记录"
    )
    assert e.state == EvaluationState.DRAFT and e.snapshot == {}
    entry = AuditEntry.objects.get(action="assessment.evaluation.return")
    assert entry.extra["comment"] == "请补充培训记录"
    _score(org, e, score="2")  # scoring is open again


def test_the_director_cannot_approve_what_he_submitted(org, evaluation):
    from center.accounts.enums import Role
    from center.accounts.models import UserRole

    UserRole.objects.create(user=org["director"], role=Role.FINANCE)  # a director who also prepares
    score_all_manual(org, evaluation)
    services.evaluation_submit(actor=org["director"], evaluation_id=evaluation.pk)
    with pytest.raises(ForbiddenError, match="不能审定自己提交"):
        services.evaluation_approve(actor=org["director"], evaluation_id=evaluation.pk)


STATES = [EvaluationState.DRAFT, EvaluationState.SUBMITTED, EvaluationState.APPROVED]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("verb", EVALUATION.verbs)
def test_every_state_and_verb(org, evaluation, state, verb):
    """Each (state, verb): allowed → the table's target and the audit code; else refused, nothing changed."""
    score_all_manual(org, evaluation)
    Evaluation.objects.filter(pk=evaluation.pk).update(state=state)
    actor = org["finance"] if verb == "submit" else org["director"]
    fn = {
        "submit": services.evaluation_submit,
        "return": services.evaluation_return,
        "approve": services.evaluation_approve,
    }[verb]
    before = AuditEntry.objects.count()
    if state in EVALUATION.sources[verb]:
        e = fn(actor=actor, evaluation_id=evaluation.pk)
        assert e.state == EVALUATION.target(verb)
        assert AuditEntry.objects.filter(action=f"assessment.evaluation.{verb}").exists()
    else:
        with pytest.raises((ConflictError, ForbiddenError)):
            fn(actor=actor, evaluation_id=evaluation.pk)
        evaluation.refresh_from_db()
        assert evaluation.state == state and AuditEntry.objects.count() == before


def test_workbench_rows(org, evaluation):
    from center.core.workbench import TODO, todos_for, work_for

    titles = [w.title for w in work_for(org["finance"], TODO)]
    assert str(evaluation) in titles  # a draft to score
    assert str(evaluation) not in [w.title for w in work_for(org["director"], TODO)]
    score_all_manual(org, evaluation)
    services.evaluation_submit(actor=org["finance"], evaluation_id=evaluation.pk)
    rows = [w for w in work_for(org["director"], TODO) if w.title == str(evaluation)]
    assert rows and rows[0].approval
    assert any(t.title == str(evaluation) for t in todos_for(org["director"]))
    assert str(evaluation) not in [w.title for w in work_for(org["finance"], TODO)]
    assert str(evaluation) not in [w.title for w in work_for(org["auditor"], TODO)]
