"""The printable monitoring table in the layout of Shenzhen's 项目支出绩效目标执行监控表 (PDF through
center/core/pdf.py PdfBook, and xlsx): 项目名称, 主管部门, 实施单位; 资金情况 (年度预算数, 1-7月执行数, 执行率,
时间进度); the indicators (一级/二级/三级指标, 年度指标值, 1-7月实际完成值, 全年预计完成值, 偏差原因分析 with a tick
under 经费保障 / 制度保障 / 人员保障 / 硬件条件保障 / 其他, 完成目标可能性, 原因说明和改进措施); the people of each
step. A submitted report prints its frozen snapshot; one not yet submitted prints the live figures marked as
a draft. Official documents: printed in Chinese whatever the reader's language."""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from . import monitoring
from .monitoring_enums import Cause

CAUSES = list(Cause)
HEAD_TOP = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "{m}月实际完成值",
    "全年预计完成值",
    "偏差原因分析",
]
HEAD_TAIL = ["完成目标可能性", "原因说明和改进措施"]
CAUSE_HEAD = ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]
WIDTHS_MM = [15, 17, 42, 19, 20, 20, 11, 11, 11, 13, 10, 17, 61]
TICK = "√"
WAN = Decimal(10000)


def _wan(v) -> str:
    return "—" if v is None else f"{(v / WAN).quantize(Decimal('0.01')):,.2f}"


def _pct(v) -> str:
    return "—" if v is None else f"{v}%"


def _title(report, view) -> str:
    kind = "项目支出" if report.project_id else "部门整体支出"
    return f"{view.year}年{kind}绩效目标执行监控表"


def _header(report, view) -> list[list[str]]:
    m = view.months
    return [
        ["项目名称" if report.project_id else "单位名称", view.subject],
        ["主管部门", view.authority or "—"],
        ["实施单位", f"{view.unit}（{view.department}）"],
        [
            "资金情况（万元）",
            f"年度预算数 {_wan(view.budgeted)}；{m}月执行数 {_wan(view.executed)}；"
            f"{m}月执行率 {_pct(view.rate)}；时间进度 {_pct(view.elapsed)}",
        ],
    ]


def _spending_note(view) -> str:
    row = view.spending
    st = row.statement
    line = f"执行进度：{row.status_label}（执行率 {_pct(view.rate)}，时间进度 {_pct(view.elapsed)}）"
    if st:
        causes = "、".join(st.cause_labels) or "—"
        line += (
            f"。偏差原因：{causes}；完成可能性：{st.likelihood_label or '—'}；说明和措施：{st.action or '—'}"
        )
    return line


def _rows(view) -> list[list[str]]:
    out = []
    for r in view.rows:
        st = r.statement
        causes = st.causes if st else []
        out.append(
            [
                r.level1,
                r.level2,
                r.name,
                r.target,
                r.actual or "—",
                r.forecast or "—",
                *[TICK if c.value in causes else "" for c in CAUSES],
                (st.likelihood_label if st else "") or ("确定能" if not r.needs_statement else "—"),
                (st.action if st else "") or ("按计划推进" if not r.needs_statement else "—"),
            ]
        )
    return out


def _people(report, view) -> list[str]:
    p = view.people
    if not view.frozen:
        return [
            f"草稿：尚未报送，数据截至 {view.as_of:%Y-%m-%d} 实时计算，状态：{report.get_state_display()}。"
        ]

    def day(iso):
        return iso[:10] if iso else "—"

    return [
        f"部门负责人审核：{p.get('head_reviewed_by') or '—'}（{day(p.get('head_reviewed_at'))}）　"
        f"财务审核：{p.get('finance_reviewed_by') or '—'}（{day(p.get('finance_reviewed_at'))}）　"
        f"单位负责人审定报送：{p.get('submitted_by') or '—'}（{day(p.get('submitted_at'))}）",
        f"本表为报送时冻结的数据（数据截至 {view.as_of:%Y-%m-%d}），此后数据变动不影响本表。",
    ]


def report_pdf(report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from center.core.pdf import BoldParagraph, PdfBook

    with translation.override(settings.LANGUAGE_CODE):
        view = monitoring.report_view(report)
        title = _title(report, view)
        book = PdfBook(f"{view.subject}{title}")
        book.cover([view.subject, title], [view.unit])
        book.section("landscape")
        book.heading(title, "section", toc=0)
        st = book.st
        book.paragraph(
            f"（{view.year}年1-{view.period_end.month}月，报送期限 {view.due_on:%Y-%m-%d}）", "plain"
        )
        book.story.append(Spacer(1, 2 * mm))
        info = Table(
            [
                [Paragraph(escape(k), st["cell"]), Paragraph(escape(v), st["cell"])]
                for k, v in _header(report, view)
            ],
            colWidths=[40 * mm, book.width() - 40 * mm],
        )
        info.setStyle(
            TableStyle(
                [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            )
        )
        book.story.append(info)
        book.story.append(Spacer(1, 2 * mm))
        top = [h.format(m=view.months) for h in HEAD_TOP]
        head1 = [BoldParagraph(escape(h), st["cell"]) for h in top] + [""] * 4
        head1 += [BoldParagraph(escape(h), st["cell"]) for h in HEAD_TAIL]
        head2 = [""] * 6 + [BoldParagraph(escape(h), st["cell"]) for h in CAUSE_HEAD] + ["", ""]
        data = [head1, head2]
        for row in _rows(view):
            data.append([Paragraph(escape(c), st["cell"]) for c in row])
        scale = book.width() / sum(WIDTHS_MM)
        table = Table(data, colWidths=[w * scale for w in WIDTHS_MM], repeatRows=2)
        spans = [("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 3, 4, 5, 11, 12)] + [("SPAN", (6, 0), (10, 0))]
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (6, 2), (10, -1), "CENTER"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
                    *spans,
                ]
            )
        )
        book.story.append(table)
        book.story.append(Spacer(1, 2 * mm))
        book.paragraph(_spending_note(view), "small")
        for line in _people(report, view):
            book.paragraph(line, "small")
        return book.build()


THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(vertical="center", wrap_text=True)


def report_xlsx(report) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        view = monitoring.report_view(report)
        wb = Workbook()
        ws = wb.active
        ws.title = "绩效监控表"
        ncols = len(WIDTHS_MM)
        ws.cell(1, 1, _title(report, view)).font = Font(size=14, bold=True)
        ws.cell(1, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
        r = 2
        for k, v in _header(report, view):
            ws.cell(r, 1, k).border = BORDER
            ws.cell(r, 2, v).border = BORDER
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=ncols)
            r += 1
        r += 1
        top = [h.format(m=view.months) for h in HEAD_TOP]
        for c, h in enumerate(top + [""] * 4 + HEAD_TAIL, start=1):
            if h:
                ws.cell(r, c, h)
        for c, h in enumerate(CAUSE_HEAD, start=7):
            ws.cell(r + 1, c, h)
        for c in range(1, ncols + 1):
            for rr in (r, r + 1):
                cell = ws.cell(rr, c)
                cell.font = Font(bold=True)
                cell.border = BORDER
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for c in (1, 2, 3, 4, 5, 6, 12, 13):
            ws.merge_cells(start_row=r, start_column=c, end_row=r + 1, end_column=c)
        ws.merge_cells(start_row=r, start_column=7, end_row=r, end_column=11)
        r += 1
        for row in _rows(view):
            r += 1
            for c, value in enumerate(row, start=1):
                cell = ws.cell(r, c, value)
                cell.border = BORDER
                cell.alignment = WRAP
        r += 2
        for line in [_spending_note(view), *_people(report, view)]:
            ws.cell(r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
            r += 1
        for c, width in enumerate(WIDTHS_MM, start=1):
            ws.column_dimensions[get_column_letter(c)].width = round(width / 2.2 + 2, 1)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()
