"""表1–表11 of the disclosure, generated from a budget's data (pure functions over `BudgetData`).

Each table is a `Table`: title, flattened column paths (multi-level headings joined by "/"), rows of
`Cell`s (amount cells keep their yuan value and a drill-down filter), and notes. `Table.printed()` gives
the rows as the published document prints them (amounts in whole 万元, labels indented two spaces per
level), which is also the form the transcription of a published disclosure uses, so the two compare cell
by cell.

The tables are built in one language: Chinese for the disclosure itself (its PDF, xlsx, JSON and the
pre-publication check, which compare with the document as published), or the reader's language for an HTML
page (`all_tables(data, language=…)`). Headings, labels and notes are gettext strings evaluated while the
tables are built; catalogue, project and indicator names come from their `name_en` in English; text people
wrote in Chinese (项目主要内容, 年度总体目标) is marked as such (`Cell.zh`).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from center.core.translated import is_english

from .enums import INDICATOR_FRAMEWORK, ExpenditureKind, IndicatorKind
from .rounding import fmt_wan
from .selectors import ZERO, BudgetData, previous_figure

EMPTY_NOTE = "注：本表本年无发生额。"  # as printed (the check looks for it)
DISCLOSURE_LANGUAGE = "zh-hans"
CN_NUM = "一二三四五六七八九十"

# Funding columns of 表4/表5 (source codes per column); 表2 adds the split of 一般公共预算拨款.
GOV_SOURCES = ("gpb.basic", "gpb.duty", "gpb.special", "gpb.invest", "gfb", "socb")
GPB = ("gpb.basic", "gpb.duty", "gpb.special", "gpb.invest")
# Heading words of the slash-joined column paths, in the reader's language (`_h`).
HEADINGS = {
    "单位资金": gettext_lazy("单位资金"),
    "事业收入": gettext_lazy("事业收入"),
    "事业单位经营收入": gettext_lazy("事业单位经营收入"),
    "上级补助收入": gettext_lazy("上级补助收入"),
    "附属单位上缴收入": gettext_lazy("附属单位上缴收入"),
    "其他收入": gettext_lazy("其他收入"),
    "收入": gettext_lazy("收入"),
    "支出": gettext_lazy("支出"),
    "项目": pgettext_lazy("table heading", "项目"),
    "收入总计": gettext_lazy("收入总计"),
    "本年收入": gettext_lazy("本年收入"),
    "政府预算拨款": gettext_lazy("政府预算拨款"),
    "一般公共预算拨款": gettext_lazy("一般公共预算拨款"),
    "小计": gettext_lazy("小计"),
    "总计": gettext_lazy("总计"),
    "基本支出拨款": gettext_lazy("基本支出拨款"),
    "履职类项目拨款": gettext_lazy("履职类项目拨款"),
    "财政专项资金拨款": gettext_lazy("财政专项资金拨款"),
    "政府投资项目拨款": gettext_lazy("政府投资项目拨款"),
    "政府性基金预算拨款": gettext_lazy("政府性基金预算拨款"),
    "国有资本经营预算拨款": gettext_lazy("国有资本经营预算拨款"),
    "财政专户管理资金": gettext_lazy("财政专户管理资金"),
    "上年结余、结转": gettext_lazy("上年结余、结转"),
    "预算单位": gettext_lazy("预算单位"),
    "支出总计": gettext_lazy("支出总计"),
    "基本支出": gettext_lazy("基本支出"),
    "项目支出": gettext_lazy("项目支出"),
    "其中：面向中小企业政府采购项目": gettext_lazy("其中：面向中小企业政府采购项目"),
    "其中：面向小型、微型企业政府采购项目": gettext_lazy("其中：面向小型、微型企业政府采购项目"),
    "支出项目类别": gettext_lazy("支出项目类别"),
    "科目编码": gettext_lazy("科目编码"),
    "科目名称": gettext_lazy("科目名称"),
    "年度": gettext_lazy("年度"),
    "因公出国(境)费": gettext_lazy("因公出国(境)费"),
    "公务接待费": gettext_lazy("公务接待费"),
    "公务用车购置及运行维护费": gettext_lazy("公务用车购置及运行维护费"),
    "公务用车购置费": gettext_lazy("公务用车购置费"),
    "公务用车运行维护费": gettext_lazy("公务用车运行维护费"),
}


# 表11's short 一级/二级 indicator names, as the table prints them
SHORT_LEVELS = {
    "产出": gettext_lazy("产出"),
    "效益": gettext_lazy("效益"),
    "满意度": gettext_lazy("满意度"),
    "数量": gettext_lazy("数量"),
    "质量": gettext_lazy("质量"),
    "时效": gettext_lazy("时效"),
    "成本": gettext_lazy("成本"),
    "经济效益": gettext_lazy("经济效益"),
    "社会效益": gettext_lazy("社会效益"),
    "可持续影响": gettext_lazy("可持续影响"),
    "生态效益": gettext_lazy("生态效益"),
    "服务对象满意度": gettext_lazy("服务对象满意度"),
}


def _h(path: str) -> str:
    """A slash-joined heading path in the active language (a part not in HEADINGS is kept: years)."""
    return "/".join(str(HEADINGS.get(part, part)) for part in path.split("/"))


def _year_budget(year: int) -> str:
    return _("%(year)s年预算数") % {"year": year}


def _year_procurement(year: int) -> str:
    return _("%(year)s年政府采购项目") % {"year": year}


def _year_budget_group(year: int) -> str:
    return _("%(year)s年预算") % {"year": year}


def _rounding_note() -> str:
    return _("本套报表金额单位转换时可能存在尾数误差。")


def _empty_note() -> str:
    return _("注：本表本年无发生额。")


UNIT_COLUMNS = [
    ("单位资金/事业收入", ("unit.business",)),
    ("单位资金/事业单位经营收入", ("unit.operating",)),
    ("单位资金/上级补助收入", ("unit.superior",)),
    ("单位资金/附属单位上缴收入", ("unit.affiliate",)),
    ("单位资金/其他收入", ("unit.other",)),
]


@dataclass
class Cell:
    text: str = ""
    amount: Decimal | None = None  # yuan; None for text cells
    drill: dict | None = None  # filter of the lines behind this amount (see views.drill)
    zh: bool = False  # Chinese as written, on a page in another language (shown with lang="zh-CN")
    lead: str = ""  # words of ours before the Chinese text of a `zh` cell ("1. Project: ")

    @property
    def is_amount(self) -> bool:
        return self.amount is not None


@dataclass
class Row:
    cells: list[Cell]
    level: int = 0  # indentation of the first text cell
    kind: str = "line"  # total | class | line | sum | section | header


@dataclass
class Table:
    number: str
    title: str
    columns: list[str]
    rows: list[Row]
    notes: list[str] = field(default_factory=list)
    subtitle: tuple[str, str] = ("", "")  # ("部门名称：…", "单位：万元")
    header_rows: list[list[str]] | None = None  # explicit headings (表1/表6/表11); else from `columns`
    empty: bool = False
    label: str = ""  # the number as the reader says it ("表1", "Table 1"); set by all_tables

    def printed(self) -> list[list[str]]:
        out = []
        for row in self.rows:
            cells = []
            for i, c in enumerate(row.cells):
                text = c.lead + c.text
                if i == 0 and row.level and text:
                    text = "  " * row.level + text
                cells.append(text)
            out.append(cells)
        return out

    def header_grid(self) -> list[list[dict]]:
        """Headings as rows of {"text", "colspan", "rowspan"} built from the slash-joined column paths."""
        if self.header_rows is not None:
            return [[{"text": t, "colspan": 1, "rowspan": 1} for t in r] for r in self.header_rows]
        paths = [c.split("/") for c in self.columns]
        depth = max(len(p) for p in paths)
        grid: list[list[dict]] = [[] for _ in range(depth)]
        for lvl in range(depth):
            i = 0
            while i < len(paths):
                p = paths[i]
                if len(p) <= lvl:
                    i += 1
                    continue
                if lvl > 0 and len(p) == lvl:
                    i += 1
                    continue
                j = i + 1
                while j < len(paths) and len(paths[j]) > lvl and paths[j][: lvl + 1] == p[: lvl + 1]:
                    j += 1
                rowspan = depth - lvl if len(p) == lvl + 1 else 1
                grid[lvl].append({"text": p[lvl], "colspan": j - i, "rowspan": rowspan})
                i = j
        return grid


def amt(value: Decimal, drill: dict | None = None) -> Cell:
    return Cell(fmt_wan(value), value, drill)


def txt(text: str) -> Cell:
    return Cell(text)


def written(text: str, lead: str = "") -> Cell:
    """Text someone wrote (in Chinese): marked as Chinese on a page in another language."""
    return Cell(text, zh=bool(text) and is_english(), lead=lead if is_english() else "")


def named(obj) -> Cell:
    """A project's or indicator's name in the active language; marked Chinese when it has no English."""
    return Cell(obj.display_name(), zh=is_english() and not obj.name_en)


def _unit_cell(data: BudgetData) -> Cell:
    return written(data.budget.unit.name)


def _subtitle(data: BudgetData) -> tuple[str, str]:
    return (_("部门名称：%(name)s") % {"name": data.budget.unit.name}, _("单位：万元"))


def _sum(lines, pred=lambda ln: True) -> Decimal:
    return sum((ln.amount for ln in lines if pred(ln)), ZERO)


def _is_gov(ln) -> bool:
    return ln.source.code in GOV_SOURCES


# --------------------------------------------------------------------------- functional hierarchy


def _functional_tree(data: BudgetData, lines) -> list[tuple[str, int]]:
    """(code, level) for every 类/款/项 that the lines use, in code order."""
    codes = set()
    for ln in lines:
        c = ln.functional.code
        codes.update({c[:3], c[:5], c})
    return [(c, {3: 1, 5: 2, 7: 3}[len(c)]) for c in sorted(codes)]


def _by_prefix(lines) -> dict[str, list]:
    out: dict[str, list] = defaultdict(list)
    for ln in lines:
        c = ln.functional.code
        for p in (c[:3], c[:5], c):
            out[p].append(ln)
    return out


def _functional_rows_two_sided(data: BudgetData, lines, drill_base: dict) -> list[tuple[Cell, Cell, int]]:
    """Right-hand side of 表1/表6: 类 numbered 一、二、…, 款 and 项 indented."""
    groups = _by_prefix(lines)
    out = []
    n = 0
    for code, level in _functional_tree(data, lines):
        name = data.functional_name(code)
        if level == 1:
            name = _("%(number)s、%(name)s") % {
                "number": CN_NUM[n] if not is_english() else n + 1,
                "name": name,
            }
            n += 1
        out.append((txt(name), amt(_sum(groups[code]), {**drill_base, "functional": code}), level - 1))
    return out


# --------------------------------------------------------------------------- 表1 收支总表


def _income(data: BudgetData, *codes) -> Decimal:
    return sum((data.income.get(c, ZERO) for c in codes), ZERO)


def _income_children(data: BudgetData, prefix: str) -> Decimal:
    return sum((v for k, v in data.income.items() if k == prefix or k.startswith(prefix + ".")), ZERO)


def _two_sided(left, right, totals) -> list[Row]:
    rows = []
    for i in range(max(len(left), len(right))):
        lc = left[i] if i < len(left) else (txt(""), txt(""), 0)
        rc = right[i] if i < len(right) else (txt(""), txt(""), 0)
        lname = Cell(("  " * lc[2]) + lc[0].text) if lc[0].text else lc[0]
        rname = Cell(("  " * rc[2]) + rc[0].text) if rc[0].text else rc[0]
        rows.append(Row([lname, lc[1], rname, rc[1]]))
    for a, b, c, d in totals:
        rows.append(Row([txt(a), b, txt(c), d], kind="sum"))
    return rows


def table1(data: BudgetData) -> Table:
    gpb = _income_children(data, "gpb")
    gfb, socb = _income(data, "gfb"), _income(data, "socb")
    fsa = _income(data, "fsa")
    unit = {
        c: _income(data, c)
        for c in ("unit.business", "unit.operating", "unit.superior", "unit.affiliate", "unit.other")
    }
    income_year = gpb + gfb + socb + fsa + sum(unit.values(), ZERO)
    carry = _income(data, "carry")
    left = [
        (txt(_("一、政府预算拨款")), amt(gpb + gfb + socb), 0),
        (txt(_("1.一般公共预算拨款")), amt(gpb), 1),
        (txt(_("2.政府性基金预算拨款")), amt(gfb), 1),
        (txt(_("3.国有资本经营预算拨款")), amt(socb), 1),
        (txt(_("二、财政专户管理资金")), amt(fsa), 0),
        (txt(_("三、单位资金")), amt(sum(unit.values(), ZERO)), 0),
        (txt(_("1.事业收入")), amt(unit["unit.business"]), 1),
        (txt(_("2.事业单位经营收入")), amt(unit["unit.operating"]), 1),
        (txt(_("3.上级补助收入")), amt(unit["unit.superior"]), 1),
        (txt(_("4.附属单位上缴收入")), amt(unit["unit.affiliate"]), 1),
        (txt(_("5.其他收入")), amt(unit["unit.other"]), 1),
    ]
    right = _functional_rows_two_sided(data, data.lines, {})
    expenditure = data.total()
    carry_out = data.budget.carry_out
    totals = [
        (_("本年收入合计"), amt(income_year), _("本年支出合计"), amt(expenditure, {})),
        (_("上年结余、结转"), amt(carry), _("结转下年"), amt(carry_out)),
        (_("收入总计"), amt(income_year + carry), _("支出总计"), amt(expenditure + carry_out, {})),
    ]
    year = data.year
    return Table(
        "表1",
        _("收支总表"),
        [
            _h("收入/项目"),
            _h("收入/") + _year_budget(year),
            _h("支出/项目"),
            _h("支出/") + _year_budget(year),
        ],
        _two_sided(left, right, totals),
        [
            _("注：财政拨款收支情况包括一般公共预算、政府性基金预算、国有资本经营预算拨款收支情况。"),
            _rounding_note(),
        ],
        _subtitle(data),
    )


# --------------------------------------------------------------------------- 表2 收入总表


def table2(data: BudgetData) -> Table:
    cols = [
        ("收入总计", None),
        ("本年收入/政府预算拨款/一般公共预算拨款/小计", GPB),
        ("本年收入/政府预算拨款/一般公共预算拨款/基本支出拨款", ("gpb.basic",)),
        ("本年收入/政府预算拨款/一般公共预算拨款/履职类项目拨款", ("gpb.duty",)),
        ("本年收入/政府预算拨款/一般公共预算拨款/财政专项资金拨款", ("gpb.special",)),
        ("本年收入/政府预算拨款/一般公共预算拨款/政府投资项目拨款", ("gpb.invest",)),
        ("本年收入/政府预算拨款/政府性基金预算拨款", ("gfb",)),
        ("本年收入/政府预算拨款/国有资本经营预算拨款", ("socb",)),
        ("本年收入/财政专户管理资金", ("fsa",)),
        *[("本年收入/" + name, codes) for name, codes in UNIT_COLUMNS],
        ("上年结余、结转", ("carry",)),
    ]
    total = sum(data.income.values(), ZERO)
    cells = [_unit_cell(data)]
    for _name, codes in cols:
        cells.append(amt(total if codes is None else _income(data, *codes)))
    return Table(
        "表2",
        _("收入总表"),
        [_h("预算单位")] + [_h(c) for c, _codes in cols],
        [Row(cells, kind="total")],
        [],
        _subtitle(data),
    )


# --------------------------------------------------------------------------- 表3 支出总表


def table3(data: BudgetData) -> Table:
    year = data.year
    proc = sum((p.amount for p in data.procurements), ZERO)
    sme = sum((p.sme_amount for p in data.procurements), ZERO)
    small = sum((p.small_micro_amount for p in data.procurements), ZERO)
    row = Row(
        [
            _unit_cell(data),
            amt(data.total(), {}),
            amt(data.total(ExpenditureKind.BASIC), {"kind": "basic"}),
            amt(data.total(ExpenditureKind.PROJECT), {"kind": "project"}),
            amt(proc),
            amt(sme),
            amt(small),
        ],
        kind="total",
    )
    proc_head = _year_procurement(year) + "/"
    cols = [
        _h("预算单位"),
        _h("支出总计"),
        _h("基本支出"),
        _h("项目支出"),
        proc_head + _h("小计"),
        proc_head + _h("其中：面向中小企业政府采购项目"),
        proc_head + _h("其中：面向小型、微型企业政府采购项目"),
    ]
    return Table("表3", _("支出总表"), cols, [row], [], _subtitle(data))


# --------------------------------------------------------------------------- 表4 基本支出总表 / 表5 项目支出总表


def _funding_cells(lines, drill: dict, split_gpb: bool) -> list[Cell]:
    def s(codes):
        return _sum(lines, lambda ln: ln.source.code in codes)

    cells = [amt(_sum(lines), drill), amt(s(GOV_SOURCES) if not split_gpb else s(GPB), drill)]
    if split_gpb:
        cells += [
            amt(s(("gpb.duty",)), {**drill, "source": "gpb.duty"}),
            amt(s(("gpb.special",)), {**drill, "source": "gpb.special"}),
            amt(s(("gpb.invest",)), {**drill, "source": "gpb.invest"}),
        ]
    else:
        cells.append(amt(s(GPB), drill))
    cells += [amt(s(("gfb",))), amt(s(("socb",))), amt(s(("fsa",)))]
    cells += [amt(s(codes)) for _n, codes in UNIT_COLUMNS]
    cells.append(amt(s(("carry",))))
    return cells


def table4(data: BudgetData) -> Table:
    basic = [ln for ln in data.lines if ln.kind == ExpenditureKind.BASIC]
    rows = [Row([_unit_cell(data), *_funding_cells(basic, {"kind": "basic"}, False)], kind="total")]
    by_class: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for ln in basic:
        by_class[ln.economic.code[:3]][ln.economic.code].append(ln)
    for cls in sorted(by_class):
        cls_lines = [ln for v in by_class[cls].values() for ln in v]
        rows.append(
            Row(
                [
                    txt(data.economic_name(cls)),
                    *_funding_cells(cls_lines, {"kind": "basic", "economic": cls}, False),
                ],
                level=1,
                kind="class",
            )
        )
        for code in sorted(by_class[cls]):
            rows.append(
                Row(
                    [
                        txt(data.economic_name(code)),
                        *_funding_cells(by_class[cls][code], {"kind": "basic", "economic": code}, False),
                    ],
                    level=2,
                )
            )
    cols = [
        "支出项目类别",
        "总计",
        "政府预算拨款/小计",
        "政府预算拨款/一般公共预算拨款",
        "政府预算拨款/政府性基金预算拨款",
        "政府预算拨款/国有资本经营预算拨款",
        "财政专户管理资金",
        *[n for n, _c in UNIT_COLUMNS],
        "上年结余、结转",
    ]
    return Table("表4", _("基本支出总表"), [_h(c) for c in cols], rows, [], _subtitle(data))


def table5(data: BudgetData) -> Table:
    project_lines = [ln for ln in data.lines if ln.kind == ExpenditureKind.PROJECT]
    rows = [
        Row(
            [_unit_cell(data), *_funding_cells(project_lines, {"kind": "project"}, True)],
            kind="total",
        )
    ]
    for p in data.projects:
        lines = [ln for ln in project_lines if ln.project_id == p.pk]
        rows.append(Row([named(p), *_funding_cells(lines, {"project": p.pk}, True)], level=1))
    year = data.year
    pre = "/"
    cols = [
        "支出项目类别",
        pre + "总计",
        pre + "政府预算拨款/一般公共预算拨款/小计",
        pre + "政府预算拨款/一般公共预算拨款/履职类项目拨款",
        pre + "政府预算拨款/一般公共预算拨款/财政专项资金拨款",
        pre + "政府预算拨款/一般公共预算拨款/政府投资项目拨款",
        pre + "政府预算拨款/政府性基金预算拨款",
        pre + "政府预算拨款/国有资本经营预算拨款",
        pre + "财政专户管理资金",
        *[pre + n for n, _c in UNIT_COLUMNS],
        pre + "上年结余、结转",
    ]
    cols = [_h(cols[0])] + [_year_budget_group(year) + _h(c) for c in cols[1:]]
    return Table("表5", _("项目支出总表"), cols, rows, [], _subtitle(data))


# --------------------------------------------------------------------------- 表6 政府预算拨款收支总表


def table6(data: BudgetData) -> Table:
    gpb = _income_children(data, "gpb")
    gfb, socb = _income(data, "gfb"), _income(data, "socb")
    gov_lines = [ln for ln in data.lines if _is_gov(ln)]
    left = [
        (txt(_("政府预算拨款")), amt(gpb + gfb + socb), 0),
        (txt(_("一般公共预算拨款")), amt(gpb), 1),
        (txt(_("政府性基金预算拨款")), amt(gfb), 1),
        (txt(_("国有资本经营预算拨款")), amt(socb), 1),
    ]
    right = _functional_rows_two_sided(data, gov_lines, {"gov": "1"})
    total = _sum(gov_lines)
    totals = [
        (_("本年收入合计"), amt(gpb + gfb + socb), _("本年支出合计"), amt(total, {"gov": "1"})),
        (_("上年结余、结转"), amt(ZERO), _("结转下年"), amt(ZERO)),
        (_("收入总计"), amt(gpb + gfb + socb), _("支出总计"), amt(total, {"gov": "1"})),
    ]
    year = data.year
    return Table(
        "表6",
        _("政府预算拨款收支总表"),
        [
            _h("收入/项目"),
            _h("收入/") + _year_budget(year),
            _h("支出/项目"),
            _h("支出/") + _year_budget(year),
        ],
        _two_sided(left, right, totals),
        [],
        _subtitle(data),
    )


# --------------------------------------------------------------------------- 表7 / 表9 / 表10 by function


def _functional_table(data: BudgetData, number: str, title: str, sources: tuple, drill_base: dict) -> Table:
    lines = [ln for ln in data.lines if ln.source.code in sources]
    groups = _by_prefix(lines)

    def three(ls, drill):
        return [
            amt(_sum(ls), drill),
            amt(_sum(ls, lambda ln: ln.kind == ExpenditureKind.BASIC), {**drill, "kind": "basic"}),
            amt(_sum(ls, lambda ln: ln.kind == ExpenditureKind.PROJECT), {**drill, "kind": "project"}),
        ]

    rows = [Row([_unit_cell(data), txt(""), txt(""), *three(lines, drill_base)], kind="total")]
    for code, level in _functional_tree(data, lines):
        rows.append(
            Row(
                [
                    txt(""),
                    txt(code),
                    txt(data.functional_name(code)),
                    *three(groups[code], {**drill_base, "functional": code}),
                ],
                kind="class" if level < 3 else "line",
            )
        )
    empty = not lines
    return Table(
        number,
        title,
        [_h(c) for c in ("预算单位", "科目编码", "科目名称", "支出总计", "基本支出", "项目支出")],
        rows,
        [_empty_note()] if empty else [],
        _subtitle(data),
        empty=empty,
    )


def table7(data: BudgetData) -> Table:
    return _functional_table(data, "表7", _("一般公共预算支出表（按功能分类）"), GPB, {"source_group": "gpb"})


def table9(data: BudgetData) -> Table:
    return _functional_table(data, "表9", _("政府性基金预算支出表"), ("gfb",), {"source": "gfb"})


def table10(data: BudgetData) -> Table:
    return _functional_table(data, "表10", _("国有资本经营预算支出表"), ("socb",), {"source": "socb"})


# --------------------------------------------------------------------------- 表8 三公


def table8(data: BudgetData) -> Table:
    tp = data.three_public
    keys = ("overseas", "reception", "vehicle_purchase", "vehicle_running")
    cur = {k: getattr(tp, k) if tp else ZERO for k in keys}
    prev = {k: previous_figure(data, f"three_public.{k}") or ZERO for k in keys}

    def cells(v: dict) -> list[Cell]:
        veh = v["vehicle_purchase"] + v["vehicle_running"]
        return [
            amt(sum(v.values(), ZERO)),
            amt(v["overseas"]),
            amt(v["reception"]),
            amt(veh),
            amt(v["vehicle_purchase"]),
            amt(v["vehicle_running"]),
        ]

    change = {k: cur[k] - prev[k] for k in keys}
    year = data.year
    rows = [
        Row([_unit_cell(data), txt(_("%(year)s年") % {"year": year - 1}), *cells(prev)]),
        Row([txt(""), txt(_("%(year)s年") % {"year": year}), *cells(cur)]),
        Row([txt(""), txt(_("增减变化金额")), *cells(change)], kind="sum"),
    ]
    cols = [
        "预算单位",
        "年度",
        "总计",
        "因公出国(境)费",
        "公务接待费",
        "公务用车购置及运行维护费/小计",
        "公务用车购置及运行维护费/公务用车购置费",
        "公务用车购置及运行维护费/公务用车运行维护费",
    ]
    note = tp.table_note if tp and tp.table_note and tp.table_note != "无。" else _("无。")
    return Table(
        "表8",
        _("一般公共预算“三公”经费支出表"),
        [_h(c) for c in cols],
        rows,
        [_("注：%(note)s") % {"note": note}],
        _subtitle(data),
    )


# --------------------------------------------------------------------------- 表11 整体支出绩效目标表


def task_projects(data: BudgetData) -> list:
    return sorted(data.projects, key=lambda p: (p.task_sort, p.sort, p.pk))


# The usual qualitative target values, in the reader's language (others are shown as written)
QUALITATIVE_TARGETS = {
    "及时": gettext_lazy("及时"),
    "有效保障": gettext_lazy("有效保障"),
    "良好": gettext_lazy("良好"),
    "优秀": gettext_lazy("优秀"),
}


def _target(ind) -> Cell:
    if ind.kind != IndicatorKind.QUALITATIVE:
        return txt(ind.target_display)
    word = QUALITATIVE_TARGETS.get(ind.value.strip())
    return txt(str(word)) if word else written(ind.target_display)


def table11(data: BudgetData) -> Table:
    b = data.budget
    tasks, targets, amount = _("年度主要任务"), _("年度绩效指标"), _("预算金额（万元）")
    rows: list[Row] = [
        Row(
            [
                txt(_("部门（单位）名称")),
                written(b.unit.name),
                txt(_("主管部门")),
                written(b.unit.parent_name),
            ],
            kind="header",
        ),
        Row(
            [
                txt(tasks),
                txt(_("任务名称")),
                txt(_("主要内容")),
                txt(amount + "/" + _("总额")),
                txt(amount + "/" + _("其中：财政拨款")),
                txt(amount + "/" + _("其中：其他资金")),
            ],
            kind="header",
        ),
    ]

    def money(lines, drill):
        total = _sum(lines)
        fiscal = _sum(lines, _is_gov)
        other = total - fiscal
        return [amt(total, drill), amt(fiscal, drill), amt(other, drill) if other else txt("")]

    for p in task_projects(data):
        lines = [ln for ln in data.lines if ln.project_id == p.pk]
        rows.append(
            Row(
                [
                    txt(tasks),
                    named(p),
                    written(p.performance_summary),
                    *money(lines, {"project": p.pk}),
                ]
            )
        )
    basic = [ln for ln in data.lines if ln.kind == ExpenditureKind.BASIC]
    content = data.narrative.basic_task_content if data.narrative else ""
    rows.append(Row([txt(tasks), txt(_("基本支出")), written(content), *money(basic, {"kind": "basic"})]))
    rows.append(Row([txt(tasks), txt(_("金额合计")), txt(""), *money(data.lines, {})], kind="sum"))
    n = 0
    for p in task_projects(data):
        if p.overall_goal:
            if is_english():
                goal = written(p.overall_goal, lead=f"{n + 1}. {p.display_name()}: ")
            else:
                goal = txt(f"{CN_NUM[n]}、{p.name}：{p.overall_goal}")
            rows.append(Row([txt(_("年度总体目标")), goal], kind="section"))
            n += 1
    rows.append(
        Row(
            [txt(targets), txt(_("一级指标")), txt(_("二级指标")), txt(_("三级指标")), txt(_("目标值"))],
            kind="header",
        )
    )
    by_l2: dict[str, list] = defaultdict(list)
    for ind in data.indicators:
        by_l2[ind.level2].append(ind)
    for _l1, short1_zh, l2s in INDICATOR_FRAMEWORK:
        short1 = str(SHORT_LEVELS[short1_zh])
        for l2, short2_zh in l2s:
            short2 = str(SHORT_LEVELS[short2_zh])
            inds = sorted(by_l2.get(l2, []), key=lambda i: (i.table_sort, i.pk))
            if not inds:
                rows.append(Row([txt(targets), txt(short1), txt(short2), txt(""), txt("")]))
            for k, ind in enumerate(inds):
                # An indicator given two target values (two rows of one name) prints its name once.
                repeated = k > 0 and inds[k - 1].name == ind.name
                rows.append(
                    Row(
                        [
                            txt(targets),
                            txt(short1),
                            txt(short2),
                            txt("") if repeated else named(ind),
                            _target(ind),
                        ]
                    )
                )
    return Table(
        "表11",
        _("部门（单位）整体支出绩效目标表"),
        ["", "", "", "", "", ""],
        rows,
        [],
        (_("%(year)s年度") % {"year": data.year}, _("单位：万元")),
        header_rows=[],
    )


TABLES = [table1, table2, table3, table4, table5, table6, table7, table8, table9, table10, table11]


def _build(data: BudgetData, builder, language: str) -> Table:
    with translation.override(language):
        table = builder(data)
        table.label = _("表%(number)s") % {"number": table.number.replace("表", "")}
    return table


def all_tables(data: BudgetData, language: str = DISCLOSURE_LANGUAGE) -> list[Table]:
    """The eleven tables in `language`: Chinese (the disclosure as published) unless a page asks for its
    reader's language."""
    return [_build(data, f, language) for f in TABLES]


def table_by_number(data: BudgetData, number: str, language: str = DISCLOSURE_LANGUAGE) -> Table:
    idx = int(number.replace("表", "")) - 1
    if not 0 <= idx < len(TABLES):
        raise KeyError(number)
    return _build(data, TABLES[idx], language)
