"""Reimbursements (报销): submit with invoices, approval outcome, withdraw."""

from decimal import Decimal
from uuid import uuid4

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.files import attachment_create
from center.core.locks import lock_one
from center.core.models import Attachment
from center.core.services import service

from .. import approvals, ledger
from ..enums import (
    REIMBURSEMENT,
    ApplicationType,
    ControlLevel,
    DocState,
    EntryKind,
)
from ..ledger import Doc, clean_amount, lock_quotas, post
from ..models import (
    Invoice,
    Reimbursement,
    ReimbursementLine,
)
from ._base import ZERO, _finalize_number, _insert, settings_for
from .applications import (
    _check_lines,
    _decide,
    _foreign,
    _freeze,
    _lock_application,
    _notify_cashiers,
    _owners,
    _parse_lines,
    _require_applicant,
    _reviewers,
    _withdraw,
)


def _store_invoices(actor, invoices) -> list[tuple[dict, Attachment]]:
    if not invoices:
        raise ApplicationError(_("请上传发票。"), {"field": "invoices"})
    seen = set()
    stored = []
    for inv in invoices:
        code, number = str(inv.get("code", "")).strip(), str(inv.get("number", "")).strip()
        if (
            not code.isdigit()
            or not number.isdigit()
            or not (8 <= len(code) <= 20)
            or not (8 <= len(number) <= 20)
        ):
            raise ApplicationError(
                _("发票代码和号码须为数字（全电发票代码可填发票号码前 12 位）。"), {"field": "invoices"}
            )
        if (code, number) in seen or Invoice.objects.filter(code=code, number=number).exists():
            raise ConflictError(
                _("发票 %(c)s-%(n)s 已报销过，不能重复报销。") % {"c": code, "n": number},
                {"field": "invoices"},
                audit={
                    "action": "control.invoice.duplicate_refused",
                    "actor": actor,
                    "extra": {"invoice": f"{code}-{number}"},
                },
            )
        seen.add((code, number))
        amount = clean_amount(inv.get("amount"), "invoices")
        issued_on = inv.get("issued_on")
        if not issued_on:
            raise ApplicationError(_("请填写开票日期。"), {"field": "invoices"})
        att = attachment_create(actor=actor, name=inv["file_name"], data=inv["file_data"], purpose="invoice")
        stored.append(({"code": code, "number": number, "amount": amount, "issued_on": issued_on}, att))
    return stored


@service
def reimbursement_submit(
    *, actor, title: str, lines, invoices, application_id: int | None = None, year: int | None = None
) -> Reimbursement:
    """Submit a reimbursement. Against an application it uses the freeze (an excess up to the configured %
    freezes the difference and needs the director's extra approval); without one it must stay under the
    small-amount threshold and freezes what it needs. Invoices are unique across the whole system."""
    if not actor.is_staff_account or actor.department_id is None:
        raise ForbiddenError(_("只有本单位职工可以报销。"))
    if not title.strip():
        raise ApplicationError(_("请填写事由。"), {"field": "title"})
    amounts = _parse_lines(lines)
    total = sum(amounts.values(), ZERO)
    app = None
    if application_id is not None:
        app = _lock_application(application_id)
        _require_applicant(actor, app, _("事前申请不存在。"))
        if app.state != DocState.APPROVED:
            raise ConflictError(_("事前申请尚未批准或已办结，不能据以报销。"))
        if app.reimbursements.exclude(state__in=[DocState.REJECTED, DocState.WITHDRAWN]).exists():
            raise ConflictError(_("该事前申请已有报销单。"))
        year = app.year
    year = year or timezone.localdate().year
    cfg = settings_for(year)
    stored = _store_invoices(actor, invoices)
    invoice_total = sum((i["amount"] for i, _att in stored), ZERO)
    if total > invoice_total:
        raise ApplicationError(
            _("报销金额 %(t)s 元超过发票合计 %(i)s 元。")
            % {"t": f"{total:,.2f}", "i": f"{invoice_total:,.2f}"},
            {"field": "amount"},
        )
    quotas = lock_quotas(amounts)
    own_freeze: dict[int, Decimal] = {}
    over = ZERO
    if app is None:
        if total >= cfg.small_reimbursement_threshold:
            raise ApplicationError(
                _("%(t)s 元及以上的支出须先提交事前申请。")
                % {"t": f"{cfg.small_reimbursement_threshold:,.2f}"},
                {"field": "application"},
            )
        _check_lines(actor, year, ApplicationType.OTHER, quotas)
        if any(_foreign(actor, q) for q in quotas.values()):
            raise ApplicationError(
                _("使用其他部门的项目指标须先提交事前申请，经该部门负责人审核。"), {"field": "application"}
            )
        own_freeze = dict(amounts)
    else:
        app_lines = {ln.quota_id: ln for ln in app.lines.all()}
        unknown = set(amounts) - set(app_lines)
        if unknown:
            raise ApplicationError(_("报销指标须与事前申请一致。"), {"field": "quota"})
        for qid, amount in amounts.items():
            extra = amount - app_lines[qid].frozen
            if extra > 0:
                own_freeze[qid] = extra
                over += extra
        hard_over = [quotas[qid].name for qid in own_freeze if quotas[qid].control_level == ControlLevel.HARD]
        if hard_over:
            raise ApplicationError(
                _("刚性控制指标（%(q)s）不允许超出事前申请金额报销。") % {"q": "、".join(hard_over)},
                {"field": "amount"},
            )
        if over > 0:
            allowed = (app.amount * cfg.over_reimbursement_pct / 100).quantize(ledger.CENT)
            if over > allowed:
                raise ApplicationError(
                    _("报销超出事前申请 %(o)s 元，超过允许的 %(p)s%%（%(a)s 元），不能报销。")
                    % {"o": f"{over:,.2f}", "p": cfg.over_reimbursement_pct, "a": f"{allowed:,.2f}"},
                    {"field": "amount"},
                )
    r = Reimbursement.objects.create(
        number=f"TMP-{uuid4().hex[:24]}",
        year=year,
        title=title.strip()[:200],
        applicant=actor,
        department=actor.department,
        amount=total,
        application=app,
        # The collective decision (三重一大) was taken on the matter: its minutes cover the claim too.
        minutes=app.minutes if app else None,
        over_amount=over,
        submitted_at=timezone.now(),
    )
    _finalize_number(r, "BX")
    for qid, amount in sorted(amounts.items()):
        ReimbursementLine.objects.create(
            reimbursement=r, quota=quotas[qid], amount=amount, frozen=own_freeze.get(qid, ZERO)
        )
    try:
        _insert(*(Invoice(reimbursement=r, attachment=att, **data) for data, att in stored))
    except IntegrityError as exc:  # a concurrent submission took the same invoice first
        raise ConflictError(_("发票已被其他报销单使用，不能重复报销。"), {"field": "invoices"}) from exc
    if own_freeze:
        _freeze(quotas, own_freeze, actor=actor, doc=Doc("reimbursement", r.pk, r.number))
    approvals.chain_start(
        r,
        doc_type="reimbursement",
        owner_departments=_owners(quotas.values()),
        extra_final_step=gettext_noop("超申请金额审批") if over > 0 else None,  # stored in Chinese
        owner_review_departments=_reviewers(actor, quotas.values()),
    )
    audit_log(
        "control.reimbursement.submit",
        actor=actor,
        target=r,
        extra={"amount": str(total), "over": str(over)},
    )
    return r


def _lock_reimbursement(pk: int) -> Reimbursement:
    r = lock_one(Reimbursement.objects.filter(pk=pk))
    if r is None:
        raise NotFoundError(_("报销单不存在。"))
    return r


def _release_reimbursement(r: Reimbursement, *, actor, note: str) -> None:
    lines = [ln for ln in r.lines.all() if ln.frozen > 0]
    quotas = lock_quotas([ln.quota_id for ln in lines]) if lines else {}
    for ln in lines:
        post(
            quotas[ln.quota_id],
            EntryKind.RELEASE,
            ln.frozen,
            actor=actor,
            doc=Doc("reimbursement", r.pk, r.number),
            note=note,
        )
        ln.frozen = ZERO
        ln.save(update_fields=["frozen"])


@service
def reimbursement_act(
    *,
    actor,
    reimbursement_id: int,
    task_id: int,
    action: str,
    comment: str = "",
    target_user=None,
    to_step=None,
) -> Reimbursement:
    r = _lock_reimbursement(reimbursement_id)
    new_state = _decide(
        r,
        REIMBURSEMENT,
        task_id,
        actor=actor,
        action=action,
        comment=comment,
        target_user=target_user,
        to_step=to_step,
    )
    if new_state == DocState.REJECTED:
        _release_reimbursement(r, actor=actor, note=_("驳回释放"))
        Invoice.objects.filter(reimbursement=r).delete()  # the invoices may be used again
    elif new_state == DocState.APPROVED:
        _notify_cashiers(r)
    return r


@service
def reimbursement_withdraw(*, actor, reimbursement_id: int) -> Reimbursement:
    r = _withdraw(
        _lock_reimbursement(reimbursement_id),
        REIMBURSEMENT,
        actor=actor,
        missing=_("报销单不存在。"),
    )
    _release_reimbursement(r, actor=actor, note=_("撤回释放"))
    Invoice.objects.filter(reimbursement=r).delete()  # the invoices may be used again
    return r
