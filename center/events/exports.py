"""The event report as .xlsx (openpyxl) and PDF (reportlab; the shared center/core/pdf.py when it exists)."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _


def _rows(data: dict) -> list[tuple[str, object]]:
    e = data["event"]
    c = data["counts"]
    return [
        (_("活动名称"), e.title),
        (_("活动类型"), e.type.name),
        (_("主办部门"), e.department.name),
        (
            _("时间"),
            f"{timezone.localtime(e.starts_at):%Y-%m-%d %H:%M} – {timezone.localtime(e.ends_at):%Y-%m-%d %H:%M}",
        ),
        (_("地点"), e.venue or e.online_url),
        (_("协办单位"), "、".join(e.co_organiser_list)),
        (_("经费来源（预算明细）"), str(e.budget_item) if e.budget_item_id else "—"),
        (_("状态"), e.get_state_display()),
        (_("名额"), c["capacity"]),
        (_("已确认人数"), c["confirmed"]),
        (_("已签到人数"), c["checked_in"]),
        (_("到场率（%）"), data["attendance_rate"] if data["attendance_rate"] is not None else "—"),
        (_("现场报名"), c["walk_in"]),
        (_("问卷份数"), data["responses"]),
        (_("满意度（%）"), e.satisfaction_rate if e.satisfaction_rate is not None else "—"),
        (_("计划经费（元）"), data["planned_total"]),
        (_("实际经费（元）"), data["actual_total"]),
        (_("差额（元）"), data["variance"]),
        (_("执行率（%）"), data["execution_rate"] if data["execution_rate"] is not None else "—"),
        (_("活动总结"), e.report_summary),
        (_("活动成效"), e.report_outcomes),
    ]


def report_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("活动报告")
    ws.append([_("项目"), _("内容")])
    for label, value in _rows(data):
        ws.append([label, float(value) if isinstance(value, Decimal) else value])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 70
    for cell in ws[1]:
        cell.font = Font(bold=True)
    costs = wb.create_sheet(_("经费"))
    costs.append([_("费用项目"), _("计划（元）"), _("实际（元）"), _("差额（元）"), _("备注")])
    for line in data["cost_lines"]:
        costs.append(
            [line.name, float(line.planned), float(line.actual), float(line.actual - line.planned), line.note]
        )
    costs.append(
        [_("合计"), float(data["planned_total"]), float(data["actual_total"]), float(data["variance"]), ""]
    )
    for col in "BCD":
        for cell in costs[col][1:]:
            cell.number_format = "#,##0.00"
    if data["roadshow"]:
        rs = wb.create_sheet(_("路演项目"))
        rs.append([_("项目名称"), _("申报单位/团队"), _("平均得分"), _("状态"), _("对接成果")])
        for app in data["roadshow"]:
            rs.append(
                [
                    app.project_name,
                    app.organisation,
                    float(app.score) if app.score is not None else None,
                    app.get_state_display(),
                    "；".join(f"{o.get_kind_display()} {o.occurred_on}" for o in app.outcomes.all()),
                ]
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _font_name() -> str:
    try:
        from center.core import pdf  # the shared module with an embedded Chinese font

        return pdf.register_font()
    except (ImportError, AttributeError, OSError):  # fallback: reportlab's built-in CID font (not embedded)
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return "STSong-Light"


def _fmt(value) -> str:
    return f"{value:,}" if isinstance(value, Decimal) else str(value)


def report_pdf(data: dict) -> bytes:
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=8)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm)
    e = data["event"]
    story = [Paragraph(escape(_("活动报告：%(t)s") % {"t": e.title}), title)]
    rows = [
        [Paragraph(escape(str(k)), body), Paragraph(escape(_fmt(v)).replace("\n", "<br/>"), body)]
        for k, v in _rows(data)
    ]
    t = Table(rows, colWidths=[40 * mm, 134 * mm])
    t.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    story += [t, Spacer(1, 8 * mm)]
    if data["cost_lines"]:
        head = [_("费用项目"), _("计划（元）"), _("实际（元）"), _("差额（元）")]
        cost_rows = [[Paragraph(escape(str(h)), body) for h in head]]
        for line in data["cost_lines"]:
            cost_rows.append(
                [Paragraph(escape(line.name), body)]
                + [
                    Paragraph(f"{v:,.2f}", body)
                    for v in (line.planned, line.actual, line.actual - line.planned)
                ]
            )
        ct = Table(cost_rows, colWidths=[74 * mm, 33 * mm, 33 * mm, 34 * mm])
        ct.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
        story.append(ct)
    doc.build(story)
    return buf.getvalue()
