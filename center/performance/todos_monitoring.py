"""The workbench's to-dos of the mid-year monitoring: a reminder for whoever holds the next step of a
report of an open round (the department while it is being filled or was returned, its head to review it,
finance, then the director), from the end of the monitoring period to its submission — red once the
deadline has passed; and one 待办 row per report the user holds (the reviews are approvals: also listed in
待我审批), 已办 for the steps they took, 我发起的 / 办结 for the reports of their department."""

from django.db.models import Q
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

from .models_monitoring import MonitoringReport
from .monitoring_enums import EDITABLE_REPORT_STATES, MONITORING_VERB_LABELS, ReportState
from .rules_monitoring import may_fill, may_finance_review, may_head_review, may_submit

# The rule that says who holds a report in each state (the next step's people).
HOLDERS = {
    ReportState.DRAFT: may_fill,
    ReportState.RETURNED: may_fill,
    ReportState.HEAD_REVIEWED: may_finance_review,
    ReportState.FINANCE_REVIEWED: may_submit,
}
STEP = {
    ReportState.DRAFT: pgettext("monitoring step", "填写偏差说明"),
    ReportState.RETURNED: pgettext("monitoring step", "退回修改"),
    ReportState.HEAD_REVIEWED: pgettext("monitoring step", "财务审核"),
    ReportState.FINANCE_REVIEWED: pgettext("monitoring step", "单位负责人审定报送"),
}


def _open_reports(**filters):
    return (
        MonitoringReport.objects.filter(**filters)
        .exclude(state=ReportState.SUBMITTED)
        .select_related("round__budget__fiscal_year", "project", "department")
        .order_by("round__due_on", "pk")
    )


def held_by(user, reports) -> list[MonitoringReport]:
    """The reports whose next step is the user's: the department fills (its head may also review), finance
    reviews, the director submits."""
    out = []
    for r in reports:
        if r.state in EDITABLE_REPORT_STATES:
            if may_fill(user, r) or may_head_review(user, r):
                out.append(r)
        elif HOLDERS[r.state](user, r):
            out.append(r)
    return out


def _relevant(user):
    if not user.is_staff_account or not user.has_role(
        Role.STAFF, Role.DEPT_HEAD, Role.FINANCE, Role.DIRECTOR
    ):
        return []
    qs = _open_reports()
    if not user.has_role(Role.FINANCE, Role.DIRECTOR):
        qs = qs.filter(department_id=user.department_id)
    return held_by(user, qs[:500])


@register_todo_provider
def monitoring_todos(user) -> list[Todo]:
    """One reminder per round with reports waiting for the user, once the period has ended."""
    today = timezone.localdate()
    by_round = {}
    for r in _relevant(user):
        if r.round.period_end < today:
            by_round.setdefault(r.round, []).append(r)
    items = []
    for rnd, reports in by_round.items():
        overdue = rnd.due_on < today
        if overdue:
            title = _("%(y)d 年绩效运行监控已过报送期限（%(d)s），%(n)d 份监控表待您处理") % {
                "y": rnd.year,
                "d": rnd.due_on.isoformat(),
                "n": len(reports),
            }
        else:
            title = _("%(y)d 年绩效运行监控：%(n)d 份监控表待您处理，%(d)s 前报送（还剩 %(left)d 天）") % {
                "y": rnd.year,
                "n": len(reports),
                "d": rnd.due_on.isoformat(),
                "left": (rnd.due_on - today).days,
            }
        link = (
            reverse("performance:monitoring_report", args=[reports[0].pk])
            if len(reports) == 1
            else reverse("performance:monitoring_round", args=[rnd.pk])
        )
        items.append(Todo(title, link, "danger" if overdue else "warning", len(reports)))
    return items


def _item(report, *, when, step="", note="", approval=False) -> WorkItem:
    return WorkItem(
        title=_("%(y)d 年绩效运行监控：%(s)s") % {"y": report.round.year, "s": report.subject_name()},
        link=reverse("performance:monitoring_report", args=[report.pk]),
        when=when,
        kind=pgettext("kind of work", "绩效监控表"),
        step=step,
        note=note,
        area="performance",
        approval=approval,
    )


def _when(report):
    return {
        ReportState.HEAD_REVIEWED: report.head_reviewed_at,
        ReportState.FINANCE_REVIEWED: report.finance_reviewed_at,
    }.get(report.state) or report.round.created_at


@register_work_provider
def monitoring_work(user, tab: str) -> list[WorkItem]:
    if not user.is_staff_account or not user.has_role(
        Role.STAFF, Role.DEPT_HEAD, Role.FINANCE, Role.DIRECTOR
    ):
        return []
    if tab == TODO:
        return [
            _item(
                r,
                when=_when(r),
                step=str(STEP[r.state]),
                note=r.return_comment if r.state == ReportState.RETURNED else "",
                approval=r.state not in EDITABLE_REPORT_STATES,
            )
            for r in _relevant(user)
        ]
    reports = MonitoringReport.objects.select_related("round__budget__fiscal_year", "project", "department")
    if tab == DONE:
        mine = reports.filter(
            Q(head_reviewed_by=user) | Q(finance_reviewed_by=user) | Q(submitted_by=user)
        ).order_by("-pk")[:200]
        rows = []
        for r in mine:
            for who, at, verb in (
                (r.submitted_by_id, r.submitted_at, "submit"),
                (r.finance_reviewed_by_id, r.finance_reviewed_at, "finance_review"),
                (r.head_reviewed_by_id, r.head_reviewed_at, "head_review"),
            ):
                if who == user.pk:
                    rows.append(_item(r, when=at, step=str(MONITORING_VERB_LABELS[verb])))
                    break
        return rows
    if not user.has_role(Role.STAFF, Role.DEPT_HEAD):
        return []
    ours = reports.filter(department_id=user.department_id).order_by("-pk")[:200]
    if tab == STARTED:
        return [_item(r, when=_when(r), step=r.get_state_display()) for r in ours if not r.frozen]
    if tab == FINISHED:
        return [_item(r, when=r.submitted_at, step=r.get_state_display()) for r in ours if r.frozen]
    return []
