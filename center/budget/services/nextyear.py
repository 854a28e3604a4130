"""Prepare next year's budget from this one ("由2022年预算准备2023年"): everything carried over — income and
lines (amounts optionally scaled by a percentage), projects with their items, texts and targets, the unit's
targets, procurement, 三公, staffing, assets and the narrative inputs — and every project handed back to its
编报部门 as a draft for the department step."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError
from center.core.rules import require
from center.core.services import service

from ..enums import ProjectState, VersionStep
from ..models import Budget, FiscalYear
from ..rules import can_manage_budgets
from ..selectors import budget_data
from .catalogues import catalogue_copy_year
from .lifecycle import budget_create
from .loading import _indicator_payload, budget_load

CENT = Decimal("0.01")
MAX_GAP = 10  # years between the source budget and the one prepared from it
# Texts that speak of the year itself move with it (三公 explanations: "各单位2022年因公出国（境）经费…").
YEAR_TEXTS = (
    "overseas_note",
    "reception_purpose",
    "vehicle_note",
    "vehicle_purchase_note",
    "vehicle_running_note",
)


def parse_scale(value) -> Decimal:
    """A percentage of change (−50 … 100, up to 2 decimals; empty = 0)."""
    text = str(value if value is not None else "").strip().rstrip("%")
    if not text:
        return Decimal(0)
    try:
        pct = Decimal(text)
    except InvalidOperation:
        raise ApplicationError(_("调整比例“%(v)s”不是数字。") % {"v": value}, {"field": "scale"}) from None
    if not pct.is_finite() or not Decimal(-50) <= pct <= Decimal(100) or pct != pct.quantize(CENT):
        raise ApplicationError(_("调整比例须在 -50% 至 100% 之间，最多两位小数。"), {"field": "scale"})
    return pct


def parse_target_year(source_year: int, value) -> int:
    """The year to prepare: after the source's, at most MAX_GAP years later (empty = the next year). A unit
    whose latest closed year is a few years back (the demo: 2022 → today's year) prepares from it directly."""
    if value in (None, ""):
        return source_year + 1
    try:
        year = int(str(value).strip())
    except ValueError:
        raise ApplicationError(_("年度“%(v)s”不是数字。") % {"v": value}, {"field": "year"}) from None
    if not source_year < year <= source_year + MAX_GAP:
        raise ApplicationError(
            _("只能由%(y)s年预算准备其后 %(n)d 年内（%(a)s—%(b)s年）的预算。")
            % {"y": source_year, "n": MAX_GAP, "a": source_year + 1, "b": source_year + MAX_GAP},
            {"field": "year"},
        )
    return year


@service
def budget_prepare_next(*, actor, source: Budget, scale="", year=None) -> Budget:
    """Create the unit's budget of `year` (default: the year after `source`) with everything carried over
    from `source` (see module doc). The year's catalogue is copied from the source year's when it does not
    exist yet."""
    require(can_manage_budgets, actor)
    pct = parse_scale(scale)
    source_year = source.fiscal_year.year
    year = parse_target_year(source_year, year)
    if not FiscalYear.objects.filter(year=year).exists():
        catalogue_copy_year(actor=actor, from_year=source_year, to_year=year)
    target = budget_create(actor=actor, unit=source.unit, year=year)
    payload = next_year_payload(budget_data(source, with_previous=False), pct, to_year=year)
    budget_load(
        actor=actor,
        budget=target,
        payload=payload,
        step=VersionStep.IMPORT,
        note=_("由%(y)s年预算准备") % {"y": source_year} + (f"（{pct:+}%）" if pct else ""),
    )
    audit_log(
        "budget.budget.prepare_next",
        actor=actor,
        target=target,
        extra={
            "from": source.pk,
            "from_year": source_year,
            "year": year,
            "scale": str(pct),
            "projects": len(payload["projects"]),
        },
    )
    return target


def _scaled(amount: Decimal, factor: Decimal) -> Decimal:
    return (amount * factor).quantize(CENT, rounding=ROUND_HALF_UP)


def next_year_payload(data, pct: Decimal, to_year: int | None = None) -> dict:
    """The `budget_load` payload of next year (or of `to_year`): the source's content with amounts ×
    (1 + pct/100). Income is scaled with the lines and the difference (rounding, or an imbalance of the
    source) put on its largest source, so the prepared budget's income equals its expenditure."""
    factor = 1 + pct / 100
    year, nxt = data.year, to_year or data.year + 1

    def line(ln) -> dict:
        return {
            "functional": ln.functional.code,
            "economic": ln.economic.code,
            "source": ln.source.code,
            "amount": str(_scaled(ln.amount, factor)),
            "note": ln.note,
        }

    basic = [{**line(ln), "category": ln.basic_category} for ln in data.lines if ln.kind == "basic"]
    projects = []
    for p in sorted(data.projects, key=lambda p: p.pk):  # created in the same order: the text lists them so
        items = []
        for it in data.items.get(p.pk, []):
            items.append(
                {
                    "name": it.name,
                    "purpose": it.purpose,
                    "lines": [line(ln) for ln in data.lines if ln.item_id == it.pk],
                }
            )
        loose = [line(ln) for ln in data.lines if ln.project_id == p.pk and ln.item_id is None]
        if loose:
            items.append({"name": "", "purpose": "", "lines": loose})
        projects.append(
            {
                "name": p.name,
                "department": p.department.code if p.department else "",
                "state": ProjectState.DRAFT,  # back to its 编报部门 for the department step
                "sort": p.sort,
                "task_sort": p.task_sort,
                "purpose": p.purpose,
                "performance_summary": p.performance_summary,
                "overall_goal": p.overall_goal,
                "previous_year_amount": str(data.project_amount(p)),
                "change_reason": "",  # this year's reason is the department's to write
                "government_investment": p.government_investment,
                "key_project": p.key_project,
                "items": items,
                "indicators": [_indicator_payload(i) for i in data.indicators if i.project_id == p.pk],
            }
        )
    expenditure = sum((Decimal(x["amount"]) for x in basic), Decimal(0)) + sum(
        (Decimal(ln["amount"]) for p in projects for it in p["items"] for ln in it["lines"]), Decimal(0)
    )
    income = {code: _scaled(amount, factor) for code, amount in data.income.items()}
    if income:  # the prepared budget balances: the difference goes to the largest source
        top = max(income, key=lambda c: income[c])
        income[top] += expenditure - sum(income.values(), Decimal(0))
    tp = data.three_public
    three_public = {}
    if tp:
        three_public = {
            f: str(_scaled(getattr(tp, f), factor))
            for f in ("overseas", "reception", "vehicle_purchase", "vehicle_running")
        }
        three_public["vehicles_held"] = tp.vehicles_held
        three_public["table_note"] = tp.table_note
        for f in YEAR_TEXTS:
            three_public[f] = (
                getattr(tp, f).replace(f"{year}年", f"{nxt}年").replace(f"{year} 年", f"{nxt} 年")
            )
    staffing = _fields(data.staffing)
    assets = _fields(data.assets)
    if assets.get("as_of", "")[:4].isdigit():  # "截至2021年10月" → "截至2022年10月"
        assets["as_of"] = str(int(assets["as_of"][:4]) + nxt - year) + assets["as_of"][4:]
    narrative = _fields(data.narrative)
    if narrative:
        narrative["change_reasons"] = []  # why 2023 differs from 2022 is to be written for 2023
        narrative["operating_costs"] = str(_scaled(data.narrative.operating_costs, factor))
    return {
        "income": [{"source": c, "amount": str(a)} for c, a in sorted(income.items())],
        "basic_lines": basic,
        "projects": projects,
        "unit_indicators": [_indicator_payload(i) for i in data.indicators if i.project_id is None],
        "procurement": [
            {
                "project": pr.project.name if pr.project else None,
                "kind": pr.kind.code,
                "description": pr.description,
                "amount": str(_scaled(pr.amount, factor)),
                "sme_amount": str(_scaled(pr.sme_amount, factor)),
                "small_micro_amount": str(_scaled(pr.small_micro_amount, factor)),
            }
            for pr in data.procurements
        ],
        "three_public": three_public,
        "staffing": staffing,
        "assets": assets,
        "narrative": narrative,
    }


def _fields(obj) -> dict:
    if obj is None:
        return {}
    skip = {"id", "budget"}
    return {
        f.name: getattr(obj, f.name)
        for f in obj._meta.concrete_fields
        if f.name not in skip and not f.name.endswith("_id")
    }
