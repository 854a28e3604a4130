"""Reads of the mid-year monitoring: rounds, the reports a reader may see (department-scoped readers see
their departments' reports only; "missing" and "not yours" are the same NotFoundError), the round's
summary (one progress computation for all its live reports)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from center.budget.models import Budget
from center.core.enums import Scope
from center.core.errors import NotFoundError

from . import monitoring, progress
from .enums import Status
from .models_monitoring import MonitoringReport, MonitoringRound
from .monitoring_enums import NEEDS_STATEMENT
from .rules_monitoring import visible_department_ids


def report_scope_q(user, scope) -> Q:
    if scope == Scope.UNIT:
        return Q()
    if scope == Scope.DEPARTMENT:
        return Q(department_id__in=visible_department_ids(user))
    return Q(pk__in=[])


def rounds() -> list[MonitoringRound]:
    return list(MonitoringRound.objects.select_related("budget__fiscal_year"))


def years_without_round() -> list[int]:
    """Budget years with indicators and no round yet (finance may open one)."""
    return sorted(
        set(
            Budget.objects.filter(indicators__isnull=False, monitoring_round__isnull=True).values_list(
                "fiscal_year__year", flat=True
            )
        ),
        reverse=True,
    )


def budget_of_year(year: int) -> Budget | None:
    return Budget.objects.filter(fiscal_year__year=year, indicators__isnull=False).distinct().first()


def round_get(pk) -> MonitoringRound:
    rnd = (
        MonitoringRound.objects.select_related("budget__fiscal_year", "budget__unit", "created_by")
        .filter(pk=pk)
        .first()
    )
    if rnd is None:
        raise NotFoundError(_("绩效运行监控不存在。"))
    return rnd


def reports_for(user, scope, rnd) -> list[MonitoringReport]:
    return list(
        MonitoringReport.objects.filter(report_scope_q(user, scope), round=rnd).select_related(
            "round__budget__fiscal_year", "project", "department"
        )
    )


def report_get_for(user, scope, pk) -> MonitoringReport:
    report = (
        MonitoringReport.objects.filter(report_scope_q(user, scope), pk=pk)
        .select_related(
            "round__budget__fiscal_year",
            "round__budget__unit",
            "project",
            "department",
            "head_reviewed_by",
            "finance_reviewed_by",
            "submitted_by",
        )
        .first()
    )
    if report is None:
        raise NotFoundError(_("绩效监控表不存在。"))
    return report


@dataclass
class ReportLine:
    report: MonitoringReport
    rate: str | None
    elapsed: str | None
    spending_status: str
    indicators: int
    lagging: int
    missing: int

    @property
    def spending_label(self) -> str:
        return str(Status(self.spending_status).label)


def round_lines(rnd, reports) -> list[ReportLine]:
    """One line per report: spending rate vs the time line, how many indicators lag, how many of them still
    lack a statement. Frozen reports read their snapshot; live ones share one progress computation."""
    live = [r for r in reports if not r.frozen]
    rows = progress.unit_progress(rnd.budget, monitoring.as_of_of(rnd)) if live else []
    by_project = {}
    for row in rows:
        by_project.setdefault(row.indicator.project_id, []).append(row)
    statements = {}
    for r in live:
        statements[r.pk] = {st.indicator_id: st for st in r.statements.all()}
    out = []
    for r in reports:
        data = r.snapshot if r.frozen else _light(r, by_project.get(r.project_id, []), statements[r.pk])
        out.append(
            ReportLine(
                report=r,
                rate=data["spending"]["rate"],
                elapsed=data["spending"]["elapsed"],
                spending_status=data["spending"]["status"],
                indicators=len(data["rows"]),
                lagging=sum(1 for row in data["rows"] if row["needs_statement"]),
                missing=len(monitoring.missing_statements(data)),
            )
        )
    return out


def _light(report, rows, statements) -> dict:
    """The parts of a report's data the round's list needs, from progress rows already computed."""
    rnd = report.round
    as_of = monitoring.as_of_of(rnd)
    year = rnd.budget.fiscal_year.year
    execution = progress.execution_figures(rnd.budget, report.project if report.project_id else None, as_of)
    elapsed = progress.elapsed_pct(date(year, 1, 1), date(year, 12, 31), as_of)
    status = monitoring.spending_status(execution.rate, elapsed)
    return {
        "spending": {
            "rate": None if execution.rate is None else str(execution.rate),
            "elapsed": str(elapsed),
            "status": status,
            "needs_statement": status in monitoring.SPENDING_LAGS,
            "statement": monitoring.statement_data(statements.get(None)),
        },
        "rows": [
            {
                "name": {"zh": row.indicator.name},
                "needs_statement": row.status in NEEDS_STATEMENT,
                "statement": monitoring.statement_data(statements.get(row.indicator.pk)),
            }
            for row in rows
        ],
    }
