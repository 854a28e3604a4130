from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from center.core.workbench import (
    DONE,
    FINISHED,
    STARTED,
    TODO,
    Todo,
    WorkItem,
    register_todo_provider,
    register_work_provider,
)

from .enums import DocState
from .models import Quota, Reimbursement, SpendingStandard
from .selectors import (
    my_documents,
    my_documents_count,
    my_task_actions,
    my_task_actions_count,
    pending_holders,
    pending_tasks_for,
)


@register_todo_provider
def control_todos(user) -> list[Todo]:
    if not user.is_staff_account:
        return []
    items = []  # the documents waiting for the user's approval are rows of the 待办 tab (control_work)
    if user.has_role("cashier"):
        to_pay = Reimbursement.objects.filter(state=DocState.APPROVED).count()
        if to_pay:
            items.append(
                Todo(
                    _("待支付报销单"), reverse("control:application_list") + "?state=approved", "info", to_pay
                )
            )
    if user.has_role("finance"):
        items += _standards_missing()
    return items


def _standards_missing() -> list[Todo]:
    """A year with quotas but no spending standards would check no application against any: say so (the
    usual cause is a new year whose standards were not copied over yet)."""
    year = Quota.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None or SpendingStandard.objects.filter(year=year).exists():
        return []
    return [
        Todo(
            _("%(y)d 年度尚未设置费用标准") % {"y": year},
            reverse("control:config") + f"?year={year}#standards",
            "danger",
        )
    ]


# What stays "in progress" for the applicant after the chain approved: a claim or an advance waits for the
# cashier, a paid advance for the claim that clears it. Everything else that is not pending or returned is done.
_OPEN_AFTER_APPROVAL = {
    ("reimbursement", DocState.APPROVED): (gettext_lazy("待出纳支付"), gettext_lazy("出纳")),
    ("advance", DocState.APPROVED): (gettext_lazy("待出纳支付"), gettext_lazy("出纳")),
    ("advance", DocState.PAID): (gettext_lazy("待报销冲账"), None),
}
_ACTION_WORDS = {
    "approved": gettext_lazy("同意"),
    "rejected": gettext_lazy("驳回"),
    "returned": gettext_lazy("退回"),
    "transferred": gettext_lazy("转办"),
}


def _amount(doc) -> str:
    return _("%(a)s 元") % {"a": f"{doc.amount:,.2f}"}


def _doc_item(doc, *, when, step="", holder="", note="", approval=False) -> WorkItem:
    return WorkItem(
        title=doc.title,
        link=reverse(f"control:{doc._meta.model_name}_detail", args=[doc.pk]),
        when=when,
        number=doc.number,
        kind=str(doc._meta.verbose_name),
        step=step,
        holder=holder,
        note=note,
        area="control",
        approval=approval,
    )


def _open(model) -> Q:
    """Still in progress for its applicant (我发起的): pending, returned or waiting after approval."""
    after = [state for (name, state) in _OPEN_AFTER_APPROVAL if name == model._meta.model_name]
    return Q(state__in=[DocState.PENDING, DocState.RETURNED, *after])


def _finished(model) -> Q:
    return ~_open(model)


def control_work_count(user, tab: str) -> int:
    """How many rows `control_work` answers for the tab, by COUNT queries (the workbench's tab counts)."""
    if not user.is_staff_account:
        return 0
    if tab == TODO:
        return len(pending_tasks_for(user)) + my_documents_count(user, [DocState.RETURNED])
    if tab == DONE:
        return my_task_actions_count(user)
    if tab == STARTED:
        return my_documents_count(user, where=_open)
    if tab == FINISHED:
        return my_documents_count(user, where=_finished)
    return 0


@register_work_provider
def control_work(user, tab: str, limit: int | None = None) -> list[WorkItem]:
    """The user's documents and approval tasks, for the workbench tabs (with `limit`: at least the newest
    `limit` rows of the tab)."""
    limit = 500 if limit is None else limit
    if not user.is_staff_account:
        return []
    if tab == TODO:
        rows = [
            _doc_item(
                doc,
                when=task.activated_at,
                step=task.step_name,
                holder=""
                if task.assignee_id == user.pk
                else _("代 %(name)s 审批") % {"name": task.assignee.full_name},
                note=_amount(doc),
                approval=True,
            )
            for task, doc in pending_tasks_for(user)
        ]
        rows += [
            _doc_item(doc, when=doc.decided_at, step=_("退回修改"), holder=user.full_name, note=_amount(doc))
            for doc in my_documents(user, [DocState.RETURNED])
        ]
        return rows
    if tab == DONE:
        return [
            _doc_item(
                doc,
                when=task.acted_at,
                step=f"{task.step_name} · {_ACTION_WORDS.get(task.state, task.get_state_display())}",
                note=task.comment,
            )
            for task, doc in my_task_actions(user, limit)
        ]
    if tab not in (STARTED, FINISHED):
        return []
    if tab == FINISHED:
        return [
            _doc_item(
                doc, when=doc.decided_at or doc.submitted_at, step=doc.get_state_display(), note=_amount(doc)
            )
            for doc in my_documents(user, where=_finished, limit=limit)
        ]
    open_docs = my_documents(user, where=_open, limit=limit)
    holders = pending_holders([d for d in open_docs if d.state == DocState.PENDING])
    rows = []
    for doc in open_docs:
        key = (doc._meta.model_name, doc.state)
        if doc.state == DocState.PENDING:
            step, names = holders.get((doc._meta.model_name, doc.pk), ("", []))
            holder = _("、").join(names)
        elif doc.state == DocState.RETURNED:
            step, holder = _("退回修改"), user.full_name
        else:
            step, who = _OPEN_AFTER_APPROVAL[key]
            holder = str(who) if who else user.full_name
        rows.append(
            _doc_item(
                doc, when=doc.submitted_at or doc.created_at, step=str(step), holder=holder, note=_amount(doc)
            )
        )
    return rows


control_work.count = control_work_count
