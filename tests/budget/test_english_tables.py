"""The disclosure tables on English pages: headings, labels and names in English, the same figures; the
exports and the check stay Chinese whatever the reader's language (the document as published)."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from center.budget import exports
from center.budget.selectors import budget_data
from center.budget.tables import all_tables

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")


def test_english_tables_have_the_same_figures_and_english_words(budget):
    data = budget_data(budget)
    zh, en = all_tables(data), all_tables(data, "en")
    for a, b in zip(zh, en, strict=True):
        assert a.number == b.number and b.label == f"Table {a.number[1:]}"
        figures = [[c.text for c in row.cells if c.is_amount] for row in a.rows]
        assert figures == [[c.text for c in row.cells if c.is_amount] for row in b.rows], a.number
        assert not CJK.search(b.title + "".join(b.columns) + "".join(b.notes)), (a.number, b.title)
        # what stays Chinese is marked as written (the unit's name, project texts), nothing else
        for row in b.rows:
            for cell in row.cells:
                if CJK.search(cell.text):
                    assert cell.zh, (a.number, cell.text)
    t7 = en[6]
    assert t7.subtitle == (f"Department: {budget.unit.name}", "Unit: 10,000 yuan")
    names = {row.cells[2].text for row in t7.rows}
    assert "Science and Technology" in names
    assert "Other Science and Technology Expenditure" in names  # 20609 as printed, not the national name


def test_exports_do_not_follow_the_readers_language(budget):
    def sheets(content):
        return [[c.value for r in ws.iter_rows() for c in r] for ws in load_workbook(io.BytesIO(content))]

    data = budget_data(budget)
    with translation.override("zh-hans"):
        zh = (exports.disclosure_json_bytes(data), sheets(exports.workbook_bytes(data)))
    with translation.override("en"):
        en = (exports.disclosure_json_bytes(data), sheets(exports.workbook_bytes(data)))
        tables = all_tables(data)
    assert zh == en
    assert tables[0].title == "收支总表"


def test_english_table_page_says_the_official_document_is_chinese(client, org, budget):
    client.force_login(org["finance"])
    client.cookies["django_language"] = "en"
    html = client.get(
        reverse("budget:table", args=[budget.pk, 11]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "The official disclosure document is published in Chinese; this is an English rendering." in html
    assert "Performance indicators of the year" in html and "Table 11" in html
    assert '<span lang="zh-CN">' in html
    client.cookies["django_language"] = "zh-hans"
    html = client.get(
        reverse("budget:table", args=[budget.pk, 11]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "English rendering" not in html and "年度绩效指标" in html
