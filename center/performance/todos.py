"""The workbench's to-dos of the performance area: self-evaluations to approve (director, also listed in
待我审批), returned ones to rework, records waiting for acceptance, last year's self-evaluation not yet
submitted (finance, the first quarter)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from center.accounts.enums import Role
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

from .enums import EvaluationState, RecordState
from .models import Evaluation, Record
from .rules import may_accept, may_decide, may_prepare


def _item(ev, *, when, step="", note="", approval=False) -> WorkItem:
    return WorkItem(
        title=_("%(y)d 年度绩效自评：%(s)s") % {"y": ev.budget.fiscal_year.year, "s": ev.subject_name()},
        link=reverse("performance:evaluation", args=[ev.pk]),
        when=when,
        kind=pgettext("kind of work", "绩效自评"),
        step=step,
        note=note,
        area="performance",
        approval=approval,
    )


def _evaluations(**filters):
    return Evaluation.objects.filter(**filters).select_related("budget__fiscal_year", "project")


@register_todo_provider
def performance_todos(user) -> list[Todo]:
    if not user.is_staff_account:
        return []
    items = []
    if user.has_role(Role.DEPT_HEAD, Role.FINANCE):
        pending = [
            r
            for r in Record.objects.filter(state=RecordState.PLANNED).select_related(
                "binding__indicator__project"
            )[:500]
            if may_accept(user, r)
        ]
        if pending:
            items.append(
                Todo(
                    _("待验收的维护记录或建设里程碑"),
                    reverse("performance:indicator", args=[pending[0].binding.indicator_id]),
                    "info",
                    len(pending),
                )
            )
    if user.has_role(Role.FINANCE):
        last = timezone.localdate().year - 1
        if timezone.localdate().month <= 3:
            open_ = (
                _evaluations(budget__fiscal_year__year=last).exclude(state=EvaluationState.APPROVED).count()
            )
            started = Evaluation.objects.filter(budget__fiscal_year__year=last).exists()
            if open_ or not started:
                items.append(
                    Todo(
                        _("%(y)d 年度绩效自评尚未全部审定") % {"y": last},
                        reverse("performance:evaluations") + f"?year={last}",
                        "warning",
                        open_ or None,
                    )
                )
    return items


@register_work_provider
def performance_work(user, tab: str) -> list[WorkItem]:
    """Self-evaluations to approve or rework (待办), approved by the user (已办), submitted by the user."""
    if not user.is_staff_account or not user.has_role(
        Role.DIRECTOR, Role.FINANCE, Role.DEPT_HEAD, Role.STAFF
    ):
        return []
    if tab == TODO:
        rows = [
            _item(ev, when=ev.submitted_at, step=_("绩效自评审定"), approval=True)
            for ev in _evaluations(state=EvaluationState.SUBMITTED)[:200]
            if may_decide(user, ev)
        ]
        rows += [
            _item(ev, when=ev.created_at, step=_("退回修改"), note=ev.return_comment)
            for ev in _evaluations(state=EvaluationState.RETURNED)[:200]
            if may_prepare(user, ev)
        ]
        return rows
    if tab == DONE:
        return [
            _item(ev, when=ev.approved_at, step=_("绩效自评审定 · 审定"))
            for ev in _evaluations(approved_by=user).order_by("-approved_at")[:200]
        ]
    mine = _evaluations(submitted_by=user).order_by("-id")[:200]
    if tab == FINISHED:
        return [
            _item(ev, when=ev.approved_at, step=ev.get_state_display())
            for ev in mine
            if ev.state == EvaluationState.APPROVED
        ]
    if tab == STARTED:
        return [
            _item(ev, when=ev.submitted_at, step=ev.get_state_display())
            for ev in mine
            if ev.state != EvaluationState.APPROVED
        ]
    return []
