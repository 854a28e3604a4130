"""Exports of a budget (xlsx workbook of 表1–表11, PDF of the whole disclosure, Fiscal Data Package) and the
xlsx import template with its all-or-nothing import."""

import csv
import io
import json
import zipfile
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from center.core.errors import ApplicationError
from center.core.services import service

from . import services
from .models import ExpenditureLine
from .narrative import compose
from .rounding import to_wan
from .selectors import ZERO, BudgetData
from .tables import all_tables


def totals_for_budgets(budgets) -> dict[int, Decimal]:
    """Expenditure totals of many budgets in one query."""
    ids = [b.pk for b in budgets]
    rows = ExpenditureLine.objects.filter(budget_id__in=ids).values("budget_id").annotate(s=Sum("amount"))
    return {r["budget_id"]: r["s"] for r in rows}


# --------------------------------------------------------------------------- xlsx workbook of the tables

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="EEF1F5")


def workbook_bytes(data: BudgetData) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for t in all_tables(data):
        ws = wb.create_sheet(t.number)
        ncols = max([len(t.columns)] + [len(r.cells) for r in t.rows])
        ws.cell(1, 1, t.number).font = Font(size=10)
        ws.cell(2, 1, t.title).font = Font(size=14, bold=True)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
        ws.cell(2, 1).alignment = Alignment(horizontal="center")
        ws.cell(3, 1, t.subtitle[0])
        ws.cell(3, ncols, t.subtitle[1]).alignment = Alignment(horizontal="right")
        r = 4
        grid = t.header_grid()
        occupied: set[tuple[int, int]] = set()
        for level, hrow in enumerate(grid):
            c = 1
            for h in hrow:
                while (r + level, c) in occupied:
                    c += 1
                cell = ws.cell(r + level, c, h["text"])
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                cell.fill = HEAD_FILL
                if h["colspan"] > 1 or h["rowspan"] > 1:
                    ws.merge_cells(
                        start_row=r + level,
                        start_column=c,
                        end_row=r + level + h["rowspan"] - 1,
                        end_column=c + h["colspan"] - 1,
                    )
                for dr in range(h["rowspan"]):
                    for dc in range(h["colspan"]):
                        occupied.add((r + level + dr, c + dc))
                c += h["colspan"]
        first_body = r + len(grid)
        for i, row in enumerate(t.printed()):
            rr = first_body + i
            for c, (text, cell_def) in enumerate(zip(row, t.rows[i].cells, strict=False), start=1):
                if cell_def.is_amount:
                    cell = ws.cell(rr, c, int(to_wan(cell_def.amount)))
                    cell.number_format = "#,##0"
                    cell.alignment = Alignment(horizontal="right")
                else:
                    cell = ws.cell(rr, c, text)
                    cell.alignment = Alignment(wrap_text=True, vertical="center")
                if t.rows[i].kind in ("total", "sum", "header"):
                    cell.font = Font(bold=True)
        last = first_body + len(t.rows) - 1
        for row in ws.iter_rows(min_row=4, max_row=max(last, 4), max_col=ncols):
            for cell in row:
                cell.border = BORDER
        for k, note in enumerate(t.notes):
            ws.cell(last + 1 + k, 1, note)
        for c in range(1, ncols + 1):
            ws.column_dimensions[get_column_letter(c)].width = (
                36 if c == 1 or (t.number == "表11" and c == 3) else 14
            )
        ws.freeze_panes = ws.cell(first_body, 2)
        ws.print_options.gridLines = False
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- PDF of the whole document


def _indent(text: str) -> str:
    stripped = text.lstrip(" ")
    return "\u3000" * ((len(text) - len(stripped)) // 2) + stripped


def header_matrix(t) -> tuple[list[list[str]], list[tuple]]:
    """The table's headings as a text matrix plus reportlab SPAN ranges ((col0, row0), (col1, row1))."""
    if t.header_rows is not None:
        return [list(r) for r in t.header_rows if any(r)], []
    grid = t.header_grid()
    ncols = len(t.columns)
    matrix = [["" for _ in range(ncols)] for _ in grid]
    taken: set[tuple[int, int]] = set()
    spans = []
    for level, hrow in enumerate(grid):
        c = 0
        for h in hrow:
            while (level, c) in taken:
                c += 1
            matrix[level][c] = h["text"]
            for dr in range(h["rowspan"]):
                for dc in range(h["colspan"]):
                    taken.add((level + dr, c + dc))
            if h["colspan"] > 1 or h["rowspan"] > 1:
                spans.append(((c, level), (c + h["colspan"] - 1, level + h["rowspan"] - 1)))
            c += h["colspan"]
    return matrix, spans


def pdf_bytes(data: BudgetData) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.platypus import Paragraph

    from center.core.pdf import PdfDocument

    title = f"{data.budget.unit.name} {data.year} 年部门预算"
    doc = PdfDocument(title, landscape_pages=True)
    doc.heading(title, 0)
    doc.heading("一、文字部分", 1)
    for s in compose(data):
        doc.heading(s.title, 1)
        for p in s.paragraphs:
            doc.paragraph(p)
        if s.table:
            doc.table(s.table, numeric_cols={1}, col_widths=[3, 1.2, 8])
        for sub in s.subsections:
            doc.heading(sub.title, 2)
            for p in sub.paragraphs:
                doc.paragraph(p)
    doc.page_break()
    doc.heading("二、表格部分", 1)
    for t in all_tables(data):
        doc.paragraph(t.number, "small")
        doc.story.append(Paragraph(escape(t.title), doc.st["table_title"]))
        doc.table([[t.subtitle[0], t.subtitle[1]]], header_rows=0, col_widths=[4, 1])
        header_rows, spans = header_matrix(t)
        numeric = {i for i, c in enumerate(t.rows[0].cells if t.rows else []) if c.is_amount}
        for row in t.rows:
            numeric |= {i for i, c in enumerate(row.cells) if c.is_amount}
        body = [[_indent(c) if i == 0 else c for i, c in enumerate(r)] for r in t.printed()]
        rows = header_rows + body
        widths = None
        if t.number == "表11":
            widths = [1.3, 2.2, 6, 1.2, 1.2, 1.2]
        elif t.number in ("表1", "表6"):
            widths = [3, 1, 3, 1]
        elif t.number in ("表4", "表5"):
            widths = [3.2] + [1] * (len(t.columns) - 1)
        elif t.number in ("表7", "表9", "表10"):
            widths = [2.5, 1, 3, 1, 1, 1]
        doc.table(rows, header_rows=len(header_rows), numeric_cols=numeric, col_widths=widths, spans=spans)
        for note in t.notes:
            doc.paragraph(note, "small")
        doc.page_break()
    return doc.build()


# --------------------------------------------------------------------------- Fiscal Data Package


FDP_FIELDS = [
    ("id", "integer", None),
    ("year", "integer", None),
    ("unit", "string", None),
    ("kind", "string", None),
    ("basic_category", "string", None),
    ("project", "string", None),
    ("item", "string", None),
    ("functional_code", "string", "functional-classification:generic:code"),
    ("functional_name", "string", "functional-classification:generic:label"),
    ("economic_code", "string", "economic-classification:generic:code"),
    ("economic_name", "string", "economic-classification:generic:label"),
    ("source_code", "string", "fin-source:generic:code"),
    ("source_name", "string", "fin-source:generic:label"),
    ("amount", "number", "value"),
]


def fiscal_data_package_zip(data: BudgetData) -> bytes:
    """budget-lines.csv + datapackage.json (Fiscal Data Package: expenditure, phase approved/proposed)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f for f, _t, _m in FDP_FIELDS])
    for ln in data.lines:
        writer.writerow(
            [
                ln.pk,
                data.year,
                data.budget.unit.name,
                ln.kind,
                ln.basic_category,
                ln.project.name if ln.project else "",
                ln.item.name if ln.item else "",
                ln.functional.code,
                ln.functional.name,
                ln.economic.code,
                ln.economic.name,
                ln.source.code,
                ln.source.name,
                f"{ln.amount:.2f}",
            ]
        )
    phase = "approved" if data.budget.state in ("approved", "published") else "proposed"
    package = {
        "name": f"szstec-budget-{data.year}",
        "title": f"{data.budget.unit.name} {data.year} 年部门预算",
        "profile": "fiscal-data-package",
        "fiscalPeriod": {"start": f"{data.year}-01-01", "end": f"{data.year}-12-31"},
        "resources": [
            {
                "name": "budget-lines",
                "path": "budget-lines.csv",
                "format": "csv",
                "encoding": "utf-8",
                "profile": "tabular-data-resource",
                "schema": {
                    "fields": [
                        {"name": f, "type": t, **({"columnType": m} if m else {})} for f, t, m in FDP_FIELDS
                    ],
                    "primaryKey": ["id"],
                },
            }
        ],
        "model": {
            "measures": {
                "amount": {
                    "source": "amount",
                    "currency": "CNY",
                    "direction": "expenditure",
                    "phase": phase,
                    "factor": 1,
                }
            },
            "dimensions": {
                "functional-classification": {
                    "attributes": {
                        "code": {"source": "functional_code"},
                        "label": {"source": "functional_name"},
                    },
                    "primaryKey": "code",
                    "dimensionType": "classification",
                },
                "economic-classification": {
                    "attributes": {"code": {"source": "economic_code"}, "label": {"source": "economic_name"}},
                    "primaryKey": "code",
                    "dimensionType": "classification",
                },
                "fin-source": {
                    "attributes": {"code": {"source": "source_code"}, "label": {"source": "source_name"}},
                    "primaryKey": "code",
                    "dimensionType": "classification",
                },
                "project": {
                    "attributes": {"project": {"source": "project"}, "item": {"source": "item"}},
                    "primaryKey": ["project", "item"],
                    "dimensionType": "activity",
                },
                "date": {
                    "attributes": {"year": {"source": "year"}},
                    "primaryKey": "year",
                    "dimensionType": "datetime",
                },
            },
        },
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("budget-lines.csv", out.getvalue())
        z.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
    return buf.getvalue()


# --------------------------------------------------------------------------- import template and import

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
    ],
}
CATEGORY_NAMES = {"人员经费": "personnel", "公用经费": "public", "对个人和家庭的补助": "family_subsidy"}


def import_template_bytes(data: BudgetData) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, headers in SHEETS.items():
        ws = wb.create_sheet(name)
        for c, h in enumerate(headers, start=1):
            ws.cell(1, c, h).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(c)].width = 22
    for source, amount in sorted(data.income.items()):
        wb["收入"].append([source, float(amount)])
    cat_label = {v: k for k, v in CATEGORY_NAMES.items()}
    for ln in data.lines:
        if ln.kind == "basic":
            wb["基本支出"].append(
                [
                    cat_label[ln.basic_category],
                    ln.functional.code,
                    ln.economic.code,
                    ln.source.code,
                    float(ln.amount),
                ]
            )
        else:
            wb["项目支出"].append(
                [
                    ln.project.name,
                    ln.item.name if ln.item else "",
                    ln.item.purpose if ln.item else "",
                    ln.functional.code,
                    ln.economic.code,
                    ln.source.code,
                    float(ln.amount),
                ]
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _err(errors, sheet, row, column, message):
    errors.append({"sheet": sheet, "row": row, "column": column, "message": message})


def open_workbook(content: bytes):
    """The one place an uploaded workbook is opened (to be switched to center.core.xlsx's safe reader)."""
    try:
        return load_workbook(io.BytesIO(content), data_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ApplicationError(
            _("文件不是有效的 .xlsx 工作簿。"),
            {
                "errors": [
                    {"sheet": "", "row": "", "column": "", "message": _("文件不是有效的 .xlsx 工作簿。")}
                ]
            },
        ) from None


def parse_workbook(content: bytes, catalogue: "services.Catalogue") -> tuple[dict, list[dict]]:
    """Read the template into a partial `budget_load` payload; list every bad row (sheet, row, column, reason)."""
    errors: list[dict] = []
    wb = open_workbook(content)
    missing = [s for s in SHEETS if s not in wb.sheetnames]
    for s in missing:
        _err(errors, s, "", "", _("缺少工作表“%(s)s”。") % {"s": s})
    if missing:
        return {}, errors
    rows_by_sheet = {}
    for name, headers in SHEETS.items():
        ws = wb[name]
        for merged in ws.merged_cells.ranges:
            _err(
                errors,
                name,
                merged.min_row,
                get_column_letter(merged.min_col),
                _("不允许合并单元格（%(r)s）。") % {"r": str(merged)},
            )
        head = [str(c.value or "").strip() for c in ws[1]][: len(headers)]
        if head != headers:
            _err(errors, name, 1, "", _("表头应为：%(h)s。") % {"h": "、".join(headers)})
            continue
        rows = []
        for row in ws.iter_rows(min_row=2, max_col=len(headers)):
            values = [c.value for c in row]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            r = row[0].row
            bad = False
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    _err(errors, name, r, c.column_letter, _("不允许公式，请填写数值。"))
                    bad = True
            if not bad:
                rows.append((r, values))
        rows_by_sheet[name] = rows
    payload: dict = {"income": [], "basic_lines": [], "projects": []}

    def amount(sheet, r, col, value):
        if isinstance(value, str):
            try:
                return services.parse_amount(value)
            except ApplicationError:
                _err(errors, sheet, r, col, _("金额单元格中是文字“%(v)s”，应为数值。") % {"v": value})
                return None
        try:
            return services.parse_amount(value)
        except ApplicationError as exc:
            _err(errors, sheet, r, col, exc.message)
            return None

    def code(sheet, r, col, fn, value):
        try:
            return fn(str(value).strip() if value is not None else "").code
        except ApplicationError as exc:
            _err(errors, sheet, r, col, exc.message)
            return None

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
            from .enums import BASIC_CATEGORY_CLASS

            if not e.startswith(BASIC_CATEGORY_CLASS[category]):
                _err(errors, "基本支出", r, "C", _("经济科目 %(e)s 与类别“%(c)s”不符。") % {"e": e, "c": cat})
                e = None
        if category and f and e and s and a is not None:
            payload["basic_lines"].append(
                {"category": category, "functional": f, "economic": e, "source": s, "amount": str(a)}
            )
    projects: dict[str, dict] = {}
    for r, (pname, iname, purpose, fn, eco, src, amt) in rows_by_sheet.get("项目支出", []):
        pname = str(pname or "").strip()
        if not pname:
            _err(errors, "项目支出", r, "A", _("项目名称不能为空。"))
        f = code("项目支出", r, "D", catalogue.functional_item, fn)
        e = code("项目支出", r, "E", catalogue.economic_item, eco)
        s = code("项目支出", r, "F", catalogue.source_leaf, src)
        a = amount("项目支出", r, "G", amt)
        if pname and f and e and s and a is not None:
            p = projects.setdefault(pname, {"name": pname, "items": {}})
            item = p["items"].setdefault(
                str(iname or "").strip(),
                {"name": str(iname or "").strip(), "purpose": str(purpose or ""), "lines": []},
            )
            item["lines"].append({"functional": f, "economic": e, "source": s, "amount": str(a)})
    payload["projects"] = [{**p, "items": list(p["items"].values())} for p in projects.values()]
    return payload, errors


@service
def import_workbook(*, actor, budget, content: bytes):
    """Replace the budget's income and lines from the template; nothing is saved when any row is bad.

    Projects keep their texts and indicators when a project of the same name exists. One unit of work: the
    budget is locked before its current content is read and replaced.
    """
    catalogue = services.Catalogue.of(budget.fiscal_year)
    payload, errors = parse_workbook(content, catalogue)
    if errors:
        raise ApplicationError(
            _("导入文件有 %(n)s 处错误，未导入任何内容。") % {"n": len(errors)}, {"errors": errors}
        )
    from .selectors import budget_data

    budget = services._lock(budget)
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
                department=old.department.code if old.department else "",
                indicators=[
                    {
                        "level1": i.level1,
                        "level2": i.level2,
                        "name": i.name,
                        "kind": i.kind,
                        "comparator": i.comparator,
                        "value": i.value,
                        "unit": i.measure_unit,
                        "table_sort": i.table_sort,
                    }
                    for i in current.indicators
                    if i.project_id == old.pk
                ],
            )
    payload["unit_indicators"] = [
        {
            "level1": i.level1,
            "level2": i.level2,
            "name": i.name,
            "kind": i.kind,
            "comparator": i.comparator,
            "value": i.value,
            "unit": i.measure_unit,
            "table_sort": i.table_sort,
        }
        for i in current.indicators
        if i.project_id is None
    ]
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
    return services.budget_load(actor=actor, budget=budget, payload=payload, note=_("Excel 导入"))


__all__ = ["ZERO"]
