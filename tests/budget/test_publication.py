"""Publication: every printed figure and name of 表1–表11 in every format, the public 信息公开 › 部门预算 page
with its downloads (older years stay listed), the 20-day rule on the workbench, and the Fiscal Data Package
validated by the frictionless validator."""

import io
import json
import re
import zipfile
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from center.budget.checks import published_grids
from center.budget.enums import BudgetState
from center.budget.models import Budget

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"-?[\d,]+(\.\d+)?%?")


def printed(budget) -> dict[str, list[list[str]]]:
    """The seed's tables as transcribed (data rows and notes, titles and column headings dropped)."""
    grids, _notes = published_grids(budget.published.tables)
    return {n: [[c.text.strip() for c in row] for row in g] for n, g in grids.items()}


def figures_and_names(rows):
    figures = Counter(t for row in rows for t in row if t and NUMBER.fullmatch(t))
    names = {t for row in rows for t in row if t and not NUMBER.fullmatch(t)}
    return figures, names


def missing(names: set[str], shown: set[str]) -> set[str]:
    """Names not shown; a two-level heading transcribed flat ("预算金额（万元）/总额") may be shown flat (with a
    space) or as its two merged heading cells."""
    return {
        n
        for n in names
        if n not in shown and n.replace("/", " ") not in shown and not set(n.split("/")) <= shown
    }


class Cells(HTMLParser):
    """The cells (headings and body) of each `table[data-table]` of a page."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[str]] = {}
        self.current = None
        self.in_body = self.in_td = False
        self.text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-table" in a:
            self.current = a["data-table"]
            self.tables[self.current] = []
        elif tag == "tbody":
            self.in_body = True
        elif tag in ("td", "th") and self.current:
            self.in_td, self.text = True, ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.in_td:
            self.tables[self.current].append(self.text.strip())
            self.in_td = False
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.in_td:
            self.text += data


def test_html_shows_every_printed_figure_and_name(client, budget):
    parser = Cells()
    parser.feed(client.get(reverse("budget:public_disclosure", args=[budget.pk])).content.decode())
    for number, rows in printed(budget).items():
        figures, names = figures_and_names(rows)
        cells = parser.tables[number]
        shown = Counter(t for t in cells if t and NUMBER.fullmatch(t))
        assert shown == figures, number
        assert not missing(names, set(cells)), (number, missing(names, set(cells)))


def test_xlsx_holds_every_printed_figure_and_name(client, budget):
    wb = load_workbook(io.BytesIO(client.get(reverse("budget:public_xlsx", args=[budget.pk])).content))
    for number, rows in printed(budget).items():
        figures, names = figures_and_names(rows)
        values = [c.value for row in wb[number].iter_rows() for c in row if c.value not in (None, "")]
        texts = {str(v).strip() for v in values}
        numbers = Counter(
            f"{v:,}" if isinstance(v, int) else str(v).strip()
            for v in values
            if isinstance(v, int) or NUMBER.fullmatch(str(v).strip())
        )
        for figure, count in figures.items():
            assert numbers[figure] >= count, (number, figure)
        assert not missing(names, texts), (number, missing(names, texts))


def test_json_tables_equal_the_printed_ones(client, budget):
    data = json.loads(client.get(reverse("budget:public_json", args=[budget.pk])).content)
    assert [t["number"] for t in data["tables"]] == [f"表{n}" for n in range(1, 12)]
    for t in data["tables"]:
        rows = [[c["text"].strip() for c in r["cells"]] for r in t["rows"] if r["kind"] != "header"]
        expected = printed(budget)[t["number"]]
        if t["number"] == "表11":  # 表11 has its headings inside the body, as printed
            rows = [[c["text"].strip() for c in r["cells"]] for r in t["rows"]]
        assert rows == expected, t["number"]
    figures = {c.get("text"): c.get("amount_yuan") for r in data["tables"][6]["rows"] for c in r["cells"]}
    assert "1,512" in figures and "761" in figures  # 表7 206 as printed


def pdf_table_texts(content: bytes) -> dict[str, str]:
    """The text of each table's pages in the PDF (a table may run on over several pages), by number."""
    import pypdfium2 as pdfium

    out: dict[str, str] = {}
    for page in pdfium.PdfDocument(content):
        text = page.get_textpage().get_text_range().replace("\r", "")
        m = re.search(r"(^|\n)(表\d+)\n", text)
        if m:
            out[m.group(2)] = out.get(m.group(2), "") + "\n" + text
    return out


def test_pdf_shows_every_printed_figure_and_name(client, budget):
    response = client.get(reverse("budget:public_pdf", args=[budget.pk]))
    assert response.content.startswith(b"%PDF")
    pages = pdf_table_texts(response.content)
    assert sorted(pages, key=lambda n: int(n[1:])) == [f"表{n}" for n in range(1, 12)]
    for number, rows in printed(budget).items():
        figures, names = figures_and_names(rows)
        text = pages[number]
        shown = Counter(t for t in text.split() if NUMBER.fullmatch(t))
        for figure, count in figures.items():
            assert shown[figure] >= count, (number, figure, shown[figure], count)
        # a name may wrap inside its cell: compare without the line breaks and spaces the layout adds
        flat = re.sub(r"\s+", "", text)
        absent = {n for n in names if not all(re.sub(r"\s+", "", p) in flat for p in n.split("/"))}
        assert not absent, (number, absent)


# ---- the public site


def test_public_list_shows_every_published_year_with_downloads(client, budget):
    from center.accounts.models import Unit
    from center.budget.models import FiscalYear

    older, _ = FiscalYear.objects.get_or_create(year=2021)
    old = Budget.objects.create(
        unit=Unit.objects.get(code="SZSTEC"), fiscal_year=older, state=BudgetState.PUBLISHED
    )
    draft_year, _ = FiscalYear.objects.get_or_create(year=2031)
    draft = Budget.objects.create(unit=Unit.objects.get(code="SZSTEC"), fiscal_year=draft_year)
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("budget:public_list") in home
    body = client.get(reverse("budget:public_list")).content.decode()
    assert body.index('id="public-budget-2022"') < body.index('id="public-budget-2021"')
    assert 'id="public-budget-2031"' not in body
    for name in ("public_disclosure", "public_pdf", "public_xlsx", "public_json", "public_fdp"):
        assert reverse(f"budget:{name}", args=[budget.pk]) in body
        assert reverse(f"budget:{name}", args=[old.pk]) in body
        assert client.get(reverse(f"budget:{name}", args=[draft.pk])).status_code == 404
    page = client.get(reverse("budget:public_disclosure", args=[budget.pk])).content.decode()
    assert reverse("budget:public_list") in page and 'id="public-downloads"' in page


# ---- the 20-day rule


def test_twenty_day_rule_todo_and_warning(client_for, approved_budget, org):
    from center.budget import services
    from center.core.workbench import todos_for

    today = timezone.localdate()
    Budget.objects.filter(pk=approved_budget.pk).update(approved_on=today - timedelta(days=5))
    titles = [t.title for t in todos_for(org["finance"])]
    assert "2022年部门预算已批复，须在批复后20日内公开：还剩 15 天" in titles
    assert not any("20日" in t.title for t in todos_for(org["director"]))
    page = client_for("finance").get(reverse("budget:overview", args=[approved_budget.pk])).content.decode()
    assert 'id="publication-due"' in page and "还剩 15 天" in page
    Budget.objects.filter(pk=approved_budget.pk).update(approved_on=today - timedelta(days=23))
    overdue = [t for t in todos_for(org["finance"]) if "20日" in t.title]
    assert overdue[0].kind == "danger" and "超过20日公开期限 3 天" in overdue[0].title
    services.budget_publish(
        actor=org["finance"], budget=Budget.objects.get(pk=approved_budget.pk), confirm_warnings=True
    )
    assert not any("20日" in t.title for t in todos_for(org["finance"]))


# ---- Fiscal Data Package


def test_fiscal_data_package_validates_with_frictionless(client, budget, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    content = client.get(reverse("budget:public_fdp", args=[budget.pk])).content
    zipfile.ZipFile(io.BytesIO(content)).extractall(tmp_path)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    assert package["countryCode"] == "CN" and package["granularity"] == "aggregated"
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    dims = package["model"]["dimensions"]
    assert dims["functional-classification"]["classificationType"] == "functional"
    assert all("columnType" in f for f in package["resources"][0]["schema"]["fields"])
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    # and the command-line validator, as a publisher would run it
    import subprocess
    import sys
    from pathlib import Path

    cli = Path(sys.executable).with_name("frictionless")
    result = subprocess.run(
        [str(cli), "validate", str(tmp_path / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
