"""Live progress of performance indicators: actual vs target with a traffic light, computed from the data
each time it is asked for (nothing stored, so never stale). The public face of this area's computation:

    unit_progress(budget, as_of=None) -> list[IndicatorProgress]      # every indicator of the budget (表11)
    project_progress(project, as_of=None) -> list[IndicatorProgress]  # one project's indicators
    execution_figures(budget, project=None, as_of=None) -> Execution  # 预算执行率 from the quota ledger
    summarise(rows) -> dict[status, count]

`as_of` (a date, default today) is the day the progress is measured on: only what happened on or before it
counts (events held, calls published, records accepted, values entered as of that day; executions posted in
accounting periods up to its month when it lies inside the budget year). A fixed number of queries whatever
the number of indicators (about ten), so a unit-year recomputes well under a second (bench/performance_recompute.py).

The traffic light (STATUS_RULE, shown on the pages):
- a target met (by its comparator) is 已达成 (green);
- quantities that accumulate (counts, manual numbers, the execution rate) are compared with the time elapsed
  towards the indicator's deadline (31 December unless declared): progress = actual ÷ target (target ÷ actual
  for a reverse indicator, "≤"), expected = share of the period elapsed. Behind by at most 10 percentage
  points: 正常 (green); by 10–25: 滞后 (amber); by more: 严重滞后 (red). Levels (satisfaction) expect the full
  target at any time;
- once the deadline (or the year) has passed, a target not met is 严重滞后;
- qualitative ratings: 达成 green, 部分达成 amber, 未达成 red; 及时性 follows its quantity indicator:
  met by the deadline 达成, met after it 部分达成, not met when the deadline has passed 未达成;
- no value yet, or no declared source: 暂无数据 (grey).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from center.budget.models import PerformanceIndicator

from .enums import (
    SOURCE_DEFINITIONS,
    STATUS_COLOURS,
    Rating,
    RecordState,
    SourceKind,
    Status,
)
from .models import IndicatorBinding, ManualValue, Record

ON_TRACK_GAP = Decimal(10)  # percentage points behind the time-elapsed line still 正常
LAGGING_GAP = Decimal(25)  # … still 滞后; further behind: 严重滞后
STATUS_RULE = gettext_lazy(
    "已达成：实际值已达到目标。累计类指标（场次、批次、次数、填报数值、预算执行率）按完成期限（未声明则为 12 月 31 日）"
    "比较序时进度：进度 = 实际值 ÷ 目标值（反向指标为目标值 ÷ 实际值），落后序时进度不超过 10 个百分点为正常，"
    "10–25 个百分点为滞后，超过 25 个百分点为严重滞后；满意度等水平类指标随时以目标值衡量。期限或年度已过仍未达成的为"
    "严重滞后。定性指标：达成为正常，部分达成为滞后，未达成为严重滞后；及时性按所依据数量指标是否在期限前达成判定。"
    "尚无数据或未声明数据来源的为暂无数据。"
)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass
class Evidence:
    label: str
    on: date | None = None
    kind: str = ""  # "event", "call", "round", "record", "value"
    ref: int | None = None


@dataclass
class IndicatorProgress:
    indicator: PerformanceIndicator
    binding: IndicatorBinding | None
    source: str  # a SourceKind value, "" when the indicator has no declared source
    definition: str
    target: Decimal | None  # the number in the target value (None for a phrase such as 及时)
    target_display: str
    reverse: bool  # "≤" / "<": lower is better
    deadline: date
    actual: Decimal | None = None
    actual_display: str = ""
    rating: str = ""  # qualitative: a Rating value
    progress: Decimal | None = None  # % of the target reached
    expected: Decimal | None = None  # % the time elapsed asks for
    status: str = Status.NO_DATA
    met_on: date | None = None  # the day a cumulative target was reached
    evidence: list[Evidence] = field(default_factory=list)
    latest_value: ManualValue | None = None

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def source_label(self) -> str:
        return str(SourceKind(self.source).label) if self.source else _("未声明数据来源")

    @property
    def met(self) -> bool:
        return self.status == Status.MET

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[Status(self.status)]

    @property
    def bar(self) -> int:
        """The progress bar's width (0–100)."""
        return int(min(self.progress or 0, HUNDRED))


@dataclass
class Execution:
    budgeted: Decimal
    executed: Decimal

    @property
    def rate(self) -> Decimal | None:
        if not self.budgeted:
            return None
        return (self.executed / self.budgeted * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def target_number(value: str) -> Decimal | None:
    m = re.search(r"\d+(?:\.\d+)?", value or "")
    if not m:
        return None
    try:
        return Decimal(m.group())
    except InvalidOperation:
        return None


def is_met(actual: Decimal | None, comparator: str, target: Decimal | None) -> bool:
    if actual is None or target is None:
        return False
    return {
        "=": actual >= target,  # "3 场": reaching the number is meeting it
        ">=": actual >= target,
        ">": actual > target,
        "<=": actual <= target,
        "<": actual < target,
    }.get(comparator or "=", actual >= target)


def elapsed_pct(start: date, deadline: date, as_of: date) -> Decimal:
    """The share (%) of [start, deadline] elapsed on `as_of` (inclusive days)."""
    if as_of < start:
        return Decimal(0)
    if as_of >= deadline:
        return HUNDRED
    return (Decimal((as_of - start).days + 1) / Decimal((deadline - start).days + 1) * HUNDRED).quantize(CENT)


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = value.quantize(CENT)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def target_text(indicator) -> str:
    """The target as the reader reads it: 及时 / 有效保障 in their language (budget's 表11 words)."""
    if indicator.kind == "qualitative":
        from center.budget.tables import QUALITATIVE_TARGETS

        word = QUALITATIVE_TARGETS.get((indicator.value or "").strip())
        return str(word) if word else indicator.value
    return indicator.target_display


def display_value(value: Decimal | None, indicator) -> str:
    return _display(value, indicator)


def _display(value: Decimal | None, indicator) -> str:
    if value is None:
        return ""
    if indicator.measure_unit == "%":
        return f"{_fmt(value)}%"
    return f"{_fmt(value)} {indicator.display_measure_unit()}".strip()


def through_month(year: int, as_of: date) -> int | None:
    """Which accounting periods (months posted, control's `LedgerEntry.period`) of `year` count on `as_of`:
    all that is posted (None) when `as_of` is today or later or the year's last day or later; none before
    the year; within it, the periods up to its month."""
    if as_of >= timezone.localdate() or as_of >= date(year, 12, 31):
        return None
    return 0 if as_of.year < year else as_of.month


# --------------------------------------------------------------------------- the data, loaded in bulk


class _Data:
    """Everything the sources read for one budget and one day: a fixed number of queries."""

    def __init__(self, budget, as_of: date):
        from center.control.selectors import execution_by_project
        from center.events.faces import held_events
        from center.experts.faces import published_calls
        from center.reviews.faces import organised_rounds

        year = budget.fiscal_year.year
        self.year = year
        self.as_of = as_of
        self.events = [e for e in held_events(year) if e.held_on <= as_of]
        self.calls = [c for c in published_calls(year) if c.published_on is None or c.published_on <= as_of]
        self.rounds = [r for r in organised_rounds(year) if r[2] <= as_of]
        self.execution = execution_by_project(budget.pk, through_month(year, as_of))
        self.values: dict[int, list[ManualValue]] = defaultdict(list)
        for v in (
            ManualValue.objects.filter(binding__indicator__budget=budget, as_of__lte=as_of)
            .only("pk", "binding_id", "value", "rating", "as_of", "note")
            .order_by("as_of", "id")
        ):
            self.values[v.binding_id].append(v)
        self.records: dict[int, list[Record]] = defaultdict(list)
        for r in (
            Record.objects.filter(
                binding__indicator__budget=budget, state=RecordState.ACCEPTED, accepted_on__lte=as_of
            )
            .only("pk", "binding_id", "title", "accepted_on")
            .order_by("accepted_on", "id")
        ):
            self.records[r.binding_id].append(r)
        # events by project and by indicator, so each indicator reads only its own
        self.events_by_project: dict[int | None, list] = defaultdict(list)
        self.events_by_indicator: dict[int, list] = defaultdict(list)
        for e in self.events:
            self.events_by_project[e.project_id].append(e)
            for pk in e.indicator_ids:
                self.events_by_indicator[pk].append(e)


def _indicators(budget):
    return list(
        PerformanceIndicator.objects.filter(budget=budget)
        .select_related("project", "binding")
        .order_by("table_sort", "id")
    )


def _binding(ind) -> IndicatorBinding | None:
    try:
        return ind.binding
    except IndicatorBinding.DoesNotExist:
        return None


# --------------------------------------------------------------------------- the sources


def _count(row: IndicatorProgress, dated: list[Evidence]) -> None:
    dated = sorted(dated, key=lambda e: e.on or date.min)
    row.actual = Decimal(len(dated))
    row.evidence = dated
    if row.target is not None and not row.reverse and len(dated) >= row.target and row.target > 0:
        row.met_on = dated[int(row.target) - 1].on


def _candidates(data: _Data, ind) -> list:
    """The events an indicator may count: those linked to it, and those under its project's budget items
    (every event for a unit-wide indicator), in date order, each once."""
    pool = data.events if ind.project_id is None else data.events_by_project.get(ind.project_id, [])
    linked = data.events_by_indicator.get(ind.pk, [])
    if not linked:
        return pool
    seen = {e.id for e in pool}
    return sorted([*pool, *(e for e in linked if e.id not in seen)], key=lambda e: (e.held_on, e.id))


def _events(row, data: _Data, ind, b) -> None:
    types = set(b.event_types or [])
    picked = [e for e in _candidates(data, ind) if ind.pk in e.indicator_ids or e.type_code in types]
    _count(row, [Evidence(e.title, e.held_on, "event", e.id) for e in picked])


def _satisfaction(row, data: _Data, ind, b) -> None:
    num, den = Decimal(0), 0
    for e in _candidates(data, ind):
        if e.satisfaction_rate is not None and e.satisfaction_basis:
            num += e.satisfaction_rate * e.satisfaction_basis
            den += e.satisfaction_basis
            row.evidence.append(
                Evidence(
                    f"{e.title}（{_fmt(e.satisfaction_rate)}%，n={e.satisfaction_basis}）",
                    e.held_on,
                    "event",
                    e.id,
                )
            )
    row.actual = (num / den).quantize(CENT, rounding=ROUND_HALF_UP) if den else None


def _execution(row, data: _Data, ind, b) -> None:
    key = "unit" if ind.project_id is None else ind.project_id
    budgeted, executed = data.execution.get(key, (Decimal(0), Decimal(0)))
    ex = Execution(budgeted, executed)
    row.actual = ex.rate
    if ex.rate is not None:
        row.evidence.append(
            Evidence(
                _("执行 %(e)s 元 ÷ 调整后预算 %(b)s 元") % {"e": f"{executed:,.2f}", "b": f"{budgeted:,.2f}"},
                kind="ledger",
            )
        )


def _records(row, data: _Data, ind, b) -> None:
    _count(row, [Evidence(r.title, r.accepted_on, "record", r.pk) for r in data.records.get(b.pk, [])])


def _calls(row, data: _Data, ind, b) -> None:
    _count(row, [Evidence(c.title, c.published_on, "call", c.id) for c in data.calls])


def _rounds(row, data: _Data, ind, b) -> None:
    _count(row, [Evidence(title, on, "round", pk) for pk, title, on in data.rounds])


def _manual(row, data: _Data, ind, b) -> None:
    values = data.values.get(b.pk, [])
    if not values:
        return
    latest = values[-1]
    row.latest_value = latest
    row.evidence = [Evidence(latest.note, latest.as_of, "value", latest.pk)]
    if b.source == SourceKind.RATING:
        row.rating = latest.rating
        return
    row.actual = latest.value
    if row.target is not None and not row.reverse:
        first = next((v for v in values if v.value is not None and v.value >= row.target), None)
        row.met_on = first.as_of if first else None


SOURCES = {
    SourceKind.EVENTS: _events,
    SourceKind.SATISFACTION: _satisfaction,
    SourceKind.CALLS: _calls,
    SourceKind.REVIEWS: _rounds,
    SourceKind.EXECUTION: _execution,
    SourceKind.MAINTENANCE: _records,
    SourceKind.MILESTONES: _records,
    SourceKind.PROCUREMENT: _manual,
    SourceKind.MANUAL: _manual,
    SourceKind.RATING: _manual,
}


# --------------------------------------------------------------------------- status


def _cumulative_status(row: IndicatorProgress, as_of: date, start: date) -> None:
    if row.actual is None or row.target is None:
        row.status = Status.NO_DATA
        return
    if row.reverse:
        row.progress = HUNDRED if not row.actual else (row.target / row.actual * HUNDRED).quantize(CENT)
    else:
        row.progress = (row.actual / row.target * HUNDRED).quantize(CENT) if row.target else HUNDRED
    if is_met(row.actual, row.indicator.comparator, row.target):
        row.status = Status.MET
        return
    level = row.source == SourceKind.SATISFACTION
    row.expected = HUNDRED if level else elapsed_pct(start, row.deadline, as_of)
    if as_of >= row.deadline:
        row.status = Status.OFF_TRACK
        return
    gap = row.expected - row.progress
    row.status = (
        Status.ON_TRACK if gap <= ON_TRACK_GAP else Status.LAGGING if gap <= LAGGING_GAP else Status.OFF_TRACK
    )


_RATING_STATUS = {Rating.ACHIEVED: Status.MET, Rating.PARTLY: Status.LAGGING, Rating.NOT: Status.OFF_TRACK}


def _derived(row: IndicatorProgress, base: IndicatorProgress | None, as_of: date, start: date) -> None:
    if base is None or base.status == Status.NO_DATA:
        row.status = Status.NO_DATA
        return
    row.evidence = [
        Evidence(
            _("依据：%(n)s") % {"n": base.indicator.display_name()}, kind="indicator", ref=base.indicator.pk
        )
    ]
    if row.source == SourceKind.COMPLETION:
        if base.actual is None or not base.target:
            row.status = Status.NO_DATA
            return
        row.actual = min(base.actual / base.target * HUNDRED, HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        row.deadline = base.deadline
        _cumulative_status(row, as_of, start)
        return
    # timeliness: met by the deadline → achieved; met later → partly; deadline passed, not met → not
    deadline = base.deadline
    row.deadline = deadline
    if base.met_on is not None or base.status == Status.MET:
        on = base.met_on
        row.rating = Rating.ACHIEVED if on is None or on <= deadline else Rating.PARTLY
        row.evidence.append(
            Evidence(_("目标达成日期 %(d)s，期限 %(l)s") % {"d": on or "—", "l": deadline}, on, "indicator")
        )
    elif as_of > deadline:
        row.rating = Rating.NOT
    if row.rating:
        row.status = _RATING_STATUS[Rating(row.rating)]
    else:
        row.status = base.status if base.status != Status.MET else Status.ON_TRACK


def _compute(budget, indicators, as_of: date) -> list[IndicatorProgress]:
    data = _Data(budget, as_of)
    start = date(data.year, 1, 1)
    year_end = date(data.year, 12, 31)
    rows: dict[int, IndicatorProgress] = {}
    derived = []
    for ind in indicators:
        b = _binding(ind)
        source = b.source if b else ""
        row = IndicatorProgress(
            indicator=ind,
            binding=b,
            source=source,
            definition=str(SOURCE_DEFINITIONS.get(source, "")),
            target=target_number(ind.value) if ind.kind == "quantitative" else None,
            target_display=target_text(ind),
            reverse=ind.comparator in ("<=", "<"),
            deadline=(b.deadline if b and b.deadline else year_end),
        )
        rows[ind.pk] = row
        if b is None:
            continue
        if source in (SourceKind.COMPLETION, SourceKind.TIMELINESS):
            derived.append(row)
            continue
        SOURCES[source](row, data, ind, b)
        if source == SourceKind.RATING:
            row.status = _RATING_STATUS.get(row.rating, Status.NO_DATA) if row.rating else Status.NO_DATA
        else:
            _cumulative_status(row, as_of, start)
    for row in derived:
        base_id = row.binding.base_id
        base = rows.get(base_id) if base_id else None
        _derived(row, base, as_of, start)
    for row in rows.values():
        row.actual_display = (
            str(Rating(row.rating).label)
            if row.rating and row.actual is None
            else _display(row.actual, row.indicator)
        )
    return [rows[ind.pk] for ind in indicators]


def _today(as_of: date | None) -> date:
    return as_of or timezone.localdate()


def unit_progress(budget, as_of: date | None = None) -> list[IndicatorProgress]:
    """Every indicator of `budget` (表11 order): actual vs target and status on `as_of` (default today)."""
    return _compute(budget, _indicators(budget), _today(as_of))


def project_progress(project, as_of: date | None = None) -> list[IndicatorProgress]:
    """The indicators of one budget project (a derived indicator's base may be computed alongside)."""
    rows = unit_progress(project.budget, as_of)
    return [r for r in rows if r.indicator.project_id == project.pk]


def execution_figures(budget, project=None, as_of: date | None = None) -> Execution:
    """预算执行率 of a project (or of the unit): executed ÷ adjusted budget, from the quota ledger."""
    from center.control.selectors import execution_by_project

    as_of = _today(as_of)
    figures = execution_by_project(budget.pk, through_month(budget.fiscal_year.year, as_of))
    b, e = figures.get("unit" if project is None else project.pk, (Decimal(0), Decimal(0)))
    return Execution(b, e)


def summarise(rows: list[IndicatorProgress]) -> dict[str, int]:
    out = dict.fromkeys(Status.values, 0)
    for r in rows:
        out[r.status] += 1
    return out
