"""The approvals inbox: bulk approval (批量审批) of simple documents and the chase-up (催办) of an overdue step.

Bulk approval approves each document through its own approval service, each as its own unit of work (with
its own exactly-once key derived from the form's): one refusal undoes nothing of the others, and the page
reports which succeeded and which failed, and why. A document is "simple" (`bulk_refusal` answers None) when
its amount is below the year's collective-decision threshold (三重一大), it carries no over-standard
justification, and the step is not the last approval of a claim or an advance (the one that releases money to
the cashier): those are read and approved one by one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.idempotency import fingerprint, run_once
from center.core.locks import lock_many, lock_one
from center.core.notifications import notify, task_key_of
from center.core.rules import require
from center.core.services import service

from .. import approvals, rules
from ..enums import TaskState
from ..models import Advance, Application, ApprovalTask, Reimbursement
from ..templatetags.money import step_label
from ._base import settings_for
from .advances import advance_act
from .applications import application_act
from .reimbursements import reimbursement_act

_ACT = {
    "application": (application_act, "application_id"),
    "reimbursement": (reimbursement_act, "reimbursement_id"),
    "advance": (advance_act, "advance_id"),
}
_MODELS = {"application": Application, "reimbursement": Reimbursement, "advance": Advance}


def bulk_refusal(doc, task, cfg=None) -> str | None:
    """Why this document must be approved on its own page (None: it is simple enough for bulk approval).
    `cfg`: the year's settings when the caller has them (a list of many documents reads them once a year)."""
    threshold = (cfg or settings_for(doc.year)).collective_threshold
    if doc.amount >= threshold:
        return _("金额达到“三重一大”集体决策标准（%(t)s 元），须逐件审批") % {"t": f"{threshold:,.2f}"}
    if getattr(doc, "justification", ""):
        return _("有超标准说明，须逐件审批")
    if task.final and doc._meta.model_name in ("reimbursement", "advance"):
        return _("支付前的最后一步审批，须逐件审批")
    return None


@dataclass(frozen=True)
class BulkResult:
    number: str
    ok: bool
    message: str = ""


def approvals_bulk_approve(*, actor, task_ids, comment: str, once_key: str = "") -> list[BulkResult]:
    """Approve several documents with one opinion, each through its approval service as its own unit of work.
    Returns one result per task asked for, in the order given. A repeated form (the same `once_key`) changes
    nothing more: each document's approval is remembered under the key and the document."""
    comment = (comment or "").strip()[:300] or _("同意")
    results: list[BulkResult] = []
    seen: set[int] = set()
    for task_id in task_ids:
        if task_id in seen:
            continue
        seen.add(task_id)
        task = ApprovalTask.objects.select_related("content_type").filter(pk=task_id).first()
        doc = None
        if task is not None and task.content_type.app_label == "control":
            model = _MODELS.get(task.content_type.model)
            doc = model.objects.filter(pk=task.object_id).first() if model else None
        if doc is None or not rules.may_act(actor, doc) or approvals.task_for_actor(doc, actor).pk != task.pk:
            results.append(
                BulkResult(
                    doc.number if doc else f"#{task_id}", False, _("该单据不在您的待审批范围内（或已处理）。")
                )
            )
            continue
        reason = bulk_refusal(doc, task)
        if reason:
            results.append(BulkResult(doc.number, False, reason))
            continue
        act, key_name = _ACT[doc._meta.model_name]

        def approve(act=act, key_name=key_name, doc=doc, task=task):
            act(actor=actor, task_id=task.pk, action="approve", comment=comment, **{key_name: doc.pk})
            return 200, {"number": doc.number}

        try:
            run_once(
                user=actor,
                key=f"{once_key}:{task.pk}" if once_key else None,
                fingerprint=fingerprint("bulk-approve", task.pk, comment),
                fn=approve,
            )
        except ApplicationError as exc:
            results.append(BulkResult(doc.number, False, exc.message))
        else:
            results.append(BulkResult(doc.number, True))
    return results


# ------------------------------------------------------------------------------------------------ 催办


def working_hours_between(start: datetime, end: datetime) -> float:
    """Hours from `start` to `end` not counting Saturdays and Sundays (local time)."""
    if end <= start:
        return 0.0
    start, end = timezone.localtime(start), timezone.localtime(end)
    total = 0.0
    cursor = start
    while cursor < end:
        next_day = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        stop = min(next_day, end)
        if cursor.weekday() < 5:
            total += (stop - cursor).total_seconds() / 3600
        cursor = stop
    return total


def chase_state(doc, tasks, now=None) -> tuple[bool, str]:
    """Whether the current step (its pending `tasks`) may be chased now, and if not, why (in words)."""
    now = now or timezone.now()
    hours = settings_for(doc.year).reminder_hours
    if not tasks:
        return False, _("当前没有待处理的审批环节。")
    activated = min((t.activated_at for t in tasks if t.activated_at), default=now)
    waited = working_hours_between(activated, now)
    if waited < hours:
        return False, _(
            "当前环节已等待 %(w)d 个工作小时，超过 %(h)d 个工作小时（不含周六、周日）后才能催办。"
        ) % {"w": int(waited), "h": hours}
    last = max((t.reminded_at for t in tasks if t.reminded_at), default=None)
    if last is not None and now - last < timedelta(hours=hours):
        return False, _("该环节已于 %(t)s 催办或提醒过，%(h)d 小时内不再重复催办，请稍后再试。") % {
            "t": timezone.localtime(last).strftime("%Y-%m-%d %H:%M"),
            "h": hours,
        }
    return True, ""


def _pending_of(doc):
    return (
        ApprovalTask.objects.filter(
            content_type=ContentType.objects.get_for_model(type(doc)),
            object_id=doc.pk,
            round=approvals.current_round(doc),
            state=TaskState.PENDING,
        )
        .select_related("assignee")
        .order_by("id")
    )


def pending_step(doc) -> list[ApprovalTask]:
    """The pending tasks of the document's current step (read only, for the page)."""
    return list(_pending_of(doc))


@service
def document_chase(*, actor, kind: str, document_id: int) -> list:
    """催办: the applicant (or the applicant's department head) reminds the holders of an overdue step.
    Notifies them (in-app and e-mail), records it on the tasks (`reminded_at`) and in the audit trail.
    Refused politely when the step has not waited long enough or was chased within the configured hours."""
    model = _MODELS.get(kind)
    doc = lock_one(model.objects.filter(pk=document_id)) if model else None
    if doc is None:
        raise NotFoundError(_("单据不存在。"))
    require(rules.may_chase, actor, doc)
    tasks = lock_many(_pending_of(doc))
    ok, why = chase_state(doc, tasks)
    if not ok:
        raise ConflictError(why)
    now = timezone.now()
    for t in tasks:
        t.reminded_at = now
        t.save(update_fields=["reminded_at"])
    holders = [t.assignee for t in tasks]
    notify(
        holders,
        title=lambda: _("催办：%(no)s %(title)s 等待您审批") % {"no": doc.number, "title": doc.title},
        body=lambda: (
            _("%(who)s 催办了“%(step)s”环节。")
            % {"who": actor.full_name, "step": step_label(tasks[0].step_name)}
        ),
        link=approvals.doc_link(doc),
        task_key=task_key_of(doc),
    )
    audit_log(
        "control.approval.chased",
        actor=actor,
        target=doc,
        extra={"step": tasks[0].step_name, "to": [u.username for u in holders]},
    )
    return holders


# ------------------------------------------------------------------------------------ stale notifications

_TASK_TITLES = (
    "待审批：%(no)s %(title)s",
    "单据被退回修改：%(no)s",
    "催办：%(no)s %(title)s 等待您审批",
    "待支付：%(no)s",
)
_PAYMENT_TITLE = "待支付：%(no)s"
_DETAILS = {
    "control:application_detail": Application,
    "control:reimbursement_detail": Reimbursement,
    "control:advance_detail": Advance,
}


def _prefixes(msgid: str) -> list[str]:
    """The fixed start of a notification title in every language it may have been written in."""
    from django.conf import settings
    from django.utils import translation

    out = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out.append(_(msgid).split("%")[0])
    return [p for p in out if p]


@service
def notifications_link_tasks() -> int:
    """Once after an upgrade: task notifications written before they carried their task (待审批, 退回修改, 催办,
    待支付) get the document's key, and those whose task is already done are resolved. Returns how many were
    resolved."""
    from django.urls import Resolver404, resolve

    from center.core.models import Notification
    from center.core.notifications import notifications_resolve

    kinds = {msgid: _prefixes(msgid) for msgid in _TASK_TITLES}
    groups: dict[tuple, list] = {}
    for n in Notification.objects.filter(task_key="", resolved_at__isnull=True).exclude(link=""):
        kind = next((m for m, starts in kinds.items() if n.title.startswith(tuple(starts))), None)
        if kind is None:
            continue
        try:
            match = resolve(n.link)
        except Resolver404:
            continue
        model = _DETAILS.get(match.view_name)
        if model is not None:
            groups.setdefault((model, int(match.kwargs["pk"])), []).append((n, kind))
    resolved = 0
    for (model, pk), rows in groups.items():
        doc = model.objects.filter(pk=pk).first()
        if doc is None:
            continue
        key = task_key_of(doc)
        Notification.objects.filter(pk__in=[n.pk for n, _k in rows]).update(task_key=key)
        keep = set(_pending_of(doc).values_list("assignee_id", flat=True))
        if doc.state == "returned":
            keep.add(doc.applicant_id)
        if doc.state == "approved":  # still to be paid: the cashiers keep theirs
            keep |= {n.recipient_id for n, kind in rows if kind == _PAYMENT_TITLE}
        resolved += notifications_resolve(key, keep=keep)
    return resolved
