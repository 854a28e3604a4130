"""Whole-budget and whole-catalogue loads (demo seed, JSON) and the xlsx import: validate everything first,
write nothing when any part is bad."""

import json
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries

from center.core.audit import audit_log
from center.core.errors import ApplicationError
from center.core.rules import require
from center.core.services import service
from center.core.xlsx import WorkbookRefused, open_workbook

from ..enums import ProjectState, VersionStep
from ..models import (
    AssetFigures,
    Budget,
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
from ..rules import can_import
from ..selectors import Catalogue, budget_data
from .catalogues import _level_economic, _level_functional
from .common import _lock, parse_amount, require_editable
from .disclosure import _indicator, _validate_indicator
from .lifecycle import version_record
from .lines import _build_line

DATA = Path(__file__).resolve().parents[1] / "data"


@service
def catalogue_load(*, actor, data: dict) -> FiscalYear:
    """Create a year's catalogues from a dict shaped like data/catalogue_2022.json (idempotent by code)."""
    year = int(data["year"])
    fy, _created = FiscalYear.objects.get_or_create(year=year)
    _load_coded(FunctionalCode, fy, _with_en(data, "functional"), _level_functional, 7)
    _load_coded(EconomicCode, fy, _with_en(data, "economic"), _level_economic, 5)
    parents = {s.get("parent") for s in data.get("income_sources", [])}
    by_code = {}
    for i, s in enumerate(_with_en(data, "income_sources")):
        obj, _c = IncomeSource.objects.update_or_create(
            fiscal_year=fy,
            code=s["code"],
            defaults={
                "name": s["name"],
                "name_en": s["name_en"],
                "level": s["code"].count(".") + (2 if s.get("parent") == "gov" else 1),
                "parent": by_code.get(s.get("parent")),
                "is_leaf": s["code"] not in parents,
                "in_current_year_income": s.get("in_current_year_income", True),
                "sort": i,
            },
        )
        by_code[s["code"]] = obj
    for i, k in enumerate(_with_en(data, "procurement_kinds")):
        ProcurementKind.objects.update_or_create(
            fiscal_year=fy,
            code=k["code"],
            defaults={"name": k["name"], "name_en": k["name_en"], "level": 1, "sort": i},
        )
    audit_log("budget.catalogue.loaded", actor=actor, target=fy, extra={"year": year})
    return fy


def _with_en(data: dict, key: str) -> list[dict]:
    """A catalogue's entries with their English names: the file's own `name_en`, else the one of the same code
    in data/catalogue_names_en.json (codes are the same every year)."""
    names = json.loads((DATA / "catalogue_names_en.json").read_text(encoding="utf-8")).get(key, {})
    return [{**e, "name_en": e.get("name_en") or names.get(e["code"], "")} for e in data.get(key, [])]


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
                batch.append(
                    model(
                        fiscal_year=fy,
                        code=code,
                        name=e["name"],
                        name_en=e["name_en"],
                        level=level,
                        parent=parent,
                    )
                )
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
            obj = model.objects.create(
                fiscal_year=fy, code=code, name=e["name"], name_en=e["name_en"], level=level, parent=parent
            )
            existing[code] = obj
        elif (obj.name, obj.name_en) != (e["name"], e["name_en"]):
            obj.name, obj.name_en = e["name"], e["name_en"]
            obj.save(update_fields=["name", "name_en"])


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

    # ---- write. Projects (and their items) of the same name are updated in place: their ids, and so the
    # addresses of the project pages, survive a re-import; the others are removed.
    budget.lines.all().delete()
    budget.income_lines.all().delete()
    budget.indicators.all().delete()
    budget.procurements.all().delete()
    budget.comparison_figures.all().delete()
    existing = {p.name: p for p in budget.projects.all()}
    budget.projects.exclude(name__in=[n for n in names if n]).delete()
    IncomeLine.objects.bulk_create(income)
    ExpenditureLine.objects.bulk_create(basic)
    departments = {d.code: d for d in budget.unit.departments.all()}
    by_name = {}
    new_lines = []
    new_inds = []
    for pi, p in enumerate(projects):
        fields = {
            "department": departments.get(p.get("department") or ""),
            "state": p.get("state", ProjectState.SUBMITTED),
            "sort": p.get("sort", pi + 1),
            "task_sort": p.get("task_sort", pi + 1),
            "purpose": p.get("purpose") or "",
            "performance_summary": p.get("performance_summary") or "",
            "overall_goal": p.get("overall_goal") or "",
            "previous_year_amount": (
                parse_amount(p["previous_year_amount"])
                if p.get("previous_year_amount") not in (None, "")
                else None
            ),
            "change_reason": p.get("change_reason") or "",
            "government_investment": bool(p.get("government_investment")),
            "key_project": p.get("key_project", True),
        }
        project = existing.get(p["name"].strip())
        if project is None:
            project = Project.objects.create(budget=budget, name=p["name"].strip(), **fields)
        else:
            for k, v in fields.items():
                setattr(project, k, v)
            project.save()
        old_items = {it.name: it for it in project.items.all()}
        keep_items = {it.get("name") for it in p.get("items", []) if it.get("name")}
        project.items.exclude(name__in=keep_items).delete()
        by_name[project.name] = project
        for ii, it in enumerate(p.get("items", [])):
            item = None
            if it.get("name"):
                item = old_items.get(it["name"])
                if item is None:
                    item = ProjectItem.objects.create(
                        project=project, name=it["name"], purpose=it.get("purpose") or "", sort=ii
                    )
                else:
                    item.purpose, item.sort = it.get("purpose") or "", ii
                    item.save(update_fields=["purpose", "sort"])
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
    _fill_names_en(budget)
    audit_log(
        "budget.budget.loaded",
        actor=actor,
        target=budget,
        extra={"lines": len(basic) + len(new_lines), "projects": len(projects), "income": len(income)},
    )
    version_record(actor=actor, budget=budget, step=step, note=note)
    return budget


def _fill_names_en(budget) -> None:
    """English names of the loaded projects, items and indicators left blank, from data/budget_names_en.json."""
    names = json.loads((DATA / "budget_names_en.json").read_text(encoding="utf-8"))
    for model, key, rows in (
        (Project, "projects", budget.projects.filter(name_en="")),
        (ProjectItem, "items", ProjectItem.objects.filter(project__budget=budget, name_en="")),
        (PerformanceIndicator, "indicators", budget.indicators.filter(name_en="")),
    ):
        changed = []
        for row in rows:
            row.name_en = names[key].get(row.name, "")
            if row.name_en:
                changed.append(row)
        model.objects.bulk_update(changed, ["name_en"])


def _one_to_one(model, budget, data: dict, amounts=()):
    fields = {f.name for f in model._meta.get_fields()} - {"id", "budget"}
    values = {k: (parse_amount(v) if k in amounts else v) for k, v in data.items() if k in fields}
    model.objects.update_or_create(budget=budget, defaults=values)


# --------------------------------------------------------------------------- the xlsx import

SHEETS = {
    "收入": ["资金来源编码", "金额（元）"],
    "基本支出": ["类别", "功能科目编码", "经济科目编码", "资金来源编码", "金额（元）"],
    "项目支出": [
        "项目名称",
        "明细名称",
        "用途",
        "功能科目编码",
        "经济科目编码",
        "资金来源编码",
        "金额（元）",
        "编报部门",
    ],
}
OPTIONAL_LAST = {
    "项目支出"
}  # a template without the 编报部门 column is still read (the project keeps its own)
CATEGORY_NAMES = {"人员经费": "personnel", "公用经费": "public", "对个人和家庭的补助": "family_subsidy"}


def _err(errors, sheet, row, column, message):
    errors.append({"sheet": sheet, "row": row, "column": column, "message": message})


def _sheet_rows(book, errors) -> dict | None:
    """Each template sheet's filled rows as (row number, values), formulas and merged cells reported."""
    missing = [s for s in SHEETS if s not in book.sheetnames]
    for s in missing:
        _err(errors, s, "", "", _("缺少工作表“%(s)s”。") % {"s": s})
    if missing:
        return None
    rows_by_sheet = {}
    for name, headers in SHEETS.items():
        for ref in book.merged_ranges(name):
            min_col, min_row, _max_col, _max_row = range_boundaries(ref)
            _err(
                errors,
                name,
                min_row,
                get_column_letter(min_col),
                _("不允许合并单元格（%(r)s）。") % {"r": ref},
            )
        sheet_rows = book.rows(name, width=len(headers))
        first = next(sheet_rows, None)
        head = [str(v or "").strip() for v in (first[1] if first and first[0] == 1 else ())][: len(headers)]
        if name in OPTIONAL_LAST and len(head) == len(headers) and not head[-1]:
            head = head[:-1]
        if head != headers and not (name in OPTIONAL_LAST and head == headers[:-1]):
            _err(errors, name, 1, "", _("表头应为：%(h)s。") % {"h": "、".join(headers)})
            continue
        rows = []
        for r, values in sheet_rows:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            bad = False
            for i, v in enumerate(values):
                if isinstance(v, str) and v.startswith("="):
                    _err(errors, name, r, get_column_letter(i + 1), _("不允许公式，请填写数值。"))
                    bad = True
            if not bad:
                rows.append((r, list(values)))
        rows_by_sheet[name] = rows
    return rows_by_sheet


def parse_workbook(
    content: bytes, catalogue: Catalogue, departments: dict | None = None
) -> tuple[dict, list[dict]]:
    """Read the template into a partial `budget_load` payload; list every bad row (sheet, row, column, reason).
    The workbook is opened by the safe reader (center.core.xlsx): a zip bomb, too many rows or columns, an
    over-long cell or a damaged file is refused before it is unpacked."""
    errors: list[dict] = []
    try:
        with open_workbook(content, data_only=False) as book:
            rows_by_sheet = _sheet_rows(book, errors)
    except WorkbookRefused as exc:
        raise ApplicationError(
            exc.message, {"errors": [{"sheet": "", "row": "", "column": "", "message": exc.message}]}
        ) from None
    if rows_by_sheet is None:
        return {}, errors
    payload: dict = {"income": [], "basic_lines": [], "projects": []}
    catalogue_departments = departments or {}  # department name or code → code

    def amount(sheet, r, col, value):
        if isinstance(value, str):
            try:
                return parse_amount(value)
            except ApplicationError:
                _err(errors, sheet, r, col, _("金额单元格中是文字“%(v)s”，应为数值。") % {"v": value})
                return None
        try:
            return parse_amount(value)
        except ApplicationError as exc:
            _err(errors, sheet, r, col, exc.message)
            return None

    def code(sheet, r, col, fn, value):
        text = str(value).strip() if value is not None else ""
        try:
            return fn(text).code
        except ApplicationError as exc:
            other = _other_year(catalogue, fn, text)
            message = exc.message
            if other:
                message = _("编码 %(c)s 属于%(o)s年目录，不在%(y)s年目录中：请使用本年度目录的编码。") % {
                    "c": text,
                    "o": other,
                    "y": catalogue.fiscal_year.year,
                }
            _err(errors, sheet, r, col, message)
            return None

    seen: dict[tuple, int] = {}

    def duplicate(sheet, r, key) -> bool:
        if key in seen:
            _err(
                errors,
                sheet,
                r,
                "A",
                _("与第 %(r)s 行重复（同一项目/类别、明细、功能科目、经济科目和资金来源），请合并为一行。")
                % {"r": seen[key]},
            )
            return True
        seen[key] = r
        return False

    for r, (src, amt) in rows_by_sheet.get("收入", []):
        s = code("收入", r, "A", catalogue.source_leaf, src)
        a = amount("收入", r, "B", amt)
        if s and a is not None:
            payload["income"].append({"source": s, "amount": str(a)})
    for r, (cat, fn, eco, src, amt) in rows_by_sheet.get("基本支出", []):
        category = CATEGORY_NAMES.get(str(cat or "").strip())
        if category is None:
            _err(errors, "基本支出", r, "A", _("类别应为 人员经费 / 公用经费 / 对个人和家庭的补助。"))
        f = code("基本支出", r, "B", catalogue.functional_item, fn)
        e = code("基本支出", r, "C", catalogue.economic_item, eco)
        s = code("基本支出", r, "D", catalogue.source_leaf, src)
        a = amount("基本支出", r, "E", amt)
        if category and e:
            from ..enums import BASIC_CATEGORY_CLASS

            if not e.startswith(BASIC_CATEGORY_CLASS[category]):
                _err(errors, "基本支出", r, "C", _("经济科目 %(e)s 与类别“%(c)s”不符。") % {"e": e, "c": cat})
                e = None
        if category and f and e and s and a is not None and not duplicate("基本支出", r, (category, f, e, s)):
            payload["basic_lines"].append(
                {"category": category, "functional": f, "economic": e, "source": s, "amount": str(a)}
            )
    projects: dict[str, dict] = {}
    departments = {}
    for r, (pname, iname, purpose, fn, eco, src, amt, dept) in rows_by_sheet.get("项目支出", []):
        pname = str(pname or "").strip()
        dept = str(dept or "").strip()
        if dept:
            code_ = catalogue_departments.get(dept)
            if code_ is None:
                _err(errors, "项目支出", r, "H", _("编报部门“%(d)s”不是本单位的部门。") % {"d": dept})
            elif departments.setdefault(pname, code_) != code_:
                _err(errors, "项目支出", r, "H", _("项目“%(p)s”的编报部门前后不一致。") % {"p": pname})
        if not pname:
            _err(errors, "项目支出", r, "A", _("项目名称不能为空。"))
        f = code("项目支出", r, "D", catalogue.functional_item, fn)
        e = code("项目支出", r, "E", catalogue.economic_item, eco)
        s = code("项目支出", r, "F", catalogue.source_leaf, src)
        a = amount("项目支出", r, "G", amt)
        if (
            pname
            and f
            and e
            and s
            and a is not None
            and not duplicate("项目支出", r, (pname, str(iname or "").strip(), f, e, s))
        ):
            p = projects.setdefault(pname, {"name": pname, "items": {}})
            item = p["items"].setdefault(
                str(iname or "").strip(),
                {"name": str(iname or "").strip(), "purpose": str(purpose or ""), "lines": []},
            )
            item["lines"].append({"functional": f, "economic": e, "source": s, "amount": str(a)})
    payload["projects"] = [
        {
            **p,
            "items": list(p["items"].values()),
            **({"department": departments[n]} if n in departments else {}),
        }
        for n, p in projects.items()
    ]
    return payload, errors


def _other_year(catalogue: Catalogue, fn, code: str) -> int | None:
    """The year of another catalogue that has this code (for a line copied from another year's workbook)."""
    model = {
        "functional_item": FunctionalCode,
        "economic_item": EconomicCode,
        "source_leaf": IncomeSource,
    }.get(getattr(fn, "__name__", ""))
    if (
        model is None
        or not code
        or model.objects.filter(fiscal_year=catalogue.fiscal_year, code=code).exists()
    ):
        return None  # in this year's catalogue (refused for another reason: level, a summary source)
    row = (
        model.objects.filter(code=code)
        .exclude(fiscal_year=catalogue.fiscal_year)
        .values_list("fiscal_year__year", flat=True)
        .first()
    )
    return row


def _indicator_payload(i) -> dict:
    """A performance indicator as the import payload names its fields."""
    return {
        "level1": i.level1,
        "level2": i.level2,
        "name": i.name,
        "kind": i.kind,
        "comparator": i.comparator,
        "value": i.value,
        "unit": i.measure_unit,
        "table_sort": i.table_sort,
    }


@service
def import_workbook(*, actor, budget, content: bytes):
    """Replace the budget's income and lines from the template; nothing is saved when any row is bad.

    Projects keep their texts and indicators when a project of the same name exists. One unit of work: the
    budget is locked before its current content is read and replaced.
    """
    catalogue = Catalogue.of(budget.fiscal_year)
    departments = {}
    for d in budget.unit.departments.all():
        departments[d.code] = departments[d.name] = d.code
    payload, errors = parse_workbook(content, catalogue, departments)
    if errors:
        raise ApplicationError(
            _("导入文件有 %(n)s 处错误，未导入任何内容。") % {"n": len(errors)}, {"errors": errors}
        )
    budget = _lock(budget)
    current = budget_data(budget, with_previous=False)
    existing = {p.name: p for p in current.projects}
    for p in payload["projects"]:
        old = existing.get(p["name"])
        if old is not None:
            p.update(
                sort=old.sort,
                task_sort=old.task_sort,
                purpose=old.purpose,
                performance_summary=old.performance_summary,
                overall_goal=old.overall_goal,
                change_reason=old.change_reason,
                state=old.state,
                previous_year_amount=str(old.previous_year_amount)
                if old.previous_year_amount is not None
                else None,
                department=p.get("department") or (old.department.code if old.department else ""),
                indicators=[_indicator_payload(i) for i in current.indicators if i.project_id == old.pk],
            )
        else:  # a new project goes to its 编报部门 for the department step
            p["state"] = ProjectState.DRAFT
    payload["unit_indicators"] = [_indicator_payload(i) for i in current.indicators if i.project_id is None]
    payload["procurement"] = [
        {
            "project": pr.project.name if pr.project else None,
            "kind": pr.kind.code,
            "description": pr.description,
            "amount": str(pr.amount),
            "sme_amount": str(pr.sme_amount),
            "small_micro_amount": str(pr.small_micro_amount),
        }
        for pr in current.procurements
        if pr.project is None or any(p["name"] == pr.project.name for p in payload["projects"])
    ]
    payload["comparison"] = [{"key": k, "amount": str(v)} for k, v in current.comparison.items()]
    return budget_load(actor=actor, budget=budget, payload=payload, note=_("Excel 导入"))
