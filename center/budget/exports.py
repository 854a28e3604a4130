"""Exports of a budget (xlsx workbook of 表1–表11, PDF of the whole disclosure, Fiscal Data Package) and the
xlsx import template with its all-or-nothing import."""

import csv
import io
import json
import zipfile
from decimal import Decimal

from django.db.models import Sum
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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
        for p in s.after:  # 第七部分's 备注, after its table
            doc.paragraph(p)
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
    ("id", "integer", "unknown:integer"),
    ("year", "integer", "date:fiscal-year"),
    ("unit", "string", "administrative-classification:generic:label"),
    ("kind", "string", "expenditure-type:code"),
    ("basic_category", "string", "expenditure-type:generic:label"),
    ("project", "string", "activity:generic:program:label"),
    ("item", "string", "activity:generic:project:label"),
    ("functional_code", "string", "functional-classification:generic:code"),
    ("functional_name", "string", "functional-classification:generic:label"),
    ("economic_code", "string", "economic-classification:generic:code"),
    ("economic_name", "string", "economic-classification:generic:label"),
    ("source_code", "string", "fin-source:generic:code"),
    ("source_name", "string", "fin-source:generic:label"),
    ("amount", "number", "value"),
]


def table_json(t) -> dict:
    """One table as open data: printed text of every cell, and for amounts the yuan and 万元 figures."""
    return {
        "number": t.number,
        "title": t.title,
        "unit": "万元",
        "subtitle": list(t.subtitle),
        "columns": t.columns,
        "header_rows": t.header_rows,
        "rows": [
            {
                "kind": row.kind,
                "level": row.level,
                "cells": [
                    {"text": text, "amount_yuan": str(c.amount), "amount_wan": int(to_wan(c.amount))}
                    if c.is_amount
                    else {"text": text}
                    for c, text in zip(row.cells, printed, strict=False)
                ],
            }
            for row, printed in zip(t.rows, t.printed(), strict=False)
        ],
        "notes": t.notes,
        "empty": t.empty,
    }


def disclosure_json_bytes(data: BudgetData) -> bytes:
    """The published disclosure as JSON: 表1–表11 (the same shape as the API's /tables)."""
    b = data.budget
    payload = {
        "unit": b.unit.name,
        "year": data.year,
        "published_at": b.published_at.isoformat() if b.published_at else None,
        "approval_doc_no": b.approval_doc_no,
        "rounding": "万元, each cell rounded half-up from yuan (本套报表金额单位转换时可能存在尾数误差)",
        "tables": [table_json(t) for t in all_tables(data)],
    }
    return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")


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
    # Fiscal Data Package v1: a Tabular Data Package (its profile value is the tabular one, as the FDP
    # profile requires) with the fiscal model and the recommended fields (countryCode, licenses, granularity;
    # classificationType on the classification dimensions; columnType on every field that maps to the model).
    package = {
        "name": f"szstec-budget-{data.year}",
        "title": f"{data.budget.unit.name} {data.year} 年部门预算",
        "profile": "tabular-data-package",
        "countryCode": "CN",
        "granularity": "aggregated",
        "currency": "CNY",
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
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
                    "classificationType": "functional",
                },
                "economic-classification": {
                    "attributes": {"code": {"source": "economic_code"}, "label": {"source": "economic_name"}},
                    "primaryKey": "code",
                    "dimensionType": "classification",
                    "classificationType": "economic",
                },
                "fin-source": {
                    "attributes": {"code": {"source": "source_code"}, "label": {"source": "source_name"}},
                    "primaryKey": "code",
                    "dimensionType": "classification",
                    "classificationType": "fin-source",
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


# The import format and the import itself are the loading services' (re-exported here for callers).
from .services.loading import (  # noqa: E402
    CATEGORY_NAMES,
    SHEETS,
    import_workbook,
    parse_workbook,
)

__all__ = ["CATEGORY_NAMES", "SHEETS", "ZERO", "import_workbook", "parse_workbook"]
