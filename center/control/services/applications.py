"""Prior applications (事前申请): submit, approval outcome, withdraw, cancel, resubmit, minutes, expiry."""

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.accounts.models import Department
from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.files import attachment_create
from center.core.locks import lock_one
from center.core.models import Attachment
from center.core.notifications import notify, task_key_of
from center.core.rules import require
from center.core.services import service

from .. import approvals, config_cache, revisions, rules
from ..enums import (
    APPLICATION,
    PROJECT_ONLY_TYPES,
    REQUIRED_ECONOMIC_CODE,
    ApplicationType,
    DocState,
    EntryKind,
)
from ..ledger import Doc, clean_amount, lock_quotas, post
from ..models import (
    Application,
    ApplicationLine,
    ControlSettings,
    Quota,
)
from ..rules import CANCELLABLE
from ._base import ZERO, _finalize_number, _release_lines, settings_for
from .quotas import _check_warnings


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
    if not days:
        start, end = _matter_dates(details)
        days = (end - start).days + 1 if start and end else 0
    if app_type in (ApplicationType.MEETING, ApplicationType.TRAINING, ApplicationType.EVENT):
        return num("attendees"), days
    if app_type == ApplicationType.TRAVEL:
        return num("travellers"), days
    if app_type == ApplicationType.RECEPTION:
        return num("guests") + num("companions"), max(days, 1)
    return 0, days


def _matter_dates(details: dict) -> tuple[date | None, date | None]:
    """The matter's first and last day from its details ("start_date", "end_date": ISO dates), if given."""

    def parse(key):
        value = details.get(key)
        if value in (None, ""):
            return None
        try:
            return value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError as exc:
            raise ApplicationError(_("日期格式应为 年-月-日，如 2026-05-01。"), {"field": key}) from exc

    start, end = parse("start_date"), parse("end_date")
    if start and end and end < start:
        raise ApplicationError(_("结束日期不能早于开始日期。"), {"field": "end_date"})
    return start or end, end or start


def _check_dates(year: int, details: dict) -> None:
    """A matter's dates lie in the budget year of the quotas it is charged to (a 2027 meeting is not paid
    from 2022 quotas). Checked at submission, resubmission, each approval and the claim."""
    for key, day in zip(("start_date", "end_date"), _matter_dates(details), strict=True):
        if day is not None and day.year != year:
            raise ApplicationError(
                _(
                    "事项日期 %(d)s 不在所用指标的预算年度（%(y)d 年）内：%(y)d 年的指标只能用于当年发生的事项。"
                )
                % {"d": day.isoformat(), "y": year},
                {"field": key},
            )


def _check_type_codes(year: int, app_type: str, quotas) -> None:
    """The application type may be charged only to the economic 款 configured for it (the year settings'
    `type_codes`, edited by finance): a meeting is paid from 会议费, never from 30101 基本工资."""
    from center.budget.models import EconomicCode

    prefixes = [p for p in (config_cache.settings_for(year).type_codes or {}).get(app_type) or [] if p]
    if not prefixes:
        return
    for q in quotas:
        code = q.economic.code
        if any(code.startswith(p) for p in prefixes):
            continue
        names = dict(
            EconomicCode.objects.filter(
                fiscal_year_id=q.economic.fiscal_year_id, code__in=prefixes
            ).values_list("code", "name")
        )
        allowed = "、".join(f"{names[p]}（{p}）" if p in names else p for p in prefixes)
        raise ApplicationError(
            _("%(t)s类申请只能使用%(allowed)s额度，所选额度为 %(code)s %(name)s。")
            % {
                "t": ApplicationType(app_type).label,
                "allowed": allowed,
                "code": code,
                "name": q.economic.name,
            },
            {"field": "quota", "quota": q.pk},
        )


def compatible_quotas(year: int, app_type: str, quotas) -> list:
    """The quotas of `quotas` an application of `app_type` may be charged to (what the form offers)."""
    prefixes = [p for p in (config_cache.settings_for(year).type_codes or {}).get(app_type) or [] if p]
    required = REQUIRED_ECONOMIC_CODE.get(app_type)
    out = []
    for q in quotas:
        code = q.economic.code
        if prefixes and not any(code.startswith(p) for p in prefixes):
            continue
        if (required and code != required) or (not required and code in REQUIRED_ECONOMIC_CODE.values()):
            continue
        if app_type in PROJECT_ONLY_TYPES and q.kind != "project":
            continue
        out.append(q)
    return out


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
    _check_type_codes(year, app_type, quotas.values())
    for q in quotas.values():
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
    _check_dates(year, details)
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
    _release_lines(app.lines.all(), Doc("application", app.pk, app.number), actor=actor, note=note)


OUTCOME_VERB = {DocState.APPROVED: "approve", DocState.REJECTED: "reject", DocState.RETURNED: "return"}


def _decide(doc, machine, task_id: int, *, actor, action, comment, target_user, to_step):
    """Apply an approval action to a locked document; when the chain reaches an outcome, move the document
    through the machine's verb for it (a returned application or claim goes to its applicant for correction;
    an advance that is returned goes back whole: rejected)."""
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
    notify(
        cashiers,
        title=lambda: _("待支付：%(no)s") % {"no": doc.number},
        link=approvals.doc_link(doc),
        task_key=task_key_of(doc),
    )


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
    if action == "approve" and app.state == DocState.PENDING:
        _check_dates(app.year, app.details)  # also for documents submitted before the rule held
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
            title=lambda: _("事前申请已批准：%(no)s") % {"no": app.number},
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


_KEEP = object()  # a resubmission argument not given: the document keeps what it has


@service
def application_resubmit(
    *,
    actor,
    application_id: int,
    title: str | None = None,
    lines=None,
    details: dict | None = None,
    justification: str | None = None,
    letter_id: int | None = None,
    letter_file: tuple[str, bytes] | None = None,
    remove_letter: bool = False,
    minutes_id: int | None = None,
    minutes_file: tuple[str, bytes] | None = None,
    remove_minutes: bool = False,
) -> Application:
    """After a return to the applicant: apply the applicant's corrections (matter, amounts and quotas, details,
    attachments; whatever is not given stays), check the document as a new submission would, freeze its new
    amounts and start a new approval round. What changed is kept as a `Revision` and in the audit entry.

    Money: a return released the whole freeze, so the new lines are frozen from nothing (lines on another
    department's project quota again only when the chain approves). A higher amount that no longer fits a
    quota is refused by the ledger with its message, and nothing changes."""
    app = _lock_application(application_id)
    _require_applicant(actor, app, _("事前申请不存在。"))
    APPLICATION.check(app, "resubmit")
    old_lines = list(app.lines.select_related("quota"))
    before = revisions.application_view(app, old_lines)
    if title is not None:
        if not title.strip():
            raise ApplicationError(_("请填写事由。"), {"field": "title"})
        app.title = title.strip()[:200]
    if details is not None:
        app.details = details
    if justification is not None:
        app.justification = justification.strip()
    if remove_letter:
        app.letter = None
    if letter_id or letter_file:
        app.letter = _attachment_of(actor, letter_id, letter_file)
    if remove_minutes:
        app.minutes = None
    if minutes_id or minutes_file:
        app.minutes = _attachment_of(actor, minutes_id, minutes_file)
    if lines is not None:
        amounts = _parse_lines(lines)
    else:
        amounts = {}
        for ln in old_lines:
            amounts[ln.quota_id] = amounts.get(ln.quota_id, ZERO) + ln.amount
    total = sum(amounts.values(), ZERO)
    _check_dates(app.year, app.details)
    _check_standard(app.year, app.app_type, app.details, total, app.justification)
    if app.app_type == ApplicationType.RECEPTION and app.letter_id is None:
        raise ApplicationError(_("公务接待须上传来访单位公函。"), {"field": "letter"})
    quotas = _read_quotas(amounts)
    _check_lines(actor, app.year, app.app_type, quotas, amounts)
    now_frozen = _split(actor, quotas, amounts)
    app.amount = total
    app.submitted_at = timezone.now()
    app.save(
        update_fields=["title", "details", "justification", "letter", "minutes", "amount", "submitted_at"]
    )
    # A returned application holds no freeze (the return released it); should an older one still hold some,
    # it is released here, in the same single locking of the quotas.
    held = {}
    for ln in old_lines:
        if ln.frozen > 0:
            held[ln.quota_id] = held.get(ln.quota_id, ZERO) + ln.frozen
    app.lines.all().delete()
    ApplicationLine.objects.bulk_create(
        [
            ApplicationLine(
                application=app, quota=quotas[qid], amount=amount, frozen=now_frozen.get(qid, ZERO)
            )
            for qid, amount in sorted(amounts.items())
        ]
    )
    after = revisions.application_view(app, list(app.lines.select_related("quota")))
    changes = revisions.changes(before, after)
    APPLICATION.apply(app, "resubmit", actor=actor, extra={"revision": changes} if changes else None)
    if held or now_frozen:
        locked = lock_quotas(set(held) | set(now_frozen))
        doc = Doc("application", app.pk, app.number)
        for qid, amount in sorted(held.items()):
            post(locked[qid], EntryKind.RELEASE, amount, actor=actor, doc=doc, note=_("修改释放"))
        if now_frozen:
            _freeze(locked, now_frozen, actor=actor, doc=doc)
    approvals.chain_start(
        app,
        doc_type="application",
        owner_departments=_owners(quotas.values()),
        owner_review_departments=_reviewers(actor, quotas.values()),
    )
    revisions.record(app, actor=actor, changes=changes)
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
