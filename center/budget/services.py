"""Every write to catalogues and budgets. Each is a `@service` (one unit of work: center.core.services), locks
the budget through `center.core.locks` before reading what it changes, checks the starting state and audits.

Side effects and invariants:
- amounts are Decimal yuan, ≥ 0, at most 2 decimals; codes must exist in the budget's year at the right level;
- a budget outside EDITABLE_STATES is locked: every content write raises ApplicationError("预算已锁定…");
- every workflow step writes an audit entry `budget.budget.<verb>` and an immutable BudgetVersion snapshot;
- `budget_load` validates the whole payload first and writes nothing when any part is bad (errors listed in
  `extra["errors"]` as {"where", "field", "message"}).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.core.audit import audit_log, diff
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.rules import require
from center.core.services import service

from .enums import (
    BASIC_CATEGORY_CLASS,
    BUDGET,
    EDITABLE_STATES,
    LEVEL2_OF,
    PROJECT,
    VERB_STEP,
    BasicCategory,
    Comparator,
    ExpenditureKind,
    IndicatorKind,
    ProjectState,
    VersionStep,
)
from .models import (
    AssetFigures,
    Budget,
    BudgetVersion,
    ComparisonFigure,
    EconomicCode,
    ExpenditureLine,
    FiscalYear,
    FunctionalCode,
    IncomeLine,
    IncomeSource,
    Narrative,
    PerformanceIndicator,
    ProcurementBudget,
    ProcurementKind,
    Project,
    ProjectItem,
    PublishedDisclosure,
    Staffing,
    ThreePublicBudget,
)
from .rules import (
    VERB_RULES,
    can_create_project,
    can_edit_budget,
    can_edit_catalogue,
    can_edit_line,
    can_edit_project,
    can_import,
    can_manage_budgets,
    can_run_check,
    can_submit_project,
)

MAX_AMOUNT = Decimal("99999999999999.99")


# --------------------------------------------------------------------------- validation helpers


def parse_amount(value, *, label: str = "金额") -> Decimal:
    """A yuan amount from user input: a number ≥ 0 with at most 2 decimals, else ApplicationError."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ApplicationError(_("%(label)s不能为空。") % {"label": label})
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("%(label)s“%(v)s”不是数字。") % {"label": label, "v": value}) from None
    if not amount.is_finite():
        raise ApplicationError(_("%(label)s“%(v)s”不是数字。") % {"label": label, "v": value})
    if amount < 0:
        raise ApplicationError(_("%(label)s不能为负数：%(v)s。") % {"label": label, "v": value})
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(_("%(label)s最多保留两位小数：%(v)s。") % {"label": label, "v": value})
    if amount > MAX_AMOUNT:
        raise ApplicationError(_("%(label)s超出范围：%(v)s。") % {"label": label, "v": value})
    return amount.quantize(Decimal("0.01"))


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


def require_editable(budget: Budget) -> None:
    if budget.state not in EDITABLE_STATES:
        raise ApplicationError(
            _("预算已锁定（%(s)s），不能修改；批复后的变动请走预算调整。")
            % {"s": budget.get_state_display()},
            {"state": budget.state},
        )


def _lock(budget: Budget) -> Budget:
    """Re-read the budget under a row lock: every write to a budget or its content (lines, projects, items,
    indicators, inputs) takes this lock first, so concurrent writes to one budget serialise."""
    locked = lock_one(Budget.objects.filter(pk=budget.pk).select_related("fiscal_year", "unit"))
    if locked is None:
        raise NotFoundError(_("预算不存在。"))
    return locked


def _lock_year(fiscal_year_id: int) -> FiscalYear:
    """Lock a year's catalogue (before any budget: FiscalYear ranks MASTER)."""
    locked = lock_one(FiscalYear.objects.filter(pk=fiscal_year_id))
    if locked is None:
        raise NotFoundError(_("目录不存在。"))
    return locked


# --------------------------------------------------------------------------- catalogues


def _level_functional(code: str) -> int:
    return {3: 1, 5: 2, 7: 3}.get(len(code), 0)


def _level_economic(code: str) -> int:
    return {3: 1, 5: 2}.get(len(code), 0)


@service
def catalogue_load(*, actor, data: dict) -> FiscalYear:
    """Create a year's catalogues from a dict shaped like data/catalogue_2022.json (idempotent by code)."""
    year = int(data["year"])
    fy, _created = FiscalYear.objects.get_or_create(year=year)
    _load_coded(FunctionalCode, fy, data.get("functional", []), _level_functional, 7)
    _load_coded(EconomicCode, fy, data.get("economic", []), _level_economic, 5)
    parents = {s.get("parent") for s in data.get("income_sources", [])}
    by_code = {}
    for i, s in enumerate(data.get("income_sources", [])):
        obj, _c = IncomeSource.objects.update_or_create(
            fiscal_year=fy,
            code=s["code"],
            defaults={
                "name": s["name"],
                "level": s["code"].count(".") + (2 if s.get("parent") == "gov" else 1),
                "parent": by_code.get(s.get("parent")),
                "is_leaf": s["code"] not in parents,
                "in_current_year_income": s.get("in_current_year_income", True),
                "sort": i,
            },
        )
        by_code[s["code"]] = obj
    for i, k in enumerate(data.get("procurement_kinds", [])):
        ProcurementKind.objects.update_or_create(
            fiscal_year=fy, code=k["code"], defaults={"name": k["name"], "level": 1, "sort": i}
        )
    audit_log("budget.catalogue.loaded", actor=actor, target=fy, extra={"year": year})
    return fy


def _load_coded(model, fy, entries, level_of, max_len):
    existing = {c.code: c for c in model.objects.filter(fiscal_year=fy)}
    if not existing:  # a new year: insert level by level in bulk (parents first)
        for level in (1, 2, 3):
            batch = []
            for e in entries:
                code = e["code"]
                if level_of(code) != level:
                    continue
                if not code.isdigit():
                    raise ApplicationError(_("科目编码“%(c)s”格式错误。") % {"c": code})
                parent = existing.get(code[: 3 if level == 2 else 5]) if level > 1 else None
                if level > 1 and parent is None:
                    raise ApplicationError(_("科目“%(c)s”缺少上级科目。") % {"c": code})
                batch.append(model(fiscal_year=fy, code=code, name=e["name"], level=level, parent=parent))
            for obj in model.objects.bulk_create(batch):
                existing[obj.code] = obj
        if len(existing) != len(entries):
            raise ApplicationError(_("目录中有格式错误的科目编码。"))
        return
    for e in sorted(entries, key=lambda e: e["code"]):
        code = e["code"]
        level = level_of(code)
        if not code.isdigit() or not level:
            raise ApplicationError(_("科目编码“%(c)s”格式错误。") % {"c": code})
        parent_code = {1: None, 2: code[:3], 3: code[:5]}[level]
        parent = existing.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            raise ApplicationError(_("科目“%(c)s”缺少上级科目“%(p)s”。") % {"c": code, "p": parent_code})
        obj = existing.get(code)
        if obj is None:
            obj = model.objects.create(fiscal_year=fy, code=code, name=e["name"], level=level, parent=parent)
            existing[code] = obj
        elif obj.name != e["name"]:
            obj.name = e["name"]
            obj.save(update_fields=["name"])


@service
def catalogue_copy_year(*, actor, from_year: int, to_year: int) -> FiscalYear:
    """Start a new year's catalogue as a copy of an earlier one; finance then edits the differences."""
    require(can_manage_budgets, actor)
    source = FiscalYear.objects.filter(year=from_year).first()
    if source is None:
        raise ApplicationError(_("%(y)s年目录不存在。") % {"y": from_year})
    if FiscalYear.objects.filter(year=to_year).exists():
        raise ConflictError(_("%(y)s年目录已存在。") % {"y": to_year})
    fy = FiscalYear.objects.create(year=to_year, copied_from=source)
    for model in (FunctionalCode, EconomicCode):
        mapping = {}
        for old in model.objects.filter(fiscal_year=source).order_by("level", "code"):
            mapping[old.pk] = model.objects.create(
                fiscal_year=fy,
                code=old.code,
                name=old.name,
                level=old.level,
                sort=old.sort,
                parent=mapping.get(old.parent_id),
            )
    mapping = {}
    for old in IncomeSource.objects.filter(fiscal_year=source).order_by("sort"):
        mapping[old.pk] = IncomeSource.objects.create(
            fiscal_year=fy,
            code=old.code,
            name=old.name,
            level=old.level,
            sort=old.sort,
            is_leaf=old.is_leaf,
            in_current_year_income=old.in_current_year_income,
            parent=mapping.get(old.parent_id),
        )
    for old in ProcurementKind.objects.filter(fiscal_year=source):
        ProcurementKind.objects.create(fiscal_year=fy, code=old.code, name=old.name, level=1, sort=old.sort)
    audit_log("budget.catalogue.copied", actor=actor, target=fy, extra={"from": from_year, "to": to_year})
    return fy


@service
def catalogue_entry_save(*, actor, year: int, kind: str, code: str, name: str) -> object:
    """Add a code to a year's functional/economic catalogue or rename it (finance; not for a locked year)."""
    require(can_manage_budgets, actor)
    fy = lock_one(FiscalYear.objects.filter(year=year))  # serialises with the approval that locks the year
    if fy is None:
        raise ApplicationError(_("%(y)s年目录不存在。") % {"y": year})
    if fy.catalogue_locked:
        raise ApplicationError(_("%(y)s年目录已被批复的预算使用，已锁定。") % {"y": year})
    require(can_edit_catalogue, actor, fy)
    model, level_of = {
        "functional": (FunctionalCode, _level_functional),
        "economic": (EconomicCode, _level_economic),
    }[kind]
    code, name = code.strip(), name.strip()
    level = level_of(code)
    if not code.isdigit() or not level or not name:
        raise ApplicationError(_("科目编码“%(c)s”格式错误。") % {"c": code}, {"field": "code"})
    obj = model.objects.filter(fiscal_year=fy, code=code).first()
    if obj:
        before = obj.name
        obj.name = name
        obj.save(update_fields=["name"])
        audit_log(f"budget.{kind}_code.renamed", actor=actor, target=obj, changes={"name": [before, name]})
        return obj
    parent = None
    if level > 1:
        parent = model.objects.filter(fiscal_year=fy, code=code[: 3 if level == 2 else 5]).first()
        if parent is None:
            raise ApplicationError(_("科目“%(c)s”缺少上级科目。") % {"c": code}, {"field": "code"})
    obj = model.objects.create(fiscal_year=fy, code=code, name=name, level=level, parent=parent)
    audit_log(f"budget.{kind}_code.created", actor=actor, target=obj)
    return obj


# --------------------------------------------------------------------------- budget lifecycle


@service
def budget_create(*, actor, unit, year: int) -> Budget:
    require(can_manage_budgets, actor)
    fy = FiscalYear.objects.filter(year=year).first()
    if fy is None:
        raise ApplicationError(_("%(y)s年目录尚未建立，请先复制或导入目录。") % {"y": year})
    if Budget.objects.filter(unit=unit, fiscal_year=fy).exists():
        raise ConflictError(_("%(u)s %(y)s年预算已存在。") % {"u": unit, "y": year})
    budget = Budget.objects.create(unit=unit, fiscal_year=fy)
    audit_log("budget.budget.created", actor=actor, target=budget)
    version_record(actor=actor, budget=budget, step=VersionStep.EDIT, note=_("新建"))
    return budget


@service
def version_record(*, actor, budget: Budget, step: str, note: str = "") -> BudgetVersion:
    """Append an immutable snapshot of the budget (under its lock) and bump its version number."""
    from .selectors import budget_snapshot

    locked = _lock(budget)
    budget.version = locked.version + 1
    Budget.objects.filter(pk=budget.pk).update(version=budget.version, updated_at=timezone.now())
    return BudgetVersion.objects.create(
        budget=budget,
        number=budget.version,
        step=step,
        state=locked.state,
        author=actor if getattr(actor, "pk", None) else None,
        note=note[:300],
        snapshot=budget_snapshot(budget),
    )


def _transition(*, actor, budget, verb: str, note: str = "", check=None, **fields) -> Budget:
    """Move the budget through `verb` of the BUDGET machine: lock, starting state (ConflictError), the verb's
    rule (rules.VERB_RULES), the verb's own `check(budget)`, the fields it records, the audit entry
    `budget.budget.<verb>` and a new BudgetVersion."""
    budget = _lock(budget)
    BUDGET.check(budget, verb)
    require(VERB_RULES[verb], actor, budget)
    if check is not None:
        check(budget)
    for k, v in fields.items():
        setattr(budget, k, v)
    extra = {k: str(v) for k, v in fields.items()}
    if note:
        extra["note"] = note
    BUDGET.apply(budget, verb, actor=actor, fields=["updated_at", *fields], extra=extra or None)
    version_record(actor=actor, budget=budget, step=VERB_STEP[verb], note=note)
    return budget


def _all_projects_submitted(budget: Budget) -> None:
    pending = list(budget.projects.filter(state=ProjectState.DRAFT).values_list("name", flat=True))
    if pending:
        raise ApplicationError(
            _("以下项目尚未由部门提交：%(p)s。") % {"p": "、".join(pending)}, {"projects": pending}
        )


@service
def budget_consolidate(*, actor, budget: Budget) -> Budget:
    """Finance consolidates the departments' drafts for review; every project must have been submitted."""
    return _transition(actor=actor, budget=budget, verb="consolidate", check=_all_projects_submitted)


@service
def budget_return(*, actor, budget: Budget, reason: str) -> Budget:
    """Finance sends the budget back to drafting; every submitted project reopens for its department."""
    if not reason.strip():
        raise ApplicationError(_("请填写退回原因。"), {"field": "reason"})
    budget = _transition(actor=actor, budget=budget, verb="return", note=reason)
    budget.projects.filter(state=ProjectState.SUBMITTED).update(state=ProjectState.DRAFT)
    return budget


@service
def budget_submit_first(*, actor, budget: Budget) -> Budget:
    """一上: the director approves the submission to the finance bureau."""
    return _transition(actor=actor, budget=budget, verb="submit_first")


@service
def budget_record_control(
    *, actor, budget: Budget, total, basic=None, project=None, doc_no: str = ""
) -> Budget:
    """一下: record the finance bureau's control figures; the budget opens for the revision."""
    fields = {"control_total": parse_amount(total, label=_("控制数")), "control_doc_no": doc_no.strip()[:100]}
    if basic not in (None, ""):
        fields["control_basic"] = parse_amount(basic, label=_("基本支出控制数"))
    if project not in (None, ""):
        fields["control_project"] = parse_amount(project, label=_("项目支出控制数"))
    return _transition(actor=actor, budget=budget, verb="record_control", **fields)


def _within_control(budget: Budget) -> None:
    from .selectors import budget_totals

    totals = budget_totals(budget)
    if budget.control_total is not None and totals["expenditure"] > budget.control_total:
        raise ApplicationError(
            _("支出合计 %(t)s 元超过控制数 %(c)s 元。")
            % {"t": totals["expenditure"], "c": budget.control_total}
        )


@service
def budget_submit_second(*, actor, budget: Budget) -> Budget:
    """二上: the revised submission, approved by the director; must stay within the control figure."""
    return _transition(actor=actor, budget=budget, verb="submit_second", check=_within_control)


@service
def budget_record_approval(*, actor, budget: Budget, doc_no: str, approved_on: date | None = None) -> Budget:
    """二下: record the approval (批复) with its document number; the budget and its year's catalogue lock."""
    if not doc_no or not doc_no.strip():
        raise ApplicationError(_("请填写批复文号。"), {"field": "doc_no"})
    year = _lock_year(budget.fiscal_year_id)  # its catalogue is locked below: take it before the budget
    budget = _transition(
        actor=actor,
        budget=budget,
        verb="record_approval",
        approval_doc_no=doc_no.strip()[:100],
        approved_on=approved_on or timezone.localdate(),
    )
    year.catalogue_locked = True
    year.save(update_fields=["catalogue_locked"])
    return budget


def budget_publish(*, actor, budget: Budget) -> Budget:
    """Publish the disclosure; refused while the pre-publication check reports an error.

    Two units of work on purpose: the check run is a business action of its own (`budget_check`: CheckRun +
    audit) that stays recorded when publishing is refused; the publication (`_budget_publish`) then moves
    the budget only if that run, of the budget's current version, found no error.
    """
    BUDGET.check(budget, "publish")  # a budget that cannot be published is not checked for it
    require(VERB_RULES["publish"], actor, budget)
    run, result = budget_check(actor=actor, budget=budget)
    if result.errors:
        raise ApplicationError(
            _("公开前校验有 %(n)s 个错误，不能公开。") % {"n": len(result.errors)},
            {"errors": [f.as_dict() for f in result.errors][:50]},
        )
    return _budget_publish(actor=actor, budget=budget, check_run=run)


@service
def _budget_publish(*, actor, budget: Budget, check_run) -> Budget:
    def checked(locked: Budget) -> None:
        if check_run.errors or check_run.version != locked.version:
            raise ConflictError(_("预算在校验后已变化，请重新校验后公开。"), {"state": locked.state})

    return _transition(
        actor=actor,
        budget=budget,
        verb="publish",
        check=checked,
        published_at=timezone.now(),
    )


# One service per verb of each machine (tests enumerate them).
BUDGET_SERVICES = {
    "consolidate": budget_consolidate,
    "return": budget_return,
    "submit_first": budget_submit_first,
    "record_control": budget_record_control,
    "submit_second": budget_submit_second,
    "record_approval": budget_record_approval,
    "publish": budget_publish,
}


@service
def check_record(*, actor, budget: Budget, result):
    from .models import CheckRun

    run = CheckRun.objects.create(
        budget=budget,
        version=budget.version,
        actor=actor if getattr(actor, "pk", None) else None,
        errors=len(result.errors),
        warnings=len(result.warnings),
        findings=[f.as_dict() for f in result.findings],
    )
    audit_log(
        "budget.check.run",
        actor=actor,
        target=budget,
        extra={"errors": run.errors, "warnings": run.warnings, "version": budget.version},
    )
    return run


@service
def budget_check(*, actor, budget: Budget):
    from .checks import run_checks

    require(can_run_check, actor, budget)
    budget = _lock(budget)  # the check and its record see one version of the budget
    result = run_checks(budget)
    return check_record(actor=actor, budget=budget, result=result), result


# --------------------------------------------------------------------------- line edits


@service
def line_add(
    *,
    actor,
    budget: Budget,
    functional,
    economic,
    source,
    amount,
    basic_category: str = "",
    project: Project | None = None,
    item: ProjectItem | None = None,
    note: str = "",
) -> ExpenditureLine:
    """Add one expenditure line (finance for basic lines; the project's department for project lines)."""
    budget = _lock(budget)
    require_editable(budget)
    if project is not None and project.budget_id == budget.pk:
        project = _project_of(budget, project.pk)
    cat = Catalogue.of(budget.fiscal_year)
    line = _build_line(cat, budget, functional, economic, source, amount, basic_category, project, item, note)
    require(can_edit_line, actor, line)
    line.save()
    audit_log(
        "budget.line.created",
        actor=actor,
        target=budget,
        extra={
            "functional": line.functional.code,
            "economic": line.economic.code,
            "source": line.source.code,
            "amount": str(line.amount),
        },
    )
    return line


@service
def line_update(
    *, actor, line: ExpenditureLine, amount=None, functional=None, economic=None, source=None
) -> ExpenditureLine:
    budget = _lock(line.budget)
    require_editable(budget)
    line = _line_of(budget, line.pk)
    require(can_edit_line, actor, line)
    cat = Catalogue.of(budget.fiscal_year)
    before = {
        "functional": line.functional.code,
        "economic": line.economic.code,
        "source": line.source.code,
        "amount": str(line.amount),
    }
    if amount is not None:
        line.amount = parse_amount(amount)
    if functional is not None:
        line.functional = cat.functional_item(functional)
    if economic is not None:
        line.economic = cat.economic_item(economic)
        _check_category(line)
    if source is not None:
        line.source = cat.source_leaf(source)
    line.save()
    after = {
        "functional": line.functional.code,
        "economic": line.economic.code,
        "source": line.source.code,
        "amount": str(line.amount),
    }
    audit_log(
        "budget.line.updated",
        actor=actor,
        target=budget,
        changes={k: [before[k], after[k]] for k in before if before[k] != after[k]},
        extra={"line": line.pk},
    )
    return line


@service
def line_delete(*, actor, line: ExpenditureLine) -> None:
    budget = _lock(line.budget)
    require_editable(budget)
    line = _line_of(budget, line.pk)
    require(can_edit_line, actor, line)
    audit_log(
        "budget.line.deleted", actor=actor, target=budget, extra={"line": line.pk, "amount": str(line.amount)}
    )
    line.delete()


def _line_of(budget: Budget, line_id: int) -> ExpenditureLine:
    """The line as it is now (read under the budget's lock)."""
    line = (
        ExpenditureLine.objects.filter(pk=line_id, budget=budget)
        .select_related("functional", "economic", "source", "project")
        .first()
    )
    if line is None:
        raise NotFoundError(_("预算行不存在。"))
    line.budget = budget
    if line.project is not None:
        line.project.budget = budget
    return line


def _project_of(budget: Budget, project_id: int) -> Project:
    """The project as it is now (read under the budget's lock)."""
    project = Project.objects.filter(pk=project_id, budget=budget).first()
    if project is None:
        raise NotFoundError(_("项目不存在。"))
    project.budget = budget
    return project


def _check_category(line: ExpenditureLine) -> None:
    if line.kind == ExpenditureKind.BASIC:
        cls = BASIC_CATEGORY_CLASS.get(line.basic_category)
        if cls and not line.economic.code.startswith(cls):
            raise ApplicationError(
                _("%(cat)s须使用经济分类 %(cls)s 类，“%(c)s”不属于该类。")
                % {"cat": BasicCategory(line.basic_category).label, "cls": cls, "c": line.economic.code},
                {"field": "economic"},
            )


def _build_line(cat, budget, functional, economic, source, amount, basic_category, project, item, note):
    if project is None and item is not None:
        project = item.project
    if project is not None:
        if project.budget_id != budget.pk or (item is not None and item.project_id != project.pk):
            raise ApplicationError(_("项目或明细不属于该预算。"), {"field": "project"})
        kind, basic_category = ExpenditureKind.PROJECT, ""
    else:
        if basic_category not in BasicCategory.values:
            raise ApplicationError(
                _("基本支出行须指定类别（人员经费/公用经费/对个人和家庭的补助）。"),
                {"field": "basic_category"},
            )
        kind = ExpenditureKind.BASIC
    line = ExpenditureLine(
        budget=budget,
        kind=kind,
        basic_category=basic_category,
        project=project,
        item=item,
        functional=cat.functional_item(functional),
        economic=cat.economic_item(economic),
        source=cat.source_leaf(source),
        amount=parse_amount(amount),
        note=(note or "")[:300],
    )
    _check_category(line)
    return line


# --------------------------------------------------------------------------- projects (department drafting)


@service
def project_create(
    *, actor, budget: Budget, name: str, department=None, purpose: str = "", **fields
) -> Project:
    budget = _lock(budget)
    require_editable(budget)
    require(can_create_project, actor, budget)
    if actor is not None and not actor.has_role(Role.FINANCE):
        department = actor.department
    fields.setdefault("state", ProjectState.DRAFT)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("项目名称不能为空。"), {"field": "name"})
    if budget.projects.filter(name=name).exists():
        raise ConflictError(_("项目“%(n)s”已存在。") % {"n": name}, {"field": "name"})
    project = Project.objects.create(
        budget=budget,
        name=name,
        department=department,
        purpose=purpose,
        owner=actor if getattr(actor, "pk", None) else None,
        sort=budget.projects.count() + 1,
        **fields,
    )
    audit_log("budget.project.created", actor=actor, target=project)
    return project


@service
def project_item_create(*, actor, project: Project, name: str, purpose: str = "") -> ProjectItem:
    budget = _lock(project.budget)
    require_editable(budget)
    project = _project_of(budget, project.pk)
    require(can_edit_project, actor, project)
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("明细名称不能为空。"), {"field": "name"})
    item = ProjectItem.objects.create(
        project=project, name=name, purpose=purpose, sort=project.items.count() + 1
    )
    audit_log("budget.item.created", actor=actor, target=project, extra={"item": name})
    return item


@service
def project_submit(*, actor, project: Project) -> Project:
    """The department hands its project to finance."""
    budget = _lock(project.budget)
    require_editable(budget)
    project = _project_of(budget, project.pk)
    PROJECT.check(project, "submit")
    require(can_submit_project, actor, project)
    if not project.lines.exists():
        raise ApplicationError(_("项目“%(n)s”没有预算行。") % {"n": project.name})
    PROJECT.apply(project, "submit", actor=actor)
    return project


PROJECT_SERVICES = {"submit": project_submit}


# --------------------------------------------------------------------------- whole-budget load (demo, import)


def _collect(errors: list, where: str, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except ApplicationError as exc:
        errors.append({"where": where, "field": exc.extra.get("field", ""), "message": exc.message})
        return None


@service
def budget_load(
    *, actor, budget: Budget, payload: dict, step: str = VersionStep.IMPORT, note: str = ""
) -> Budget:
    """Replace the whole content of an editable budget by `payload` (see docs/budget-model.md, demo.py).

    Validates everything first; any bad part raises ApplicationError with every problem in
    extra["errors"] and nothing is written.
    """
    budget = _lock(budget)
    require_editable(budget)
    require(can_import, actor, budget)
    cat = Catalogue.of(budget.fiscal_year)
    errors: list[dict] = []

    income = []
    for i, row in enumerate(payload.get("income", [])):
        src = _collect(errors, f"income[{i}]", cat.source_leaf, row.get("source"))
        amt = _collect(errors, f"income[{i}]", parse_amount, row.get("amount"))
        if src and amt is not None:
            income.append(IncomeLine(budget=budget, source=src, amount=amt))

    basic = []
    for i, row in enumerate(payload.get("basic_lines", [])):
        line = _collect(
            errors,
            f"basic_lines[{i}]",
            _build_line,
            cat,
            budget,
            row.get("functional"),
            row.get("economic"),
            row.get("source"),
            row.get("amount"),
            row.get("category", ""),
            None,
            None,
            row.get("note", ""),
        )
        if line:
            line.sort = i
            basic.append(line)

    projects = payload.get("projects", [])
    names = [p.get("name", "").strip() for p in projects]
    for i, n in enumerate(names):
        if not n:
            errors.append({"where": f"projects[{i}]", "field": "name", "message": _("项目名称不能为空。")})
        elif names.count(n) > 1:
            errors.append(
                {"where": f"projects[{i}]", "field": "name", "message": _("项目“%(n)s”重复。") % {"n": n}}
            )
    # Validate project lines against a dummy project so codes are checked before anything is written.
    dummy = Project(budget=budget, pk=0)
    for pi, p in enumerate(projects):
        for ii, it in enumerate(p.get("items", [])):
            for li, row in enumerate(it.get("lines", [])):
                _collect(
                    errors,
                    f"projects[{pi}].items[{ii}].lines[{li}]",
                    _build_line,
                    cat,
                    budget,
                    row.get("functional"),
                    row.get("economic"),
                    row.get("source"),
                    row.get("amount"),
                    "",
                    dummy,
                    None,
                    "",
                )
        if p.get("previous_year_amount") not in (None, ""):
            _collect(errors, f"projects[{pi}]", parse_amount, p["previous_year_amount"], label=_("上年预算"))
    indicators = [(pi, ind) for pi, p in enumerate(projects) for ind in p.get("indicators", [])]
    indicators += [(None, ind) for ind in payload.get("unit_indicators", [])]
    for n, (_pi, ind) in enumerate(indicators):
        _collect(errors, f"indicators[{n}]", _validate_indicator, ind)
    for i, row in enumerate(payload.get("procurement", [])):
        _collect(errors, f"procurement[{i}]", cat.procurement_kind, row.get("kind"))
        for f in ("amount", "sme_amount", "small_micro_amount"):
            _collect(errors, f"procurement[{i}].{f}", parse_amount, row.get(f, 0))
        if row.get("project") and row["project"] not in names:
            errors.append(
                {
                    "where": f"procurement[{i}]",
                    "field": "project",
                    "message": _("采购对应的项目“%(n)s”不存在。") % {"n": row["project"]},
                }
            )
    tp = payload.get("three_public") or {}
    for f in ("overseas", "reception", "vehicle_purchase", "vehicle_running"):
        if f in tp:
            _collect(errors, f"three_public.{f}", parse_amount, tp[f])
    for i, row in enumerate(payload.get("comparison", [])):
        _collect(errors, f"comparison[{i}]", parse_amount, row.get("amount"))
    if errors:
        raise ApplicationError(
            _("预算数据有 %(n)s 处错误，未导入任何内容。") % {"n": len(errors)}, {"errors": errors}
        )

    # ---- write
    budget.lines.all().delete()
    budget.projects.all().delete()
    budget.income_lines.all().delete()
    budget.indicators.all().delete()
    budget.procurements.all().delete()
    budget.comparison_figures.all().delete()
    IncomeLine.objects.bulk_create(income)
    ExpenditureLine.objects.bulk_create(basic)
    departments = {d.code: d for d in budget.unit.departments.all()}
    by_name = {}
    new_lines = []
    new_inds = []
    for pi, p in enumerate(projects):
        project = Project.objects.create(
            budget=budget,
            name=p["name"].strip(),
            department=departments.get(p.get("department") or ""),
            state=p.get("state", ProjectState.SUBMITTED),
            sort=p.get("sort", pi + 1),
            task_sort=p.get("task_sort", pi + 1),
            purpose=p.get("purpose") or "",
            performance_summary=p.get("performance_summary") or "",
            overall_goal=p.get("overall_goal") or "",
            previous_year_amount=(
                parse_amount(p["previous_year_amount"])
                if p.get("previous_year_amount") not in (None, "")
                else None
            ),
            change_reason=p.get("change_reason") or "",
            government_investment=bool(p.get("government_investment")),
            key_project=p.get("key_project", True),
        )
        by_name[project.name] = project
        for ii, it in enumerate(p.get("items", [])):
            item = None
            if it.get("name"):
                item = ProjectItem.objects.create(
                    project=project, name=it["name"], purpose=it.get("purpose") or "", sort=ii
                )
            for li, row in enumerate(it.get("lines", [])):
                line = _build_line(
                    cat,
                    budget,
                    row["functional"],
                    row["economic"],
                    row["source"],
                    row["amount"],
                    "",
                    project,
                    item,
                    row.get("note", ""),
                )
                line.sort = pi * 1000 + ii * 50 + li
                new_lines.append(line)
        for k, ind in enumerate(p.get("indicators", [])):
            new_inds.append(_indicator(budget, project, ind, k))
    for k, ind in enumerate(payload.get("unit_indicators", [])):
        new_inds.append(_indicator(budget, None, ind, k))
    ExpenditureLine.objects.bulk_create(new_lines)
    PerformanceIndicator.objects.bulk_create(new_inds)
    ProcurementBudget.objects.bulk_create(
        [
            ProcurementBudget(
                budget=budget,
                project=by_name.get(row.get("project")),
                kind=cat.procurement_kind(row["kind"]),
                description=row.get("description", ""),
                amount=parse_amount(row["amount"]),
                sme_amount=parse_amount(row.get("sme_amount", 0)),
                small_micro_amount=parse_amount(row.get("small_micro_amount", 0)),
            )
            for row in payload.get("procurement", [])
        ]
    )
    ComparisonFigure.objects.bulk_create(
        [
            ComparisonFigure(
                budget=budget,
                key=row["key"],
                amount=parse_amount(row["amount"]),
                derived=bool(row.get("derived")),
                basis=(row.get("basis") or "")[:300],
            )
            for row in payload.get("comparison", [])
        ]
    )
    _one_to_one(
        ThreePublicBudget,
        budget,
        tp,
        amounts=("overseas", "reception", "vehicle_purchase", "vehicle_running"),
    )
    _one_to_one(Staffing, budget, payload.get("staffing") or {})
    _one_to_one(AssetFigures, budget, payload.get("assets") or {})
    _one_to_one(Narrative, budget, payload.get("narrative") or {}, amounts=("operating_costs",))
    if "carry_out" in payload:
        budget.carry_out = parse_amount(payload["carry_out"])
        budget.save(update_fields=["carry_out"])
    if payload.get("published"):
        PublishedDisclosure.objects.update_or_create(budget=budget, defaults=payload["published"])
    audit_log(
        "budget.budget.loaded",
        actor=actor,
        target=budget,
        extra={"lines": len(basic) + len(new_lines), "projects": len(projects), "income": len(income)},
    )
    version_record(actor=actor, budget=budget, step=step, note=note)
    return budget


def _one_to_one(model, budget, data: dict, amounts=()):
    fields = {f.name for f in model._meta.get_fields()} - {"id", "budget"}
    values = {k: (parse_amount(v) if k in amounts else v) for k, v in data.items() if k in fields}
    model.objects.update_or_create(budget=budget, defaults=values)


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
