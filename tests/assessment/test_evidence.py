"""Computed points from real records: refusals made through the real services move the counts the
evaluation shows, and a violation found in the records costs the points."""

from decimal import Decimal

import pytest

from center.assessment.evidence import module_status
from center.assessment.scoring import score_evaluation
from center.control import approvals
from center.control import services as control
from center.control.models import ApprovalTask, Quota
from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.core.services import flush_refusals
from tests.control.factories import YEAR, approve_all, invoice

pytestmark = pytest.mark.django_db


def _check(evaluation, code):
    for row in score_evaluation(evaluation).rows:
        for c in row.checks:
            if c.code == code:
                return c
    raise AssertionError(code)


def _fact(check, label):
    return next(f.value for f in check.facts if f.label == label)


def _apply(org, q, amount="30000.00", title="创新周主题活动"):
    return control.application_submit(
        actor=org["staff_inn"], app_type="event", title=title, year=YEAR, lines=[(q["30227"].pk, amount)]
    )


def test_approval_refusals_are_counted_and_separation_holds(org, q, evaluation):
    before = _check(evaluation, "approval_separation")
    assert _fact(before, "被拒绝的审批尝试") == "0"
    app = _apply(org, q)
    task = approvals.pending_task(app)
    with pytest.raises(ForbiddenError):  # the applicant approving her own document
        control.application_act(
            actor=org["staff_inn"], application_id=app.pk, task_id=task.pk, action="approve"
        )
    with pytest.raises(ForbiddenError):  # someone without the task
        control.application_act(
            actor=org["head_gen"], application_id=app.pk, task_id=task.pk, action="approve"
        )
    flush_refusals()
    after = _check(evaluation, "approval_separation")
    assert _fact(after, "被拒绝的审批尝试") == "2"
    assert after.score == after.points  # refused attempts are the control working, not a violation
    link = next(f.link for f in after.facts if f.label == "被拒绝的审批尝试")
    assert link.endswith("?action=control.approval.refused")


def test_a_self_approval_in_the_records_costs_the_points(org, q, evaluation):
    app = approve_all(org, _apply(org, q))
    assert _check(evaluation, "approval_separation").score == Decimal("1.5")
    # a record the services would never write (as if imported from an older system): the applicant approved
    ApprovalTask.objects.filter(object_id=app.pk, content_type__model="application").update(
        acted_by=org["staff_inn"]
    )
    c = _check(evaluation, "approval_separation")
    assert c.score == 0
    assert _fact(c, "本人审批本人单据") != "0"


def test_quota_overrun_refused_is_counted(org, q, evaluation):
    assert _fact(_check(evaluation, "quota_overrun"), "被阻断的超指标支出") == "0"
    available = Quota.objects.get(pk=q["30227"].pk).available
    with pytest.raises(ApplicationError, match="可用余额不足"):
        _apply(org, q, amount=str(available + 1))
    flush_refusals()
    assert _fact(_check(evaluation, "quota_overrun"), "被阻断的超指标支出") == "1"
    assert Quota.objects.get(pk=q["30227"].pk).available == available  # nothing changed


def test_duplicate_invoice_refused_is_counted(org, q, evaluation):
    app = approve_all(org, _apply(org, q))
    control.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "1000.00")],
        invoices=invoice(org, number="77770001", amount="1000.00"),
    )
    app2 = approve_all(org, _apply(org, q, title="另一场"))
    with pytest.raises(ConflictError, match="重复报销"):
        control.reimbursement_submit(
            actor=org["staff_inn"],
            title="再报",
            application_id=app2.pk,
            lines=[(q["30227"].pk, "1000.00")],
            invoices=invoice(org, number="77770001", amount="1000.00"),
        )
    flush_refusals()
    c = _check(evaluation, "duplicate_invoice")
    assert _fact(c, "被拒绝的重复发票") == "1"
    assert _fact(c, "报销发票张数") == "1"
    assert c.score == c.points


def test_claims_with_and_without_prior_application(org, q, evaluation):
    c = _check(evaluation, "prior_application")
    assert _fact(c, "有事前申请的报销") == "0"
    app = approve_all(org, _apply(org, q))
    control.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "1000.00")],
        invoices=invoice(org, number="66660001", amount="1000.00"),
    )
    c = _check(evaluation, "prior_application")
    assert _fact(c, "有事前申请的报销") == "1"
    assert c.score == c.points


def test_adjustments_with_their_approvals(org, q, evaluation):
    c = _check(evaluation, "adjustments_approved")
    assert _fact(c, "调剂笔数") == "0"
    adj = control.adjustment_create(
        actor=org["finance"],
        from_quota_id=q["30227"].pk,
        to_quota_id=q["30215"].pk,
        amount="1000.00",
        reason="会议增加",
        doc_no="调-2037-1",
    )
    with pytest.raises(ForbiddenError):
        control.adjustment_approve(actor=org["finance"], adjustment_id=adj.pk)
    with pytest.raises(ApplicationError, match="财政局批复文号"):  # 会议费 is hard-controlled
        control.adjustment_approve(actor=org["director"], adjustment_id=adj.pk)
    control.adjustment_approve(actor=org["director"], adjustment_id=adj.pk, bureau_doc_no="深财〔2037〕8号")
    c = _check(evaluation, "adjustments_approved")
    assert (_fact(c, "调剂笔数"), _fact(c, "已批准"), _fact(c, "申请人自批")) == ("1", "1", "0")
    assert c.score == c.points


def test_three_public_control(org, q, evaluation):
    from center.control.enums import ControlLevel
    from center.control.models import SpendingStandard

    c = _check(evaluation, "three_public")
    assert _fact(c, "三公经费指标") == "1"  # 30217 公务接待费 of the factory budget
    assert c.score == 0  # no reception standard yet
    SpendingStandard.objects.create(
        year=YEAR, app_type="reception", name="公务接待", limit_per_person_day=Decimal("150")
    )
    assert _check(evaluation, "three_public").score == Decimal("0.5")
    Quota.objects.filter(pk=q["30217_basic"].pk).update(control_level=ControlLevel.WARN)
    assert _check(evaluation, "three_public").score == 0


def test_delegated_approvals_are_covered(org, q, evaluation):
    from datetime import timedelta

    from django.utils import timezone

    from center.accounts import services as accounts

    accounts.delegation_create(
        actor=org["head_inn"],
        delegate_id=org["deputy1"].pk,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(days=1),
        reason="出差",
    )
    app = _apply(org, q)
    task = approvals.pending_task(app)
    assert task.assignee == org["head_inn"]
    control.application_act(actor=org["deputy1"], application_id=app.pk, task_id=task.pk, action="approve")
    c = _check(evaluation, "delegation")
    assert (_fact(c, "受托审批次数"), _fact(c, "无有效委托的代审批")) == ("1", "0")
    assert c.score == c.points


def test_module_coverage_says_what_is_missing(org, evaluation):
    status = {m["code"]: ok for m, ok in module_status()}
    assert status == {
        "budget": True,
        "control": True,
        "procurement": False,
        "assets": False,
        "contracts": False,
    }
    c = _check(evaluation, "module_coverage")
    assert c.score == Decimal("2.40")  # 6 points × 2 of 5 modules
    assert "政府采购" in c.explanation and "合同管理" in c.explanation


def test_audit_chain_and_quotas(org, q, evaluation):
    assert _check(evaluation, "audit_chain").score == 2
    c = _check(evaluation, "quotas_issued")
    assert c.score == c.points and _fact(c, "指标条数") == str(len(q))
    # nothing executed: the variance is 100 % and the point is lost, with the arithmetic shown
    v = _check(evaluation, "execution_variance")
    assert v.score == 0 and "100.00%" in v.explanation
