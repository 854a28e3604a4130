"""The disclosure's inputs: staffing, assets, 三公, narrative, performance targets, income (收入预算) and
government procurement (政府采购预算)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from center.core.audit import audit_log, diff
from center.core.errors import ApplicationError, NotFoundError
from center.core.rules import require
from center.core.services import service

from ..enums import LEVEL2_OF, Comparator, IndicatorKind
from ..models import (
    AssetFigures,
    Budget,
    IncomeLine,
    IncomeSource,
    Narrative,
    PerformanceIndicator,
    ProcurementBudget,
    Project,
    Staffing,
    ThreePublicBudget,
)
from ..rules import can_edit_budget, can_edit_project
from ..selectors import Catalogue
from .common import _lock, _project_of, parse_amount, require_editable


def _validate_indicator(ind: dict) -> None:
    level1, level2 = ind.get("level1", ""), ind.get("level2", "")
    if LEVEL2_OF.get(level2) != level1:
        raise ApplicationError(_("指标层级“%(a)s / %(b)s”不在指标框架中。") % {"a": level1, "b": level2})
    if not (ind.get("name") or "").strip():
        raise ApplicationError(_("三级指标名称不能为空。"))
    kind = ind.get("kind")
    if kind not in IndicatorKind.values:
        raise ApplicationError(_("指标类型无效。"))
    if kind == IndicatorKind.QUANTITATIVE:
        if (ind.get("comparator") or "=") not in Comparator.values:
            raise ApplicationError(_("比较符无效。"))
        try:
            Decimal(str(ind.get("value")))
        except InvalidOperation:
            raise ApplicationError(_("定量指标“%(n)s”的目标值须为数字。") % {"n": ind.get("name")}) from None
    elif not (ind.get("value") or "").strip():
        raise ApplicationError(_("定性指标“%(n)s”须有目标描述。") % {"n": ind.get("name")})


def _indicator(budget, project, ind, k) -> PerformanceIndicator:
    quantitative = ind["kind"] == IndicatorKind.QUANTITATIVE
    return PerformanceIndicator(
        budget=budget,
        project=project,
        level1=ind["level1"],
        level2=ind["level2"],
        name=ind["name"].strip(),
        kind=ind["kind"],
        comparator=(ind.get("comparator") or "=") if quantitative else "",
        value=str(ind["value"]).strip(),
        measure_unit=ind.get("unit", "") if quantitative else "",
        sort=k,
        table_sort=ind.get("table_sort", k),
    )


# --------------------------------------------------------------------------- disclosure inputs, targets, procurement

DETAIL_MODELS = {
    "staffing": Staffing,
    "assets": AssetFigures,
    "three_public": ThreePublicBudget,
    "narrative": Narrative,
}
DETAIL_AMOUNTS = {
    "three_public": ("overseas", "reception", "vehicle_purchase", "vehicle_running"),
    "narrative": ("operating_costs",),
}


@service
def budget_details_save(*, actor, budget: Budget, section: str, data: dict):
    """Save one block of structured disclosure inputs (staffing, assets, 三公, narrative) of an editable budget."""
    budget = _lock(budget)
    require_editable(budget)
    require(can_edit_budget, actor, budget)
    model = DETAIL_MODELS.get(section)
    if model is None:
        raise ApplicationError(_("未知的内容。"))
    fields = {f.name for f in model._meta.get_fields()} - {"id", "budget"}
    amounts = DETAIL_AMOUNTS.get(section, ())
    values = {}
    for k, v in data.items():
        if k not in fields:
            continue
        if k in amounts:
            values[k] = parse_amount(v, label=str(model._meta.get_field(k).verbose_name))
        else:
            values[k] = v
    obj, _created = model.objects.get_or_create(budget=budget)
    before = {k: str(getattr(obj, k)) for k in values}
    for k, v in values.items():
        setattr(obj, k, v)
    obj.save()
    audit_log(
        f"budget.{section}.saved",
        actor=actor,
        target=budget,
        changes={k: [before[k], str(v)] for k, v in values.items() if before[k] != str(v)},
    )
    return obj


@service
def indicator_add(*, actor, budget: Budget, project: Project | None, data: dict) -> PerformanceIndicator:
    """Add a target (三级指标) to a project's tree or, without project, to the unit's."""
    budget = _lock(budget)
    require_editable(budget)
    if project is not None:
        if project.budget_id != budget.pk:
            raise ApplicationError(_("项目或明细不属于该预算。"))
        project = _project_of(budget, project.pk)
        require(can_edit_project, actor, project)
    else:
        require(can_edit_budget, actor, budget)
    data = {**data, "kind": data.get("kind") or IndicatorKind.QUANTITATIVE}
    _validate_indicator(data)
    last = budget.indicators.order_by("-table_sort").values_list("table_sort", flat=True).first() or 0
    ind = _indicator(
        budget, project, {**data, "table_sort": last + 1}, budget.indicators.filter(project=project).count()
    )
    ind.save()
    audit_log(
        "budget.indicator.created",
        actor=actor,
        target=budget,
        extra={"name": ind.name, "target": ind.target_display},
    )
    return ind


@service
def indicator_delete(*, actor, indicator: PerformanceIndicator) -> None:
    budget = _lock(indicator.budget)
    require_editable(budget)
    indicator = (
        PerformanceIndicator.objects.filter(pk=indicator.pk, budget=budget).select_related("project").first()
    )
    if indicator is None:
        raise NotFoundError(_("指标不存在。"))
    if indicator.project is not None:
        require(can_edit_project, actor, _project_of(budget, indicator.project_id))
    else:
        require(can_edit_budget, actor, budget)
    audit_log("budget.indicator.deleted", actor=actor, target=budget, extra={"name": indicator.name})
    indicator.delete()


@service
def income_set(*, actor, budget: Budget, amounts: dict) -> dict[str, Decimal]:
    """收入预算: the income of each source (a leaf of the year's catalogue), checked all together before
    anything is stored. An empty or zero amount removes the source's line. Returns {source code: amount}."""
    budget = _lock(budget)
    require_editable(budget)
    require(can_edit_budget, actor, budget)
    cat = Catalogue.of(budget.fiscal_year)
    clean: dict[str, tuple[IncomeSource, Decimal]] = {}
    for code, raw in amounts.items():
        source = cat.source_leaf(code)
        empty = raw is None or (isinstance(raw, str) and not raw.strip())
        clean[source.code] = (source, Decimal(0) if empty else parse_amount(raw, label=source.name))
    lines = {ln.source.code: ln for ln in budget.income_lines.select_related("source")}
    before = {code: str(ln.amount) for code, ln in lines.items()}
    for code, (source, amount) in clean.items():
        line = lines.get(code)
        if amount == 0:
            if line is not None:
                line.delete()
                lines.pop(code)
        elif line is None:
            lines[code] = IncomeLine.objects.create(budget=budget, source=source, amount=amount)
        elif line.amount != amount:
            line.amount = amount
            line.save(update_fields=["amount"])
    after = {code: str(ln.amount) for code, ln in lines.items()}
    changes = diff(before, after)
    if changes:
        audit_log("budget.income.updated", actor=actor, target=budget, changes=changes)
    return {code: ln.amount for code, ln in lines.items()}


@service
def procurement_remove(*, actor, budget: Budget, procurement_id: int) -> None:
    budget = _lock(budget)
    require_editable(budget)
    require(can_edit_budget, actor, budget)
    obj = ProcurementBudget.objects.filter(pk=procurement_id, budget=budget).select_related("kind").first()
    if obj is None:
        raise NotFoundError(_("政府采购预算不存在。"))
    audit_log(
        "budget.procurement.deleted",
        actor=actor,
        target=budget,
        extra={"kind": obj.kind.code, "amount": str(obj.amount), "description": obj.description},
    )
    obj.delete()


@service
def procurement_add(
    *,
    actor,
    budget: Budget,
    project: Project | None,
    kind: str,
    amount,
    sme_amount=0,
    small_micro_amount=0,
    description: str = "",
) -> ProcurementBudget:
    budget = _lock(budget)
    require_editable(budget)
    require(can_edit_budget, actor, budget)
    cat = Catalogue.of(budget.fiscal_year)
    amount = parse_amount(amount)
    sme = parse_amount(sme_amount or 0, label=_("面向中小企业金额"))
    small = parse_amount(small_micro_amount or 0, label=_("面向小型、微型企业金额"))
    if sme > amount or small > sme:
        raise ApplicationError(_("面向中小企业、小微企业的份额不能超过采购金额。"))
    obj = ProcurementBudget.objects.create(
        budget=budget,
        project=project,
        kind=cat.procurement_kind(kind),
        amount=amount,
        sme_amount=sme,
        small_micro_amount=small,
        description=description[:200],
    )
    audit_log(
        "budget.procurement.created", actor=actor, target=budget, extra={"amount": str(amount), "kind": kind}
    )
    return obj
