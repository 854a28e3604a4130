"""The evaluation on paper: the draft internal-control report as a PDF in the disclosure layout (cover, 目录,
sections; center/core/pdf.py PdfBook) and the basic evaluation sheet as an A4 workbook."""

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from .report import Report, _n
from .sheet import sheet


def _pdf_table(book, rows: list[list[str]], widths: list[float]) -> None:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from center.core.pdf import BoldParagraph

    st = book.st
    scale = book.width() / sum(widths)
    data = [
        [(BoldParagraph if r == 0 else Paragraph)(escape(str(c)), st["cell"]) for c in row]
        for r, row in enumerate(rows)
    ]
    table = Table(data, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    book.story.append(table)
    book.story.append(Spacer(1, 3 * mm))


def report_pdf(evaluation, scored, report: Report) -> bytes:
    from center.core.pdf import PdfBook

    book = PdfBook(report.title)
    book.cover([report.unit, _("%(y)s年度内部控制报告") % {"y": evaluation.year}], [report.status])
    book.section("portrait")
    for section in report.sections:
        book.heading(section.title, "section", toc=0)
        for p in section.paragraphs:
            book.paragraph(p)
        if section.table:
            widths = (
                [20, 70, 15, 20] if len(section.table[0]) == 4 and section is report.sections[0] else None
            )
            _pdf_table(book, section.table, widths or [12, 45, 12, 80])
    book.section("landscape")
    book.heading(_("附：内部控制基础性评价指标评分表"), "section", toc=0)
    _pdf_table(book, sheet_rows(scored), [14, 40, 10, 60, 12, 12, 60])
    return book.build()


def sheet_rows(scored) -> list[list[str]]:
    """The sheet as printed: level, indicator, evaluation point with points, score, how it was scored."""
    levels = {lv.code: lv for lv in sheet().levels}
    rows = [[_("层面"), _("评价指标"), _("要点"), _("评价要点"), _("分值"), _("评价得分"), _("评分依据")]]
    for ind in scored.indicators:
        for r in ind.items:
            item = r.item
            if not item.applicable:
                score, basis = _("不适用"), _("不适用，剔除后换算")
            elif item.computed:
                score = _n(r.score)
                basis = _("系统计算：") + _("；").join(c.explanation for c in r.checks)
            elif r.hand is not None:
                score = _n(r.score)
                basis = _("手工评分（%(who)s）：%(note)s") % {
                    "who": r.hand.scored_by.full_name,
                    "note": r.hand.note,
                }
            else:
                score, basis = "", _("未评分")
            rows.append(
                [
                    levels[ind.indicator.level].display_name(),
                    f"{ind.indicator.code}. {ind.indicator.display_name()}",
                    item.code,
                    item.display_name(),
                    _n(item.points),
                    score,
                    basis,
                ]
            )
    t = scored.totals
    rows.append([_("评价总分"), "", "", "", "100", _n(t.raw), ""])
    rows.append(
        [
            _("换算后得分"),
            "",
            "",
            "",
            "100",
            _n(t.rescaled),
            _("%(r)s ÷ %(a)s × 100（不适用 %(d)s 分）")
            % {"r": _n(t.raw), "a": _n(t.applicable_points), "d": _n(t.dropped_points)},
        ]
    )
    return rows


def sheet_xlsx(evaluation, scored) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _("评分表")
    thin = Side(style="thin")
    ws.append([_("%(y)s年度行政事业单位内部控制基础性评价指标评分表") % {"y": evaluation.year}])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=7)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for r, row in enumerate(sheet_rows(scored), start=2):
        ws.append(row)
        for cell in ws[r]:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if r == 2:
                cell.font = Font(bold=True)
    for col, width in zip("ABCDEFG", (10, 26, 7, 40, 7, 9, 60), strict=True):
        ws.column_dimensions[col].width = width
    ws.append([])
    ws.append([sheet().words()["source"]])
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = "2:2"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
