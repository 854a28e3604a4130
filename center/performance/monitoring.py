"""The figures of a monitoring report (绩效监控表), pre-filled by the system, and their frozen copy.

    report_data(report) -> dict   # live while the report is prepared; the snapshot once it is submitted
    freeze(report) -> dict        # the snapshot stored at submission (figures, statements, who and when)
    report_view(report) -> ReportView   # the same for pages and exports, in the reader's language
    missing_statements(data) -> [names] # lagging rows (or the spending) without cause, likelihood or action

Figures are taken on the period's last day (or today, while the period runs): spending from
`progress.execution_figures` (executed ÷ adjusted budget, periods up to the month of that day) against the
time-elapsed line (the share of the year gone by), and every indicator's actual, progress and traffic light
from `progress.project_progress` / `unit_progress` with `as_of`. The spending lags when it trails the line by
more than 10 points (25: seriously), the rule of the indicators (progress.STATUS_RULE).

One shape for live and frozen data (a dict of strings and numbers as strings, safe in JSON): every text a
reader sees is kept in both languages, so a snapshot reads the same on Chinese and English pages forever.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from center.core.translated import pick

from . import progress
from .enums import STATUS_COLOURS, Rating, SourceKind, Status
from .models_monitoring import MonitoringReport, MonitoringStatement
from .monitoring_enums import NEEDS_STATEMENT, Cause, Likelihood

VERSION = 1
HUNDRED = Decimal(100)
SPENDING_LAGS = frozenset({Status.LAGGING, Status.OFF_TRACK})  # spending behind the line needs a statement


def as_of_of(round_) -> date:
    """The day the figures are taken on: the period's end, or today while the period runs."""
    return min(round_.period_end, timezone.localdate())


def _both(fn) -> dict[str, str]:
    """A text in Chinese and in English (fn makes it in the active language)."""
    out = {}
    for key, language in (("zh", settings.LANGUAGE_CODE), ("en", "en")):
        with translation.override(language):
            out[key] = str(fn())
    return out


def _dec(value) -> str | None:
    return None if value is None else str(value)


def statement_data(st: MonitoringStatement | None) -> dict | None:
    if st is None:
        return None
    return {
        "causes": [c for c in Cause.values if c in (st.causes or [])],
        "likelihood": st.likelihood,
        "forecast": st.forecast,
        "action": st.action,
    }


def spending_status(rate: Decimal | None, elapsed: Decimal) -> str:
    if rate is None:
        return Status.NO_DATA
    if rate >= HUNDRED:
        return Status.MET
    gap = elapsed - rate
    if gap <= progress.ON_TRACK_GAP:
        return Status.ON_TRACK
    return Status.LAGGING if gap <= progress.LAGGING_GAP else Status.OFF_TRACK


def _actual_text(r) -> str:
    if r.rating and r.actual is None:
        return str(Rating(r.rating).label)
    if r.actual is None:
        return ""
    return progress.display_value(r.actual, r.indicator)


def rows_of(report: MonitoringReport, as_of: date) -> list:
    """The report's indicators with their progress on `as_of` (IndicatorProgress rows)."""
    budget = report.round.budget
    if report.project_id:
        return progress.project_progress(report.project, as_of)
    return [r for r in progress.unit_progress(budget, as_of) if r.indicator.project_id is None]


def report_data(report: MonitoringReport) -> dict:
    """What the report shows: its snapshot once submitted, else the figures computed now."""
    if report.frozen and report.snapshot:
        return report.snapshot
    return _compute(report)


def _compute(report: MonitoringReport) -> dict:
    rnd = report.round
    budget = rnd.budget
    as_of = as_of_of(rnd)
    year = budget.fiscal_year.year
    statements = {st.indicator_id: st for st in report.statements.all()}
    execution = progress.execution_figures(budget, report.project if report.project_id else None, as_of)
    elapsed = progress.elapsed_pct(date(year, 1, 1), date(year, 12, 31), as_of)
    spend = spending_status(execution.rate, elapsed)
    rows = []
    for r in rows_of(report, as_of):
        ind = r.indicator
        rows.append(
            {
                "indicator_id": ind.pk,
                "level1": _both(ind.display_level1),
                "level2": _both(ind.display_level2),
                "name": {"zh": ind.name, "en": ind.name_en or ind.name},
                "target": _both(lambda ind=ind: progress.target_text(ind)),
                "actual": _both(lambda r=r: _actual_text(r)),
                "progress": _dec(r.progress),
                "expected": _dec(r.expected),
                "status": r.status,
                "source": r.source,
                "needs_statement": r.status in NEEDS_STATEMENT,
                "statement": statement_data(statements.get(ind.pk)),
            }
        )
    unit = budget.unit
    project = report.project
    return {
        "version": VERSION,
        "year": year,
        "period_start": date(year, 1, 1).isoformat(),
        "period_end": rnd.period_end.isoformat(),
        "as_of": as_of.isoformat(),
        "due_on": rnd.due_on.isoformat(),
        "subject": {
            "project_id": report.project_id,
            "name": (
                {"zh": project.name, "en": project.name_en or project.name}
                if project
                else _both(lambda: _("%(u)s（单位整体）") % {"u": pick(None, unit.name, unit.name_en)})
            ),
            "authority": unit.parent_name,
            "unit": {"zh": unit.name, "en": unit.name_en or unit.name},
            "department": {
                "zh": report.department.name,
                "en": report.department.name_en or report.department.name,
            },
        },
        "spending": {
            "budgeted": _dec(execution.budgeted),
            "executed": _dec(execution.executed),
            "rate": _dec(execution.rate),
            "elapsed": _dec(elapsed),
            "status": spend,
            "needs_statement": spend in SPENDING_LAGS,
            "statement": statement_data(statements.get(None)),
        },
        "rows": rows,
    }


def _person(user) -> str:
    return (user.full_name or user.username) if user is not None else ""


def freeze(report: MonitoringReport) -> dict:
    """The snapshot stored when the director submits: the figures as computed now, the statements, the
    people of every step and when. Never recomputed afterwards."""
    data = _compute(report)
    now = timezone.now()
    data["people"] = {
        "head_reviewed_by": _person(report.head_reviewed_by),
        "head_reviewed_at": report.head_reviewed_at.isoformat() if report.head_reviewed_at else "",
        "finance_reviewed_by": _person(report.finance_reviewed_by),
        "finance_reviewed_at": report.finance_reviewed_at.isoformat() if report.finance_reviewed_at else "",
        "submitted_by": _person(report.submitted_by),
        "submitted_at": now.isoformat(),
    }
    data["frozen_at"] = now.isoformat()
    return data


def _complete(statement: dict | None) -> bool:
    return bool(
        statement
        and statement.get("causes")
        and statement.get("likelihood")
        and (statement.get("action") or "").strip()
    )


def missing_statements(data: dict, language: str = "zh") -> list[str]:
    """The rows that need a statement and lack a cause, the likelihood or the explanation (names)."""
    out = []
    if data["spending"]["needs_statement"] and not _complete(data["spending"]["statement"]):
        out.append(str(_("预算执行进度")))
    for row in data["rows"]:
        if row["needs_statement"] and not _complete(row["statement"]):
            out.append(row["name"][language])
    return out


# --------------------------------------------------------------------------- the reader's view


def _lang() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "zh"


def _d(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class StatementView:
    causes: list[str]
    likelihood: str
    forecast: str
    action: str

    @property
    def cause_labels(self) -> list[str]:
        return [str(Cause(c).label) for c in self.causes if c in Cause.values]

    @property
    def causes_text(self) -> str:
        return _("、").join(self.cause_labels)

    @property
    def likelihood_label(self) -> str:
        return str(Likelihood(self.likelihood).label) if self.likelihood in Likelihood.values else ""


def _statement_view(d: dict | None) -> StatementView | None:
    if not d:
        return None
    return StatementView(
        d.get("causes") or [], d.get("likelihood", ""), d.get("forecast", ""), d.get("action", "")
    )


@dataclass
class RowView:
    key: str  # the form's key: the indicator id, "spending" for the spending row
    indicator_id: int | None
    level1: str
    level2: str
    name: str
    name_zh: str
    target: str
    actual: str
    progress: Decimal | None
    expected: Decimal | None
    status: str
    source: str
    needs_statement: bool
    statement: StatementView | None

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[Status(self.status)]

    @property
    def source_label(self) -> str:
        return str(SourceKind(self.source).label) if self.source in SourceKind.values else ""

    @property
    def complete(self) -> bool:
        st = self.statement
        return bool(st and st.causes and st.likelihood and st.action.strip())

    @property
    def forecast(self) -> str:
        """全年预计完成值: what the department forecast, else the target for a row on track."""
        if self.statement and self.statement.forecast:
            return self.statement.forecast
        return self.target if self.status in (Status.MET, Status.ON_TRACK) else ""


@dataclass
class ReportView:
    frozen: bool
    year: int
    period_start: date
    period_end: date
    as_of: date
    due_on: date
    subject: str
    authority: str
    unit: str
    department: str
    budgeted: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    elapsed: Decimal
    spending: RowView
    rows: list[RowView] = field(default_factory=list)
    people: dict = field(default_factory=dict)
    frozen_at: str = ""

    @property
    def lagging(self) -> list[RowView]:
        return [r for r in [self.spending, *self.rows] if r.needs_statement]

    @property
    def missing(self) -> list[RowView]:
        return [r for r in self.lagging if not r.complete]

    @property
    def months(self) -> str:
        """The period as the table heads it: 1-7月."""
        return f"{self.period_start.month}-{self.period_end.month}"


def view_of(data: dict) -> ReportView:
    lang = _lang()
    s = data["spending"]
    spending = RowView(
        key="spending",
        indicator_id=None,
        level1="",
        level2="",
        name=_("预算执行进度"),
        name_zh="预算执行进度",
        target=f"{s['elapsed']}%",
        actual=f"{s['rate']}%" if s["rate"] is not None else "",
        progress=_d(s["rate"]),
        expected=_d(s["elapsed"]),
        status=s["status"],
        source=SourceKind.EXECUTION,
        needs_statement=s["needs_statement"],
        statement=_statement_view(s["statement"]),
    )
    rows = [
        RowView(
            key=str(r["indicator_id"]),
            indicator_id=r["indicator_id"],
            level1=r["level1"][lang],
            level2=r["level2"][lang],
            name=r["name"][lang],
            name_zh=r["name"]["zh"],
            target=r["target"][lang],
            actual=r["actual"][lang],
            progress=_d(r["progress"]),
            expected=_d(r["expected"]),
            status=r["status"],
            source=r["source"],
            needs_statement=r["needs_statement"],
            statement=_statement_view(r["statement"]),
        )
        for r in data["rows"]
    ]
    sub = data["subject"]
    return ReportView(
        frozen="frozen_at" in data,
        year=data["year"],
        period_start=_day(data["period_start"]),
        period_end=_day(data["period_end"]),
        as_of=_day(data["as_of"]),
        due_on=_day(data["due_on"]),
        subject=sub["name"][lang],
        authority=sub["authority"],
        unit=sub["unit"][lang],
        department=sub["department"][lang],
        budgeted=_d(s["budgeted"]),
        executed=_d(s["executed"]),
        rate=_d(s["rate"]),
        elapsed=_d(s["elapsed"]),
        spending=spending,
        rows=rows,
        people=data.get("people", {}),
        frozen_at=data.get("frozen_at", ""),
    )


def report_view(report: MonitoringReport) -> ReportView:
    return view_of(report_data(report))
