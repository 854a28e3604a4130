"""The mid-year monitoring (双监控): open a year's round, set its period and deadline, state the causes of the
deviations, review (department head, finance), return, submit (the director; the report is then frozen).

Every write locks the budget first (rank: subject), then the round or the report (document), like the rest of
this area, so a statement, a review and the submission of one report never interleave. Each step hands the
report on: the holders of the next step are notified with the report's task key, the previous step's
notifications are resolved. Side effects: audit entries, notifications (sent after commit).
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.enums import AccountKind
from center.accounts.models import User
from center.budget.models import Project
from center.core.audit import audit_log
from center.core.enums import Role
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.notifications import notifications_resolve, notify, task_key_of
from center.core.rules import require
from center.core.services import service

from .. import monitoring as figures
from ..models_monitoring import MonitoringReport, MonitoringRound, MonitoringStatement
from ..monitoring_enums import EDITABLE_REPORT_STATES, MONITORING, Cause, Likelihood
from ..rules_monitoring import VERB_RULES, may_fill, may_manage
from .common import lock_budget

SPENDING = "spending"  # the statement key of the spending row (the indicators' keys are their ids)
ACTION_MAX = 2000
FORECAST_MAX = 60


def _pk(value, message: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundError(message) from None


def _staff_with(*roles, department_id=None):
    qs = User.objects.filter(is_active=True, kind=AccountKind.STAFF, roles__role__in=roles)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return list(qs.distinct().order_by("pk"))


def _finance_department_id(actor, budget) -> int:
    """The department that prepares the unit's report: the finance officer's."""
    if actor is not None and actor.department_id and actor.has_role(Role.FINANCE):
        return actor.department_id
    finance = _staff_with(Role.FINANCE)
    if finance and finance[0].department_id:
        return finance[0].department_id
    dept = budget.unit.departments.order_by("sort", "pk").first()
    if dept is None:
        raise ApplicationError(_("单位还没有部门，不能开启绩效运行监控。"))
    return dept.pk


def _check_dates(year: int, period_end, due_on) -> None:
    if not isinstance(period_end, date) or period_end.year != year or period_end >= date(year, 12, 31):
        raise ApplicationError(
            _("监控截止日期须在 %(y)d 年内且早于 12 月 31 日（年末为绩效自评）。") % {"y": year},
            {"field": "period_end"},
        )
    if period_end < date(year, 1, 31):
        raise ApplicationError(_("监控期间至少一个月。"), {"field": "period_end"})
    if not isinstance(due_on, date) or due_on <= period_end or due_on.year != year:
        raise ApplicationError(
            _("报送期限须晚于监控截止日期，且在 %(y)d 年内。") % {"y": year}, {"field": "due_on"}
        )


def _report_link(report) -> str:
    return reverse("performance:monitoring_report", args=[report.pk])


def _title(report) -> str:
    return _("%(y)d 年绩效运行监控：%(s)s") % {"y": report.round.year, "s": report.subject_name()}


def _department_people(report) -> list:
    people = _staff_with(Role.STAFF, Role.DEPT_HEAD, department_id=report.department_id)
    if report.project_id is None:
        people += [u for u in _staff_with(Role.FINANCE) if u not in people]
    return people


@service
def round_open(*, actor, budget_id: int, period_end=None, due_on=None) -> MonitoringRound:
    """Open a year's monitoring round (default: January–July, due 31 August) with one report per project
    that has indicators and one for the unit; the departments are notified. Refused when the year has one."""
    require(may_manage, actor)
    budget = lock_budget(_pk(budget_id, _("预算不存在。")))
    year = budget.fiscal_year.year
    if MonitoringRound.objects.filter(budget=budget).exists():
        raise ConflictError(_("%(y)d 年的绩效运行监控已经开启。") % {"y": year}, {"year": year})
    if not budget.indicators.exists():
        raise ApplicationError(_("该年度预算没有绩效指标，无法开展绩效运行监控。"))
    period_end = period_end or date(year, 7, 31)
    due_on = due_on or date(year, 8, 31)
    _check_dates(year, period_end, due_on)
    creator = actor or next(iter(_staff_with(Role.FINANCE)), None)
    if creator is None:
        raise ApplicationError(_("没有财务人员，不能开启绩效运行监控。"))
    rnd = MonitoringRound.objects.create(
        budget=budget, period_end=period_end, due_on=due_on, created_by=creator
    )
    finance_dept = _finance_department_id(actor, budget)
    projects = (
        Project.objects.filter(budget=budget, indicators__isnull=False)
        .distinct()
        .order_by("task_sort", "sort", "pk")
    )
    reports = [
        MonitoringReport(round=rnd, project=p, department_id=p.department_id or finance_dept)
        for p in projects
    ]
    reports.append(MonitoringReport(round=rnd, project=None, department_id=finance_dept))
    MonitoringReport.objects.bulk_create(reports)
    audit_log(
        "performance.monitoring_round.opened",
        actor=actor,
        target=rnd,
        changes={"period_end": [None, str(period_end)], "due_on": [None, str(due_on)]},
        extra={"reports": len(reports)},
    )
    for report in MonitoringReport.objects.filter(round=rnd).select_related("round", "project"):
        notify(
            _department_people(report),
            title=lambda report=report: _title(report),
            body=lambda: (
                _("请对照系统预填的执行进度和指标进度，于 %(d)s 前说明滞后指标的偏差原因和改进措施。")
                % {"d": due_on.isoformat()}
            ),
            link=_report_link(report),
            task_key=task_key_of(report),
        )
    return rnd


@service
def round_update(*, actor, round_id, period_end, due_on) -> MonitoringRound:
    """Change a round's period end and deadline, while no report has gone to review."""
    require(may_manage, actor)
    pk = _pk(round_id, _("绩效运行监控不存在。"))
    budget_id = MonitoringRound.objects.filter(pk=pk).values_list("budget_id", flat=True).first()
    if budget_id is None:
        raise NotFoundError(_("绩效运行监控不存在。"))
    budget = lock_budget(budget_id)
    rnd = lock_one(MonitoringRound.objects.filter(pk=pk))
    if rnd.reports.exclude(state__in=EDITABLE_REPORT_STATES).exists():
        raise ConflictError(_("已有监控表提交审核或报送，不能再修改监控期间和报送期限。"))
    _check_dates(budget.fiscal_year.year, period_end, due_on)
    changes = {}
    if rnd.period_end != period_end:
        changes["period_end"] = [str(rnd.period_end), str(period_end)]
    if rnd.due_on != due_on:
        changes["due_on"] = [str(rnd.due_on), str(due_on)]
    rnd.period_end, rnd.due_on = period_end, due_on
    rnd.save(update_fields=["period_end", "due_on", "updated_at"])
    audit_log("performance.monitoring_round.updated", actor=actor, target=rnd, changes=changes)
    return rnd


def _lock_report(report_id) -> MonitoringReport:
    pk = _pk(report_id, _("绩效监控表不存在。"))
    budget_id = MonitoringReport.objects.filter(pk=pk).values_list("round__budget_id", flat=True).first()
    if budget_id is None:
        raise NotFoundError(_("绩效监控表不存在。"))
    lock_budget(budget_id)
    return lock_one(
        MonitoringReport.objects.filter(pk=pk).select_related(
            "round__budget__fiscal_year", "round__budget__unit", "project", "department"
        )
    )


def _refuse_if_frozen(report) -> None:
    if report.frozen:
        raise ConflictError(
            _("“%(s)s”的监控表已报送并冻结，不能再修改或重复报送。") % {"s": report.subject_name()},
            {"state": report.state},
        )


def _clean(key: str, entry: dict, needed: bool, name: str) -> dict:
    causes = entry.get("causes") or []
    if isinstance(causes, str):
        causes = [causes]
    unknown = [c for c in causes if c not in Cause.values]
    if unknown:
        raise ApplicationError(_("偏差原因不正确。"), {"field": f"{key}-causes"})
    likelihood = (entry.get("likelihood") or "").strip()
    if likelihood and likelihood not in Likelihood.values:
        raise ApplicationError(_("完成目标可能性不正确。"), {"field": f"{key}-likelihood"})
    forecast = (entry.get("forecast") or "").strip()
    if len(forecast) > FORECAST_MAX:
        raise ApplicationError(
            _("全年预计完成值不能超过 %(n)d 字。") % {"n": FORECAST_MAX}, {"field": f"{key}-forecast"}
        )
    action = (entry.get("action") or "").strip()
    if len(action) > ACTION_MAX:
        raise ApplicationError(
            _("原因说明和改进措施不能超过 %(n)d 字。") % {"n": ACTION_MAX}, {"field": f"{key}-action"}
        )
    if needed:
        if not causes:
            raise ApplicationError(
                _("“%(n)s”进度滞后，请选择偏差原因。") % {"n": name}, {"field": f"{key}-causes"}
            )
        if not likelihood:
            raise ApplicationError(
                _("“%(n)s”进度滞后，请选择完成目标的可能性。") % {"n": name}, {"field": f"{key}-likelihood"}
            )
        if not action:
            raise ApplicationError(
                _("“%(n)s”进度滞后，请填写原因说明和改进措施。") % {"n": name}, {"field": f"{key}-action"}
            )
    return {
        "causes": [c for c in Cause.values if c in causes],
        "likelihood": likelihood,
        "forecast": forecast,
        "action": action,
    }


@service
def statements_save(*, actor, report_id, entries: dict) -> MonitoringReport:
    """Save the department's statements: {indicator id or "spending": {causes, likelihood, forecast,
    action}}. All or nothing: a lagging row without a cause, the likelihood or the explanation, a row that
    is not part of the report, a report under review or submitted — refused, nothing changed."""
    report = _lock_report(report_id)
    _refuse_if_frozen(report)
    if report.state not in EDITABLE_REPORT_STATES:
        raise ConflictError(
            _("监控表已提交审核（%(s)s），退回后才能修改。") % {"s": report.get_state_display()},
            {"state": report.state},
        )
    require(may_fill, actor, report)
    data = figures.report_data(report)
    rows = {str(r["indicator_id"]): r for r in data["rows"]}
    rows[SPENDING] = data["spending"] | {"name": {"zh": _("预算执行进度")}}
    cleaned = {}
    for key, entry in (entries or {}).items():
        key = str(key)
        if key not in rows:
            raise NotFoundError(_("指标不属于该监控表。"), {"indicator": key})
        row = rows[key]
        cleaned[key] = _clean(key, entry or {}, row["needs_statement"], row["name"]["zh"])
    existing = {
        (str(st.indicator_id) if st.indicator_id else SPENDING): st
        for st in MonitoringStatement.objects.filter(report=report)
    }
    changed = []
    for key, values in cleaned.items():
        st = existing.get(key)
        blank = not any(values.values())
        if st is None and blank:
            continue
        if st is None:
            st = MonitoringStatement(
                report=report,
                indicator_id=None if key == SPENDING else int(key),
                updated_by=actor or report.round.created_by,
            )
        elif all(getattr(st, k) == v for k, v in values.items()):
            continue
        for k, v in values.items():
            setattr(st, k, v)
        st.updated_by = actor or report.round.created_by
        st.save()
        changed.append(rows[key]["name"]["zh"])
    if changed:
        audit_log(
            "performance.monitoring.statements_saved",
            actor=actor,
            target=report,
            extra={"rows": changed},
        )
    return report


def _forward(actor, report_id, verb: str) -> MonitoringReport:
    """Check a forward step: not frozen, the state, the person, the period over, every lagging row stated."""
    report = _lock_report(report_id)
    _refuse_if_frozen(report)
    MONITORING.check(report, verb)
    require(VERB_RULES[verb], actor, report)
    if timezone.localdate() <= report.round.period_end:
        raise ApplicationError(
            _("监控期间截至 %(d)s，期间结束后才能审核报送。") % {"d": report.round.period_end.isoformat()}
        )
    missing = figures.missing_statements(figures.report_data(report))
    if missing:
        raise ApplicationError(
            _("以下滞后项尚未说明偏差原因、完成可能性和改进措施：%(n)s") % {"n": "、".join(missing)},
            {"missing": missing},
        )
    return report


def _hand_on(report, recipients, actor, body) -> None:
    notifications_resolve(task_key_of(report))
    notify(
        [u for u in recipients if actor is None or u.pk != actor.pk],
        title=lambda: _title(report),
        body=body,
        link=_report_link(report),
        task_key=task_key_of(report),
    )


@service
def report_head_review(*, actor, report_id) -> MonitoringReport:
    """The department head approves the statements: the report goes to finance."""
    report = _forward(actor, report_id, "head_review")
    report.head_reviewed_by, report.head_reviewed_at = actor, timezone.now()
    report.return_comment = ""
    MONITORING.apply(
        report, "head_review", actor=actor, fields=["head_reviewed_by", "head_reviewed_at", "return_comment"]
    )
    _hand_on(report, _staff_with(Role.FINANCE), actor, lambda: _("部门负责人已审核，请财务审核。"))
    return report


@service
def report_finance_review(*, actor, report_id) -> MonitoringReport:
    """Finance checks the spending figures and the statements: the report goes to the director."""
    report = _forward(actor, report_id, "finance_review")
    report.finance_reviewed_by, report.finance_reviewed_at = actor, timezone.now()
    MONITORING.apply(
        report, "finance_review", actor=actor, fields=["finance_reviewed_by", "finance_reviewed_at"]
    )
    _hand_on(report, _staff_with(Role.DIRECTOR), actor, lambda: _("财务已审核，请单位负责人审定并报送。"))
    return report


@service
def report_submit(*, actor, report_id) -> MonitoringReport:
    """The director submits: the figures and statements are frozen in the snapshot (later changes of the data
    do not alter it). A second submission is refused."""
    report = _forward(actor, report_id, "submit")
    report.submitted_by = actor
    report.snapshot = figures.freeze(report)
    report.submitted_at = timezone.now()
    MONITORING.apply(report, "submit", actor=actor, fields=["submitted_by", "submitted_at", "snapshot"])
    notifications_resolve(task_key_of(report))
    notify(
        [
            u
            for u in _staff_with(Role.DEPT_HEAD, department_id=report.department_id)
            if actor is None or u != actor
        ],
        title=lambda: _("已报送：%(t)s") % {"t": _title(report)},
        link=_report_link(report),
    )
    return report


@service
def report_return(*, actor, report_id, comment: str) -> MonitoringReport:
    """Finance (after the department head) or the director (after finance) returns the report to the
    department with a comment; the department corrects it and the head reviews it again."""
    report = _lock_report(report_id)
    _refuse_if_frozen(report)
    MONITORING.check(report, "return")
    require(VERB_RULES["return"], actor, report)
    comment = (comment or "").strip()
    if not comment:
        raise ApplicationError(_("请填写退回意见。"), {"field": "comment"})
    if len(comment) > 300:
        raise ApplicationError(_("退回意见不能超过 300 字。"), {"field": "comment"})
    report.return_comment = comment
    MONITORING.apply(report, "return", actor=actor, fields=["return_comment"], extra={"comment": comment})
    _hand_on(report, _department_people(report), actor, comment)
    return report
