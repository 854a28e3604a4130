"""表1–表11 as HTML for the disclosure pages (staff and public) and the one-table page.

The eleven tables hold about 2,300 cells; rendered through the template language (a `{% for %}` over rows and
cells with a few `{% if %}` each) they took most of the page's time. The headings and the rows are written
here instead, with every text escaped (`html.escape`, as the template's autoescaping does), and the template
`budget/_tables.html` places them. The markup is the one the template used to produce, cell for cell.
"""

from html import escape
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .tables import Table

# Column spans of 表11's kinds of rows (6 columns), as the printed table lays them out.
_T11_SPANS = {2: [1, 5], 4: [1, 2, 1, 2], 5: [1, 1, 1, 2, 1], 6: [1, 1, 1, 1, 1, 1]}

# One laid-out cell: [Cell, text shown, indentation level, colspan, rowspan, hidden]
CELL, TEXT, LEVEL, COLSPAN, ROWSPAN, HIDDEN = range(6)


def drill_link_maker(budget_pk: int):
    """A function giving the drill-down address of an amount cell's filter ("" for a cell without one)."""
    base = reverse("budget:drill", args=[budget_pk])

    def link(drill: dict | None) -> str:
        if drill is None:
            return ""
        return base + ("?" + urlencode({k: str(v) for k, v in drill.items()}) if drill else "")

    return link


def _laid_out(table: Table) -> list[tuple[str, list[list]]]:
    """(row kind, cells) with each cell's shown text (indentation taken off) and its level."""
    rows = []
    for row, printed in zip(table.rows, table.printed(), strict=False):
        cells = []
        for cell, text in zip(row.cells, printed, strict=False):
            stripped = text.lstrip(" ")
            cells.append([cell, stripped, (len(text) - len(stripped)) // 2, 1, 1, False])
        rows.append((row.kind, cells))
    return rows


def _layout_table11(rows: list[tuple[str, list[list]]]) -> None:
    """Merge repeated section labels (and 一级/二级 labels) down the rows; widen short rows to 6 columns."""
    for kind, cells in rows:
        if kind == "header":
            for c in cells:
                c[TEXT] = c[TEXT].replace("/", " ")
        spans = _T11_SPANS.get(len(cells), [1] * len(cells))
        for c, span in zip(cells, spans, strict=False):
            c[COLSPAN] = span
    for col in (0, 1, 2):
        start = None
        for i, (_kind, cells) in enumerate(rows):
            if col > 0 and len(cells) != 5:
                start = None
                continue
            if start is not None and len(cells) > col:
                first = rows[start][1]
                if all(cells[c][TEXT] == first[c][TEXT] for c in range(col + 1)):
                    first[col][ROWSPAN] += 1
                    cells[col][HIDDEN] = True
                    continue
            start = i


def _spans(c: list) -> str:
    out = ""
    if c[COLSPAN] > 1:
        out += f' colspan="{c[COLSPAN]}"'
    if c[ROWSPAN] > 1:
        out += f' rowspan="{c[ROWSPAN]}"'
    return out


def _cell_html(c: list, link) -> str:
    cell = c[CELL]
    if cell.amount is not None:
        text = escape(c[TEXT])
        href = link(cell.drill) if link is not None else ""
        if href:
            text = f'<a href="{escape(href)}">{text}</a>'
        return f'<td class="num"{_spans(c)}>{text}</td>'
    body = (
        escape(c[TEXT])
        if not cell.zh
        else f'{escape(cell.lead)}<span lang="zh-CN">{escape(cell.text)}</span>'
    )
    return f'<td class="lvl-{c[LEVEL]}"{_spans(c)}>{body}</td>'


def thead_html(table: Table) -> SafeString:
    if not (table.columns and any(table.columns)):
        return mark_safe("")
    rows = []
    for hr in table.header_grid():
        ths = "".join(
            f'<th colspan="{h["colspan"]}" rowspan="{h["rowspan"]}">{escape(str(h["text"]))}</th>' for h in hr
        )
        rows.append(f"<tr>{ths}</tr>")
    return mark_safe(f"<thead>{''.join(rows)}</thead>")  # noqa: S308 (every text escaped above)


def tbody_html(table: Table, link=None) -> SafeString:
    """The rows of a table; amount cells link to their drill-down when `link` (see drill_link_maker) is given."""
    rows = _laid_out(table)
    if table.number == "表11":
        _layout_table11(rows)
    out = []
    for kind, cells in rows:
        tds = "".join(_cell_html(c, link) for c in cells if not c[HIDDEN])
        out.append(f'<tr class="row-{escape(kind)}">{tds}</tr>')
    return mark_safe("\n".join(out))  # noqa: S308 (every text escaped in _cell_html)


def rendered_tables(budget, tables: list[Table], *, drill: bool) -> list[dict]:
    """The tables for `budget/_tables.html`: {"t": table, "thead": html, "tbody": html}."""
    link = drill_link_maker(budget.pk) if drill else None
    return [{"t": t, "thead": thead_html(t), "tbody": tbody_html(t, link)} for t in tables]
