"""The event report as .xlsx (openpyxl) and PDF (reportlab; the shared center/core/pdf.py when it exists)."""

import io
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


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
        *_control_rows(data.get("control")),
        (_("活动总结"), e.report_summary),
        (_("活动成效"), e.report_outcomes),
    ]


def _control_rows(ctl: dict | None) -> list[tuple[str, object]]:
    if ctl is None:
        return [(_("预算控制事前申请"), "—")]
    app = ctl["application"]
    return [
        (_("预算控制事前申请"), f"{app.number} · {app.get_state_display()}"),
        (_("申请金额（元）"), ctl["applied"]),
        (_("报销已支付（元）"), ctl["paid"]),
        (_("报销审批中（元）"), ctl["in_approval"]),
        (_("仍冻结（元）"), ctl["frozen"]),
    ]


def report_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("活动报告")
    ws.append([pgettext("key", "项目"), _("内容")])
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

    from center.core.pdf import document_lang

    font = _font_name()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=8)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, lang=document_lang()
    )
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
    photos = _photo_cells(data["photos"], body, width=84 * mm, height=60 * mm)
    if photos:
        heading = ParagraphStyle("heading", parent=title, keepWithNext=1)  # never alone at a page's foot
        story += [Spacer(1, 8 * mm), Paragraph(escape(_("活动照片")), heading)]
        rows = [photos[i : i + 2] + [""] * (2 - len(photos[i : i + 2])) for i in range(0, len(photos), 2)]
        pt = Table(rows, colWidths=[87 * mm, 87 * mm])
        pt.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story.append(pt)
    doc.build(story)
    return buf.getvalue()


def _photo_cells(photos, style, *, width, height) -> list:
    """Each photo scaled into width × height with its caption under it; a missing or unreadable file is
    left out of the PDF rather than failing the whole report."""
    from xml.sax.saxutils import escape

    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image, Paragraph

    from center.core.files import read_stored

    cells = []
    for p in photos:
        try:
            data = read_stored(p.attachment.stored_name)
            w, h = ImageReader(io.BytesIO(data)).getSize()
        except OSError:
            continue
        scale = min(width / w, height / h)
        cells.append(
            [Image(io.BytesIO(data), width=w * scale, height=h * scale), Paragraph(escape(p.caption), style)]
        )
    return cells


def registrations_xlsx(event, registrations, fields: dict[str, str], *, full_contacts: bool) -> bytes:
    """The event's registrations as .xlsx: one row each, answers in their own columns. Phone numbers and
    e-mail addresses are masked unless `full_contacts` (an organiser's audited reveal)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from center.core.masking import mask_email, mask_phone

    wb = Workbook()
    ws = wb.active
    ws.title = _("报名名单")
    head = [_("签到码"), _("姓名"), _("单位"), _("手机号"), _("电子邮箱"), _("状态"), _("现场报名")]
    head += [_("报名时间"), _("签到时间"), *fields.values()]
    ws.append([str(h) for h in head])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in registrations:
        answers = r.answers or {}
        _append_text(
            ws,
            [
                r.code,
                r.name,
                r.organisation,
                r.phone if full_contacts else mask_phone(r.phone),
                r.email if full_contacts else mask_email(r.email),
                r.get_state_display(),
                _("是") if r.walk_in else "",
                timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
                timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
                *(_answer(answers.get(key)) for key in fields),
            ],
        )
    for col, width in zip("ABCDEFGHI", (10, 14, 24, 16, 26, 10, 8, 17, 17), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "B2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _append_text(ws, values) -> None:
    """Append a row of what people typed: always stored as text, so "=…" is never run as a formula."""
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _answer(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)
