"""The self-evaluation's printable forms: the 绩效自评表 (one row per indicator: 一级/二级/三级指标, 年度指标值,
实际完成值, 分值, 得分, how it was computed) and the 自评报告 text, as PDF (center/core/pdf.py PdfBook, the
layout of budget/exports.py) and xlsx. Official documents: printed in Chinese."""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from .enums import Category, EvaluationState
from .selectors import total_how

HEAD = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "计算方法"]
WIDTHS_MM = [22, 26, 60, 24, 26, 14, 14, 90]
CATEGORY_NAMES = {
    Category.EXECUTION: "预算执行率",
    Category.OUTPUT: "产出指标",
    Category.BENEFIT: "效益指标",
    Category.SATISFACTION: "满意度指标",
}
STATE_NAMES = {
    EvaluationState.DRAFT: "草稿",
    EvaluationState.SUBMITTED: "待审定",
    EvaluationState.RETURNED: "已退回",
    EvaluationState.APPROVED: "已审定",
}


def _num(v) -> str:
    if v is None:
        return "—"
    v = Decimal(v).quantize(Decimal("0.01"))
    return f"{v.normalize():f}" if v == v.to_integral() else f"{v:f}"


def _yuan(v) -> str:
    return "—" if v is None else f"{v:,.2f}"


def _rows(lines) -> list[list[str]]:
    out = []
    for ln in lines:
        ind = ln.indicator
        if ind is None:
            first, second, third = "预算执行率", "", "预算执行率（执行数 ÷ 调整后预算数）"
        else:
            first, second, third = ind.level1, ind.level2, ind.name
        if ln.applicable:
            points, score_, how = _num(ln.points), _num(ln.score), ln.how
        else:
            points, score_ = "—", "不适用"
            how = f"不适用：{ln.not_applicable_reason}"
        out.append([first, second, third, ln.target_display, ln.actual_display or "—", points, score_, how])
    return out


def _subject(ev) -> str:
    return ev.project.name if ev.project_id else f"{ev.budget.unit.name}（部门整体）"


def _header(ev) -> list[tuple[str, str]]:
    year = ev.budget.fiscal_year.year
    dept = ev.project.department.name if ev.project_id and ev.project.department_id else ev.budget.unit.name
    return [
        ("项目名称" if ev.project_id else "单位名称", _subject(ev)),
        ("年度", f"{year} 年"),
        ("实施单位（部门）", dept),
        ("调整后预算数（元）", _yuan(ev.budgeted)),
        ("执行数（元）", _yuan(ev.executed)),
        ("预算执行率", f"{_num(ev.execution_rate)}%" if ev.execution_rate is not None else "—"),
        ("自评得分", _num(ev.score)),
        ("自评等级", ev.grade or "—"),
        ("状态", STATE_NAMES.get(ev.state, ev.state)),
    ]


def _report(ev, lines) -> list[tuple[str, list[str]]]:
    t = total_how(ev, lines)
    applicable = [ln for ln in lines if ln.applicable and ln.indicator_id]
    full = [ln for ln in applicable if ln.score is not None and ln.score >= ln.points]
    parts = [
        f"{CATEGORY_NAMES[c['category']]}：分值 {_num(c['points'])}，得分 {_num(c['score'])}（{c['count']} 项）"
        for c in t["by_category"]
        if c["count"]
    ]
    scoring = [
        "评分依据《项目支出绩效评价管理办法》（财预〔2020〕10号）：预算执行率、产出、效益、满意度四部分分值"
        f"{'、'.join(_num(Decimal(ev.rule.get(k, 0))) for k in ('execution_weight', 'output_weight', 'benefit_weight', 'satisfaction_weight'))}"
        "；定量指标达标得满分，未达标按实际值与目标值之比计分；定性指标按达成、部分达成、未达成分档计分。",
        *parts,
    ]
    if t["rescaled"]:
        scoring.append(
            f"部分指标不适用，适用分值 {_num(t['available'])} 分，得分 {_num(t['raw'])} 分，"
            f"折算为百分制 {_num(ev.score)} 分。"
        )
    else:
        scoring.append(f"各项得分合计 {_num(ev.score)} 分。")
    scoring.append(f"自评等级：{ev.grade or '—'}（优 ≥ 90，良 80–90，中 60–80，差 < 60）。")
    sections = [
        (
            "一、基本情况",
            [
                f"{_subject(ev)} {ev.budget.fiscal_year.year} 年调整后预算 {_yuan(ev.budgeted)} 元，"
                f"执行 {_yuan(ev.executed)} 元，预算执行率 {_num(ev.execution_rate)}%。"
            ],
        ),
        (
            "二、绩效目标完成情况",
            [f"适用的三级指标 {len(applicable)} 项，达到目标并得满分的 {len(full)} 项。"]
            + [
                f"未完全达到目标：{ln.indicator.name}（目标 {ln.target_display}，实际 {ln.actual_display or '—'}）。"
                for ln in applicable
                if ln not in full
            ],
        ),
        ("三、自评得分", scoring),
        ("四、偏离目标的原因", [ev.execution_explanation or "无。"]),
        ("五、自评结论", [ev.conclusion or "—"]),
        ("六、存在问题及改进措施", [ev.problems or "—"]),
    ]
    if ev.state == EvaluationState.APPROVED and ev.approved_at:
        sections.append(("七、审定", [f"已于 {ev.approved_at:%Y-%m-%d} 审定，结果已锁定。"]))
    return sections


def evaluation_pdf(ev, lines) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from center.core.pdf import BoldParagraph, PdfBook

    year = ev.budget.fiscal_year.year
    book = PdfBook(f"{year}年度{_subject(ev)}绩效自评")
    book.cover([_subject(ev), f"{year}年度绩效自评表及自评报告"], [ev.budget.unit.name])
    book.section("landscape")
    book.heading(f"{year}年度{'项目支出' if ev.project_id else '部门整体支出'}绩效自评表", "section", toc=0)
    st = book.st
    head = [[Paragraph(escape(k), st["cell"]), Paragraph(escape(v), st["cell"])] for k, v in _header(ev)]
    info = Table(head, colWidths=[50 * mm, book.width() - 50 * mm])
    info.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    )
    book.story.append(info)
    book.story.append(Spacer(1, 3 * mm))
    scale = book.width() / sum(WIDTHS_MM)
    data = [[BoldParagraph(escape(h), st["cell"]) for h in HEAD]]
    for row in _rows(lines):
        data.append(
            [Paragraph(escape(c), st["cell_num" if i in (5, 6) else "cell"]) for i, c in enumerate(row)]
        )
    data.append(
        [
            BoldParagraph("总分", st["cell"]),
            "",
            "",
            "",
            "",
            Paragraph(escape(_num(total_how(ev, lines)["available"])), st["cell_num"]),
            Paragraph(escape(_num(ev.score)), st["cell_num"]),
            Paragraph(escape(f"等级：{ev.grade or '—'}"), st["cell"]),
        ]
    )
    table = Table(data, colWidths=[w * scale for w in WIDTHS_MM], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("SPAN", (0, len(data) - 1), (4, len(data) - 1)),
                ("TOPPADDING", (0, 0), (-1, -1), 1.6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
            ]
        )
    )
    book.story.append(table)
    book.section("portrait")
    book.heading(f"{year}年度{_subject(ev)}绩效自评报告", "section", toc=0)
    for title, paragraphs in _report(ev, lines):
        book.heading(title, "sub")
        for p in paragraphs:
            book.paragraph(p)
    return book.build()


THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def evaluation_xlsx(ev, lines) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "绩效自评表"
    year = ev.budget.fiscal_year.year
    ws.cell(1, 1, f"{year}年度{'项目支出' if ev.project_id else '部门整体支出'}绩效自评表").font = Font(
        size=14, bold=True
    )
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEAD))
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    r = 2
    for k, v in _header(ev):
        ws.cell(r, 1, k).border = BORDER
        ws.cell(r, 2, v).border = BORDER
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=len(HEAD))
        r += 1
    r += 1
    for c, h in enumerate(HEAD, start=1):
        cell = ws.cell(r, c, h)
        cell.font = Font(bold=True)
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in _rows(lines):
        r += 1
        for c, value in enumerate(row, start=1):
            cell = ws.cell(r, c, value)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="center", wrap_text=True)
    r += 1
    ws.cell(r, 1, "总分").font = Font(bold=True)
    ws.cell(r, 7, _num(ev.score))
    ws.cell(r, 8, f"等级：{ev.grade or '—'}")
    for c, mm_ in enumerate(WIDTHS_MM, start=1):
        ws.column_dimensions[get_column_letter(c)].width = round(mm_ / 2.2, 1)
    rep = wb.create_sheet("自评报告")
    rep.column_dimensions["A"].width = 100
    n = 1
    rep.cell(n, 1, f"{year}年度{_subject(ev)}绩效自评报告").font = Font(size=14, bold=True)
    for title, paragraphs in _report(ev, lines):
        n += 2
        rep.cell(n, 1, title).font = Font(bold=True)
        for p in paragraphs:
            n += 1
            rep.cell(n, 1, p).alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
