"""The lifecycles of budget control (center/control/enums.py): for every machine, every (state, verb) pair is
either allowed — the document reaches the table's target and the audit trail has `control.<entity>.<verb>` —
or refused with a `ConflictError` and nothing changed. Each verb runs through its service.

The documents are put into each state directly; the approval chain is one step (finance) so that one action
decides it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from center.control import approvals, services
from center.control.enums import ADVANCE, APPLICATION, REIMBURSEMENT, DocState
from center.control.models import Advance, Application, ApprovalFlow, ApprovalStepDef, Quota, Reimbursement
from center.core.errors import ConflictError
from center.core.models import AuditEntry
from tests.control.factories import YEAR, claim, quotas_ready

pytestmark = pytest.mark.django_db

S = DocState
# the states each kind of document can be in
APPLICATION_STATES = [S.PENDING, S.RETURNED, S.APPROVED, S.REJECTED, S.WITHDRAWN, S.EXPIRED, S.CLOSED]
REIMBURSEMENT_STATES = [S.PENDING, S.RETURNED, S.APPROVED, S.REJECTED, S.WITHDRAWN, S.PAID]
ADVANCE_STATES = [S.PENDING, S.APPROVED, S.REJECTED, S.WITHDRAWN, S.PAID, S.CLOSED]


@pytest.fixture
def q(org):
    quotas = quotas_ready(org)
    ApprovalFlow.objects.all().delete()
    for doc_type in ("application", "reimbursement", "advance"):
        flow = ApprovalFlow.objects.create(name=f"{doc_type} 一步", doc_type=doc_type)
        ApprovalStepDef.objects.create(flow=flow, order=1, name="财务审核", rule="finance")
    return quotas


def _force(doc, state):
    type(doc).objects.filter(pk=doc.pk).update(state=state)
    doc.refresh_from_db()
    return doc


def _app(org, q, state=DocState.PENDING):
    app = services.application_submit(
        actor=org["staff_inn"], app_type="event", title="状态", year=YEAR, lines=[(q["30227"].pk, "1000.00")]
    )
    return _force(app, state)


def _approved_app(org, q):
    app = _app(org, q)
    _act(services.application_act, "application_id", app, org, "approve")
    return Application.objects.get(pk=app.pk)


def _act(service, key, doc, org, action):
    task = approvals.chain_tasks(doc).filter(state="pending").first()
    return service(actor=org["finance"], task_id=task.pk, action=action, comment="意见", **{key: doc.pk})


def _snapshot(doc):
    doc.refresh_from_db()
    quotas = tuple(Quota.objects.order_by("pk").values_list("frozen", "executed"))
    return doc.state, quotas, AuditEntry.objects.count()


def _check(machine, doc, state, verb, run, expect_verb=None):
    """Run `run()` on `doc` (in `state`) and judge it against the machine's table for `verb`."""
    verb_done = expect_verb or verb
    if state in machine.sources[verb_done]:
        run()
        doc.refresh_from_db()
        assert doc.state == machine.target(verb_done)
        assert AuditEntry.objects.filter(
            action=f"{machine.prefix}.{verb_done}", target_id=str(doc.pk)
        ).exists()
    else:
        before = _snapshot(doc)
        with pytest.raises(ConflictError):
            run()
        assert _snapshot(doc) == before


# ------------------------------------------------------------------------------------------- applications


@pytest.mark.parametrize("verb", APPLICATION.verbs)
@pytest.mark.parametrize("state", APPLICATION_STATES)
def test_application_machine(org, q, state, verb):
    staff = org["staff_inn"]
    if verb == "close":  # its claim is paid: the application is closed with it
        app = _approved_app(org, q)
        r = claim(org, app, q["30227"], "900.00")
        _act(services.reimbursement_act, "reimbursement_id", r, org, "approve")
        _force(app, state)
        run = lambda: services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank")  # noqa: E731
        return _check(APPLICATION, app, state, verb, run)
    app = _app(org, q, state)
    if verb in ("approve", "reject", "return"):
        run = lambda: _act(services.application_act, "application_id", app, org, verb)  # noqa: E731
    elif verb == "withdraw":
        run = lambda: services.application_withdraw(actor=staff, application_id=app.pk)  # noqa: E731
    elif verb == "resubmit":
        run = lambda: services.application_resubmit(actor=staff, application_id=app.pk)  # noqa: E731
    elif verb == "expire":
        Application.objects.filter(pk=app.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
        run = lambda: services.application_expire(application_id=app.pk)  # noqa: E731
    else:  # cancel (approved) and cancel_pending (before approval) are one service: it takes the verb that fits
        run = lambda: services.application_cancel(actor=staff, application_id=app.pk, reason="取消")  # noqa: E731
        other = "cancel_pending" if verb == "cancel" else "cancel"
        if state in APPLICATION.sources[other]:
            return _check(APPLICATION, app, state, verb, run, expect_verb=other)
    return _check(APPLICATION, app, state, verb, run)


# ----------------------------------------------------------------------------------------- reimbursements


@pytest.mark.parametrize("verb", REIMBURSEMENT.verbs)
@pytest.mark.parametrize("state", REIMBURSEMENT_STATES)
def test_reimbursement_machine(org, q, state, verb):
    app = _approved_app(org, q)
    r = claim(org, app, q["30227"], "900.00")
    if verb == "pay":
        _act(services.reimbursement_act, "reimbursement_id", r, org, "approve")
        _force(r, state)
        run = lambda: services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank")  # noqa: E731
    elif verb == "withdraw":
        _force(r, state)
        run = lambda: services.reimbursement_withdraw(actor=org["staff_inn"], reimbursement_id=r.pk)  # noqa: E731
    elif verb == "resubmit":
        _force(r, state)
        run = lambda: services.reimbursement_resubmit(actor=org["staff_inn"], reimbursement_id=r.pk)  # noqa: E731
    else:
        _force(r, state)
        run = lambda: _act(services.reimbursement_act, "reimbursement_id", r, org, verb)  # noqa: E731
    _check(REIMBURSEMENT, Reimbursement.objects.get(pk=r.pk), state, verb, run)


# ---------------------------------------------------------------------------------------------- advances


@pytest.mark.parametrize("verb", ADVANCE.verbs)
@pytest.mark.parametrize("state", ADVANCE_STATES)
def test_advance_machine(org, q, state, verb):
    app = _approved_app(org, q)
    adv = services.advance_submit(actor=org["staff_inn"], application_id=app.pk, amount="500.00")
    if verb == "clear":  # the application's claim is paid: the paid advance is cleared by it
        _act(services.advance_act, "advance_id", adv, org, "approve")
        services.advance_pay(actor=org["cashier"], advance_id=adv.pk, method="bank")
        r = claim(org, app, q["30227"], Decimal("900.00"))
        _act(services.reimbursement_act, "reimbursement_id", r, org, "approve")
        _force(adv, state)
        run = lambda: services.payment_record(actor=org["cashier"], reimbursement_id=r.pk, method="bank")  # noqa: E731
        if state != DocState.PAID:  # only a paid advance is cleared; the claim is paid without it
            run()
            adv.refresh_from_db()
            assert adv.state == state
            return
        return _check(ADVANCE, adv, state, verb, run)
    if verb == "pay":
        _act(services.advance_act, "advance_id", adv, org, "approve")
        _force(adv, state)
        run = lambda: services.advance_pay(actor=org["cashier"], advance_id=adv.pk, method="bank")  # noqa: E731
    elif verb == "withdraw":
        _force(adv, state)
        run = lambda: services.advance_withdraw(actor=org["staff_inn"], advance_id=adv.pk)  # noqa: E731
    else:
        _force(adv, state)
        run = lambda: _act(services.advance_act, "advance_id", adv, org, verb)  # noqa: E731
    _check(ADVANCE, Advance.objects.get(pk=adv.pk), state, verb, run)
