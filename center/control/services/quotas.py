"""Quotas: issue from the approved budget, control level, warnings and adjustments (调剂)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.accounts.models import Department
from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.locks import lock_one
from center.core.notifications import notify
from center.core.services import service

from ..enums import (
    HARD_BY_DEFAULT,
    REQUIRED_ECONOMIC_CODE,
    ControlLevel,
    DocState,
    EntryKind,
)
from ..ledger import Doc, clean_amount, lock_quotas, post
from ..models import (
    Adjustment,
    ControlSettings,
    Quota,
)
from ._base import settings_for


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
            title=lambda q=q, used=used: (
                _("指标预警：%(q)s 已使用 %(p)d%%") % {"q": q.display_name(), "p": int(used)}
            ),
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
