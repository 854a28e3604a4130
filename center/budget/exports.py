"""Exports of a budget (xlsx workbook of 表1–表11, PDF of the whole disclosure, Fiscal Data Package) and the
xlsx import template with its all-or-nothing import."""

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

from django.db.models import Sum
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .models import ExpenditureLine
from .narrative import compose
from .rounding import fmt_wan, to_wan
from .selectors import ZERO, BudgetData
from .tables import all_tables


def totals_for_budgets(budgets) -> dict[int, Decimal]:
    """Expenditure totals of many budgets in one query."""
    ids = [b.pk for b in budgets]
    rows = ExpenditureLine.objects.filter(budget_id__in=ids).values("budget_id").annotate(s=Sum("amount"))
    return {r["budget_id"]: r["s"] for r in rows}


# --------------------------------------------------------------------------- the print layout (PDF and xlsx)

# Tables printed on landscape pages (the wide ones), and each table's column widths in mm (scaled to the page).
LANDSCAPE = {"表2", "表3", "表4", "表5", "表8", "表11"}
WIDTHS_MM = {
    "表1": [52, 24, 80, 24],
    "表3": [60, 31, 31, 31, 38, 38, 38],
    "表6": [52, 24, 80, 24],
    "表7": [40, 18, 62, 20, 20, 20],
    "表8": [55, 20, 32, 32, 32, 32, 32, 32],
    "表9": [40, 18, 62, 20, 20, 20],
    "表10": [40, 18, 62, 20, 20, 20],
    "表11": [30, 22, 22, 115, 26, 26, 26],
}
FIRST_COL_MM = {"表2": 34, "表4": 62, "表5": 62}
TWO_SIDED = {"表1", "表6"}
CODE_TABLES = {"表7", "表9", "表10"}


@dataclass
class PrintCell:
    text: str = ""
    amount: Decimal | None = None  # yuan (printed in whole 万元)
    level: int = 0  # indentation level (two characters each)
    bold: bool = False
    center: bool = False


@dataclass
class PrintGrid:
    """A table laid out for print: heading rows (repeated on every page), body rows, merged ranges
    (row0, col0, row1, col1) over heading + body rows, and the orientation and column widths."""

    number: str
    title: str
    subtitle: tuple[str, str]
    widths_mm: list[float]
    landscape: bool
    head: list[list[PrintCell]]
    body: list[list[PrintCell]]
    spans: list[tuple[int, int, int, int]]
    notes: list[str]

    @property
    def ncols(self) -> int:
        return len(self.widths_mm)


def _split_indent(text: str) -> tuple[str, int]:
    stripped = text.lstrip(" ")
    return stripped, (len(text) - len(stripped)) // 2


def print_grid(t) -> PrintGrid:
    """表1–表10 from their heading paths and printed rows; 表11 has its own layout (`_grid11`)."""
    if t.number == "表11":
        return _grid11(t)
    matrix, spans = header_matrix(t)
    ncols = len(matrix[0]) if matrix else len(t.columns)
    head = [[PrintCell(text, bold=True, center=True) for text in row] for row in matrix]
    body = []
    for row, printed in zip(t.rows, t.printed(), strict=False):
        bold_row = row.kind in ("total", "sum", "header")
        if row.kind == "class":
            code = row.cells[1].text if t.number in CODE_TABLES else ""
            bold_row = len(code) <= 3
        cells = []
        for cell, text in zip(row.cells, printed, strict=False):
            text, level = _split_indent(text)
            cells.append(PrintCell(text, cell.amount, level, bold_row))
        if t.number in TWO_SIDED:  # 类 of either side (level 0 names) and their amounts in bold
            for i in (0, 2):
                if i < len(cells) and cells[i].text and cells[i].level == 0:
                    cells[i].bold = cells[i + 1].bold = True
        if t.number in CODE_TABLES and row.kind == "total":
            cells[0].center = False
        body.append(cells + [PrintCell() for _ in range(ncols - len(cells))])
    if t.number in WIDTHS_MM:
        widths = WIDTHS_MM[t.number]
    else:
        first = FIRST_COL_MM.get(t.number, 50)
        widths = [first] + [(267 - first) / (ncols - 1)] * (ncols - 1)
    return PrintGrid(
        t.number,
        t.title,
        t.subtitle,
        widths,
        t.number in LANDSCAPE,
        head,
        body,
        [(r0, c0, r1, c1) for (c0, r0), (c1, r1) in spans],
        t.notes,
    )


def _grid11(t) -> PrintGrid:
    """表11 on a 7-column grid: label | 任务名称 (2) | 主要内容 | 总额 | 财政拨款 | 其他资金, and for the
    indicators label | 一级 | 二级 | 三级 | 目标值 (3). The section labels, 一级 and 二级 (and a 三级 with
    several target values) are merged down their rows, as the printed table does."""
    rows: list[list[PrintCell]] = []
    spans: list[tuple[int, int, int, int]] = []
    section: list[str] = []  # section label per row, for the vertical merges
    indicator_rows: list[int | None] = []

    def add(cells, label, hspans):
        r = len(rows)
        rows.append(cells)
        section.append(label)
        for c0, c1 in hspans:
            spans.append((r, c0, r, c1))

    def head(text):
        return PrintCell(text, bold=True, center=True)

    for row in t.rows:
        c = row.cells
        first = c[0].text
        if row.kind == "header" and len(c) == 4:
            add(
                [head(first), PrintCell(c[1].text), None, None, head(c[2].text), PrintCell(c[3].text), None],
                "",
                [(1, 3), (5, 6)],
            )
        elif row.kind == "header" and first == "年度主要任务":
            add(
                [head(first), head(c[1].text), None, head(c[2].text), head("预算金额（万元）"), None, None],
                first,
                [(4, 6)],
            )
            subs = [cell.text.split("/")[-1] for cell in c[3:6]]
            add(
                [head(first), None, None, None, *[head(s) for s in subs]],
                first,
                [],
            )
            r = len(rows) - 2
            spans.extend([(r, 1, r + 1, 2), (r, 3, r + 1, 3)])  # 任务名称, 主要内容 over both heading rows
        elif first == "年度主要任务":
            bold = row.kind == "sum"
            amounts = [PrintCell(x.text, x.amount, bold=bold) for x in c[3:6]]
            add(
                [
                    head(first),
                    PrintCell(c[1].text, bold=bold, center=bold),
                    None,
                    PrintCell(c[2].text),
                    *amounts,
                ],
                first,
                [(1, 2)],
            )
        elif row.kind == "section":
            add([head(first), PrintCell(c[1].text), None, None, None, None, None], first, [(1, 6)])
        elif first == "年度绩效指标":
            hd = row.kind == "header"
            cells = [PrintCell(x.text, bold=hd, center=hd or i != 3) for i, x in enumerate(c)]
            cells[0] = head(first)
            add([*cells, None, None], "" if hd else first, [(4, 6)])
            if hd:
                section[-1] = first
                indicator_rows.append(None)
            else:
                indicator_rows.append(len(rows) - 1)
    # vertical merges: the section label; 一级 / 二级 / 三级 of the indicators where they repeat
    _merge_down(rows, spans, 0, lambda r: section[r] or None)
    ind = [r for r in indicator_rows if r is not None]
    key1 = {r: rows[r][1].text for r in ind}
    key2 = {r: (rows[r][1].text, rows[r][2].text) for r in ind}
    key3 = {r: (rows[r][1].text, rows[r][2].text, rows[r][3].text) if rows[r][3].text else None for r in ind}
    _merge_down(rows, spans, 1, key1.get)
    _merge_down(rows, spans, 2, key2.get)
    _merge_down(rows, spans, 3, key3.get)
    body = [[cell or PrintCell() for cell in r] for r in rows]
    return PrintGrid(t.number, t.title, t.subtitle, WIDTHS_MM["表11"], True, [], body, spans, t.notes)


def _merge_down(rows, spans, col, key) -> None:
    r = 0
    while r < len(rows):
        k = key(r)
        end = r
        while k is not None and end + 1 < len(rows) and key(end + 1) == k:
            end += 1
        if end > r:
            spans.append((r, col, end, col))
            for rr in range(r + 1, end + 1):
                rows[rr][col] = None
        r = end + 1


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


# --------------------------------------------------------------------------- xlsx workbook of the tables

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MM_PER_CHAR = 2.1  # an Excel column-width unit is about one digit (≈2 mm at 11 pt)


def workbook_bytes(data: BudgetData) -> bytes:
    """One sheet per table, laid out as printed: title and 部门名称/单位 lines above the grid, merged headings
    centred, indents and bold, and an A4 page setup (one page wide, heading rows repeated on every page)."""
    wb = Workbook()
    wb.remove(wb.active)
    for t in all_tables(data):
        _xlsx_sheet(wb.create_sheet(t.number), print_grid(t))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_sheet(ws, g: PrintGrid) -> None:
    n = g.ncols
    ws.cell(1, 1, g.number).font = Font(size=10)
    ws.cell(2, 1, g.title).font = Font(size=16, bold=True)
    ws.cell(2, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    ws.row_dimensions[2].height = 28
    ws.cell(3, 1, g.subtitle[0])
    ws.cell(3, n, g.subtitle[1]).alignment = Alignment(horizontal="right")
    top = 4
    rows = g.head + g.body
    for r, cells in enumerate(rows):
        for c, pc in enumerate(cells, start=1):
            cell = ws.cell(top + r, c)
            cell.border = BORDER
            if pc.amount is not None:
                cell.value = int(to_wan(pc.amount))
                cell.number_format = "#,##0"
                cell.alignment = Alignment(horizontal="right", vertical="center")
            else:
                cell.value = pc.text or None
                cell.alignment = Alignment(
                    horizontal="center" if pc.center else "left",
                    vertical="center",
                    wrap_text=True,
                    indent=pc.level * 2,
                )
            if pc.bold:
                cell.font = Font(bold=True)
    for r0, c0, r1, c1 in g.spans:
        ws.merge_cells(start_row=top + r0, start_column=c0 + 1, end_row=top + r1, end_column=c1 + 1)
    for c, mm_ in enumerate(g.widths_mm, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(mm_ / MM_PER_CHAR, 1)
    last = top + len(rows) - 1
    for k, note in enumerate(g.notes):
        ws.cell(last + 1 + k, 1, note)
    if g.head:
        ws.freeze_panes = ws.cell(top + len(g.head), 2)
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if g.landscape else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # one page wide, as many pages down as it takes
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{top + len(g.head) - 1}"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = False


# --------------------------------------------------------------------------- PDF of the whole document


def pdf_bytes(data: BudgetData) -> bytes:
    """The disclosure as published: cover, 目录, the text on portrait pages, then one table per page run
    (landscape where the table is wide), headings repeated on every page a table continues on."""
    from center.core.pdf import PdfBook

    unit, year = data.budget.unit.name, data.year
    book = PdfBook(f"{year}年{unit}部门预算")
    book.cover([unit, f"{year}年部门预算"], [unit])
    book.section("portrait")
    book.heading("一、文字部分", "part", toc=0)
    for s in compose(data):
        book.heading(s.title, "section", toc=1)
        for p in s.paragraphs:
            book.paragraph(p)
        if s.table:
            _narrative_table(book, s.table)
        for sub in s.subsections:
            book.heading(sub.title, "sub")
            for p in sub.paragraphs:
                book.paragraph(p)
        for p in s.after:  # 第七部分's 备注, after its table
            book.paragraph(p)
    for i, t in enumerate(all_tables(data)):
        g = print_grid(t)
        book.section("landscape" if g.landscape else "portrait")
        if i == 0:
            book.heading("二、表格部分", "part", toc=0)
        book.mark(f"{t.number} {t.title}", 1)
        _pdf_table(book, g)
        for note in g.notes:
            book.paragraph(note, "small")
    return book.build()


def _narrative_table(book, rows: list[list[str]]) -> None:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from center.core.pdf import BoldParagraph

    st = book.st
    widths = [w * book.width() / 180 for w in (45, 25, 110)]
    data = []
    for r, row in enumerate(rows):
        if r == 0:
            data.append([BoldParagraph(escape(c), _cell_style(st, "cell_head")) for c in row])
        else:
            data.append(
                [Paragraph(escape(c), st["cell_num" if i == 1 else "cell"]) for i, c in enumerate(row)]
            )
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    book.story.append(table)
    book.story.append(Spacer(1, 2 * mm))


def _pdf_table(book, g: PrintGrid) -> None:
    """One table: the 表号, the centred title and the 部门名称 / 单位 line (plain text, no grid) as rows that
    repeat on every page with the heading rows; then the ruled grid with merged cells, indents and bold."""
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    from center.core.pdf import BoldParagraph

    st = book.st
    n = g.ncols
    size = 8 if g.landscape and n > 8 else 9
    avail = book.width()
    scale = avail / sum(g.widths_mm)
    widths = [w * scale for w in g.widths_mm]
    left_cols = max(1, n // 2)
    top = [
        [Paragraph(escape(g.number), st["plain"])] + [""] * (n - 1),
        [BoldParagraph(escape(g.title), st["table_title"])] + [""] * (n - 1),
        [Paragraph(escape(g.subtitle[0]), st["plain"])]
        + [""] * (left_cols - 1)
        + [Paragraph(escape(g.subtitle[1]), _cell_style(st, "plain_right"))]
        + [""] * (n - left_cols - 1),
    ]
    cmds = [
        ("SPAN", (0, 0), (-1, 0)),
        ("SPAN", (0, 1), (-1, 1)),
        ("SPAN", (0, 2), (left_cols - 1, 2)),
        ("SPAN", (left_cols, 2), (-1, 2)),
        ("GRID", (0, 3), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    body = []
    for cells in g.head + g.body:
        out = []
        for pc in cells:
            if pc.amount is not None:
                text, style = fmt_wan(pc.amount), "cell_num"
            else:
                text, style = pc.text, "cell_head" if pc.center else "cell"
            if pc.level:
                style = f"{style}_l{min(pc.level, 4)}"
            cls = BoldParagraph if pc.bold else Paragraph
            out.append(cls(escape(text) if text else "&nbsp;", _cell_style(st, style, size)))
        body.append(out)
    tall = [sp for sp in g.spans if sp[2] > sp[0] and sp[0] >= len(g.head)]
    if not tall:  # reportlab splits the table itself, repeating the title and heading rows
        for r0, c0, r1, c1 in g.spans:
            cmds.append(("SPAN", (c0, 3 + r0), (c1, 3 + r1)))
        table = Table(top + body, colWidths=widths, repeatRows=3 + len(g.head))
        table.setStyle(TableStyle(cmds))
        book.story.append(table)
        return
    # Merged cells running down the rows cannot be split by reportlab: measure the rows, cut the table into
    # page-high pieces, and clip each merge to its piece (its label printed again at the top of a new page).
    flat = [sp for sp in g.spans if sp not in tall]
    probe = Table(top + body, colWidths=widths)
    probe.setStyle(TableStyle(cmds + [("SPAN", (c0, 3 + r0), (c1, 3 + r1)) for r0, c0, r1, c1 in flat]))
    probe.wrap(avail, 10**6)
    heights = probe._rowHeights
    page = book.page_height() - 4
    pieces, start, used = [], 0, sum(heights[:3])
    for r in range(len(body)):
        h = heights[3 + r]
        if used + h > page and r > start:
            pieces.append((start, r))
            start, used = r, sum(heights[:3])
        used += h
    pieces.append((start, len(body)))
    for k, (a, b) in enumerate(pieces):
        rows = [list(row) for row in body[a:b]]
        piece_cmds = list(cmds)
        for r0, c0, r1, c1 in g.spans:
            lo, hi = max(r0, a), min(r1, b - 1)
            if lo > hi:
                continue
            if lo > r0:  # the merge continues from the previous page: its label again
                rows[lo - a][c0] = body[r0][c0]
            if hi > lo or c1 > c0:
                piece_cmds.append(("SPAN", (c0, 3 + lo - a), (c1, 3 + hi - a)))
        table = Table(top + rows, colWidths=widths)
        table.setStyle(TableStyle(piece_cmds))
        if k:
            book.page_break()
        book.story.append(table)


def _cell_style(st, name: str, size: float | None = None):
    """Cell styles, with indented variants `<style>_l<n>` (two characters per level: the indent
    characters of the printed text are not drawn by the font, so the indent is a paragraph indent)."""
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    if size is not None:
        key = f"{name}@{size}"
        if key not in st:
            parent = _cell_style(st, name)
            st[key] = ParagraphStyle(
                key,
                parent=parent,
                fontSize=size,
                leading=size * 1.3,
                leftIndent=parent.leftIndent * size / parent.fontSize,
            )
        return st[key]
    if name in st:
        return st[name]
    if name == "cell_head":
        st[name] = ParagraphStyle(name, parent=st["cell"], alignment=TA_CENTER)
    elif name == "plain_right":
        st[name] = ParagraphStyle(name, parent=st["plain"], alignment=TA_RIGHT)
    else:
        base, level = name.rsplit("_l", 1)
        parent = _cell_style(st, base)
        st[name] = ParagraphStyle(name, parent=parent, leftIndent=parent.fontSize * 2 * int(level))
    return st[name]


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
    projects = {p.pk: p for p in data.projects}
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
                    _department_name(projects.get(ln.project_id)),
                ]
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _department_name(project) -> str:
    return project.department.name if project is not None and project.department else ""


# The import format and the import itself are the loading services' (re-exported here for callers).
from .services.loading import (  # noqa: E402
    CATEGORY_NAMES,
    SHEETS,
    import_workbook,
    parse_workbook,
)

__all__ = ["CATEGORY_NAMES", "SHEETS", "ZERO", "import_workbook", "parse_workbook"]
