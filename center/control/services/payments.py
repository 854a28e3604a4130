"""Payments by the cashier: a claim paid (冲借款 included) and the payer checks."""

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.core.locks import lock_one
from center.core.money import format_yuan
from center.core.notifications import notifications_resolve, notify, task_key_of
from center.core.rules import require
from center.core.services import service

from .. import approvals, rules
from ..enums import (
    ADVANCE,
    APPLICATION,
    REIMBURSEMENT,
    DocState,
    EntryKind,
    PaymentMethod,
)
from ..ledger import Doc, lock_quotas, post
from ..models import (
    Payment,
)
from ._base import ZERO, _insert
from .applications import _lock_application, _release_application
from .quotas import _check_warnings
from .reimbursements import _lock_reimbursement


@service
def payment_record(*, actor, reimbursement_id: int, method: str, reference: str = "") -> Payment:
    """支付 by the cashier: executes the amounts (frozen → executed), releases what the application froze
    beyond them, clears a paid advance (冲借款: only the difference changes hands) and closes the application.
    The cashier must not have approved the document."""
    r = _lock_reimbursement(reimbursement_id)
    _check_payer(actor, r)
    if method not in PaymentMethod.values:
        raise ApplicationError(_("请选择支付方式。"), {"field": "method"})
    app = _lock_application(r.application_id) if r.application_id else None
    # Every document row before any quota row (center.core.locks): the advance this claim clears, too.
    advance = lock_one(app.advances.filter(state=DocState.PAID)) if app else None
    lines = list(r.lines.all())
    app_lines = {ln.quota_id: ln for ln in app.lines.all()} if app else {}
    quotas = lock_quotas([ln.quota_id for ln in lines] + list(app_lines))
    doc = Doc("reimbursement", r.pk, r.number)
    for ln in lines:
        post(quotas[ln.quota_id], EntryKind.EXECUTE, ln.amount, actor=actor, doc=doc, note=_("支付执行"))
        from_app = ln.amount - ln.frozen
        ln.frozen = ZERO
        ln.save(update_fields=["frozen"])
        if app and from_app > 0:
            al = app_lines[ln.quota_id]
            al.frozen -= from_app
            al.executed += from_app
            al.save(update_fields=["frozen", "executed"])
    paid_out = r.amount
    if app:
        if advance is not None:
            r.advance_cleared = advance.amount
            r.cash_difference = r.amount - advance.amount
            paid_out = max(r.cash_difference, ZERO)
            advance.cleared_by = r
            ADVANCE.apply(
                advance,
                "clear",
                actor=actor,
                fields=["cleared_by"],
                extra={"by": r.number, "difference": str(r.cash_difference)},
            )
        _release_application(app, actor=actor, note=_("报销后释放余额"))
        app.closed_at = timezone.now()
        APPLICATION.apply(app, "close", actor=actor, fields=["closed_at"], extra={"by": r.number})
    payment = Payment(
        reimbursement=r, amount=paid_out, method=method, reference=reference.strip()[:60], paid_by=actor
    )
    try:
        _insert(payment)
    except IntegrityError as exc:
        raise ConflictError(_("该报销单已支付，不能重复支付。")) from exc
    _check_warnings(quotas.values())
    REIMBURSEMENT.apply(
        r,
        "pay",
        actor=actor,
        fields=["advance_cleared", "cash_difference"],
        extra={"amount": str(r.amount), "method": method},
    )
    notifications_resolve(task_key_of(r))  # the cashiers' "待支付"
    notify(
        [r.applicant],
        title=lambda: _("报销已支付：%(no)s") % {"no": r.number},
        body=lambda: _("支付金额 %(amount)s 元。") % {"amount": format_yuan(r.amount)},
        link=approvals.doc_link(r),
    )
    return payment


def _check_payer(actor, doc) -> None:
    require(rules.is_cashier, actor, doc)
    if Payment.objects.filter(**{doc._meta.model_name: doc}).exists() or doc.state in (
        DocState.PAID,
        DocState.CLOSED,
    ):
        raise ConflictError(
            _("该单据已支付，不能重复支付。"),
            audit={"action": "control.payment.duplicate_refused", "actor": actor, "target": doc},
        )
    if doc.state != DocState.APPROVED:
        raise ConflictError(_("单据尚未审批通过，不能支付。"))
    if actor.pk == doc.applicant_id or actor.pk in approvals.approvers_of(doc):
        raise ForbiddenError(
            _("审批人或申请人不能兼任本单的付款人（不相容岗位）。"),
            audit={"action": "control.payment.incompatible_refused", "actor": actor, "target": doc},
        )
