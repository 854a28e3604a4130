"""Prior applications, approval chains, reimbursements and payments: the walk and its refusals."""

from decimal import Decimal

import pytest

from center.accounts import services as account_services
from center.control import approvals, services
from center.control.enums import DocState, TaskState
from center.control.ledger import ledger_check
from center.control.models import ApprovalTask, Quota, SpendingStandard
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.files import attachment_create
from center.core.models import AuditEntry
from center.core.services import flush_refusals
from tests.control.factories import YEAR, claim, quotas_ready
from tests.control.factories import approve_all as _approve_all
from tests.control.factories import invoice as _invoice

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def q(org):
    return quotas_ready(org)


def _apply(org, q, amount="30000.00", who="staff_inn", code="30227", **kw):
    return services.application_submit(
        actor=org[who],
        app_type=kw.pop("app_type", "event"),
        title=kw.pop("title", "创新周主题活动"),
        year=YEAR,
        lines=[(q[code].pk, amount)],
        **kw,
    )


def _task(doc, user):
    return approvals.task_for_actor(doc, user)


def test_full_walk_application_to_payment(org, q):
    app = _apply(org, q)
    week = Quota.objects.get(pk=q["30227"].pk)
    assert (app.state, week.frozen, week.available) == (
        DocState.PENDING,
        Decimal("30000.00"),
        Decimal("2470000.00"),
    )
    chain = list(approvals.chain_tasks(app))
    assert [(t.step_name, t.assignee.username) for t in chain] == [
        ("部门负责人", "head_inn"),
        ("财务审核", "finance"),
    ]
    app = _approve_all(org, app)
    assert app.state == DocState.APPROVED
    r = services.reimbursement_submit(
        actor=org["staff_inn"],
        title="创新周报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "28000.00")],
        invoices=_invoice(org, amount="28000.00"),
    )
    r = _approve_all(org, r, services.reimbursement_act)
    assert r.state == DocState.APPROVED
    services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank", reference="BANK-001")
    week.refresh_from_db()
    app.refresh_from_db()
    assert (week.frozen, week.executed, week.available) == (
        Decimal("0.00"),
        Decimal("28000.00"),
        Decimal("2472000.00"),
    )
    assert app.state == DocState.CLOSED
    assert ledger_check() == []
    actions = list(
        AuditEntry.objects.filter(action__startswith="control.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-1] == "control.reimbursement.pay" and "control.application.approve" in actions


def test_rejection_releases_the_freeze(org, q):
    app = _apply(org, q)
    task = _task(app, org["head_inn"])
    with pytest.raises(ApplicationError, match="理由"):
        services.application_act(
            actor=org["head_inn"], application_id=app.pk, task_id=task.pk, action="reject"
        )
    services.application_act(
        actor=org["head_inn"],
        application_id=app.pk,
        task_id=task.pk,
        action="reject",
        comment="预算不足以支撑",
    )
    week = Quota.objects.get(pk=q["30227"].pk)
    assert week.frozen == 0 and week.available == week.approved
    app.refresh_from_db()
    assert app.state == DocState.REJECTED and app.lines.get().frozen == 0


def test_withdraw_only_before_the_first_approval(org, q):
    app = _apply(org, q)
    services.application_withdraw(actor=org["staff_inn"], application_id=app.pk)
    assert Quota.objects.get(pk=q["30227"].pk).frozen == 0
    app2 = _apply(org, q)
    services.application_act(
        actor=org["head_inn"],
        application_id=app2.pk,
        task_id=_task(app2, org["head_inn"]).pk,
        action="approve",
    )
    with pytest.raises(ConflictError):
        services.application_withdraw(actor=org["staff_inn"], application_id=app2.pk)
    with pytest.raises(NotFoundError):  # someone else's document
        services.application_withdraw(actor=org["staff_exc"], application_id=app2.pk)


def test_applicant_never_approves_and_nobody_approves_twice(org, q):
    app = _apply(org, q, who="head_inn")  # the head applies: their own step escalates to the deputy
    chain = list(approvals.chain_tasks(app))
    assert chain[0].assignee.username == "deputy1"
    with pytest.raises(ForbiddenError):
        services.application_act(
            actor=org["head_inn"], application_id=app.pk, task_id=chain[0].pk, action="approve"
        )
    # finance also approved step 1 by delegation? No: they are not the assignee.
    with pytest.raises(ForbiddenError):
        services.application_act(
            actor=org["finance"], application_id=app.pk, task_id=chain[0].pk, action="approve"
        )


def test_delegate_acts_only_within_the_period(org, q):
    from datetime import timedelta

    from django.utils import timezone

    app = _apply(org, q)
    task = _task(app, org["head_inn"])
    now = timezone.now()
    d = account_services.delegation_create(
        actor=org["head_inn"],
        delegate_id=org["deputy2"].pk,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
        reason="出差",
    )
    services.application_act(actor=org["deputy2"], application_id=app.pk, task_id=task.pk, action="approve")
    entry = AuditEntry.objects.get(action="control.approval.approved")
    assert entry.actor == org["deputy2"] and entry.on_behalf_of == org["head_inn"]
    account_services.delegation_revoke(actor=org["head_inn"], delegation_id=d.pk)
    app2 = _apply(org, q, title="第二场")
    with pytest.raises(ForbiddenError, match="委托"):
        services.application_act(
            actor=org["deputy2"],
            application_id=app2.pk,
            task_id=_task(app2, org["head_inn"]).pk,
            action="approve",
        )


def test_collective_decision_needs_minutes(org, q):
    services.settings_for(YEAR).__class__.objects.filter(year=YEAR).update(
        collective_threshold=Decimal("100000")
    )
    app = _apply(org, q, amount="150000.00")
    for who in ("head_inn", "finance"):
        services.application_act(
            actor=org[who], application_id=app.pk, task_id=_task(app, org[who]).pk, action="approve"
        )
    final = _task(app, org["director"])
    with pytest.raises(ApplicationError, match="会议纪要"):
        services.application_act(
            actor=org["director"], application_id=app.pk, task_id=final.pk, action="approve"
        )
    minutes = attachment_create(actor=org["staff_inn"], name="主任办公会纪要.pdf", data=PDF)
    services.application_attach_minutes(actor=org["staff_inn"], application_id=app.pk, minutes_id=minutes.pk)
    services.application_act(actor=org["director"], application_id=app.pk, task_id=final.pk, action="approve")
    app.refresh_from_db()
    assert app.state == DocState.APPROVED
    # the claim for the decided matter carries the same minutes: its final approval goes through
    r = claim(org, app, q["30227"], "140000.00")
    assert r.minutes_id == minutes.pk
    assert _approve_all(org, r, services.reimbursement_act).state == DocState.APPROVED


def test_return_to_applicant_and_resubmit(org, q):
    app = _apply(org, q)
    services.application_act(
        actor=org["head_inn"],
        application_id=app.pk,
        task_id=_task(app, org["head_inn"]).pk,
        action="return",
        comment="补充议程",
    )
    assert Quota.objects.get(pk=q["30227"].pk).frozen == 0
    services.application_resubmit(actor=org["staff_inn"], application_id=app.pk)
    app.refresh_from_db()
    assert app.state == DocState.PENDING and approvals.current_round(app) == 2
    assert Quota.objects.get(pk=q["30227"].pk).frozen == Decimal("30000.00")


def test_return_to_an_earlier_step_keeps_history(org, q):
    app = _apply(org, q)
    services.application_act(
        actor=org["head_inn"], application_id=app.pk, task_id=_task(app, org["head_inn"]).pk, action="approve"
    )
    fin = _task(app, org["finance"])
    services.application_act(
        actor=org["finance"],
        application_id=app.pk,
        task_id=fin.pk,
        action="return",
        comment="请部门复核",
        to_step=1,
    )
    assert approvals.task_for_actor(app, org["head_inn"]) is not None
    assert approvals.chain_tasks(app, 1).filter(state=TaskState.APPROVED, assignee=org["head_inn"]).exists()


def test_add_signer_requires_both(org, q):
    app = _apply(org, q)
    head = _task(app, org["head_inn"])
    services.application_act(
        actor=org["head_inn"],
        application_id=app.pk,
        task_id=head.pk,
        action="add_signer",
        target_user=org["head_exc"],
    )
    services.application_act(actor=org["head_inn"], application_id=app.pk, task_id=head.pk, action="approve")
    assert _task(app, org["finance"]) is None  # waits for the added signer
    services.application_act(
        actor=org["head_exc"], application_id=app.pk, task_id=_task(app, org["head_exc"]).pk, action="approve"
    )
    assert _task(app, org["finance"]) is not None


def test_transfer_moves_the_task(org, q):
    app = _apply(org, q)
    head = _task(app, org["head_inn"])
    with pytest.raises(ApplicationError):
        services.application_act(
            actor=org["head_inn"],
            application_id=app.pk,
            task_id=head.pk,
            action="transfer",
            target_user=org["staff_inn"],
        )
    services.application_act(
        actor=org["head_inn"],
        application_id=app.pk,
        task_id=head.pk,
        action="transfer",
        target_user=org["deputy1"],
    )
    assert _task(app, org["head_inn"]) is None and _task(app, org["deputy1"]) is not None


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"code": "30201_basic"}, ApplicationError, "基本支出"),  # an event is project work
        ({"amount": "2500000.01"}, ApplicationError, "可用余额不足"),
        ({"amount": "-5"}, ApplicationError, "大于零"),
        ({"amount": "1.234"}, ApplicationError, "两位小数"),
        ({"app_type": "reception", "code": "30217_basic", "amount": "100"}, ApplicationError, "公函"),
        ({"app_type": "meeting", "code": "30217_basic", "amount": "100"}, ApplicationError, "公务接待"),
    ],
)
def test_application_refusals_change_nothing(org, q, kwargs, error, message):
    before = list(Quota.objects.order_by("pk").values_list("frozen", flat=True))
    with pytest.raises(error, match=message):
        _apply(org, q, **kwargs)
    assert list(Quota.objects.order_by("pk").values_list("frozen", flat=True)) == before


def test_quota_of_another_year_refused(org, q):
    with pytest.raises(ApplicationError, match="其他年度"):
        services.application_submit(
            actor=org["staff_inn"], app_type="event", title="x", year=2023, lines=[(q["30227"].pk, "10")]
        )


def test_forged_quota_id_refused(org, q):
    with pytest.raises(NotFoundError):
        services.application_submit(
            actor=org["staff_inn"], app_type="event", title="x", year=YEAR, lines=[(999999, "10")]
        )


def test_spending_standard_blocks_or_needs_justification(org, q):
    std = SpendingStandard.objects.create(
        year=YEAR, app_type="meeting", name="三类会议", limit_per_person_day=Decimal("450")
    )
    details = {"attendees": 20, "days": 2}
    with pytest.raises(ApplicationError, match="超出费用标准"):
        _apply(org, q, app_type="meeting", code="30215", amount="20000.00", details=details)
    assert (
        _apply(org, q, app_type="meeting", code="30215", amount="18000.00", details=details).state
        == DocState.PENDING
    )
    std.block_excess = False
    std.save()
    with pytest.raises(ApplicationError, match="超标准说明"):
        _apply(org, q, app_type="meeting", code="30215", amount="20000.00", details=details)
    assert (
        _apply(
            org,
            q,
            app_type="meeting",
            code="30215",
            amount="20000.00",
            details=details,
            justification="含场地布展",
        ).state
        == DocState.PENDING
    )


def test_reception_with_letter(org, q):
    letter = attachment_create(actor=org["staff_gen"], name="公函.pdf", data=PDF)
    app = services.application_submit(
        actor=org["staff_gen"],
        app_type="reception",
        title="接待广州科技交流中心",
        year=YEAR,
        lines=[(q["30217_basic"].pk, "1500.00")],
        details={"guests": 5, "companions": 2, "meals": 1},
        letter_id=letter.pk,
    )
    chain = [t.step_name for t in approvals.chain_tasks(app)]
    assert chain == ["部门负责人", "财务审核"]


def test_duplicate_invoice_refused_everywhere(org, q):
    app = _approve_all(org, _apply(org, q))
    services.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "1000.00")],
        invoices=_invoice(org, number="99990001", amount="1000.00"),
    )
    app2 = _approve_all(org, _apply(org, q, title="另一场"))
    with pytest.raises(ConflictError, match="重复报销"):
        services.reimbursement_submit(
            actor=org["staff_inn"],
            title="再报",
            application_id=app2.pk,
            lines=[(q["30227"].pk, "1000.00")],
            invoices=_invoice(org, number="99990001", amount="1000.00"),
        )
    flush_refusals()  # the end of the request: the test itself runs inside a transaction
    assert AuditEntry.objects.filter(
        action="control.invoice.duplicate_refused", actor=org["staff_inn"]
    ).exists()


def test_over_reimbursement_within_pct_needs_the_director(org, q):
    app = _approve_all(org, _apply(org, q, amount="10000.00"))
    r = services.reimbursement_submit(
        actor=org["staff_inn"],
        title="超额报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "10800.00")],
        invoices=_invoice(org, amount="10800.00"),
    )
    assert r.over_amount == Decimal("800.00")
    assert [t.step_name for t in approvals.chain_tasks(r)][-1] == "超申请金额审批"
    week = Quota.objects.get(pk=q["30227"].pk)
    assert week.frozen == Decimal("10800.00")


def test_over_reimbursement_beyond_pct_refused(org, q):
    app = _approve_all(org, _apply(org, q, amount="10000.00"))
    with pytest.raises(ApplicationError, match="超过允许"):
        services.reimbursement_submit(
            actor=org["staff_inn"],
            title="超额",
            application_id=app.pk,
            lines=[(q["30227"].pk, "11000.01")],
            invoices=_invoice(org, amount="11000.01"),
        )


def test_small_reimbursement_without_application(org, q):
    r = services.reimbursement_submit(
        actor=org["staff_gen"],
        title="办公用品",
        year=YEAR,
        lines=[(q["30201_basic"].pk, "300.00")],
        invoices=_invoice(org, number="55550001", amount="300.00"),
    )
    assert Quota.objects.get(pk=q["30201_basic"].pk).frozen == Decimal("300.00")
    with pytest.raises(ApplicationError, match="事前申请"):
        services.reimbursement_submit(
            actor=org["staff_gen"],
            title="大额",
            year=YEAR,
            lines=[(q["30201_basic"].pk, "1000.00")],
            invoices=_invoice(org, number="55550002", amount="1000.00"),
        )
    assert r.state == DocState.PENDING


def test_payment_rules(org, q):
    app = _approve_all(org, _apply(org, q, amount="5000.00"))
    r = services.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "5000.00")],
        invoices=_invoice(org, amount="5000.00"),
    )
    with pytest.raises(ConflictError):  # not yet approved
        services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank")
    # The cashier is added as a co-signer and approves: they may then not pay this document.
    head = approvals.task_for_actor(r, org["head_inn"])
    services.reimbursement_act(
        actor=org["head_inn"],
        reimbursement_id=r.pk,
        task_id=head.pk,
        action="add_signer",
        target_user=org["cashier"],
    )
    r = _approve_all(org, r, services.reimbursement_act)
    assert r.state == DocState.APPROVED
    with pytest.raises(ForbiddenError, match="不相容"):
        services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank")
    flush_refusals()
    org["head_inn"].roles.get_or_create(
        role="cashier"
    )  # even holding the cashier role, an approver cannot pay
    org["head_inn"].__dict__.pop("role_codes", None)
    with pytest.raises(ForbiddenError, match="不相容"):
        services.payment_record(actor=org["head_inn"], reimbursement_id=r.pk, method="bank")
    flush_refusals()
    org["head_exc"].roles.get_or_create(role="cashier")  # a cashier who took no part in the approval
    org["head_exc"].__dict__.pop("role_codes", None)
    services.payment_record(actor=org["head_exc"], reimbursement_id=r.pk, method="card")
    with pytest.raises(ConflictError, match="重复支付"):
        services.payment_record(actor=org["head_exc"], reimbursement_id=r.pk, method="card")
    flush_refusals()
    assert set(AuditEntry.objects.filter(outcome="denied").values_list("action", flat=True)) == {
        "control.payment.incompatible_refused",
        "control.payment.duplicate_refused",
    }
    assert Quota.objects.get(pk=q["30227"].pk).executed == Decimal("5000.00")
    assert ledger_check() == []


def test_expiry_releases(org, q):
    app = _approve_all(org, _apply(org, q, amount="5000.00"))
    assert services.applications_expire(today=app.valid_until) == 0
    from datetime import timedelta

    assert services.applications_expire(today=app.valid_until + timedelta(days=1)) == 1
    app.refresh_from_db()
    assert app.state == DocState.EXPIRED and Quota.objects.get(pk=q["30227"].pk).frozen == 0


def test_advance_is_cleared_by_the_claim(org, q):
    from center.control.models import Advance, Payment

    app = _approve_all(org, _apply(org, q, amount="10000.00"))
    with pytest.raises(ApplicationError, match="不能超过"):
        services.advance_submit(actor=org["staff_inn"], application_id=app.pk, amount="10000.01")
    adv = services.advance_submit(actor=org["staff_inn"], application_id=app.pk, amount="6000.00")
    with pytest.raises(ConflictError):  # one open advance per application
        services.advance_submit(actor=org["staff_inn"], application_id=app.pk, amount="100.00")
    adv = _approve_all(org, adv, services.advance_act)
    assert adv.state == DocState.APPROVED
    services.advance_pay(actor=org["cashier"], advance_id=adv.pk, method="bank")
    with pytest.raises(ConflictError, match="重复支付"):
        services.advance_pay(actor=org["cashier"], advance_id=adv.pk, method="bank")
    week = Quota.objects.get(pk=q["30227"].pk)
    assert (week.frozen, week.executed) == (Decimal("10000.00"), 0)  # the advance does not move the ledger
    r = services.reimbursement_submit(
        actor=org["staff_inn"],
        title="冲借款",
        application_id=app.pk,
        lines=[(q["30227"].pk, "7500.00")],
        invoices=_invoice(org, number="31310001", amount="7500.00"),
    )
    r = _approve_all(org, r, services.reimbursement_act)
    payment = services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank")
    r.refresh_from_db()
    adv.refresh_from_db()
    assert (r.advance_cleared, r.cash_difference, payment.amount) == (
        Decimal("6000.00"),
        Decimal("1500.00"),
        Decimal("1500.00"),
    )
    assert adv.state == DocState.CLOSED and adv.cleared_by == r
    assert Payment.objects.count() == 2 and Advance.objects.get().payment.amount == Decimal("6000.00")
    week.refresh_from_db()
    assert (week.frozen, week.executed) == (0, Decimal("7500.00"))
    assert ledger_check() == []


def test_claim_below_the_advance_leaves_cash_to_return(org, q):
    app = _approve_all(org, _apply(org, q, amount="5000.00"))
    adv = _approve_all(
        org,
        services.advance_submit(actor=org["staff_inn"], application_id=app.pk, amount="5000.00"),
        services.advance_act,
    )
    services.advance_pay(actor=org["cashier"], advance_id=adv.pk, method="card")
    r = _approve_all(
        org,
        services.reimbursement_submit(
            actor=org["staff_inn"],
            title="少报",
            application_id=app.pk,
            lines=[(q["30227"].pk, "4200.00")],
            invoices=_invoice(org, number="31310002", amount="4200.00"),
        ),
        services.reimbursement_act,
    )
    payment = services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank")
    r.refresh_from_db()
    assert r.cash_difference == Decimal("-800.00") and payment.amount == 0


def test_another_departments_project_quota_needs_its_heads_review(org, q):
    app = _apply(org, q, who="staff_exc")  # 交流合作部 uses 科技创新服务部's project quota
    chain = [(t.step_name, t.assignee.username) for t in approvals.chain_tasks(app)]
    assert chain == [
        ("部门负责人", "head_exc"),
        ("项目指标归口部门审核", "head_inn"),
        ("财务审核", "finance"),
    ]
    assert _approve_all(org, app).state == DocState.APPROVED


def test_cancel_releases_an_approved_or_pending_application_once(org, q):
    week = q["30227"]
    app = _approve_all(org, _apply(org, q))
    with pytest.raises(ApplicationError, match="原因"):
        services.application_cancel(actor=org["staff_inn"], application_id=app.pk, reason=" ")
    for outsider in ("staff_exp", "head_exp", "finance"):
        with pytest.raises(NotFoundError):
            services.application_cancel(actor=org[outsider], application_id=app.pk, reason="活动取消")
    services.application_cancel(actor=org["head_inn"], application_id=app.pk, reason="活动取消")
    app.refresh_from_db()
    week.refresh_from_db()
    assert (app.state, app.lines.get().frozen, week.frozen) == (DocState.CLOSED, 0, 0)
    with pytest.raises(ConflictError):
        services.application_cancel(actor=org["staff_inn"], application_id=app.pk, reason="再次")
    # a pending one, with an approval already given: its open tasks are cancelled
    pending = _apply(org, q)
    services.application_act(
        actor=org["head_inn"],
        application_id=pending.pk,
        task_id=_task(pending, org["head_inn"]).pk,
        action="approve",
    )
    services.application_cancel(actor=org["staff_inn"], application_id=pending.pk, reason="行程取消")
    pending.refresh_from_db()
    assert pending.state == DocState.WITHDRAWN
    assert not ApprovalTask.objects.filter(object_id=pending.pk, state=TaskState.PENDING).exists()
    assert AuditEntry.objects.filter(action__startswith="control.application.cancel").count() == 2
    assert ledger_check() == []


def test_cancel_is_refused_once_money_is_claimed(org, q):
    app = _approve_all(org, _apply(org, q))
    claim(org, app, q["30227"], "1000.00")
    with pytest.raises(ConflictError, match="报销"):
        services.application_cancel(actor=org["staff_inn"], application_id=app.pk, reason="活动取消")
    app.refresh_from_db()
    assert app.state == DocState.APPROVED and app.lines.get().frozen > 0
