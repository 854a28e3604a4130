"""The official print layout of the disclosure: the PDF (cover, 目录 with page numbers, portrait text, landscape
wide tables, merged 表11) and the xlsx (merged cells, indents and bold, A4 page setup on every sheet)."""

import io
import re

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from center.budget import exports
from center.budget.selectors import budget_data

pytestmark = pytest.mark.django_db

LANDSCAPE = {"表2", "表3", "表4", "表5", "表8", "表11"}


@pytest.fixture
def pdf_pages(budget):
    doc = pdfium.PdfDocument(exports.pdf_bytes(budget_data(budget)))
    pages = []
    for page in doc:
        w, h = page.get_size()
        text = page.get_textpage().get_text_range().replace("\r", "")
        pages.append({"landscape": w > h, "text": text})
    return pages


def _number(page) -> int | None:
    m = re.search(r"- (\d+) -", page["text"])
    return int(m.group(1)) if m else None


def test_cover_and_contents_come_first(pdf_pages, budget):
    cover, toc = pdf_pages[0]["text"], pdf_pages[1]["text"]
    assert budget.unit.name in cover and "2022年部门预算" in cover
    assert "目" in toc and "录" in toc and "第一部分" in toc and "表11" in toc
    assert _number(pdf_pages[0]) is None and _number(pdf_pages[1]) is None  # front matter unnumbered
    assert _number(pdf_pages[2]) == 1


def test_contents_page_numbers_point_at_the_right_pages(pdf_pages):
    toc = pdf_pages[1]["text"]
    entries = re.findall(r"^(第[一二三四五六七八九]部分[^\n.]*?|表\d+ [^\n.]*?)\s*[. ]+(\d+)\s*$", toc, re.M)
    assert len(entries) == 9 + 11, entries
    by_number = {_number(p): p for p in pdf_pages if _number(p)}
    for title, page_no in entries:
        page = by_number[int(page_no)]
        flat = page["text"].replace("\n", "")
        label = title.strip().split(" ")[0] if title.startswith("表") else title.strip()
        if label.startswith("表"):  # the table number line opens the page
            assert re.search(rf"(^|\n){label}\n", page["text"]), (label, page_no)
        else:
            assert label.replace(" ", "") in flat.replace(" ", ""), (label, page_no)


def test_orientation_per_section(pdf_pages):
    text_pages = [
        p
        for p in pdf_pages[2:]
        if "二、表格部分" not in p["text"] and not re.search(r"(^|\n)表\d+\n", p["text"])
    ]
    assert text_pages and all(not p["landscape"] for p in text_pages)
    seen = set()
    for p in pdf_pages[2:]:
        m = re.search(r"(^|\n)(表\d+)\n", p["text"])
        if m:
            seen.add(m.group(2))
            assert p["landscape"] == (m.group(2) in LANDSCAPE), m.group(2)
    assert seen == {f"表{i}" for i in range(1, 12)}
    assert 15 <= len(pdf_pages) <= 24


def test_table11_is_merged_not_repeated(pdf_pages):
    t11 = [p["text"] for p in pdf_pages if re.search(r"(^|\n)表11\n", p["text"])]
    first = t11[0]
    assert first.count("年度主要任务") == 1  # one merged label, not one per task row
    assert "预算金额（万元）" in first and "其中：财政拨款" in first
    # 年度总体目标 spans the width: a long goal is not broken every ~14 characters
    goal_lines = [ln for ln in first.split("\n") if ln.startswith("一、科技创新与交流")]
    assert goal_lines and len(goal_lines[0]) > 60
    assert sum(p.count("年度绩效指标") for p in t11) == len(t11)  # once per page it runs on


def _workbook(budget):
    return load_workbook(io.BytesIO(exports.workbook_bytes(budget_data(budget))))


def test_every_sheet_prints_on_a4_one_page_wide(budget):
    wb = _workbook(budget)
    assert wb.sheetnames == [f"表{i}" for i in range(1, 12)]
    for ws in wb:
        setup = ws.page_setup
        assert int(setup.paperSize) == 9, ws.title  # A4
        assert setup.orientation == ("landscape" if ws.title in LANDSCAPE else "portrait"), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert int(setup.fitToWidth) == 1 and int(setup.fitToHeight) == 0, ws.title
        assert ws.print_title_rows and ws.print_title_rows.startswith("$1:$"), ws.title
        assert ws.page_margins.left == 0.5
        cells = [c for r in ws.merged_cells.ranges for c in r.cells]
        assert len(cells) == len(set(cells)), f"overlapping merges in {ws.title}"


def test_xlsx_heading_line_indents_and_bold(budget):
    ws = _workbook(budget)["表4"]
    assert ws["A3"].value.startswith("部门名称：") and ws["A3"].border.left.style is None  # a plain line
    assert ws["A2"].alignment.horizontal == "center"
    rows = {ws.cell(r, 1).value: ws.cell(r, 1) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert rows["工资福利支出"].font.b and rows["工资福利支出"].alignment.indent == 2
    assert not rows["基本工资"].font.b and rows["基本工资"].alignment.indent == 4
    t1 = _workbook(budget)["表1"]
    names = {t1.cell(r, 3).value: t1.cell(r, 3) for r in range(1, t1.max_row + 1) if t1.cell(r, 3).value}
    assert names["一、科学技术支出"].font.b
    assert names["住房公积金"].alignment.indent == 4 and not names["住房公积金"].font.b


def test_xlsx_table11_merged_cells(budget):
    ws = _workbook(budget)["表11"]
    merged = {str(r): r for r in ws.merged_cells.ranges}

    def merge_of(text):
        for r in ws.merged_cells.ranges:
            if ws.cell(r.min_row, r.min_col).value == text:
                return r
        raise AssertionError(text)

    assert merge_of("预算金额（万元）").size == {"columns": 3, "rows": 1}
    assert merge_of("年度主要任务").size["rows"] >= 8  # two heading rows, five projects, 基本支出, 金额合计
    assert merge_of("年度总体目标").size["rows"] == 5
    inds = merge_of("年度绩效指标")
    assert merge_of("产出").size["rows"] > 20 and merge_of("数量").min_col == 3
    assert inds.size["rows"] > 40
    values = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert values.count("年度绩效指标") == 1 and values.count("年度主要任务") == 1
    assert merged  # sanity
