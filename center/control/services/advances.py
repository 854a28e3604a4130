"""Advances (借款): submit, approval outcome, withdraw, pay."""

from uuid import uuid4

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.notifications import notifications_resolve, task_key_of
from center.core.services import service

from .. import approvals
from ..enums import (
    ADVANCE,
    DocState,
    PaymentMethod,
)
from ..ledger import clean_amount
from ..models import (
    Advance,
    Payment,
)
from ._base import _finalize_number, _insert
from .applications import _decide, _lock_application, _notify_cashiers, _owners, _require_applicant, _withdraw
from .payments import _check_payer


def _lock_advance(pk: int) -> Advance:
    adv = lock_one(Advance.objects.filter(pk=pk))
    if adv is None:
        raise NotFoundError(_("借款单不存在。"))
    return adv


@service
def advance_submit(*, actor, application_id: int, amount, title: str = "") -> Advance:
    """借款 against the actor's approved application, at most its amount; one open advance per application.
    The application's freeze already reserves the money, so the ledger does not move here."""
    app = _lock_application(application_id)
    _require_applicant(actor, app, _("事前申请不存在。"))
    if app.state != DocState.APPROVED:
        raise ConflictError(_("事前申请尚未批准或已办结，不能借款。"))
    amount = clean_amount(amount)
    if amount > app.amount:
        raise ApplicationError(
            _("借款金额不能超过事前申请金额 %(a)s 元。") % {"a": f"{app.amount:,.2f}"}, {"field": "amount"}
        )
    if app.advances.exclude(state__in=[DocState.REJECTED, DocState.WITHDRAWN]).exists():
        raise ConflictError(_("该事前申请已有借款单。"))
    adv = Advance.objects.create(
        number=f"TMP-{uuid4().hex[:24]}",
        year=app.year,
        title=(title or app.title).strip()[:200],
        applicant=actor,
        department=actor.department,
        amount=amount,
        application=app,
        submitted_at=timezone.now(),
    )
    _finalize_number(adv, "JK")
    approvals.chain_start(
        adv,
        doc_type="advance",
        owner_departments=_owners(q.quota for q in app.lines.select_related("quota__department")),
    )
    audit_log(
        "control.advance.submit",
        actor=actor,
        target=adv,
        extra={"amount": str(amount), "application": app.number},
    )
    return adv


@service
def advance_act(
    *, actor, advance_id: int, task_id: int, action: str, comment: str = "", target_user=None, to_step=None
) -> Advance:
    adv = _lock_advance(advance_id)
    new_state = _decide(
        adv,
        ADVANCE,
        task_id,
        actor=actor,
        action=action,
        comment=comment,
        target_user=target_user,
        to_step=to_step,
    )
    if new_state == DocState.APPROVED:
        _notify_cashiers(adv)
    return adv


@service
def advance_withdraw(*, actor, advance_id: int) -> Advance:
    return _withdraw(_lock_advance(advance_id), ADVANCE, actor=actor, missing=_("借款单不存在。"))


@service
def advance_pay(*, actor, advance_id: int, method: str, reference: str = "") -> Payment:
    """The cashier pays the advance out; it stays open until the claim clears it."""
    adv = _lock_advance(advance_id)
    _check_payer(actor, adv)
    if method not in PaymentMethod.values:
        raise ApplicationError(_("请选择支付方式。"), {"field": "method"})
    payment = Payment(
        advance=adv, amount=adv.amount, method=method, reference=reference.strip()[:60], paid_by=actor
    )
    try:
        _insert(payment)
    except IntegrityError as exc:
        raise ConflictError(_("该单据已支付，不能重复支付。")) from exc
    ADVANCE.apply(adv, "pay", actor=actor, extra={"amount": str(adv.amount), "method": method})
    notifications_resolve(task_key_of(adv))  # the cashiers' "待支付"
    return payment
