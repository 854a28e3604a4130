"""Consistency checks on the 2022 budget seed data (plain pytest, no Django).

The data in center/budget/data/ transcribes the Center's published 2022 部门预算 exactly as its
tables print it.  Where the published document itself does not add up, the test asserts that the
contradiction is recorded in budget_2022.json["contradictions"] instead of silently passing.
"""

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "center" / "budget" / "data"


@pytest.fixture(scope="module")
def budget():
    return json.loads((DATA / "budget_2022.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalogue():
    return json.loads((DATA / "catalogue_2022.json").read_text(encoding="utf-8"))


def D(s):
    """Parse an amount as printed ("2,099") or as loaded ("2099")."""
    return Decimal(str(s).replace(",", "").strip() or "0")


def contradiction_ids(budget):
    return {c["id"] for c in budget["contradictions"]}


def table_rows(budget, name, first_cell=None):
    rows = budget["tables"][name]
    if first_cell is None:
        return rows
    return [r for r in rows if r and r[0].strip() == first_cell]


def by_name(rows):
    return {r[0].strip(): r for r in rows if r}


def income(budget):
    return {i["source"]: D(i["amount_wan"]) for i in budget["income"]}


# ----------------------------------------------------------------- catalogue


def test_catalogue_shape(catalogue):
    assert catalogue["year"] == 2022
    for key, lengths in (("functional", {3, 5, 7}), ("economic", {3, 5})):
        codes = [e["code"] for e in catalogue[key]]
        assert len(codes) == len(set(codes)), f"duplicate {key} codes"
        for code in codes:
            assert code.isdigit() and len(code) in lengths, code
            if len(code) >= 5:
                assert code[:3] in codes, f"{code} has no 类"
            if len(code) == 7:
                assert code[:5] in codes, f"{code} has no 款"
    for cls in ("206", "208", "210", "221"):
        assert any(len(e["code"]) == 5 and e["code"].startswith(cls) for e in catalogue["functional"])
    eco = {e["code"] for e in catalogue["economic"]}
    for cls in ("301", "302", "303", "307", "309", "310", "312", "313", "399"):
        assert cls in eco
        assert any(len(c) == 5 and c.startswith(cls) for c in eco), cls
    kinds = {k["code"]: k["name"] for k in catalogue["procurement_kinds"]}
    assert kinds == {"goods": "货物", "works": "工程", "services": "服务"}


def test_catalogue_national_names(catalogue):
    """The catalogue is loaded as the disclosure printed it; where that differs from the national catalogue
    the entry carries `national_name` (the check warns)."""
    fn = {e["code"]: e.get("national_name", e["name"]) for e in catalogue["functional"]}
    printed = {e["code"]: e["name"] for e in catalogue["functional"]}
    assert fn["20609"] == "科技重大项目" and printed["20609"] == "其他科学技术支出"
    assert fn["2060999"] == "其他科技重大项目" and printed["2060999"] == "其他科学技术支出"
    assert fn["20699"] == "其他科学技术支出"
    assert fn["2069999"] == "其他科学技术支出"
    assert {e["code"] for e in catalogue["functional"] if "national_name" in e} == {"20609", "2060999"}
    for code, name in {
        "206": "科学技术支出",
        "20605": "科技条件与服务",
        "2060599": "其他科技条件与服务支出",
        "20608": "科技交流与合作",
        "2060899": "其他科技交流与合作支出",
        "208": "社会保障和就业支出",
        "20805": "行政事业单位养老支出",
        "2080502": "事业单位离退休",
        "2080505": "机关事业单位基本养老保险缴费支出",
        "2080506": "机关事业单位职业年金缴费支出",
        "210": "卫生健康支出",
        "21011": "行政事业单位医疗",
        "2101102": "事业单位医疗",
        "221": "住房保障支出",
        "22102": "住房改革支出",
        "2210201": "住房公积金",
        "2210203": "购房补贴",
    }.items():
        assert fn[code] == name, code


def test_catalogue_income_sources(catalogue):
    src = {s["code"]: s for s in catalogue["income_sources"]}
    names = {s["name"] for s in src.values()}
    for n in (
        "政府预算拨款",
        "一般公共预算拨款",
        "基本支出拨款",
        "履职类项目拨款",
        "财政专项资金拨款",
        "政府投资项目拨款",
        "政府性基金预算拨款",
        "国有资本经营预算拨款",
        "财政专户管理资金",
        "单位资金",
        "事业收入",
        "事业单位经营收入",
        "上级补助收入",
        "附属单位上缴收入",
        "其他收入",
    ):
        assert n in names, n
    assert any(n.startswith("上年结余") for n in names)
    for s in src.values():
        assert s["code"].isascii()
        assert s["parent"] is None or s["parent"] in src, s


# ----------------------------------------------------------------- codes used exist at the right level


def test_codes_used_exist(budget, catalogue):
    fn = {e["code"] for e in catalogue["functional"]}
    eco = {e["code"] for e in catalogue["economic"]}
    src = {s["code"] for s in catalogue["income_sources"]}
    for line in budget["basic_lines"]:
        assert line["functional"] in fn and len(line["functional"]) == 7, line
        assert line["economic"] in eco and len(line["economic"]) == 5, line
        assert line["source"] in src
        assert line["category"] in {"personnel", "public", "family_subsidy"}
    for p in budget["projects"]:
        assert p["functional"] in fn and len(p["functional"]) == 7, p["name"]
        assert p["source"] in src
    for i in budget["income"]:
        assert i["source"] in src
    for row in budget["expenditure_by_function"]:
        assert row["code"] in fn
    for sub in budget["basic_published"]["class_subtotals"]:
        assert sub["economic"] in eco and len(sub["economic"]) == 3
    for row in table_rows(budget, "表7")[5:]:
        assert row[1] in fn, row


def test_economic_names_match_table4(budget, catalogue):
    eco = {e["code"]: e["name"] for e in catalogue["economic"]}
    printed = {r[0].strip() for r in table_rows(budget, "表4")[4:]}
    for line in budget["basic_lines"]:
        assert eco[line["economic"]] == line["economic_name"]
        assert line["economic_name"] in printed, line["economic_name"]


def test_functional_names_match_table7_except_20609(budget, catalogue):
    fn = {e["code"]: e["name"] for e in catalogue["functional"]}
    assert {r[1] for r in table_rows(budget, "表7")[5:] if fn[r[1]] != r[2]} == set()  # loaded as printed
    national = {e["code"]: e.get("national_name", e["name"]) for e in catalogue["functional"]}
    mismatched = {r[1] for r in table_rows(budget, "表7")[5:] if national[r[1]] != r[2]}
    assert mismatched == {"20609", "2060999"}
    assert "C6" in contradiction_ids(budget)


def test_category_matches_economic_class(budget):
    cls = {"personnel": "301", "public": "302", "family_subsidy": "303"}
    for line in budget["basic_lines"]:
        assert line["economic"].startswith(cls[line["category"]]), line


def test_amounts_are_decimal_strings(budget):
    def walk(obj, path=""):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k.endswith("_wan") and v not in (None, ""):
                    assert isinstance(v, str) and "," not in v, f"{path}.{k}={v!r}"
                    D(v)
                walk(v, f"{path}.{k}")
        elif isinstance(obj, list):
            for n, v in enumerate(obj):
                walk(v, f"{path}[{n}]")

    walk({k: v for k, v in budget.items() if k != "tables"})


# ----------------------------------------------------------------- 表1 / 表2 / 表6: income


def test_table1_income_equals_expenditure(budget):
    rows = by_name(table_rows(budget, "表1"))
    assert D(rows["本年收入合计"][1]) == D(rows["本年收入合计"][3]) == Decimal(2099)
    assert D(rows["收入总计"][1]) == D(rows["收入总计"][3]) == Decimal(2099)
    assert D(budget["totals"]["income_wan"]) == D(budget["totals"]["expenditure_wan"]) == Decimal(2099)
    t6 = by_name(table_rows(budget, "表6"))
    assert D(t6["收入总计"][1]) == D(t6["收入总计"][3]) == Decimal(2099)


def test_table1_expenditure_side_adds_up(budget):
    rows = table_rows(budget, "表1")
    classes = [D(r[3]) for r in rows if len(r) == 4 and r[2][:2] in ("一、", "二、", "三、", "四、")]
    assert sum(classes) == Decimal(2099)


def test_income_hierarchy(budget, catalogue):
    amt = income(budget)
    parents = {s["code"]: s["parent"] for s in catalogue["income_sources"]}
    children = defaultdict(list)
    for code, parent in parents.items():
        if parent:
            children[parent].append(code)
    for parent, kids in children.items():
        assert amt[parent] == sum(amt[k] for k in kids), parent
    top = [c for c, p in parents.items() if p is None and c != "carry"]
    assert sum(amt[c] for c in top) == D(budget["totals"]["income_wan"])
    assert sum(amt[c] for c in top) + amt["carry"] == Decimal(2099)


def test_table2_matches_income(budget):
    hdr, row = table_rows(budget, "表2")[3], table_rows(budget, "表2")[4]
    assert len(hdr) == len(row)
    cell = dict(zip(hdr, row, strict=False))
    amt = income(budget)
    assert D(cell["收入总计"]) == Decimal(2099)
    assert D(cell["本年收入/政府预算拨款/一般公共预算拨款/小计"]) == amt["gpb"]
    assert D(cell["本年收入/政府预算拨款/一般公共预算拨款/基本支出拨款"]) == amt["gpb.basic"]
    assert D(cell["本年收入/政府预算拨款/一般公共预算拨款/履职类项目拨款"]) == amt["gpb.duty"]
    assert D(cell["本年收入/政府预算拨款/一般公共预算拨款/财政专项资金拨款"]) == amt["gpb.special"]
    assert D(cell["本年收入/政府预算拨款/一般公共预算拨款/政府投资项目拨款"]) == amt["gpb.invest"]
    assert D(cell["上年结余、结转"]) == amt["carry"]
    assert amt["gpb.basic"] == D(budget["totals"]["basic_wan"])
    assert amt["gpb.duty"] == D(budget["totals"]["project_wan"])


# ----------------------------------------------------------------- 表3: totals and procurement


def test_table3_basic_plus_project_equals_total(budget):
    hdr, row = table_rows(budget, "表3")[3], table_rows(budget, "表3")[4]
    cell = dict(zip(hdr, row, strict=False))
    assert D(cell["基本支出"]) + D(cell["项目支出"]) == D(cell["支出总计"]) == Decimal(2099)
    t = budget["totals"]
    assert D(t["basic_wan"]) + D(t["project_wan"]) == D(t["expenditure_wan"])
    assert D(t["personnel_wan"]) + D(t["public_wan"]) + D(t["family_subsidy_wan"]) == D(t["basic_wan"])


def test_procurement(budget):
    p = budget["procurement"]
    assert D(p["goods_wan"]) + D(p["works_wan"]) + D(p["services_wan"]) == D(p["total_wan"])
    assert D(p["small_micro_wan"]) <= D(p["sme_wan"]) <= D(p["total_wan"])
    hdr, row = table_rows(budget, "表3")[3], table_rows(budget, "表3")[4]
    cell = dict(zip(hdr, row, strict=False))
    assert D(cell["2022年政府采购项目/小计"]) == D(p["total_wan"])
    assert D(cell["2022年政府采购项目/其中：面向中小企业政府采购项目"]) == D(p["sme_wan"])
    assert D(cell["2022年政府采购项目/其中：面向小型、微型企业政府采购项目"]) == D(p["small_micro_wan"])
    procured = sum(D(x["procurement"]["amount_wan"]) for x in budget["projects"] if x.get("procurement"))
    assert procured == D(p["total_wan"])


# ----------------------------------------------------------------- 表4: basic expenditure


def test_table4_lines_match_basic_lines(budget):
    printed = by_name(table_rows(budget, "表4")[4:])
    per_eco = defaultdict(Decimal)
    names = {}
    for line in budget["basic_lines"]:
        per_eco[line["economic"]] += D(line["amount_wan"])
        names[line["economic"]] = line["economic_name"]
        assert D(line["line_total_wan"]) == D(printed[line["economic_name"]][1])
    for eco, total in per_eco.items():
        assert total == D(printed[names[eco]][1]), eco
    # every printed detail line is loaded
    details = [r for r in table_rows(budget, "表4")[5:] if r[0].startswith("    ")]
    assert len(details) == len(per_eco)


def test_table4_rows_have_consistent_columns(budget):
    for row in table_rows(budget, "表4")[4:]:
        assert D(row[1]) == D(row[2]) == D(row[3])  # 总计 = 政府预算拨款小计 = 一般公共预算拨款
        assert all(D(c) == 0 for c in row[4:])


def test_table4_class_subtotals(budget):
    pub = {s["economic"]: D(s["amount_wan"]) for s in budget["basic_published"]["class_subtotals"]}
    lines = defaultdict(Decimal)
    for line in budget["basic_lines"]:
        lines[line["economic"][:3]] += D(line["amount_wan"])
    assert lines["301"] == pub["301"] == Decimal(1114)
    assert lines["303"] == pub["303"] == Decimal(150)
    # 302: printed lines add to 74, published subtotal 73 -> must be recorded
    assert pub["302"] == Decimal(73)
    if lines["302"] != pub["302"]:
        assert lines["302"] == Decimal(74)
        assert "C2" in contradiction_ids(budget)
    total_lines = sum(lines.values())
    assert sum(pub.values()) == D(budget["basic_published"]["total_wan"]) == Decimal(1337)
    if total_lines != Decimal(1337):
        assert total_lines == Decimal(1338)
        assert "C3" in contradiction_ids(budget)


def test_three_public_matches_table4_and_table8(budget):
    tp = budget["three_public"]
    for d in (tp, tp["previous_year"]):
        assert D(d["vehicle_purchase_wan"]) + D(d["vehicle_running_wan"]) == D(d["vehicle_subtotal_wan"])
        assert D(d["overseas_wan"]) + D(d["reception_wan"]) + D(d["vehicle_subtotal_wan"]) == D(
            d["total_wan"]
        )
    rows = table_rows(budget, "表8")
    hdr = rows[3]
    y21 = dict(zip(hdr, rows[4], strict=False))
    y22 = dict(zip(hdr, rows[5], strict=False))
    chg = dict(zip(hdr, rows[6], strict=False))
    assert D(y22["总计"]) == D(tp["total_wan"]) and D(y21["总计"]) == D(tp["previous_year"]["total_wan"])
    assert D(y22["公务接待费"]) == D(tp["reception_wan"])
    assert D(y22["因公出国(境)费"]) == D(tp["overseas_wan"])
    for col in hdr[2:]:
        assert D(y22[col]) - D(y21[col]) == D(chg[col]), col
    basic = defaultdict(Decimal)
    for line in budget["basic_lines"]:
        basic[line["economic"]] += D(line["amount_wan"])
    assert basic["30217"] == D(tp["reception_wan"])
    assert basic["30212"] == D(tp["overseas_wan"])
    assert basic["30231"] == D(tp["vehicle_running_wan"])
    assert tp["vehicles_held"] == budget["assets"]["vehicles"] == 0


# ----------------------------------------------------------------- 表5 and projects


def test_projects_match_table5(budget):
    rows = table_rows(budget, "表5")[4:]
    unit_row, project_rows = rows[0], rows[1:]
    printed = {r[0].strip(): D(r[1]) for r in project_rows}
    loaded = {p["name"]: D(p["amount_wan"]) for p in budget["projects"]}
    assert printed == loaded
    assert sum(loaded.values()) == D(unit_row[1]) == D(budget["totals"]["project_wan"]) == Decimal(762)
    for r in rows:
        assert D(r[1]) == D(r[2]) == D(r[3])  # all 履职类项目拨款
        assert all(D(c) == 0 for c in r[4:])


def test_project_items_add_up(budget):
    with_items = [p for p in budget["projects"] if p["items"]]
    assert {p["name"] for p in with_items} == {"科技创新与交流", "科技智库与交流"}
    for p in with_items:
        assert sum(D(i["amount_wan"]) for i in p["items"]) == D(p["amount_wan"]), p["name"]


def test_project_previous_year(budget):
    for p in budget["projects"]:
        assert D(p["amount_wan"]) - D(p["previous_year_wan"]) == D(p["change_wan"]), p["name"]
        if p["change_pct"] is not None:
            pct = D(p["change_wan"]) / D(p["previous_year_wan"]) * 100
            assert abs(pct - D(p["change_pct"])) < 1, p["name"]
    py = budget["previous_year_figures"]
    assert D(py["income_total"]["amount_wan"]) + D(py["income_change_wan"]) == D(
        budget["totals"]["income_wan"]
    )
    pct = D(py["income_change_wan"]) / D(py["income_total"]["amount_wan"]) * 100
    assert abs(pct - D(py["income_change_pct"])) < 1


def test_performance_totals(budget):
    perf = budget["performance"]
    assert (
        sum(D(t["total_wan"]) for t in perf["unit_tasks"]) == D(perf["unit_tasks_total_wan"]) == Decimal(2099)
    )
    projects = {p["name"]: p["amount_wan"] for p in budget["projects"]}
    assert {t["project"]: t["amount_wan"] for t in perf["project_targets"]} == projects
    assert perf["projects_with_targets"] == len(projects)
    assert D(perf["project_funds_wan"]) == sum(D(v) for v in projects.values())
    unit_names = {t["name"] for t in perf["unit_targets"]}
    for t in perf["project_targets"]:
        assert t["indicators"], t["project"]
        for ind in t["indicators"]:
            assert ind["name"] in unit_names
            assert ind["level1"].endswith("指标") and ind["level2"].endswith("指标")
    # every 表11 indicator row with a name is loaded exactly once
    printed = [
        r for r in table_rows(budget, "表11") if r[0] == "年度绩效指标" and r[1] != "一级指标" and r[3]
    ]
    assert len(printed) == len(perf["unit_targets"])


def test_table11_indicator_contradictions_recorded(budget):
    targets = {t["name"]: t for t in budget["performance"]["unit_targets"]}
    zk = next(t for t in budget["performance"]["project_targets"] if t["project"] == "科技智库与交流")
    if "1批次" in zk["summary"] and targets["发布征集专家广告"]["value"] != "1":
        assert "C8" in contradiction_ids(budget)
    kj = next(t for t in budget["performance"]["project_targets"] if t["project"] == "科技创新与交流")
    if kj["summary"].count("创新周主题活动") > 1:
        assert "C7" in contradiction_ids(budget)
    if budget["performance"]["unit_unlabelled_values"]:
        assert "C11" in contradiction_ids(budget)


# ----------------------------------------------------------------- 表7: functional classification


def _table7(budget):
    return [(r[1], D(r[3]), D(r[4]), D(r[5])) for r in table_rows(budget, "表7")[5:]]


def test_table7_rows_total_equals_basic_plus_project(budget):
    for code, total, basic, project in _table7(budget):
        assert total == basic + project, code


def test_table7_hierarchy_adds_up(budget):
    rows = _table7(budget)
    for code, total, basic, project in rows:
        if len(code) < 7:
            kids = [r for r in rows if len(r[0]) == len(code) + 2 and r[0].startswith(code)]
            assert kids, code
            for col in (1, 2, 3):
                assert sum(k[col] for k in kids) == (total, basic, project)[col - 1], (code, col)


def test_table7_grand_total(budget):
    unit = table_rows(budget, "表7")[4]
    classes = [r for r in _table7(budget) if len(r[0]) == 3]
    assert sum(r[1] for r in classes) == D(unit[3]) == Decimal(2099)
    ids = contradiction_ids(budget)
    if sum(r[2] for r in classes) != D(unit[4]):
        assert sum(r[2] for r in classes) == Decimal(1338) and "C4" in ids
    if sum(r[3] for r in classes) != D(unit[5]):
        assert sum(r[3] for r in classes) == Decimal(761) and "C5" in ids


def test_table1_expenditure_equals_table7(budget):
    t1 = [D(r[3]) for r in table_rows(budget, "表1")[5:] if len(r) == 4 and r[2].strip()][:-3]
    t7 = [r[1] for r in _table7(budget)]
    assert t1 == t7


def test_basic_lines_match_table7_basic_column(budget):
    per_fn = defaultdict(Decimal)
    for line in budget["basic_lines"]:
        per_fn[line["functional"]] += D(line["amount_wan"])
    printed = {code: basic for code, _, basic, _ in _table7(budget) if len(code) == 7 and basic}
    assert dict(per_fn) == printed


def test_projects_match_table7_project_column(budget):
    per_fn = defaultdict(Decimal)
    for p in budget["projects"]:
        per_fn[p["functional"]] += D(p["amount_wan"])
    printed = {code: project for code, _, _, project in _table7(budget) if len(code) == 7 and project}
    assert set(per_fn) == set(printed)
    for code, amount in per_fn.items():
        if amount != printed[code]:
            assert "C5" in contradiction_ids(budget)
            assert any(
                p.get("functional_published_wan") == str(printed[code])
                for p in budget["projects"]
                if p["functional"] == code
            )


def test_expenditure_by_function_is_table7(budget):
    loaded = [
        (r["code"], D(r["total_wan"]), D(r["basic_wan"]), D(r["project_wan"]))
        for r in budget["expenditure_by_function"]
    ]
    assert loaded == _table7(budget)


# ----------------------------------------------------------------- text vs tables


def test_personnel_text_contradiction_recorded(budget):
    text = budget["narrative"]["expenditure_text"]
    assert "1,114" in text["personnel"]
    assert D(budget["totals"]["personnel_wan"]) == Decimal(1114)
    if "1,144" in text["intro_as_printed"]:
        assert "C1" in contradiction_ids(budget)


def test_contradictions_well_formed(budget):
    ids = [c["id"] for c in budget["contradictions"]]
    assert len(ids) == len(set(ids))
    for c in budget["contradictions"]:
        for key in ("where", "text", "tables_say", "decision"):
            assert key in c
        assert c["decision"]


def test_staffing_and_unit(budget):
    s = budget["staffing"]
    assert (s["institution_posts"], s["institution_filled"], s["retirees"]) == (25, 22, 21)
    assert s["institution_filled"] <= s["institution_posts"]
    assert len(budget["unit"]["departments"]) == 4


def test_all_tables_present(budget):
    for n in range(1, 12):
        assert budget["tables"][f"表{n}"], n
