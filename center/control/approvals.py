"""Approval chains configured as data (ApprovalFlow / ApprovalStepDef), resolved to people at run time.

Rules that always hold, whatever the configuration:
- the applicant never approves their own document;
- no person acts twice in one chain (neither as assignee nor as someone's delegate);
- a delegate acts only within an active delegation and is recorded as acting for the delegator;
- above the collective-decision threshold (三重一大) the final approval needs the meeting minutes.
Every action locks the document row first, then its task (center.core.locks), so concurrent actions on one
document have one outcome.
Starting a chain reads the flows and their steps from the per-process configuration cache
(center/control/config_cache.py) and the approvers in one query: every submitted document passes here.
"""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from center.accounts.enums import AccountKind, Role
from center.accounts.models import User
from center.accounts.services import acting_principals
from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.locks import lock_one, locked_update
from center.core.notifications import notifications_resolve, notify, task_key_of

from . import config_cache
from .enums import ApproverRule, DocState, StepKind, TaskState
from .models import ApprovalFlow, ApprovalTask


class _Directory:
    """Who holds which approving role, loaded in one query per chain (not one query per step)."""

    ROLES = (Role.DEPT_HEAD, Role.DEPUTY, Role.DIRECTOR, Role.FINANCE)
    # What a chain needs of an approver (tasks, notifications, e-mail); not the password or personal data.
    USER_FIELDS = ("username", "full_name", "email", "department_id", "is_active", "kind")

    def __init__(self):
        self.by_role: dict[str, list[User]] = {r: [] for r in self.ROLES}
        holders = (
            User.objects.filter(roles__role__in=self.ROLES, is_active=True, kind=AccountKind.STAFF)
            .annotate(approver_role=F("roles__role"))
            .only(*self.USER_FIELDS)
            .order_by("id")
        )
        for user in holders:
            self.by_role[user.approver_role].append(user)

    def holders(self, role: str) -> list[User]:
        return list(self.by_role[role])

    def dept_heads(self, department) -> list[User]:
        return [
            u
            for u in self.by_role[Role.DEPT_HEAD]
            if department is not None and u.department_id == department.pk
        ]

    def deputy(self, department) -> list[User]:
        return [
            u for u in self.by_role[Role.DEPUTY] if department is not None and u.pk == department.deputy_id
        ]


def _resolve(rule: str, step, doc, owner_departments, people: _Directory) -> list[list[User]]:
    """Candidates for a rule, as an escalation ladder: the first non-empty rung (after exclusions) is used."""
    dept = doc.department
    if rule == ApproverRule.DEPT_HEAD:
        return [people.dept_heads(dept), people.deputy(dept), people.holders(Role.DIRECTOR)]
    if rule == ApproverRule.DEPUTY:
        return [people.deputy(dept), people.holders(Role.DIRECTOR)]
    if rule == ApproverRule.DIRECTOR:
        return [people.holders(Role.DIRECTOR)]
    if rule == ApproverRule.FINANCE:
        return [people.holders(Role.FINANCE)]
    if rule == ApproverRule.OWNER_DEPT_HEAD:
        heads = [u for d in owner_departments for u in people.dept_heads(d)]
        deputies = [u for d in owner_departments for u in people.deputy(d)]
        return [heads, deputies, people.holders(Role.DIRECTOR)]
    if rule == ApproverRule.USERS:  # the named people (cached with the flow), if they are still active
        return [list(User.objects.filter(pk__in=step.user_ids, is_active=True).order_by("id"))]
    raise ApplicationError(_("未知的审批人规则：%(r)s") % {"r": rule})


def flow_for(doc_type: str, doc, owner_departments) -> ApprovalFlow:
    app_type = getattr(doc, "app_type", "")
    owner_ids = {d.pk for d in owner_departments}
    # The active flows of a document type are few (configuration, cached per process by its version number):
    # the conditions are applied here.
    for flow in config_cache.flows(doc_type):
        if flow.min_amount > doc.amount or (flow.max_amount is not None and flow.max_amount <= doc.amount):
            continue
        if flow.department_id and flow.department_id != doc.department_id:
            continue
        if flow.app_types and app_type not in flow.app_types:
            continue
        if flow.owner_department_id and flow.owner_department_id not in owner_ids:
            continue
        return flow
    raise ApplicationError(
        _("没有适用于该单据的审批流程，请联系财务配置。"), {"doc_type": doc_type, "amount": str(doc.amount)}
    )


def _doc_ct(doc):
    return ContentType.objects.get_for_model(type(doc))


def chain_tasks(doc, round_no: int | None = None):
    qs = ApprovalTask.objects.filter(content_type=_doc_ct(doc), object_id=doc.pk)
    if round_no is not None:
        qs = qs.filter(round=round_no)
    return qs.select_related("assignee", "acted_by").order_by("round", "step_order", "id")


def current_round(doc) -> int:
    last = ApprovalTask.objects.filter(content_type=_doc_ct(doc), object_id=doc.pk).order_by("-round").first()
    return last.round if last else 0


def chain_start(
    doc,
    *,
    doc_type: str,
    owner_departments,
    extra_final_step: str | None = None,
    owner_review_departments=(),
    new_document: bool = False,
) -> list[ApprovalTask]:
    """Create the tasks of a new round for `doc` (already locked and saved). The first step becomes pending.

    `owner_review_departments`: departments whose project quotas the document uses without being theirs;
    their heads review it (归口审核) right after the first step. `extra_final_step`: a director's step at the end.
    """
    flow = flow_for(doc_type, doc, owner_departments)
    steps = flow.step_list
    if not steps:
        raise ApplicationError(_("审批流程“%(f)s”没有审批环节。") % {"f": flow.name})
    round_no = 1 if new_document else current_round(doc) + 1
    used: set[int] = {doc.applicant_id}
    directory = _Directory()
    plan: list[tuple[str, str, list[User]]] = []
    for i, step in enumerate(steps):
        ladder = _resolve(step.rule, step, doc, owner_departments, directory)
        plan.append((step.name, step.kind, _pick(ladder, used, step.name)))
        if i == 0 and owner_review_departments:
            name = gettext_noop("项目指标归口部门审核")  # stored in Chinese, shown by step_label
            ladder = _resolve(
                ApproverRule.OWNER_DEPT_HEAD, None, doc, list(owner_review_departments), directory
            )
            plan.append((name, StepKind.ALL, _pick(ladder, used, name)))
    if extra_final_step:
        plan.append(
            (
                extra_final_step,
                StepKind.SINGLE,
                _pick([directory.holders(Role.DIRECTOR)], used, extra_final_step),
            )
        )
    plan = [(order, name, kind, people) for order, (name, kind, people) in enumerate(plan, start=1)]
    ct = _doc_ct(doc)
    now = timezone.now()
    tasks = []
    last_order = plan[-1][0]
    for i, (order, name, kind, people) in enumerate(plan):
        for person in people:
            tasks.append(
                ApprovalTask(
                    content_type=ct,
                    object_id=doc.pk,
                    round=round_no,
                    step_order=order,
                    step_name=name,
                    kind=kind,
                    final=order == last_order,
                    assignee=person,
                    state=TaskState.PENDING if i == 0 else TaskState.WAITING,
                    activated_at=now if i == 0 else None,
                )
            )
    ApprovalTask.objects.bulk_create(tasks)
    if not new_document:  # a resubmission: the applicant's "returned" notification is done
        notifications_resolve(
            task_key_of(doc), keep={t.assignee_id for t in tasks if t.state == TaskState.PENDING}
        )
    _notify_pending(doc, [t for t in tasks if t.state == TaskState.PENDING])
    return tasks


def _pick(ladder: list[list[User]], used: set[int], step_name: str) -> list[User]:
    for rung in ladder:
        eligible = [u for u in rung if u.pk not in used]
        if eligible:
            used.update(u.pk for u in eligible)
            return eligible
    raise ApplicationError(
        _("审批环节“%(s)s”找不到可用的审批人（申请人本人或已在本流程中审批的人员不能再审批）。")
        % {"s": step_name}
    )


def _notify_pending(doc, tasks) -> None:
    if tasks:
        notify(
            [t.assignee for t in tasks],
            title=lambda: _("待审批：%(no)s %(title)s") % {"no": doc.number, "title": doc.title},
            body=lambda: (
                _("金额 %(amount)s 元，申请人 %(who)s。")
                % {"amount": f"{doc.amount:,.2f}", "who": doc.applicant.full_name}
            ),
            link=doc_link(doc),
            task_key=task_key_of(doc),
        )


def resolve_notifications(doc, *, applicant_holds: bool = False) -> None:
    """The document's task notifications resolve for everyone who no longer holds a part of it: approvers
    without a pending task, and the applicant once a returned document was corrected or withdrawn."""
    keep = set(
        chain_tasks(doc, current_round(doc))
        .filter(state=TaskState.PENDING)
        .values_list("assignee_id", flat=True)
    )
    if applicant_holds:
        keep.add(doc.applicant_id)
    notifications_resolve(task_key_of(doc), keep=keep)


def doc_link(doc) -> str:
    from django.urls import reverse

    return reverse(f"control:{doc._meta.model_name}_detail", args=[doc.pk])


def _acting_as(actor, task: ApprovalTask):
    """Whom `actor` acts for on this task: the assignee themself or a delegator; None if neither."""
    for principal in acting_principals(actor):
        if principal.pk == task.assignee_id:
            return principal
    return None


def task_for_actor(doc, actor) -> ApprovalTask | None:
    """The pending task of this round that `actor` may act on (own first, then as a delegate)."""
    pending = [t for t in chain_tasks(doc, current_round(doc)) if t.state == TaskState.PENDING]
    mine = [t for t in pending if t.assignee_id == actor.pk]
    if mine:
        return mine[0]
    for t in pending:
        if _acting_as(actor, t) is not None:
            return t
    return None


def pending_task(doc) -> ApprovalTask | None:
    """The first pending task of the document's current round (whoever holds it)."""
    return (
        chain_tasks(doc, current_round(doc))
        .filter(state=TaskState.PENDING)
        .order_by("step_order", "id")
        .first()
    )


def _refused(reason: str, doc, task: ApprovalTask, actor) -> dict:
    """The audit entry of an approval attempt by the wrong person (the README promises it is kept)."""
    return {
        "action": "control.approval.refused",
        "actor": actor,
        "target": doc,
        "extra": {"reason": reason, "step": task.step_name, "task": task.pk},
    }


def _check_actor(doc, task: ApprovalTask, actor) -> None:
    if task.state != TaskState.PENDING:
        raise ConflictError(_("该审批任务已处理或尚未到达。"))
    if actor.pk == doc.applicant_id:
        raise ForbiddenError(
            _("申请人不能审批自己的单据。"), audit=_refused("own_document", doc, task, actor)
        )
    if _acting_as(actor, task) is None:
        raise ForbiddenError(
            _("该单据不在您的待审批范围内（或委托已过期）。"),
            audit=_refused("not_assignee", doc, task, actor),
        )
    acted = (
        chain_tasks(doc, task.round)
        .filter(state=TaskState.APPROVED)
        .filter(Q(acted_by=actor) | Q(assignee=actor))
    )
    if acted.exists():
        raise ForbiddenError(
            _("同一人不能在同一审批流程中审批两次。"), audit=_refused("approved_twice", doc, task, actor)
        )


def act(doc, task_id: int, **kwargs):
    """Apply an approval action (`_act`); the task notifications of those who no longer hold a part of the
    document resolve in the same unit of work."""
    new_state = _act(doc, task_id, **kwargs)
    resolve_notifications(doc, applicant_holds=new_state == DocState.RETURNED)
    return new_state


def _act(
    doc,
    task_id: int,
    *,
    actor,
    action: str,
    comment: str = "",
    collective_threshold: Decimal,
    target_user=None,
    to_step=None,
):
    """Apply an approval action to a locked document. Returns the document's new state (or None if unchanged).

    Actions: approve, reject (reason required), return (to the applicant, or to an earlier step),
    add_signer, transfer.
    """
    task = lock_one(ApprovalTask.objects.filter(pk=task_id, content_type=_doc_ct(doc), object_id=doc.pk))
    if task is None:
        raise NotFoundError(_("审批任务不存在。"))
    if doc.state != DocState.PENDING:
        raise ConflictError(_("单据当前状态为“%(s)s”，不能审批。") % {"s": doc.get_state_display()})
    _check_actor(doc, task, actor)
    principal = _acting_as(actor, task)
    on_behalf = principal if principal.pk != actor.pk else None
    now = timezone.now()
    log_extra = {"step": task.step_name, "task": task.pk, "comment": comment[:300]}
    if action == "approve":
        if task.final and doc.amount >= collective_threshold and doc.minutes_id is None:
            raise ApplicationError(
                _("金额达到集体决策标准（%(t)s 元），须上传“三重一大”会议纪要后才能终审。")
                % {"t": f"{collective_threshold:,.2f}"},
                {"field": "minutes"},
            )
        _close(task, TaskState.APPROVED, actor, comment, now)
        audit_log(
            "control.approval.approved", actor=actor, on_behalf_of=on_behalf, target=doc, extra=log_extra
        )
        return _advance(doc, task, now)
    if action == "reject":
        if not comment.strip():
            raise ApplicationError(_("驳回须填写理由。"), {"field": "comment"})
        _close(task, TaskState.REJECTED, actor, comment, now)
        _cancel_open(doc, task.round)
        audit_log(
            "control.approval.rejected", actor=actor, on_behalf_of=on_behalf, target=doc, extra=log_extra
        )
        notify(
            [doc.applicant],
            title=lambda: _("单据被驳回：%(no)s") % {"no": doc.number},
            body=comment,
            link=doc_link(doc),
        )
        return DocState.REJECTED
    if action == "return":
        if not comment.strip():
            raise ApplicationError(_("退回须填写理由。"), {"field": "comment"})
        _close(task, TaskState.RETURNED, actor, comment, now)
        if to_step is None:
            _cancel_open(doc, task.round)
            audit_log(
                "control.approval.returned", actor=actor, on_behalf_of=on_behalf, target=doc, extra=log_extra
            )
            notify(
                [doc.applicant],
                title=lambda: _("单据被退回修改：%(no)s") % {"no": doc.number},
                body=comment,
                link=doc_link(doc),
                task_key=task_key_of(doc),
            )
            return DocState.RETURNED
        _return_to_step(doc, task, int(to_step), now)
        audit_log(
            "control.approval.returned",
            actor=actor,
            on_behalf_of=on_behalf,
            target=doc,
            extra={**log_extra, "to_step": to_step},
        )
        return None
    if action in {"add_signer", "transfer"}:
        if target_user is None or not target_user.is_staff_account or not target_user.is_active:
            raise ApplicationError(_("请选择一位在职职工。"), {"field": "user"})
        in_chain = chain_tasks(doc, task.round).exclude(
            state__in=[TaskState.CANCELLED, TaskState.TRANSFERRED]
        )
        if target_user.pk == doc.applicant_id or in_chain.filter(assignee=target_user).exists():
            raise ApplicationError(_("该人员是申请人或已在本审批流程中，不能再加入。"), {"field": "user"})
        if action == "transfer":
            _close(task, TaskState.TRANSFERRED, actor, comment, now)
        new = ApprovalTask.objects.create(
            content_type=task.content_type,
            object_id=task.object_id,
            round=task.round,
            step_order=task.step_order,
            step_name=task.step_name,
            kind=StepKind.ALL if action == "add_signer" else task.kind,
            final=task.final,
            assignee=target_user,
            state=TaskState.PENDING,
            activated_at=now,
        )
        audit_log(
            f"control.approval.{'signer_added' if action == 'add_signer' else 'transferred'}",
            actor=actor,
            on_behalf_of=on_behalf,
            target=doc,
            extra={**log_extra, "to": target_user.username},
        )
        _notify_pending(doc, [new])
        return None
    raise ApplicationError(_("未知的审批操作。"))


def _close(task, state, actor, comment, now) -> None:
    task.state = state
    task.acted_by = actor
    task.comment = comment[:300]
    task.acted_at = now
    task.save(update_fields=["state", "acted_by", "comment", "acted_at"])


def _cancel_open(doc, round_no) -> None:
    locked_update(
        chain_tasks(doc, round_no).filter(state__in=[TaskState.PENDING, TaskState.WAITING]),
        state=TaskState.CANCELLED,
    )


def _advance(doc, task, now):
    tasks = list(chain_tasks(doc, task.round))
    step = [
        t
        for t in tasks
        if t.step_order == task.step_order and t.state not in (TaskState.CANCELLED, TaskState.TRANSFERRED)
    ]
    needs_all = any(t.kind == StepKind.ALL for t in step)
    if needs_all and any(t.state != TaskState.APPROVED for t in step):
        return None  # 会签: wait for the others
    for t in step:
        if t.state == TaskState.PENDING:  # 或签: the others are no longer needed
            t.state = TaskState.CANCELLED
            t.save(update_fields=["state"])
    later = sorted(
        {t.step_order for t in tasks if t.step_order > task.step_order and t.state == TaskState.WAITING}
    )
    if not later:
        return DocState.APPROVED
    nxt = [t for t in tasks if t.step_order == later[0] and t.state == TaskState.WAITING]
    for t in nxt:
        t.state = TaskState.PENDING
        t.activated_at = now
        t.save(update_fields=["state", "activated_at"])
    _notify_pending(doc, nxt)
    return None


def _return_to_step(doc, task, to_step: int, now) -> None:
    """Send the document back to an earlier step: a new round where earlier steps keep their approvals
    (copied, with who and when) and the chain runs again from `to_step`. The old round stays as history."""
    tasks = list(chain_tasks(doc, task.round))
    if to_step >= task.step_order or to_step not in {t.step_order for t in tasks}:
        raise ApplicationError(_("只能退回到之前的审批环节。"), {"field": "to_step"})
    _cancel_open(doc, task.round)
    fresh = []
    for t in tasks:
        if t.state in (TaskState.CANCELLED, TaskState.TRANSFERRED):
            continue
        keep = t.step_order < to_step and t.state == TaskState.APPROVED
        fresh.append(
            ApprovalTask(
                content_type=t.content_type,
                object_id=t.object_id,
                round=task.round + 1,
                step_order=t.step_order,
                step_name=t.step_name,
                kind=t.kind,
                final=t.final,
                assignee=t.assignee,
                state=TaskState.APPROVED
                if keep
                else (TaskState.PENDING if t.step_order == to_step else TaskState.WAITING),
                acted_by=t.acted_by if keep else None,
                acted_at=t.acted_at if keep else None,
                comment=t.comment if keep else "",
                activated_at=now if t.step_order == to_step else t.activated_at if keep else None,
            )
        )
    ApprovalTask.objects.bulk_create(fresh)
    _notify_pending(doc, [t for t in fresh if t.state == TaskState.PENDING])


def withdraw_allowed(doc) -> bool:
    """The applicant may withdraw before anyone has approved in the current round."""
    return not chain_tasks(doc, current_round(doc)).filter(state=TaskState.APPROVED).exists()


def cancel_round(doc) -> None:
    """The document was withdrawn or cancelled: its open tasks end and so do their notifications."""
    _cancel_open(doc, current_round(doc))
    notifications_resolve(task_key_of(doc))


def approvers_of(doc) -> set[int]:
    """Everyone who approved anything on this document (any round): for the payer check."""
    rows = chain_tasks(doc).filter(state=TaskState.APPROVED).values_list("acted_by_id", "assignee_id")
    return {pk for pair in rows for pk in pair if pk}


def flow_rounds(doc, chain) -> list[dict]:
    """The document's chain as a flow diagram: per round (newest first), its steps in order, each with a
    status (done / current / returned / rejected / waiting / skipped) and its people (who holds it, who acted,
    when, with the opinion). Transferred and cancelled tasks stay visible under their step."""
    rounds: dict[int, dict[int, dict]] = {}
    for t in chain:
        steps = rounds.setdefault(t.round, {})
        step = steps.setdefault(t.step_order, {"order": t.step_order, "name": t.step_name, "tasks": []})
        step["tasks"].append(t)
    out = []
    for round_no in sorted(rounds, reverse=True):
        steps = []
        for order in sorted(rounds[round_no]):
            step = rounds[round_no][order]
            states = {t.state for t in step["tasks"]}
            if TaskState.PENDING in states:
                status = "current"
            elif TaskState.REJECTED in states:
                status = "rejected"
            elif TaskState.RETURNED in states:
                status = "returned"
            elif TaskState.APPROVED in states:
                status = "done"
            elif TaskState.WAITING in states:
                status = "waiting"
            else:
                status = "skipped"
            steps.append({**step, "status": status})
        out.append({"round": round_no, "steps": steps})
    return out
