"""Every write of budget control. Each is a `@service` (one unit of work): it happens completely or not at all.

Lock order, always (center.core.locks checks it under test settings): the document rows (the claim, then
the application it is against, then the advance it clears) → approval tasks → quota rows (in id order, one
call per unit) → the audit chain head, appended at the unit's end.
"""

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.accounts.models import Department
from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.files import attachment_create
from center.core.locks import lock_one
from center.core.models import Attachment
from center.core.notifications import notify
from center.core.rules import require
from center.core.services import service

from . import approvals, config_cache, ledger, rules
from .enums import (
    ADVANCE,
    APPLICATION,
    HARD_BY_DEFAULT,
    PROJECT_ONLY_TYPES,
    REIMBURSEMENT,
    REQUIRED_ECONOMIC_CODE,
    ApplicationType,
    ControlLevel,
    DocState,
    EntryKind,
    PaymentMethod,
)
from .ledger import Doc, clean_amount, lock_quotas, post
from .models import (
    Adjustment,
    Advance,
    Application,
    ApplicationLine,
    ControlSettings,
    Invoice,
    Payment,
    Quota,
    Reimbursement,
    ReimbursementLine,
)
from .rules import CANCELLABLE

ZERO = Decimal("0")


def settings_for(year: int) -> ControlSettings:
    """The year's control parameters (from the per-process configuration cache; a copy to change freely)."""
    return config_cache.settings_for(year)


@service
def _insert(*rows) -> None:
    """Insert rows whose unique keys may clash with a concurrent unit's: a nested part of the unit (its own
    savepoint), so the caller can turn the `IntegrityError` into a clear refusal."""
    for row in rows:
        row.save(force_insert=True)


def _finalize_number(doc, prefix: str) -> None:
    doc.number = f"{prefix}{doc.year}-{doc.pk:06d}"
    type(doc).objects.filter(pk=doc.pk).update(number=doc.number)


# ----------------------------------------------------------------------------------------------- quotas


@service
def quotas_issue_from_budget(*, actor, budget, general_department: Department | None = None) -> list[Quota]:
    """下达: turn every line of an approved budget into a quota with an `issue` entry. Idempotent per line."""
    from center.budget.models import ExpenditureLine
    from center.budget.selectors import approved_lines

    lines = approved_lines(budget)
    general = general_department or Department.objects.filter(unit=budget.unit, code="GEN").first()
    by_id = {
        line.pk: line
        for line in ExpenditureLine.objects.filter(pk__in=[a.id for a in lines]).select_related(
            "project", "item", "functional", "economic", "source"
        )
    }
    created = []
    for a in lines:
        line = by_id[a.id]
        if a.amount <= 0 or Quota.objects.filter(source_line=line).exists():
            continue  # nothing to spend on a zero line; a line is issued once
        dept = line.project.department if line.project_id and line.project.department_id else general
        if dept is None:
            raise ApplicationError(_("无法确定指标的归口部门：请先设置项目的责任部门。"))
        label = " · ".join(
            x
            for x in [
                a.project_name or line.get_basic_category_display(),
                a.item_name,
                f"{line.economic.code} {line.economic.name}",
            ]
            if x
        )
        q = Quota.objects.create(
            year=a.year,
            budget=budget,
            source_line=line,
            kind=a.kind,
            basic_category=a.basic_category or "",
            project=line.project,
            item=line.item,
            functional=line.functional,
            economic=line.economic,
            source=line.source,
            department=dept,
            name=label[:200],
            control_level=ControlLevel.HARD if a.economic_code in HARD_BY_DEFAULT else ControlLevel.WARN,
        )
        post(
            q,
            EntryKind.ISSUE,
            a.amount,
            actor=actor,
            doc=Doc("budget", budget.pk, budget.approval_doc_no),
            note=_("预算批复下达"),
        )
        created.append(q)
    audit_log("control.quota.issued", actor=actor, target=budget, extra={"quotas": len(created)})
    return created


@service
def quota_set_control_level(*, actor, quota_id: int, level: str) -> Quota:
    if not actor.has_role(Role.FINANCE):
        raise ForbiddenError(_("只有财务可以设置控制方式。"))
    if level not in ControlLevel.values:
        raise ApplicationError(_("未知的控制方式。"), {"field": "level"})
    q = lock_quotas([quota_id])[quota_id]
    before = q.control_level
    q.control_level = level
    q.save(update_fields=["control_level"])
    audit_log(
        "control.quota.level_changed", actor=actor, target=q, changes={"control_level": [before, level]}
    )
    return q


def _check_warnings(quotas, known: ControlSettings | None = None) -> None:
    """Warn the owning department and finance when usage passes a configured threshold (once per level)."""
    from center.accounts.models import User

    thresholds: dict[int, list[int]] = {known.year: known.thresholds} if known else {}
    for q in quotas:
        if q.control_level == ControlLevel.RECORD or q.budgeted <= 0:
            continue
        used = q.used_pct
        if q.year not in thresholds:
            thresholds[q.year] = settings_for(q.year).thresholds
        crossed = [t for t in thresholds[q.year] if used >= t > q.warned_pct]
        if not crossed:
            continue
        q.warned_pct = max(crossed)
        q.save(update_fields=["warned_pct"])
        people = list(User.objects.filter(is_active=True, roles__role__in=[Role.FINANCE]).distinct())
        people += list(
            User.objects.filter(is_active=True, department=q.department, roles__role=Role.DEPT_HEAD)
        )
        notify(
            people,
            title=_("指标预警：%(q)s 已使用 %(p)d%%") % {"q": q.name, "p": int(used)},
            link=f"/control/quotas/{q.pk}/",
        )
        audit_log(
            "control.quota.warned", target=q, extra={"used_pct": round(used, 1), "threshold": q.warned_pct}
        )


@service
def adjustment_create(
    *, actor, from_quota_id: int, to_quota_id: int, amount, reason: str, doc_no: str
) -> Adjustment:
    """调剂 request by finance. Within one project's economic codes the Center approves; across projects
    or any increase of 三公 the finance bureau's approval must be recorded; basic ↔ project is refused."""
    if not actor.has_role(Role.FINANCE):
        raise ForbiddenError(_("只有财务可以发起指标调剂。"))
    amount = clean_amount(amount)
    if not reason.strip() or not doc_no.strip():
        raise ApplicationError(_("请填写调剂文号和理由。"))
    if from_quota_id == to_quota_id:
        raise ApplicationError(_("调出和调入不能是同一指标。"))
    quotas = lock_quotas([from_quota_id, to_quota_id])
    src, dst = quotas[from_quota_id], quotas[to_quota_id]
    if src.year != dst.year:
        raise ApplicationError(_("不能跨年度调剂。"))
    if src.kind != dst.kind:
        raise ApplicationError(_("基本支出与项目支出不得互相调剂。"))
    if src.available < amount:
        raise ApplicationError(_("调出指标可用余额不足：可用 %(a)s 元。") % {"a": f"{src.available:,.2f}"})
    needs_bureau = (
        src.project_id != dst.project_id
        or dst.economic.code in REQUIRED_ECONOMIC_CODE.values()
        or dst.economic.code in HARD_BY_DEFAULT
    )
    if Adjustment.objects.filter(doc_no=doc_no.strip()).exists():
        raise ConflictError(_("调剂文号已存在。"), {"field": "doc_no"})
    adj = Adjustment.objects.create(
        doc_no=doc_no.strip(),
        year=src.year,
        from_quota=src,
        to_quota=dst,
        amount=amount,
        reason=reason.strip(),
        needs_bureau=needs_bureau,
        created_by=actor,
    )
    audit_log(
        "control.adjustment.created",
        actor=actor,
        target=adj,
        extra={"amount": str(amount), "needs_bureau": needs_bureau},
    )
    return adj


@service
def adjustment_approve(*, actor, adjustment_id: int, bureau_doc_no: str = "") -> Adjustment:
    """The director approves (never the finance person who asked); posts the paired out/in entries."""
    adj = lock_one(Adjustment.objects.filter(pk=adjustment_id))
    if adj is None:
        raise NotFoundError(_("调剂单不存在。"))
    if not actor.has_role(Role.DIRECTOR):
        raise ForbiddenError(_("调剂须由单位负责人审批。"))
    if actor.pk == adj.created_by_id:
        raise ForbiddenError(_("申请人不能审批自己的单据。"))
    if adj.state != DocState.PENDING:
        raise ConflictError(_("该调剂单已处理。"))
    if adj.needs_bureau and not bureau_doc_no.strip():
        raise ApplicationError(
            _("跨项目或增加三公等刚性经费的调剂，须录入财政局批复文号。"), {"field": "bureau_doc_no"}
        )
    quotas = lock_quotas([adj.from_quota_id, adj.to_quota_id])
    doc = Doc("adjustment", adj.pk, adj.doc_no)
    post(quotas[adj.from_quota_id], EntryKind.ADJUST_OUT, adj.amount, actor=actor, doc=doc, note=adj.reason)
    post(quotas[adj.to_quota_id], EntryKind.ADJUST_IN, adj.amount, actor=actor, doc=doc, note=adj.reason)
    adj.state, adj.approved_by, adj.approved_at, adj.bureau_doc_no = (
        DocState.APPROVED,
        actor,
        timezone.now(),
        bureau_doc_no.strip(),
    )
    adj.save(update_fields=["state", "approved_by", "approved_at", "bureau_doc_no"])
    audit_log(
        "control.adjustment.approved", actor=actor, target=adj, extra={"bureau_doc_no": adj.bureau_doc_no}
    )
    return adj


# ------------------------------------------------------------------------------------------ applications


def _people_days(app_type: str, details: dict) -> tuple[int, int]:
    def num(key):
        try:
            value = int(details.get(key) or 0)
        except (TypeError, ValueError) as exc:
            raise ApplicationError(_("“%(f)s”必须是整数。") % {"f": key}, {"field": key}) from exc
        if value < 0 or value > 100000:
            raise ApplicationError(_("“%(f)s”超出合理范围。") % {"f": key}, {"field": key})
        return value

    days = num("days")
    if app_type in (ApplicationType.MEETING, ApplicationType.TRAINING, ApplicationType.EVENT):
        return num("attendees"), days
    if app_type == ApplicationType.TRAVEL:
        return num("travellers"), days
    if app_type == ApplicationType.RECEPTION:
        return num("guests") + num("companions"), max(days, 1)
    return 0, days


def _check_standard(year: int, app_type: str, details: dict, amount: Decimal, justification: str) -> None:
    people, days = _people_days(app_type, details)
    city = str(details.get("city", "")).strip()
    candidates = {s.city: s for s in config_cache.standards(year, app_type) if s.city in (city, "")}
    std = candidates.get(city) or candidates.get("")  # the city's own standard first, else the general one
    if std is None:
        return
    if people <= 0 or days <= 0:
        raise ApplicationError(_("请填写人数和天数，以便按费用标准核算。"), {"field": "details"})
    limit = std.limit_per_person_day * people * days
    if amount <= limit:
        return
    message = _("超出费用标准“%(s)s”：上限 %(l)s 元（%(p)d 人 × %(d)d 天 × %(r)s 元），申请 %(a)s 元。") % {
        "s": std.name,
        "l": f"{limit:,.2f}",
        "p": people,
        "d": days,
        "r": f"{std.limit_per_person_day:,.2f}",
        "a": f"{amount:,.2f}",
    }
    if std.block_excess:
        raise ApplicationError(message, {"field": "amount", "limit": str(limit)})
    if not justification.strip():
        raise ApplicationError(
            message + _("请填写超标准说明。"), {"field": "justification", "limit": str(limit)}
        )


def _foreign(actor, q: Quota) -> bool:
    """Another department's project quota: usable only with that department head's review (归口审核)."""
    return q.kind == "project" and q.department_id != actor.department_id


def _split(actor, quotas: dict[int, Quota], amounts: dict[int, Decimal]) -> dict[int, Decimal]:
    """What a submission freezes at once: its lines on the actor's own quotas and on basic quotas. Lines on
    another department's project quota are frozen only when the chain, with that head's review, has approved
    (`_freeze_reviewed`): until then that department's money is not touched."""
    return {qid: amount for qid, amount in amounts.items() if not _foreign(actor, quotas[qid])}


def _check_lines(
    actor, year: int, app_type: str, quotas: dict[int, Quota], amounts: dict[int, Decimal] | None = None
) -> None:
    kinds = {q.kind for q in quotas.values()}
    if len(kinds) > 1:
        raise ApplicationError(_("基本支出与项目支出不得混用于同一单据。"), {"field": "quota"})
    for q in quotas.values():
        if q.year != year:
            raise ApplicationError(
                _("不能使用其他年度的指标（%(y)d 年）。") % {"y": q.year}, {"field": "quota"}
            )
        if app_type in PROJECT_ONLY_TYPES and q.kind != "project":
            raise ApplicationError(_("项目工作不能使用基本支出指标。"), {"field": "quota"})
        required = REQUIRED_ECONOMIC_CODE.get(app_type)
        if required and q.economic.code != required:
            raise ApplicationError(
                _("该事项只能使用经济分类 %(c)s 的指标。") % {"c": required}, {"field": "quota"}
            )
        if not required and q.economic.code in REQUIRED_ECONOMIC_CODE.values():
            raise ApplicationError(_("公务接待费指标只能用于公务接待。"), {"field": "quota"})
        # Another department's project quota may be used only with its head's review (归口审核, see _reviewers):
        # its money is frozen once the chain, that review included, has approved (see _split).
        if amounts and _foreign(actor, q) and q.available < amounts.get(q.pk, ZERO):
            raise ApplicationError(
                _("指标“%(q)s”可用余额不足：可用 %(avail)s 元，本次需要 %(need)s 元。")
                % {"q": q.name, "avail": f"{q.available:,.2f}", "need": f"{amounts[q.pk]:,.2f}"},
                {"field": "quota", "quota": q.pk},
            )


def _parse_lines(lines) -> dict[int, Decimal]:
    if not lines:
        raise ApplicationError(_("请至少选择一个指标。"), {"field": "quota"})
    merged: dict[int, Decimal] = {}
    for quota_id, amount in lines:
        try:
            qid = int(quota_id)
        except (TypeError, ValueError) as exc:
            raise NotFoundError(_("指标不存在。"), {"field": "quota"}) from exc
        merged[qid] = merged.get(qid, ZERO) + clean_amount(amount)
    return merged


def _freeze(
    quotas: dict[int, Quota],
    amounts: dict[int, Decimal],
    *,
    actor,
    doc: Doc,
    cfg: ControlSettings | None = None,
) -> None:
    for qid, amount in sorted(amounts.items()):
        q = quotas[qid]
        # The ledger refuses any overdraft, whatever the control level (see docs/control-model.md).
        post(
            q,
            EntryKind.FREEZE,
            amount,
            actor=actor,
            doc=doc,
            note=_("事前申请冻结") if doc.type == "application" else _("报销冻结"),
        )
    _check_warnings(quotas.values(), cfg)


def _attachment_of(actor, attachment_id, upload=None, purpose: str = "general") -> Attachment | None:
    """The actor's attachment `attachment_id`, or the file `upload` (name, bytes) stored now: inside the unit,
    so a refused action leaves no stored file behind (center.core.files)."""
    if upload:
        name, data = upload
        return attachment_create(actor=actor, name=name, data=data, purpose=purpose)
    if not attachment_id:
        return None
    att = Attachment.objects.filter(pk=attachment_id, owner=actor).first()
    if att is None:
        raise NotFoundError(_("附件不存在。"), {"field": "attachment"})
    return att


@service
def application_submit(
    *,
    actor,
    app_type: str,
    title: str,
    lines,
    year: int | None = None,
    details: dict | None = None,
    justification: str = "",
    letter_id: int | None = None,
    minutes_id: int | None = None,
    letter_file: tuple[str, bytes] | None = None,
    minutes_file: tuple[str, bytes] | None = None,
) -> Application:
    """Submit a prior application: checks standards and quotas, freezes the amounts, starts the approval chain.

    Side effects: ledger `freeze` entries, approval tasks, notifications to the first approvers, audit entry.
    """
    if not actor.is_staff_account or actor.department_id is None:
        raise ForbiddenError(_("只有本单位职工可以提交事前申请。"))
    if app_type not in ApplicationType.values:
        raise ApplicationError(_("未知的申请类型。"), {"field": "app_type"})
    if not title.strip():
        raise ApplicationError(_("请填写事由。"), {"field": "title"})
    year = year or timezone.localdate().year
    details = details or {}
    amounts = _parse_lines(lines)
    total = sum(amounts.values(), ZERO)
    _check_standard(year, app_type, details, total, justification)
    letter = _attachment_of(actor, letter_id, letter_file)
    if app_type == ApplicationType.RECEPTION and letter is None:
        raise ApplicationError(_("公务接待须上传来访单位公函。"), {"field": "letter"})
    # Checks of what never changes on a quota (year, kind, owner, codes) need no lock; the row locks are
    # taken last, just before the freeze, so a hot quota is held only for the balance update and the commit.
    quotas = _read_quotas(amounts)
    _check_lines(actor, year, app_type, quotas, amounts)
    now_frozen = _split(actor, quotas, amounts)
    cfg = settings_for(year)
    app = Application(
        number=f"TMP-{uuid4().hex[:24]}",
        year=year,
        title=title.strip()[:200],
        applicant=actor,
        department=actor.department,
        amount=total,
        app_type=app_type,
        details=details,
        justification=justification.strip(),
        letter=letter,
        minutes=_attachment_of(actor, minutes_id, minutes_file),
        submitted_at=timezone.now(),
        valid_until=timezone.localdate() + timedelta(days=cfg.application_valid_days),
    )
    app.save(force_insert=True)
    _finalize_number(app, "SQ")
    ApplicationLine.objects.bulk_create(
        [
            ApplicationLine(
                application=app, quota=quotas[qid], amount=amount, frozen=now_frozen.get(qid, ZERO)
            )
            for qid, amount in sorted(amounts.items())
        ]
    )
    approvals.chain_start(
        app,
        doc_type="application",
        owner_departments=_owners(quotas.values()),
        owner_review_departments=_reviewers(actor, quotas.values()),
        new_document=True,
    )
    if now_frozen:
        _freeze(
            lock_quotas(now_frozen, read=quotas),
            now_frozen,
            actor=actor,
            doc=Doc("application", app.pk, app.number),
            cfg=cfg,
        )
    audit_log(
        "control.application.submit",
        actor=actor,
        target=app,
        extra={"amount": str(total), "type": app_type},
    )
    return app


def _reviewers(actor, quotas) -> list[Department]:
    """Departments whose project quotas the actor uses without being theirs: they review the document."""
    seen = {}
    for q in quotas:
        if _foreign(actor, q):
            seen.setdefault(q.department_id, q.department)
    return list(seen.values())


def _read_quotas(ids) -> dict[int, Quota]:
    """The quotas of a submission with their economic code and department (what the checks and the approval
    chain need), in one read without a lock: what these checks look at never changes on a quota."""
    wanted = sorted(set(ids))
    quotas = {q.pk: q for q in Quota.objects.select_related("economic", "department").filter(pk__in=wanted)}
    if len(quotas) != len(wanted):
        raise NotFoundError(_("指标不存在。"), {"field": "quota"})
    return quotas


def _owners(quotas) -> list[Department]:
    seen = {}
    for q in quotas:
        seen.setdefault(q.department_id, q.department)
    return list(seen.values())


def _lock_application(application_id: int) -> Application:
    app = lock_one(Application.objects.filter(pk=application_id))
    if app is None:
        raise NotFoundError(_("事前申请不存在。"))
    return app


def _release_application(app: Application, *, actor, note: str) -> None:
    lines = list(app.lines.all())
    quotas = lock_quotas([ln.quota_id for ln in lines])
    for ln in lines:
        if ln.frozen > 0:
            post(
                quotas[ln.quota_id],
                EntryKind.RELEASE,
                ln.frozen,
                actor=actor,
                doc=Doc("application", app.pk, app.number),
                note=note,
            )
            ln.frozen = ZERO
            ln.save(update_fields=["frozen"])


OUTCOME_VERB = {DocState.APPROVED: "approve", DocState.REJECTED: "reject", DocState.RETURNED: "return"}


def _decide(doc, machine, task_id: int, *, actor, action, comment, target_user, to_step):
    """Apply an approval action to a locked document; when the chain reaches an outcome, move the document
    through the machine's verb for it (claims and advances that are returned go back whole: rejected)."""
    new_state = approvals.act(
        doc,
        task_id,
        actor=actor,
        action=action,
        comment=comment,
        target_user=target_user,
        to_step=to_step,
        collective_threshold=settings_for(doc.year).collective_threshold,
    )
    if new_state is None:
        return None
    doc.decided_at = timezone.now()
    machine.apply(doc, OUTCOME_VERB[new_state], actor=actor, fields=["decided_at"])
    return doc.state


def _freeze_reviewed(app: Application, *, actor) -> None:
    """The chain approved, the owning heads' review included: freeze the lines on other departments' project
    quotas (a quota that no longer has enough refuses the approval with the ledger's message)."""
    deferred = {ln.quota_id: ln for ln in app.lines.all() if ln.frozen < ln.amount}
    if not deferred:
        return
    amounts = {qid: ln.amount - ln.frozen for qid, ln in deferred.items()}
    _freeze(lock_quotas(deferred), amounts, actor=actor, doc=Doc("application", app.pk, app.number))
    for ln in deferred.values():
        ln.frozen = ln.amount
        ln.save(update_fields=["frozen"])


def _notify_cashiers(doc) -> None:
    from center.accounts.models import User

    cashiers = list(User.objects.filter(is_active=True, roles__role=Role.CASHIER))
    notify(cashiers, title=_("待支付：%(no)s") % {"no": doc.number}, link=approvals.doc_link(doc))


@service
def application_act(
    *,
    actor,
    application_id: int,
    task_id: int,
    action: str,
    comment: str = "",
    target_user=None,
    to_step=None,
) -> Application:
    """An approver acts on an application. Rejection or return releases the freeze; final approval makes it usable."""
    app = _lock_application(application_id)
    new_state = _decide(
        app,
        APPLICATION,
        task_id,
        actor=actor,
        action=action,
        comment=comment,
        target_user=target_user,
        to_step=to_step,
    )
    if new_state == DocState.REJECTED:
        _release_application(app, actor=actor, note=_("驳回释放"))
    elif new_state == DocState.RETURNED:
        _release_application(app, actor=actor, note=_("退回释放"))
    elif new_state == DocState.APPROVED:
        _freeze_reviewed(app, actor=actor)
        notify(
            [app.applicant],
            title=_("事前申请已批准：%(no)s") % {"no": app.number},
            link=approvals.doc_link(app),
        )
    return app


@service
def application_withdraw(*, actor, application_id: int) -> Application:
    app = _withdraw(
        _lock_application(application_id), APPLICATION, actor=actor, missing=_("事前申请不存在。")
    )
    _release_application(app, actor=actor, note=_("撤回释放"))
    return app


def _withdraw(doc, machine, *, actor, missing: str):
    """The applicant takes a locked document back before anyone approved it; callers release its money."""
    _require_applicant(actor, doc, missing)
    if doc.state == DocState.PENDING and not rules.may_withdraw(actor, doc):
        raise ConflictError(str(rules.may_withdraw.message))
    machine.apply(doc, "withdraw", actor=actor)
    approvals.cancel_round(doc)
    return doc


# Kept under their old names for the other areas (events) until they go through control.funding.
can_cancel_application = rules.may_cancel


def _require_applicant(actor, doc, missing: str) -> None:
    """`rules.is_applicant`, refused as "missing" with the document kind's own message."""
    if not rules.is_applicant(actor, doc):
        raise NotFoundError(missing)


@service
def application_cancel(*, actor, application_id: int, reason: str) -> Application:
    """The matter will not happen (an event cancelled, a trip called off): close the application and release
    everything it froze. Open approval tasks are cancelled. Refused once money has been claimed or advanced."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("请填写作废原因。"), {"field": "reason"})
    app = _lock_application(application_id)
    require(rules.is_cancel_party, actor, app)
    if app.state not in CANCELLABLE:
        raise ConflictError(
            _("单据当前状态为“%(s)s”，不能作废。") % {"s": app.get_state_display()}, {"state": app.state}
        )
    if rules.money_against(app):
        raise ConflictError(_("该申请已有报销或借款，不能作废；请先撤回或驳回相关单据。"))
    if app.state == DocState.APPROVED:
        app.closed_at = timezone.now()
        APPLICATION.apply(app, "cancel", actor=actor, fields=["closed_at"], extra={"reason": reason[:200]})
    else:
        approvals.cancel_round(app)
        APPLICATION.apply(app, "cancel_pending", actor=actor, extra={"reason": reason[:200]})
    _release_application(app, actor=actor, note=_("作废释放"))
    return app


@service
def application_resubmit(
    *,
    actor,
    application_id: int,
    minutes_id: int | None = None,
    minutes_file: tuple[str, bytes] | None = None,
) -> Application:
    """After a return to the applicant: freeze again and start a new approval round."""
    app = _lock_application(application_id)
    _require_applicant(actor, app, _("事前申请不存在。"))
    if minutes_id or minutes_file:
        app.minutes = _attachment_of(actor, minutes_id, minutes_file)
    app.submitted_at = timezone.now()
    APPLICATION.apply(app, "resubmit", actor=actor, fields=["minutes", "submitted_at"])
    lines = list(app.lines.all())
    quotas = lock_quotas([ln.quota_id for ln in lines])
    amounts = {}
    for ln in lines:
        if _foreign(actor, quotas[ln.quota_id]):
            continue  # frozen again only when the chain, with its owner's review, has approved
        amounts[ln.quota_id] = amounts.get(ln.quota_id, ZERO) + ln.amount
        ln.frozen = ln.amount
        ln.save(update_fields=["frozen"])
    if amounts:
        _freeze(quotas, amounts, actor=actor, doc=Doc("application", app.pk, app.number))
    approvals.chain_start(
        app,
        doc_type="application",
        owner_departments=_owners(quotas.values()),
        owner_review_departments=_reviewers(actor, quotas.values()),
    )
    return app


@service
def application_attach_minutes(
    *,
    actor,
    application_id: int,
    minutes_id: int | None = None,
    minutes_file: tuple[str, bytes] | None = None,
) -> Application:
    app = _lock_application(application_id)
    _require_applicant(actor, app, _("事前申请不存在。"))
    if not rules.may_attach_minutes(actor, app):
        raise ConflictError(str(rules.may_attach_minutes.message))
    app.minutes = _attachment_of(actor, minutes_id, minutes_file)
    if app.minutes is None:
        raise ApplicationError(_("请上传会议纪要。"), {"field": "minutes"})
    app.save(update_fields=["minutes"])
    audit_log("control.application.minutes_attached", actor=actor, target=app)
    return app


def applications_expire(*, today=None) -> int:
    """Approved applications past their validity with nothing reimbursed: expire and release (a daily job).
    Each application is its own unit of work (document → quotas), so one never waits on another's quotas."""
    today = today or timezone.localdate()
    due = Application.objects.filter(state=DocState.APPROVED, valid_until__lt=today).values_list(
        "pk", flat=True
    )
    count = 0
    for pk in list(due):
        try:
            count += application_expire(application_id=pk, today=today)
        except ConflictError:
            continue  # claimed, cancelled or closed meanwhile
    return count


@service
def application_expire(*, application_id: int, today=None) -> bool:
    """Expire one approved application past its validity with nothing claimed; returns whether it did (a
    `ConflictError` when it is no longer approved)."""
    today = today or timezone.localdate()
    app = _lock_application(application_id)
    if app.state == DocState.APPROVED and (
        app.valid_until is None
        or app.valid_until >= today
        or app.reimbursements.exclude(state__in=[DocState.REJECTED, DocState.WITHDRAWN]).exists()
    ):
        return False
    APPLICATION.apply(app, "expire")
    _release_application(app, actor=None, note=_("过期释放"))
    return True


# ---------------------------------------------------------------------------------------- reimbursements


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
        extra_final_step=_("超申请金额审批") if over > 0 else None,
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
    notify(
        [r.applicant],
        title=_("报销已支付：%(no)s") % {"no": r.number},
        body=f"{r.amount:,.2f}",
        link=approvals.doc_link(r),
    )
    return payment


# ---------------------------------------------------------------------------------------------- advances


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
    return payment
