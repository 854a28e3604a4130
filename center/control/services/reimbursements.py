"""Reimbursements (报销): submit with invoices, approval outcome, withdraw."""

from datetime import date
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

from .. import approvals, ledger, revisions
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
from ._base import ZERO, _finalize_number, _insert, _release_lines, settings_for
from .applications import (
    _attachment_of,
    _check_dates,
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


def _invoice_key(code: str, number: str) -> tuple[str, str]:
    """(code, number) as stored: a fully digital invoice (数电票, a 20-digit number) has no code — one given
    (formerly "the first 12 digits of the number") is dropped, so the invoice is unique by its number alone."""
    if not code.isdigit() and code:
        raise ApplicationError(_("发票代码须为数字。"), {"field": "invoices"})
    if not number.isdigit():
        raise ApplicationError(_("发票号码须为数字。"), {"field": "invoices"})
    if len(number) == 20:
        return "", number
    if not code:
        raise ApplicationError(
            _("发票 %(n)s 缺少发票代码：数电票（全面数字化电子发票）号码为 20 位；其他发票须填写发票代码。")
            % {"n": number},
            {"field": "invoices"},
        )
    if not (8 <= len(code) <= 20) or not (8 <= len(number) <= 20):
        raise ApplicationError(
            _("发票 %(c)s-%(n)s：发票代码为 10 或 12 位数字，号码为 8 位数字（数电票号码为 20 位，无代码）。")
            % {"c": code, "n": number},
            {"field": "invoices"},
        )
    return code, number


def _invoice_taken(code: str, number: str) -> bool:
    qs = Invoice.objects.filter(number=number)
    return qs.exists() if not code else qs.filter(code=code).exists()


def _invoice_row(code: str, number: str):
    qs = Invoice.objects.filter(number=number)
    return (qs if not code else qs.filter(code=code)).order_by("id").first()


def _store_invoices(actor, invoices, *, kept=()) -> list[tuple[dict, Attachment]]:
    """Check and store the new invoices of a claim (`kept`: the invoices it keeps, on a resubmission). Each
    invoice is reimbursed once in the whole system; a duplicate is refused and the attempt audited."""
    if not invoices and not kept:
        raise ApplicationError(_("请上传发票。"), {"field": "invoices"})
    seen = {(i.code, i.number) for i in kept}
    stored = []
    for inv in invoices or ():
        code, number = _invoice_key(str(inv.get("code") or "").strip(), str(inv.get("number", "")).strip())
        if (code, number) in seen or _invoice_taken(code, number):
            shown = f"{code}-{number}" if code else number
            raise ConflictError(
                _("发票 %(n)s 已报销过，不能重复报销。") % {"n": shown},
                {"field": "invoices"},
                audit={
                    "action": "control.invoice.duplicate_refused",
                    "actor": actor,
                    # the invoice already reimbursed (none when the same claim lists it twice)
                    "target": _invoice_row(code, number),
                    "extra": {"invoice": shown},
                },
            )
        seen.add((code, number))
        amount = clean_amount(inv.get("amount"), "invoices")
        issued_on = inv.get("issued_on")
        if not issued_on:
            raise ApplicationError(_("请填写开票日期。"), {"field": "invoices"})
        if inv.get("attachment_id"):
            att = _attachment_of(actor, inv["attachment_id"], purpose="invoice")
        else:
            att = attachment_create(
                actor=actor, name=inv["file_name"], data=inv["file_data"], purpose="invoice"
            )
        seller = str(inv.get("seller") or "").strip()[:100]
        stored.append(
            (
                {"code": code, "number": number, "amount": amount, "issued_on": issued_on, "seller": seller},
                att,
            )
        )
    return stored


def _claim_plan(actor, *, year, app, amounts, quotas, cfg) -> tuple[dict[int, Decimal], Decimal]:
    """What a claim freezes itself (by quota) and by how much it exceeds its application; or a refusal.
    Without an application: below the small-claim limit, own or basic quotas. Against one: its lines, an
    excess only up to the configured % and never on a hard-controlled quota."""
    total = sum(amounts.values(), ZERO)
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
        return dict(amounts), over
    _check_dates(app.year, app.details)
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
    return own_freeze, over


def _check_invoice_dates(year: int, invoices) -> None:
    """Every invoice of a claim is dated in the budget year of the quotas it is paid from: a 2027 invoice is
    not paid from 2022 quotas (the matter-date rule of applications, for what a claim carries)."""
    for inv in invoices:
        code, number, day = (
            (inv["code"], inv["number"], inv["issued_on"])
            if isinstance(inv, dict)
            else (inv.code, inv.number, inv.issued_on)
        )
        if not isinstance(day, date):
            try:
                day = date.fromisoformat(str(day))
            except ValueError as exc:
                raise ApplicationError(
                    _("日期格式应为 年-月-日，如 2026-05-01。"), {"field": "invoices"}
                ) from exc
        if day.year != year:
            raise ApplicationError(
                _(
                    "发票 %(n)s 的开票日期 %(d)s 不在所用指标的预算年度（%(y)d 年）内：%(y)d 年的指标只能报销当年发生的支出。"
                )
                % {"n": f"{code}-{number}" if code else number, "d": day.isoformat(), "y": year},
                {"field": "invoices"},
            )


def _check_invoice_total(total: Decimal, invoice_total: Decimal) -> None:
    if total > invoice_total:
        raise ApplicationError(
            _("报销金额 %(t)s 元超过发票合计 %(i)s 元。")
            % {"t": f"{total:,.2f}", "i": f"{invoice_total:,.2f}"},
            {"field": "amount"},
        )


def _insert_invoices(r, stored) -> None:
    try:
        _insert(*(Invoice(reimbursement=r, attachment=att, **data) for data, att in stored))
    except IntegrityError as exc:  # a concurrent submission took the same invoice first
        raise ConflictError(_("发票已被其他报销单使用，不能重复报销。"), {"field": "invoices"}) from exc


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
    _check_invoice_dates(year, [i for i, _att in stored])
    _check_invoice_total(total, sum((i["amount"] for i, _att in stored), ZERO))
    quotas = lock_quotas(amounts)
    own_freeze, over = _claim_plan(actor, year=year, app=app, amounts=amounts, quotas=quotas, cfg=cfg)
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
    _insert_invoices(r, stored)
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


@service
def reimbursement_resubmit(
    *,
    actor,
    reimbursement_id: int,
    title: str | None = None,
    lines=None,
    keep_invoice_ids=None,
    invoices=(),
) -> Reimbursement:
    """After a return to the applicant: apply the corrections (matter, amounts, invoices: `keep_invoice_ids`
    the ones kept — None keeps all — and `invoices` new ones), check the claim as a new submission would,
    freeze what it needs itself and start a new approval round. What changed is kept as a `Revision`.

    Money: a return released the claim's own freeze (the application's freeze stays for the claim), so the
    new excess is frozen from nothing; one that no longer fits is refused and nothing changes."""
    r = _lock_reimbursement(reimbursement_id)
    _require_applicant(actor, r, _("报销单不存在。"))
    app = _lock_application(r.application_id) if r.application_id else None
    REIMBURSEMENT.check(r, "resubmit")
    old_lines = list(r.lines.select_related("quota"))
    old_invoices = list(r.invoices.all())
    before = revisions.reimbursement_view(r, old_lines, old_invoices)
    if title is not None:
        if not title.strip():
            raise ApplicationError(_("请填写事由。"), {"field": "title"})
        r.title = title.strip()[:200]
    if lines is not None:
        amounts = _parse_lines(lines)
    else:
        amounts = {}
        for ln in old_lines:
            amounts[ln.quota_id] = amounts.get(ln.quota_id, ZERO) + ln.amount
    keep = set(keep_invoice_ids) if keep_invoice_ids is not None else {i.pk for i in old_invoices}
    kept = [i for i in old_invoices if i.pk in keep]
    # the invoices taken off the claim may be used again (by this claim, re-entered, or another one)
    Invoice.objects.filter(reimbursement=r).exclude(pk__in=[i.pk for i in kept]).delete()
    stored = _store_invoices(actor, invoices, kept=kept)
    _check_invoice_dates(r.year, [*kept, *(i for i, _att in stored)])
    total = sum(amounts.values(), ZERO)
    _check_invoice_total(
        total, sum((i.amount for i in kept), ZERO) + sum((i["amount"] for i, _att in stored), ZERO)
    )
    held = {}
    for ln in old_lines:
        if ln.frozen > 0:
            held[ln.quota_id] = held.get(ln.quota_id, ZERO) + ln.frozen
    quotas = lock_quotas(set(amounts) | set(held))
    cfg = settings_for(r.year)
    own_freeze, over = _claim_plan(
        actor, year=r.year, app=app, amounts=amounts, quotas={q: quotas[q] for q in amounts}, cfg=cfg
    )
    r.amount = total
    r.over_amount = over
    r.submitted_at = timezone.now()
    r.save(update_fields=["title", "amount", "over_amount", "submitted_at"])
    r.lines.all().delete()
    for qid, amount in sorted(amounts.items()):
        ReimbursementLine.objects.create(
            reimbursement=r, quota=quotas[qid], amount=amount, frozen=own_freeze.get(qid, ZERO)
        )
    _insert_invoices(r, stored)
    doc = Doc("reimbursement", r.pk, r.number)
    for qid, amount in sorted(held.items()):
        post(quotas[qid], EntryKind.RELEASE, amount, actor=actor, doc=doc, note=_("修改释放"))
    if own_freeze:
        _freeze({q: quotas[q] for q in own_freeze}, own_freeze, actor=actor, doc=doc)
    after = revisions.reimbursement_view(r, list(r.lines.select_related("quota")), list(r.invoices.all()))
    changes = revisions.changes(before, after)
    REIMBURSEMENT.apply(r, "resubmit", actor=actor, extra={"revision": changes} if changes else None)
    used = [quotas[q] for q in amounts]
    approvals.chain_start(
        r,
        doc_type="reimbursement",
        owner_departments=_owners(used),
        extra_final_step=_("超申请金额审批") if over > 0 else None,
        owner_review_departments=_reviewers(actor, used),
    )
    revisions.record(r, actor=actor, changes=changes)
    return r


def _lock_reimbursement(pk: int) -> Reimbursement:
    r = lock_one(Reimbursement.objects.filter(pk=pk))
    if r is None:
        raise NotFoundError(_("报销单不存在。"))
    return r


def _release_reimbursement(r: Reimbursement, *, actor, note: str) -> None:
    _release_lines(r.lines.all(), Doc("reimbursement", r.pk, r.number), actor=actor, note=note)


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
    elif new_state == DocState.RETURNED:
        # back to the applicant for correction: its own freeze is released (frozen again on resubmission);
        # it keeps its invoices until the applicant removes them or withdraws the claim
        _release_reimbursement(r, actor=actor, note=_("退回释放"))
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
