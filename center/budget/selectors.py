"""Scoped reads of budgets, the data bundle behind the disclosure, snapshots and version diffs.

`approved_lines(budget)` is the entry point of the quota ledger (issue 4): see docs/budget-model.md.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.enums import Scope
from center.core.errors import ApplicationError, NotFoundError
from center.core.translated import pick

from .enums import APPROVED_STATES, BudgetState, ExpenditureKind, ProjectState
from .models import (
    Budget,
    BudgetVersion,
    EconomicCode,
    ExpenditureLine,
    FiscalYear,
    FunctionalCode,
    IncomeSource,
    ProcurementKind,
    ProjectItem,
)

ZERO = Decimal("0.00")


# --------------------------------------------------------------------------- access


def budget_list_for(user, scope):
    """Budgets a user may open. Everybody allowed in sees the unit's budgets (the budget is unit-wide);
    department scope only narrows which projects they may edit."""
    if scope is None:
        return Budget.objects.none()
    return Budget.objects.select_related("unit", "fiscal_year").order_by("-fiscal_year__year", "unit__name")


def budget_get_for(user, scope, pk: int) -> Budget:
    budget = budget_list_for(user, scope).filter(pk=pk).first()
    if budget is None:
        raise NotFoundError(_("预算不存在。"))
    return budget


def project_list_for(user, scope, budget: Budget):
    qs = budget.projects.select_related("department", "owner")
    if scope == Scope.UNIT:
        return qs
    if scope == Scope.DEPARTMENT:
        return qs.filter(Q(department_id__in=user.scoped_department_ids) | Q(owner=user))
    return qs.filter(Q(owner=user) | Q(department_id=user.department_id))


def published_budgets() -> list[Budget]:
    """Every published disclosure, newest year first (the public 信息公开 › 部门预算 list)."""
    return list(
        Budget.objects.select_related("unit", "fiscal_year")
        .filter(state=BudgetState.PUBLISHED)
        .order_by("-fiscal_year__year", "unit__name")
    )


PUBLICATION_DAYS = 20  # 部门预算 is published within 20 days of its approval (批复)


def publication_deadline(budget: Budget, today=None) -> tuple[date, int] | None:
    """(deadline, days left — negative when overdue) for an approved budget not yet published, else None."""
    if budget.state != BudgetState.APPROVED or budget.approved_on is None:
        return None
    deadline = budget.approved_on + timedelta(days=PUBLICATION_DAYS)
    return deadline, (deadline - (today or timezone.localdate())).days


def published_budget_get(pk: int) -> Budget:
    budget = (
        Budget.objects.select_related("unit", "fiscal_year")
        .filter(pk=pk, state=BudgetState.PUBLISHED)
        .first()
    )
    if budget is None:
        raise NotFoundError(_("预算不存在。"))
    return budget


# --------------------------------------------------------------------------- the quota ledger's entry point


@dataclass(frozen=True)
class ApprovedLine:
    id: int
    key: str
    year: int
    kind: str
    basic_category: str
    project_id: int | None
    project_name: str
    item_id: int | None
    item_name: str
    functional_code: str
    economic_code: str
    source_code: str
    amount: Decimal


def line_key(year, kind, basic_category, project_name, item_name, functional, economic, source) -> str:
    what = basic_category if kind == ExpenditureKind.BASIC else f"{project_name}|{item_name}"
    return f"{year}|{kind}|{what}|{functional}|{economic}|{source}"


def approved_lines(budget: Budget) -> list[ApprovedLine]:
    """The expenditure lines of an approved (二下) budget, in one query. Refuses a budget not approved."""
    if budget.state not in APPROVED_STATES:
        raise ApplicationError(_("预算尚未批复，不能据以建立指标。"), {"state": budget.state})
    year = budget.fiscal_year.year
    rows = (
        ExpenditureLine.objects.filter(budget=budget)
        .select_related("functional", "economic", "source", "project", "item")
        .order_by("kind", "sort", "id")
    )
    return [
        ApprovedLine(
            id=r.pk,
            key=line_key(
                year,
                r.kind,
                r.basic_category,
                r.project.name if r.project else "",
                r.item.name if r.item else "",
                r.functional.code,
                r.economic.code,
                r.source.code,
            ),
            year=year,
            kind=r.kind,
            basic_category=r.basic_category,
            project_id=r.project_id,
            project_name=r.project.name if r.project else "",
            item_id=r.item_id,
            item_name=r.item.name if r.item else "",
            functional_code=r.functional.code,
            economic_code=r.economic.code,
            source_code=r.source.code,
            amount=r.amount,
        )
        for r in rows
    ]


# --------------------------------------------------------------------------- totals, snapshot, diff


def budget_totals(budget: Budget) -> dict[str, Decimal]:
    agg = {r["kind"]: r["s"] for r in budget.lines.values("kind").annotate(s=Sum("amount"))}
    basic, project = agg.get("basic") or ZERO, agg.get("project") or ZERO
    income = budget.income_lines.aggregate(s=Sum("amount"))["s"] or ZERO
    return {"basic": basic, "project": project, "expenditure": basic + project, "income": income}


def budget_snapshot(budget: Budget) -> dict:
    """Everything a version must preserve, in plain JSON (amounts as strings, yuan)."""
    year = budget.fiscal_year.year
    lines = budget.lines.select_related("functional", "economic", "source", "project", "item").order_by(
        "kind", "sort", "id"
    )
    return {
        "state": budget.state,
        "lines": [
            {
                "key": line_key(
                    year,
                    r.kind,
                    r.basic_category,
                    r.project.name if r.project else "",
                    r.item.name if r.item else "",
                    r.functional.code,
                    r.economic.code,
                    r.source.code,
                ),
                "kind": r.kind,
                "category": r.basic_category,
                "project": r.project.name if r.project else "",
                "item": r.item.name if r.item else "",
                "functional": r.functional.code,
                "economic": r.economic.code,
                "source": r.source.code,
                "amount": str(r.amount),
            }
            for r in lines
        ],
        "income": [
            {"source": r.source.code, "amount": str(r.amount)}
            for r in budget.income_lines.select_related("source")
        ],
        "projects": [
            {"name": p.name, "state": p.state, "purpose": p.purpose, "department": p.department_id}
            for p in budget.projects.all()
        ],
        "indicators": [
            {"project": i.project_id, "name": i.name, "target": i.target_display, "level2": i.level2}
            for i in budget.indicators.all()
        ],
        "control_total": str(budget.control_total) if budget.control_total is not None else None,
        "approval_doc_no": budget.approval_doc_no,
    }


@dataclass
class VersionDiff:
    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)  # {"key", "before", "after", "delta", …}
    total_before: Decimal = ZERO
    total_after: Decimal = ZERO


def _line_map(snapshot: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for line in snapshot.get("lines", []):
        if line["key"] in out:  # two lines with the same identity: add them up
            prev = out[line["key"]]
            out[line["key"]] = {**prev, "amount": str(Decimal(prev["amount"]) + Decimal(line["amount"]))}
        else:
            out[line["key"]] = line
    return out


def version_diff(a: BudgetVersion, b: BudgetVersion) -> VersionDiff:
    before, after = _line_map(a.snapshot), _line_map(b.snapshot)
    d = VersionDiff()
    d.total_before = sum((Decimal(x["amount"]) for x in before.values()), ZERO)
    d.total_after = sum((Decimal(x["amount"]) for x in after.values()), ZERO)
    for key in sorted(set(before) | set(after)):
        x, y = before.get(key), after.get(key)
        if x and not y:
            d.removed.append(x)
        elif y and not x:
            d.added.append(y)
        elif Decimal(x["amount"]) != Decimal(y["amount"]):
            d.changed.append(
                {
                    **y,
                    "before": x["amount"],
                    "after": y["amount"],
                    "delta": str(Decimal(y["amount"]) - Decimal(x["amount"])),
                }
            )
    return d


# --------------------------------------------------------------------------- the data bundle


@dataclass
class BudgetData:
    """Everything the disclosure needs, loaded with a fixed number of queries."""

    budget: Budget
    lines: list
    income: dict[str, Decimal]
    sources: dict  # code -> IncomeSource
    projects: list
    items: dict  # project_id -> [ProjectItem]
    indicators: list
    procurements: list
    three_public: object
    staffing: object
    assets: object
    narrative: object
    comparison: dict[str, Decimal]
    functional_names: dict[str, str]
    economic_names: dict[str, str]
    previous: "BudgetData | None" = None
    # English catalogue names (`name_en`) by code, for pages in English; the disclosure itself is Chinese
    functional_names_en: dict[str, str] = field(default_factory=dict)
    economic_names_en: dict[str, str] = field(default_factory=dict)

    def functional_name(self, code: str) -> str:
        """The 功能分类 name of a code in the active language (the Chinese name when no English is given)."""
        return pick(None, self.functional_names.get(code, code), self.functional_names_en.get(code, ""))

    def economic_name(self, code: str) -> str:
        return pick(None, self.economic_names.get(code, code), self.economic_names_en.get(code, ""))

    @property
    def year(self) -> int:
        return self.budget.fiscal_year.year

    def total(self, kind=None) -> Decimal:
        return sum((ln.amount for ln in self.lines if kind is None or ln.kind == kind), ZERO)

    def project_amount(self, project) -> Decimal:
        return sum((ln.amount for ln in self.lines if ln.project_id == project.pk), ZERO)

    def item_amount(self, item) -> Decimal:
        return sum((ln.amount for ln in self.lines if ln.item_id == item.pk), ZERO)


def _one(budget, name):
    try:
        return getattr(budget, name)
    except Exception:  # RelatedObjectDoesNotExist
        return None


def _catalogue_names(model, fy) -> tuple[dict[str, str], dict[str, str]]:
    """({code: Chinese name}, {code: English name} for the codes that have one) of a year's catalogue, in one
    query."""
    zh, en = {}, {}
    for code, name, name_en in (
        model.objects.filter(fiscal_year=fy).order_by().values_list("code", "name", "name_en")
    ):
        zh[code] = name
        if name_en:
            en[code] = name_en
    return zh, en


def budget_data(budget: Budget, *, with_previous: bool = True) -> BudgetData:
    from .models import EconomicCode, IncomeSource

    fy = budget.fiscal_year
    lines = list(
        budget.lines.select_related("functional", "economic", "source", "project", "item").order_by(
            "kind", "sort", "id"
        )
    )
    sources = {s.code: s for s in IncomeSource.objects.filter(fiscal_year=fy)}
    code_of = {s.pk: s.code for s in sources.values()}
    income: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows = list(budget.income_lines.values_list("source_id", "amount"))  # in the sources' order
    missing = {source_id for source_id, _amount in rows if source_id not in code_of}
    if missing:  # a source of another year's catalogue (not expected): its code all the same
        code_of.update(IncomeSource.objects.filter(pk__in=missing).values_list("pk", "code"))
    for source_id, amount in rows:
        income[code_of[source_id]] += amount
    projects = list(budget.projects.select_related("department").order_by("sort", "id"))
    items: dict[int, list] = defaultdict(list)
    for it in ProjectItem.objects.filter(project__budget=budget).order_by("project", "sort", "id"):
        items[it.project_id].append(it)
    budget = Budget.objects.select_related(
        "three_public", "staffing", "assets", "narrative", "unit", "fiscal_year"
    ).get(pk=budget.pk)
    functional_names, functional_names_en = _catalogue_names(FunctionalCode, fy)
    economic_names, economic_names_en = _catalogue_names(EconomicCode, fy)
    data = BudgetData(
        budget=budget,
        lines=lines,
        income=dict(income),
        sources=sources,
        projects=projects,
        items=dict(items),
        indicators=list(budget.indicators.select_related("project").order_by("table_sort", "id")),
        procurements=list(budget.procurements.select_related("kind", "project")),
        three_public=_one(budget, "three_public"),
        staffing=_one(budget, "staffing"),
        assets=_one(budget, "assets"),
        narrative=_one(budget, "narrative"),
        comparison={
            key: amount
            for key, amount in budget.comparison_figures.order_by("key").values_list("key", "amount")
        },
        functional_names=functional_names,
        economic_names=economic_names,
        functional_names_en=functional_names_en,
        economic_names_en=economic_names_en,
    )
    if with_previous:
        data.previous = _previous_data(budget)
    return data


def _previous_data(budget: Budget) -> BudgetData | None:
    """Last year's approved budget, with only what `previous_figure` reads: its lines' kinds, projects and
    amounts, its income by source, its projects' names, its 三公 figures and its narrative (four queries)."""
    prev = (
        Budget.objects.filter(
            unit_id=budget.unit_id, fiscal_year__year=budget.fiscal_year.year - 1, state__in=APPROVED_STATES
        )
        .select_related("fiscal_year", "unit", "three_public", "narrative")
        .first()
    )
    if prev is None:
        return None
    income: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for code, amount in prev.income_lines.order_by().values_list("source__code", "amount"):
        income[code] += amount
    return BudgetData(
        budget=prev,
        lines=list(
            prev.lines.order_by("kind", "sort", "id").only("id", "budget_id", "kind", "project_id", "amount")
        ),
        income=dict(income),
        sources={},
        projects=list(prev.projects.order_by("sort", "id").only("id", "budget_id", "name")),
        items={},
        indicators=[],
        procurements=[],
        three_public=_one(prev, "three_public"),
        staffing=None,
        assets=None,
        narrative=_one(prev, "narrative"),
        comparison={},
        functional_names={},
        economic_names={},
    )


def previous_figure(data: BudgetData, key: str) -> Decimal | None:
    """A previous-year figure: from last year's approved budget when there is one, else as stated."""
    prev = data.previous
    if prev is not None:
        if key in ("income_total",):
            return sum(prev.income.values(), ZERO) if prev.income else prev.total()
        if key == "expenditure_total":
            return prev.total()
        if key == "basic_total":
            return prev.total(ExpenditureKind.BASIC)
        if key == "project_total":
            return prev.total(ExpenditureKind.PROJECT)
        if key.startswith("project:"):
            name = key.split(":", 1)[1]
            for p in prev.projects:
                if p.name == name:
                    return prev.project_amount(p)
            return None
        if key.startswith("three_public.") and prev.three_public is not None:
            return getattr(prev.three_public, key.split(".", 1)[1])
        if key == "operating_costs" and prev.narrative is not None:
            return prev.narrative.operating_costs
    return data.comparison.get(key)


# --------------------------------------------------------------------------- catalogues and projects for the services


def pending_project_names(budget: Budget) -> list[str]:
    """The names of the budget's projects that their departments have not submitted yet."""
    return list(budget.projects.filter(state=ProjectState.DRAFT).values_list("name", flat=True))


@dataclass
class Catalogue:
    """A year's catalogues in memory, for validating many rows with a fixed number of queries."""

    fiscal_year: FiscalYear
    functional: dict[str, FunctionalCode] = field(default_factory=dict)
    economic: dict[str, EconomicCode] = field(default_factory=dict)
    sources: dict[str, IncomeSource] = field(default_factory=dict)
    kinds: dict[str, ProcurementKind] = field(default_factory=dict)

    @classmethod
    def of(cls, fiscal_year: FiscalYear) -> "Catalogue":
        return cls(
            fiscal_year,
            {c.code: c for c in FunctionalCode.objects.filter(fiscal_year=fiscal_year)},
            {c.code: c for c in EconomicCode.objects.filter(fiscal_year=fiscal_year)},
            {c.code: c for c in IncomeSource.objects.filter(fiscal_year=fiscal_year)},
            {c.code: c for c in ProcurementKind.objects.filter(fiscal_year=fiscal_year)},
        )

    def functional_item(self, code) -> FunctionalCode:
        code = str(code or "").strip()
        if not code:
            raise ApplicationError(_("缺少功能分类科目编码。"), {"field": "functional"})
        entry = self.functional.get(code)
        if entry is None:
            raise ApplicationError(
                _("功能分类科目“%(c)s”不在%(y)s年目录中。") % {"c": code, "y": self.fiscal_year.year},
                {"field": "functional"},
            )
        if entry.level != 3:
            raise ApplicationError(
                _("功能分类科目“%(c)s”是%(lv)s级科目，支出行须填到项级（7位）。")
                % {"c": code, "lv": {1: "类", 2: "款"}[entry.level]},
                {"field": "functional"},
            )
        return entry

    def economic_item(self, code) -> EconomicCode:
        code = str(code or "").strip()
        if not code:
            raise ApplicationError(_("缺少经济分类科目编码。"), {"field": "economic"})
        entry = self.economic.get(code)
        if entry is None:
            raise ApplicationError(
                _("经济分类科目“%(c)s”不在%(y)s年目录中。") % {"c": code, "y": self.fiscal_year.year},
                {"field": "economic"},
            )
        if entry.level != 2:
            raise ApplicationError(
                _("经济分类科目“%(c)s”是类级科目，支出行须填到款级（5位）。") % {"c": code},
                {"field": "economic"},
            )
        return entry

    def source_leaf(self, code) -> IncomeSource:
        code = str(code or "").strip()
        if not code:
            raise ApplicationError(_("缺少资金来源。"), {"field": "source"})
        entry = self.sources.get(code)
        if entry is None:
            raise ApplicationError(_("资金来源“%(c)s”不在目录中。") % {"c": code}, {"field": "source"})
        if not entry.is_leaf:
            raise ApplicationError(
                _("资金来源“%(c)s %(n)s”是汇总项，请选择具体来源。") % {"c": code, "n": entry.name},
                {"field": "source"},
            )
        return entry

    def procurement_kind(self, code) -> ProcurementKind:
        entry = self.kinds.get(str(code or "").strip())
        if entry is None:
            raise ApplicationError(_("采购类别“%(c)s”无效。") % {"c": code}, {"field": "kind"})
        return entry
