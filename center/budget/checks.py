"""公开前校验: the pre-publication check. Every rule lists problems with a severity and where they are.

The rules run on the budget's data, on the tables generated from it and — when the budget was loaded from
a published document (`PublishedDisclosure`) — on the tables as printed, which is how the source
document's own inconsistencies are reported. Publishing is refused while any finding is an error.

Tolerance for sums (docs/budget-model.md § Rounding rule): parts and totals are rounded independently, so
a displayed sum may differ from the displayed total. For generated tables the yuan amounts are known: the
difference is a warning when the yuan amounts do add up (rounding) and an error otherwise. For printed
tables only the rounded figures exist: a difference is a warning when it is smaller than
0.5 × (number of non-zero parts + 1) 万元 (what rounding can produce) and an error otherwise.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from .enums import ExpenditureKind, IndicatorKind, Severity
from .rounding import WAN, fmt_wan, to_wan
from .selectors import ZERO, BudgetData, budget_data
from .tables import EMPTY_NOTE, all_tables

THREE_PUBLIC_ECONOMIC = {
    "overseas": "30212",
    "reception": "30217",
    "vehicle_running": "30231",
    "vehicle_purchase": "31013",
}
THREE_PUBLIC_LABEL = {
    "overseas": _("因公出国（境）费"),
    "reception": _("公务接待费"),
    "vehicle_running": _("公务用车运行维护费"),
    "vehicle_purchase": _("公务用车购置费"),
}


@dataclass
class Finding:
    rule: str
    severity: str
    where: str
    message: str
    table: str = ""
    row: int | None = None
    col: int | None = None
    source: str = "data"  # data | generated | published
    key: tuple = ()  # one fact, one finding: findings with the same key are reported once (run_checks)

    def __post_init__(self):
        # Texts are translated when the finding is made; keep plain strings (JSON, stored check runs).
        self.where = str(self.where)
        self.message = str(self.message)

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("key", None)
        return d

    @property
    def rule_label(self) -> str:
        return str(RULES.get(self.rule, self.rule))


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.WARNING]

    def by_rule(self, rule: str) -> list[Finding]:
        return [f for f in self.findings if f.rule == rule]


RULES: dict[str, str] = {
    "income_expenditure": _("收入与支出不平衡"),
    "cross_table": _("表间合计不一致"),
    "parts_total": _("分项之和与合计不符"),
    "procurement_projects": _("政府采购预算与项目不符"),
    "three_public_lines": _("“三公”经费与经济分类支出不符"),
    "table11_amounts": _("表11金额与表3/表5不符"),
    "code_name": _("科目名称与当年目录不符"),
    "indicator_conflict": _("同一指标目标值冲突"),
    "empty_table_note": _("空表缺少说明"),
    "published_diff": _("生成的表格与已公开表格不一致"),
    "text_figures": _("文字中的数字与表格不符"),
    "control_figures": _("超出控制数"),
    "national_name": _("科目名称与全国政府收支分类科目不同"),
    "change_reason": _("增减原因未能说明全部变化"),
    "text_names": _("名称写法不一致"),
    "missing_inputs": _("公开所需内容缺失"),
}


# --------------------------------------------------------------------------- grids (generated or printed)


@dataclass
class GCell:
    text: str
    exact: Decimal | None = None  # yuan, generated tables only

    @property
    def wan(self) -> Decimal | None:
        t = self.text.replace(",", "").strip()
        if not t or not re.fullmatch(r"-?\d+(\.\d+)?", t):
            return None
        try:
            return Decimal(t)
        except InvalidOperation:
            return None


Grid = list[list[GCell]]


def grid_from_table(table) -> Grid:
    printed = table.printed()
    return [
        [GCell(text, cell.amount) for text, cell in zip(prow, row.cells, strict=False)]
        for prow, row in zip(printed, table.rows, strict=False)
    ]


_HEADER_ROWS = {"表1": 5, "表6": 5, "表11": 3}


def published_grids(tables: dict) -> tuple[dict[str, Grid], dict[str, list[str]]]:
    """Split a transcription into data rows and notes, in the same shape as `Table.printed()`."""
    grids, notes = {}, {}
    for number, rows in tables.items():
        if not number.startswith("表"):
            continue
        skip = _HEADER_ROWS.get(number, 4)
        body = rows[skip:]
        data_rows = [
            r for r in body if not (len(r) == 1 and (r[0].startswith("注") or r[0].startswith("本套")))
        ]
        notes[number] = [
            r[0] for r in body if len(r) == 1 and (r[0].startswith("注") or r[0].startswith("本套"))
        ]
        grids[number] = [[GCell(c) for c in r] for r in data_rows]
    return grids, notes


def _level(text: str) -> int:
    return (len(text) - len(text.lstrip(" "))) // 2


# --------------------------------------------------------------------------- the sum helper


class Sums:
    """Collects 'parts vs total' comparisons with the rounding tolerance."""

    def __init__(self, result: CheckResult, number: str, source: str):
        self.result, self.number, self.source = result, number, source

    def compare(
        self, total: GCell, parts: list[GCell], where: str, row: int, col: int, rule: str = "parts_total"
    ):
        if total.wan is None:
            return
        values = [p.wan or ZERO for p in parts]
        shown = sum(values, ZERO)
        if shown == total.wan:
            return
        exact_known = total.exact is not None and all(p.exact is not None for p in parts)
        if exact_known:
            exact_ok = sum((p.exact for p in parts), ZERO) == total.exact
        else:
            nonzero = sum(1 for v in values if v != 0)
            exact_ok = abs(shown - total.wan) < Decimal("0.5") * (nonzero + 1)
        severity = Severity.WARNING if exact_ok else Severity.ERROR
        if exact_ok:
            message = _(
                "%(table)s%(where)s：分项之和 %(parts)s 与合计 %(total)s 不符，尾数误差（四舍五入）可以解释。"
            )
        else:
            message = _("%(table)s%(where)s：分项之和 %(parts)s 与合计 %(total)s 不符，不能以尾数误差解释。")
        self.result.findings.append(
            Finding(
                rule,
                severity,
                f"{self.number} {where}",
                message
                % {"table": self.number, "where": where, "parts": _fmt(shown), "total": _fmt(total.wan)},
                self.number,
                row,
                col,
                self.source,
                # The same row and figures in another column or in the printed copy are the same fact.
                key=(rule, self.number, where, shown, total.wan),
            )
        )


# Column names of the tables whose amount columns mean different things (the others repeat one figure
# across funding columns, so a difference there is one fact whatever the column).
COLUMN_NAMES = {
    "表7": {3: _("支出总计"), 4: _("基本支出"), 5: _("项目支出")},
    "表9": {3: _("支出总计"), 4: _("基本支出"), 5: _("项目支出")},
    "表10": {3: _("支出总计"), 4: _("基本支出"), 5: _("项目支出")},
}


def _where(number: str, label: str, col: int) -> str:
    name = COLUMN_NAMES.get(number, {}).get(col)
    if name:
        return _("“%(label)s”%(column)s") % {"label": label, "column": name}
    return _("“%(label)s”") % {"label": label}


def _fmt(v: Decimal) -> str:
    return f"{v:,.0f}" if v == v.to_integral() else f"{v:,}"


def _tree_sums(sums: Sums, grid: Grid, rows: list[int], levels: list[int], cols: list[int], label_col: int):
    """Each row equals the sum of its direct children (next rows one level deeper)."""
    for pos, r in enumerate(rows):
        lvl = levels[pos]
        children = []
        for pos2 in range(pos + 1, len(rows)):
            if levels[pos2] <= lvl:
                break
            if levels[pos2] == lvl + 1:
                children.append(rows[pos2])
        if not children:
            continue
        for c in cols:
            label = grid[r][label_col].text.strip() or grid[r][0].text.strip()
            sums.compare(grid[r][c], [grid[ch][c] for ch in children], _where(sums.number, label, c), r, c)


def _col_sums(sums: Sums, grid: Grid, total_col: int, part_cols: list[int], label_col: int = 0, rows=None):
    for r in rows if rows is not None else range(len(grid)):
        row = grid[r]
        if len(row) <= max(part_cols + [total_col]):
            continue
        label = row[label_col].text.strip() or row[1].text.strip()
        sums.compare(
            row[total_col],
            [row[c] for c in part_cols],
            _("“%(label)s”横向合计") % {"label": label},
            r,
            total_col,
        )


def check_grid_sums(result: CheckResult, grids: dict[str, Grid], source: str) -> None:
    for number, grid in grids.items():
        if not grid:
            continue
        s = Sums(result, number, source)
        if number in ("表1", "表6"):
            _two_sided_sums(s, grid, number)
        elif number == "表2":
            _col_sums(s, grid, 1, [2, 7, 8, 9, 10, 11, 12, 13, 14, 15])
            _col_sums(s, grid, 2, [3, 4, 5, 6])
        elif number == "表3":
            _col_sums(s, grid, 1, [2, 3])
        elif number == "表4":
            rows = list(range(len(grid)))
            _tree_sums(s, grid, rows, [_level(grid[r][0].text) for r in rows], list(range(1, 13)), 0)
            _col_sums(s, grid, 1, [2, 5, 6, 7, 8, 9, 10, 11])
            _col_sums(s, grid, 2, [3, 4])
        elif number == "表5":
            rows = list(range(len(grid)))
            _tree_sums(s, grid, rows, [_level(grid[r][0].text) for r in rows], list(range(1, 15)), 0)
            _col_sums(s, grid, 1, [2, 6, 7, 8, 9, 10, 11, 12, 13, 14])
            _col_sums(s, grid, 2, [3, 4, 5])
        elif number in ("表7", "表9", "表10"):
            rows = list(range(len(grid)))
            levels = [0 if r == 0 else {3: 1, 5: 2, 7: 3}.get(len(grid[r][1].text.strip()), 3) for r in rows]
            _tree_sums(s, grid, rows, levels, [3, 4, 5], 2)
            _col_sums(s, grid, 3, [4, 5], label_col=2)
        elif number == "表8":
            _col_sums(s, grid, 2, [3, 4, 5], label_col=1)
            _col_sums(s, grid, 5, [6, 7], label_col=1)
            if len(grid) >= 3:
                for c in range(2, 8):
                    prev, cur, chg = grid[0][c], grid[1][c], grid[2][c]
                    if None not in (prev.wan, cur.wan, chg.wan) and cur.wan - prev.wan != chg.wan:
                        s.compare(
                            chg,
                            [GCell(_fmt(cur.wan - prev.wan))],
                            _("增减变化第%(col)s列") % {"col": c + 1},
                            2,
                            c,
                        )
        elif number == "表11":
            tasks = [
                r for r, row in enumerate(grid) if row and row[0].text == "年度主要任务" and len(row) >= 6
            ]
            tasks = [r for r in tasks if grid[r][1].text not in ("任务名称",)]
            total = [r for r in tasks if grid[r][1].text == "金额合计"]
            parts = [r for r in tasks if grid[r][1].text != "金额合计"]
            for t in total:
                for c in (3, 4):
                    s.compare(
                        grid[t][c],
                        [grid[p][c] for p in parts],
                        _("金额合计第%(col)s列") % {"col": c + 1},
                        t,
                        c,
                    )


def _two_sided_sums(s: Sums, grid: Grid, number: str) -> None:
    sum_rows = [
        r
        for r, row in enumerate(grid)
        if row[0].text.strip() in ("本年收入合计", "收入总计", "上年结余、结转")
    ]
    body = [r for r in range(len(grid)) if r < (sum_rows[0] if sum_rows else len(grid))]
    # Right side: functional hierarchy; 类 rows add up to 本年支出合计.
    right = [r for r in body if grid[r][2].text.strip()]
    _tree_sums(s, grid, right, [_level(grid[r][2].text) for r in right], [3], 2)
    year_row = next((r for r in sum_rows if grid[r][0].text.strip() == "本年收入合计"), None)
    if year_row is not None:
        classes = [r for r in right if _level(grid[r][2].text) == 0]
        s.compare(grid[year_row][3], [grid[r][3] for r in classes], "本年支出合计", year_row, 3)
        left = [r for r in body if grid[r][0].text.strip()]
        _tree_sums(s, grid, left, [_level(grid[r][0].text) for r in left], [1], 0)
        tops = [r for r in left if _level(grid[r][0].text) == 0]
        s.compare(grid[year_row][1], [grid[r][1] for r in tops], "本年收入合计", year_row, 1)
    labels = {grid[r][0].text.strip(): r for r in sum_rows}
    if {"本年收入合计", "上年结余、结转", "收入总计"} <= set(labels):
        for c in (1, 3):
            s.compare(
                grid[labels["收入总计"]][c],
                [grid[labels["本年收入合计"]][c], grid[labels["上年结余、结转"]][c]],
                _("总计"),
                labels["收入总计"],
                c,
            )


# --------------------------------------------------------------------------- cross-table totals


def _cell(grids, number, row, col) -> GCell | None:
    try:
        return grids[number][row][col]
    except (KeyError, IndexError):
        return None


def _find(grids, number, col, label) -> GCell | None:
    for row in grids.get(number, []):
        if row and row[0].text.strip() == label:
            return row[col] if len(row) > col else None
    return None


def check_cross_tables(result: CheckResult, grids: dict[str, Grid], source: str) -> None:
    def same(a_name, a: GCell | None, b_name, b: GCell | None, rule="cross_table", table=""):
        if a is None or b is None or a.wan is None or b.wan is None:
            return
        if a.wan != b.wan:
            result.findings.append(
                Finding(
                    rule,
                    Severity.ERROR,
                    f"{a_name} / {b_name}",
                    _("%(a)s %(av)s 与 %(b)s %(bv)s 不一致。")
                    % {"a": a_name, "av": _fmt(a.wan), "b": b_name, "bv": _fmt(b.wan)},
                    table or a_name.split(" ")[0],
                    source=source,
                )
            )

    t1_exp = _find(grids, "表1", 3, "本年收入合计")
    t1_inc = _find(grids, "表1", 1, "本年收入合计")
    same("表1 本年支出合计", t1_exp, "表3 支出总计", _cell(grids, "表3", 0, 1))
    same("表1 本年收入合计", t1_inc, "表2 收入总计", _cell(grids, "表2", 0, 1))
    same(
        "表6 本年支出合计", _find(grids, "表6", 3, "本年收入合计"), "表7 支出总计", _cell(grids, "表7", 0, 3)
    )
    same("表3 基本支出", _cell(grids, "表3", 0, 2), "表4 总计", _cell(grids, "表4", 0, 1))
    same("表3 项目支出", _cell(grids, "表3", 0, 3), "表5 总计", _cell(grids, "表5", 0, 1))
    same("表2 基本支出拨款", _cell(grids, "表2", 0, 3), "表4 一般公共预算拨款", _cell(grids, "表4", 0, 3))
    same("表2 履职类项目拨款", _cell(grids, "表2", 0, 4), "表5 履职类项目拨款", _cell(grids, "表5", 0, 3))
    same("表7 基本支出", _cell(grids, "表7", 0, 4), "表4 一般公共预算拨款", _cell(grids, "表4", 0, 3))
    same("表7 项目支出", _cell(grids, "表7", 0, 5), "表5 一般公共预算拨款", _cell(grids, "表5", 0, 2))
    same(
        "表1 一般公共预算拨款",
        _find(grids, "表1", 1, "  1.一般公共预算拨款"),
        "表6 一般公共预算拨款",
        _find(grids, "表6", 1, "  一般公共预算拨款"),
    )
    same(
        "表1 政府性基金预算拨款",
        _find(grids, "表1", 1, "  2.政府性基金预算拨款"),
        "表9 支出总计",
        _cell(grids, "表9", 0, 3),
    )
    same(
        "表1 国有资本经营预算拨款",
        _find(grids, "表1", 1, "  3.国有资本经营预算拨款"),
        "表10 支出总计",
        _cell(grids, "表10", 0, 3),
    )
    # 表1/表6 functional rows against 表7 (for a budget funded only by the general budget they coincide).
    t7 = grids.get("表7", [])
    if t7 and (
        _cell(grids, "表7", 0, 3)
        and _cell(grids, "表3", 0, 1)
        and _cell(grids, "表7", 0, 3).wan == _cell(grids, "表3", 0, 1).wan
    ):
        t1_right = [row for row in grids.get("表1", []) if len(row) > 3 and row[2].text.strip()]
        t7_rows = t7[1:]
        for i, (a, b) in enumerate(zip(t1_right, t7_rows, strict=False)):
            if a[3].wan is not None and b[3].wan is not None and a[3].wan != b[3].wan:
                same(f"表1 “{a[2].text.strip()}”", a[3], f"表7 {b[1].text} {b[2].text}", b[3])
            if i > 200:
                break
    # 表11 against 表3/表5.
    t11 = grids.get("表11", [])
    tasks = {row[1].text: row for row in t11 if row and row[0].text == "年度主要任务" and len(row) >= 6}
    if "金额合计" in tasks:
        same(
            "表11 金额合计",
            tasks["金额合计"][3],
            "表3 支出总计",
            _cell(grids, "表3", 0, 1),
            "table11_amounts",
            "表11",
        )
    if "基本支出" in tasks:
        same(
            "表11 基本支出",
            tasks["基本支出"][3],
            "表3 基本支出",
            _cell(grids, "表3", 0, 2),
            "table11_amounts",
            "表11",
        )
    for row in grids.get("表5", [])[1:]:
        name = row[0].text.strip()
        if name in tasks:
            same(f"表11 “{name}”", tasks[name][3], f"表5 “{name}”", row[1], "table11_amounts", "表11")
        elif name:
            result.findings.append(
                Finding(
                    "table11_amounts",
                    Severity.ERROR,
                    f"表11 / 表5 “{name}”",
                    _("表5 的项目“%(name)s”在表11 年度主要任务中没有对应行。") % {"name": name},
                    "表11",
                    source=source,
                )
            )


# --------------------------------------------------------------------------- data rules


def check_income_expenditure(result: CheckResult, data: BudgetData) -> None:
    income = sum((v for k, v in data.income.items()), ZERO)
    expenditure = data.total() + data.budget.carry_out
    if income != expenditure:
        result.findings.append(
            Finding(
                "income_expenditure",
                Severity.ERROR,
                _("收入总计 / 支出总计"),
                _("收入总计 %(income)s 元与支出总计 %(expenditure)s 元不相等（差 %(diff)s 元）。")
                % {
                    "income": f"{income:,.2f}",
                    "expenditure": f"{expenditure:,.2f}",
                    "diff": f"{income - expenditure:,.2f}",
                },
                "表1",
            )
        )
    by_source: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for ln in data.lines:
        by_source[ln.source.code] += ln.amount
    # gpb.basic finances basic lines, gpb.duty/special/invest projects: compare source by source.
    for code in sorted(set(by_source) | {k for k, v in data.income.items() if v}):
        if code == "carry":
            continue
        inc, exp = data.income.get(code, ZERO), by_source.get(code, ZERO)
        if inc != exp:
            name = data.sources[code].name if code in data.sources else code
            result.findings.append(
                Finding(
                    "income_expenditure",
                    Severity.ERROR,
                    _("资金来源 %(code)s %(name)s") % {"code": code, "name": name},
                    _("“%(name)s”收入 %(income)s 元，安排支出 %(expenditure)s 元，不相等。")
                    % {"name": name, "income": f"{inc:,.2f}", "expenditure": f"{exp:,.2f}"},
                    "表2",
                )
            )


def check_procurement(result: CheckResult, data: BudgetData) -> None:
    for p in data.procurements:
        label = p.description or p.kind.name
        if p.project is None:
            result.findings.append(
                Finding(
                    "procurement_projects",
                    Severity.WARNING,
                    _("政府采购 %(label)s") % {"label": label},
                    _("政府采购“%(label)s”没有对应的项目。") % {"label": label},
                    "表3",
                )
            )
            continue
        amount = data.project_amount(p.project)
        if p.amount > amount:
            result.findings.append(
                Finding(
                    "procurement_projects",
                    Severity.ERROR,
                    _("政府采购 %(label)s / 项目 %(project)s") % {"label": label, "project": p.project.name},
                    _("政府采购“%(label)s”%(amount)s 万元超过项目“%(project)s”的预算 %(budget)s 万元。")
                    % {
                        "label": label,
                        "amount": fmt_wan(p.amount, 2),
                        "project": p.project.name,
                        "budget": fmt_wan(amount, 2),
                    },
                    "表3",
                )
            )
        if p.sme_amount > p.amount or p.small_micro_amount > p.sme_amount:
            result.findings.append(
                Finding(
                    "procurement_projects",
                    Severity.ERROR,
                    _("政府采购 %(label)s") % {"label": label},
                    _("面向中小企业、小微企业的份额不能超过采购金额。"),
                    "表3",
                )
            )
    total = sum((p.amount for p in data.procurements), ZERO)
    if total > data.total():
        result.findings.append(
            Finding(
                "procurement_projects",
                Severity.ERROR,
                _("政府采购合计"),
                _("政府采购预算合计超过支出总计。"),
                "表3",
            )
        )


def check_three_public(result: CheckResult, data: BudgetData) -> None:
    tp = data.three_public
    for key, code in THREE_PUBLIC_ECONOMIC.items():
        budgeted = getattr(tp, key) if tp else ZERO
        lines = sum(
            (ln.amount for ln in data.lines if ln.economic.code == code and ln.source.code.startswith("gpb")),
            ZERO,
        )
        if budgeted != lines:
            result.findings.append(
                Finding(
                    "three_public_lines",
                    Severity.ERROR,
                    _("表8 %(item)s / 经济分类 %(code)s") % {"item": THREE_PUBLIC_LABEL[key], "code": code},
                    _(
                        "“三公”经费%(item)s %(budgeted)s 元，而经济分类 %(code)s 的一般公共预算支出为 %(lines)s 元。"
                    )
                    % {
                        "item": THREE_PUBLIC_LABEL[key],
                        "budgeted": f"{budgeted:,.2f}",
                        "code": code,
                        "lines": f"{lines:,.2f}",
                    },
                    "表8",
                )
            )


def check_control(result: CheckResult, data: BudgetData) -> None:
    b = data.budget
    if b.control_total is not None and data.total() > b.control_total:
        result.findings.append(
            Finding(
                "control_figures",
                Severity.ERROR,
                _("一下控制数"),
                _("支出合计 %(t)s 元超过控制数 %(c)s 元。")
                % {"t": f"{data.total():,.2f}", "c": f"{b.control_total:,.2f}"},
            )
        )


_NUM = r"(\d+(?:\.\d+)?)"


def _mentions(text: str, name: str, unit: str) -> list[Decimal]:
    """Numbers given for an indicator in free text: "举办海智交流活动3场" or "举办3场创新周主题活动"."""
    found = []
    u = re.escape(unit)
    for m in re.finditer(re.escape(name) + r"\s*" + _NUM + r"\s*" + u, text):
        found.append(Decimal(m.group(1)))
    for cut in (2, 4):
        if len(name) > cut + 2:
            verb, obj = re.escape(name[:cut]), re.escape(name[cut:])
            for m in re.finditer(verb + r"\s*" + _NUM + r"\s*" + u + r"\s*" + obj, text):
                found.append(Decimal(m.group(1)))
    return found


def check_indicators(result: CheckResult, data: BudgetData, published_texts: list[tuple[str, str]]) -> None:
    """One finding per indicator: two target values for one indicator, or texts stating another value.

    A reader notices these; they change no amount, so they are warnings (publishing needs a confirmation).
    """
    by_name: dict[str, list] = defaultdict(list)
    for ind in data.indicators:
        by_name[ind.name].append(ind)
    for name, inds in by_name.items():
        targets = list(dict.fromkeys(i.target_display for i in inds))
        if len(targets) > 1:
            result.findings.append(
                Finding(
                    "indicator_conflict",
                    Severity.WARNING,
                    _("表11 指标“%(name)s”") % {"name": name},
                    _("表11 指标“%(name)s”有两个目标值：%(targets)s。")
                    % {"name": name, "targets": "、".join(targets)},
                    "表11",
                    key=("indicator_conflict", name),
                )
            )
    texts = [
        (_("项目“%(name)s”绩效目标") % {"name": p.name}, p.performance_summary)
        for p in data.projects
        if p.performance_summary
    ]
    texts += published_texts
    for name, inds in by_name.items():
        ind = inds[0]
        if ind.kind != IndicatorKind.QUANTITATIVE or not ind.measure_unit or ind.measure_unit == "%":
            continue
        targets = {Decimal(i.value) for i in inds if _is_number(i.value)}
        places: dict[Decimal, list[str]] = defaultdict(list)
        for where, text in texts:
            for v in dict.fromkeys(_mentions(text, name, ind.measure_unit)):
                if v not in targets:
                    places[v].append(str(where))
        if not places:
            continue
        shown = "、".join(f"{_fmt(v)} {ind.measure_unit}" for v in sorted(places))
        where_all = "；".join(dict.fromkeys(w for ws in places.values() for w in ws))
        result.findings.append(
            Finding(
                "indicator_conflict",
                Severity.WARNING,
                _("表11 指标“%(name)s”") % {"name": name},
                _("“%(name)s”：表11 绩效指标的目标值是 %(target)s，而%(where)s写 %(values)s。")
                % {
                    "name": name,
                    "target": "、".join(dict.fromkeys(i.target_display for i in inds)),
                    "where": where_all,
                    "values": shown,
                },
                "表11",
                key=("indicator_text", name),
            )
        )


def _is_number(value: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", value or ""))


def check_empty_notes(
    result: CheckResult, tables_notes: dict[str, tuple[bool, list[str]]], source: str
) -> None:
    for number, (empty, notes) in tables_notes.items():
        if empty and not any("本表本年无发生额" in n for n in notes):
            result.findings.append(
                Finding(
                    "empty_table_note",
                    Severity.ERROR,
                    number,
                    _("%(table)s本年无数据，须注明“%(note)s”。") % {"table": number, "note": EMPTY_NOTE},
                    number,
                    source=source,
                )
            )


def check_code_names(result: CheckResult, grids: dict[str, Grid], data: BudgetData, source: str) -> None:
    for number in ("表7", "表9", "表10"):
        for r, row in enumerate(grids.get(number, [])):
            if len(row) < 3:
                continue
            code, name = row[1].text.strip(), row[2].text.strip()
            if not code:
                continue
            expected = data.functional_names.get(code)
            if expected is None:
                result.findings.append(
                    Finding(
                        "code_name",
                        Severity.ERROR,
                        f"{number} {code}",
                        _("%(table)s的科目编码 %(code)s 不在%(year)s年目录中。")
                        % {"table": number, "code": code, "year": data.year},
                        number,
                        r,
                        1,
                        source,
                    )
                )
            elif expected != name:
                result.findings.append(
                    Finding(
                        "code_name",
                        Severity.ERROR,
                        f"{number} {code}",
                        _("%(table)s的科目 %(code)s 印作“%(printed)s”，%(year)s年目录中为“%(expected)s”。")
                        % {
                            "table": number,
                            "code": code,
                            "printed": name,
                            "year": data.year,
                            "expected": expected,
                        },
                        number,
                        r,
                        2,
                        source,
                    )
                )


def check_published_diff(result: CheckResult, generated: dict[str, Grid], published: dict[str, Grid]) -> None:
    for number, pub in published.items():
        gen = generated.get(number)
        if gen is None:
            continue
        a = [[c.text.strip() for c in row] for row in gen]
        b = [[c.text.strip() for c in row] for row in pub]
        matcher = difflib.SequenceMatcher(a=[tuple(r) for r in a], b=[tuple(r) for r in b], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            if op == "replace" and i2 - i1 == j2 - j1:
                for k in range(i2 - i1):
                    ga, pb = a[i1 + k], b[j1 + k]
                    for c in range(max(len(ga), len(pb))):
                        x = ga[c] if c < len(ga) else ""
                        y = pb[c] if c < len(pb) else ""
                        if x != y:
                            label = next(
                                (t for t in reversed(pb[:c]) if t and not re.fullmatch(r"[\d,.%\s]+", t)),
                                next((t for t in pb if t and not re.fullmatch(r"[\d,.%\s]+", t)), ""),
                            )
                            result.findings.append(
                                Finding(
                                    "published_diff",
                                    Severity.ERROR,
                                    _("%(table)s 第%(row)s行第%(col)s列")
                                    % {"table": number, "row": j1 + k + 1, "col": c + 1},
                                    _(
                                        "%(table)s“%(label)s”：已公开表格为“%(published)s”，按数据生成为“%(generated)s”。"
                                    )
                                    % {"table": number, "label": label, "published": y, "generated": x},
                                    number,
                                    j1 + k,
                                    c,
                                    "published",
                                )
                            )
                continue
            for j in range(j1, j2):
                result.findings.append(
                    Finding(
                        "published_diff",
                        Severity.ERROR,
                        _("%(table)s 第%(row)s行") % {"table": number, "row": j + 1},
                        _("%(table)s已公开表格有一行“%(cells)s”，按数据生成的表格中没有。")
                        % {"table": number, "cells": " | ".join(t for t in b[j] if t)},
                        number,
                        j,
                        None,
                        "published",
                    )
                )
            for i in range(i1, i2):
                result.findings.append(
                    Finding(
                        "published_diff",
                        Severity.ERROR,
                        _("%(table)s 生成第%(row)s行") % {"table": number, "row": i + 1},
                        _("%(table)s按数据生成的一行“%(cells)s”不在已公开表格中。")
                        % {"table": number, "cells": " | ".join(t for t in a[i] if t)},
                        number,
                        None,
                        None,
                        "published",
                    )
                )


TEXT_FIGURES = [
    ("人员支出", lambda d: d.total_category("personnel")),
    ("公用支出", lambda d: d.total_category("public")),
    ("对个人和家庭的补助支出", lambda d: d.total_category("family_subsidy")),
    ("对个人和家庭补助支出", lambda d: d.total_category("family_subsidy")),
    ("项目支出", lambda d: d.total(ExpenditureKind.PROJECT)),
    ("预算收入", lambda d: sum(d.income.values(), ZERO)),
    ("预算支出", lambda d: d.total()),
]


def check_text_figures(result: CheckResult, data: BudgetData, texts: dict[str, str]) -> None:
    for where, text in texts.items():
        for label, getter in TEXT_FIGURES:
            for m in re.finditer(re.escape(label) + r"\s*([\d,]+(?:\.\d+)?)\s*万元", text):
                printed = Decimal(m.group(1).replace(",", ""))
                expected = to_wan(getter(_Totals(data)))
                if printed != expected:
                    # The printed source text contradicts the tables; the generated text takes the tables'
                    # figure, so this is for the reader of the source: a warning.
                    result.findings.append(
                        Finding(
                            "text_figures",
                            Severity.WARNING,
                            f"{where}",
                            _(
                                "已公开文字%(where)s写“%(label)s%(printed)s万元”，表格为 %(expected)s 万元（生成的文字按表格）。"
                            )
                            % {
                                "where": where,
                                "label": label,
                                "printed": m.group(1),
                                "expected": fmt_wan(expected * WAN),
                            },
                            source="published",
                        )
                    )


class _Totals:
    def __init__(self, data: BudgetData):
        self.data = data
        self.income = data.income

    def total(self, kind=None):
        return self.data.total(kind)

    def total_category(self, category):
        return sum((ln.amount for ln in self.data.lines if ln.basic_category == category), ZERO)


# --------------------------------------------------------------------------- names, reasons, missing inputs


def national_functional_names() -> dict[str, str]:
    """The national 政府收支分类科目 names where a year's catalogue (as the disclosure printed it) differs.

    Kept beside the catalogue it annotates (`national_name` in data/catalogue_<year>.json).
    """
    import json
    from pathlib import Path

    out: dict[str, str] = {}
    for path in sorted((Path(__file__).resolve().parent / "data").glob("catalogue_[0-9]*.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")).get("functional", []):
            if entry.get("national_name"):
                out[entry["code"]] = entry["national_name"]
    return out


def check_national_names(result: CheckResult, data: BudgetData) -> None:
    """A used 功能科目 whose name differs from the national catalogue: one warning per 款 (with its 项)."""
    national = national_functional_names()
    used = {ln.functional.code for ln in data.lines}
    used |= {c[:5] for c in used}
    groups: dict[str, list[str]] = defaultdict(list)
    for code in sorted(used):
        if code in national and national[code] != data.functional_names.get(code):
            groups[code[:5]].append(code)
    for kuan, codes in groups.items():
        result.findings.append(
            Finding(
                "national_name",
                Severity.WARNING,
                _("表1/表6/表7 科目 %(codes)s") % {"codes": " / ".join(codes)},
                _(
                    "科目 %(codes)s 按%(year)s年目录印作“%(printed)s”；全国政府收支分类科目中为“%(national)s”。"
                    "请与财政部门确认科目。"
                )
                % {
                    "codes": " / ".join(codes),
                    "year": data.year,
                    "printed": "”/“".join(dict.fromkeys(data.functional_names.get(c, "") for c in codes)),
                    "national": "”/“".join(national[c] for c in codes),
                },
                "表7",
                key=("national_name", kuan),
            )
        )


def _project_previous(data: BudgetData, name: str) -> Decimal | None:
    from .selectors import previous_figure

    return previous_figure(data, f"project:{name}")


def check_change_reasons(result: CheckResult, data: BudgetData) -> None:
    """A project that falls and explains it by a move to another project of the budget: the other project's
    rise must cover the fall, otherwise part of the change is unexplained (第三部分（四）)."""
    amounts = {p.name: data.project_amount(p) for p in data.projects}
    for p in data.projects:
        prev = _project_previous(data, p.name)
        if prev is None or not p.change_reason:
            continue
        fall = prev - amounts[p.name]
        if fall <= 0:
            continue
        covered, named = ZERO, []
        for other in data.projects:
            if other.pk == p.pk or other.name not in p.change_reason:
                continue
            rise = amounts[other.name] - (_project_previous(data, other.name) or ZERO)
            if rise > 0:
                covered += rise
                named.append(other.name)
        if named and covered < fall:
            result.findings.append(
                Finding(
                    "change_reason",
                    Severity.WARNING,
                    _("第三部分（四）项目“%(name)s”") % {"name": p.name},
                    _(
                        "项目“%(name)s”较上年减少 %(fall)s 万元，所说明的原因（调整至“%(others)s”）只涉及 "
                        "%(covered)s 万元，其余 %(rest)s 万元未说明原因。"
                    )
                    % {
                        "name": p.name,
                        "fall": fmt_wan(fall),
                        "others": "、".join(named),
                        "covered": fmt_wan(covered),
                        "rest": fmt_wan(fall - covered),
                    },
                    "表5",
                    key=("change_reason", p.name),
                )
            )


def _budget_texts(data: BudgetData) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    n = data.narrative
    if n is not None:
        for g in n.goals or []:
            area = g.get("area", "") if isinstance(g, dict) else ""
            items = g.get("items", []) if isinstance(g, dict) else [str(g)]
            texts.append((_("第一部分 工作目标"), area + "".join(items)))
    for p in data.projects:
        label = _("项目“%(name)s”") % {"name": p.name}
        texts.append(
            (label, "".join([p.name, p.purpose, p.performance_summary, p.overall_goal, p.change_reason]))
        )
        for it in data.items.get(p.pk, []):
            texts.append((label, it.name + (it.purpose or "")))
    return texts


_CN_PLACE = re.compile(r"中国（([^（）]{1,6})）")
_CN_EVENT = re.compile(r"中国（[^（）]{1,6}）([\u4e00-\u9fff]{4,12}?周)")


def check_text_names(result: CheckResult, data: BudgetData) -> None:
    """The same proper name written two ways (中国“深圳” vs 中国（深圳）), or an event's name with a character
    dropped (科技创活动周 for 科技创新活动周). One warning per variant, naming where it is written."""
    texts = _budget_texts(data)
    joined = "\n".join(t for _w, t in texts)
    seen: set[str] = set()
    for place in dict.fromkeys(_CN_PLACE.findall(joined)):
        variant = f"中国“{place}”"
        if variant in joined and variant not in seen:
            seen.add(variant)
            where = "、".join(dict.fromkeys(str(w) for w, t in texts if variant in t))
            result.findings.append(
                Finding(
                    "text_names",
                    Severity.WARNING,
                    where,
                    _("%(where)s写作 %(variant)s，其他处为 中国（%(place)s）。")
                    % {"where": where, "variant": variant, "place": place},
                    key=("text_names", variant),
                )
            )
    for event in dict.fromkeys(_CN_EVENT.findall(joined)):
        for i in range(1, len(event) - 1):
            typo = event[:i] + event[i + 1 :]
            if typo in joined and typo not in seen and typo not in event:
                seen.add(typo)
                where = "、".join(dict.fromkeys(str(w) for w, t in texts if typo in t))
                result.findings.append(
                    Finding(
                        "text_names",
                        Severity.WARNING,
                        where,
                        _("%(where)s写作“%(typo)s”，应为“%(event)s”。")
                        % {"where": where, "typo": typo, "event": event},
                        key=("text_names", typo),
                    )
                )


def check_missing_inputs(result: CheckResult, data: BudgetData) -> None:
    """What the disclosure needs and nobody entered (the generated text would print empty sentences)."""

    def add(severity, where, message, key):
        result.findings.append(Finding("missing_inputs", severity, where, message, key=("missing", key)))

    n = data.narrative
    if n is None or not (n.responsibilities or "").strip() or not n.goals or not n.functions:
        add(
            Severity.ERROR,
            _("第一部分 部门概况"),
            _("部门职责、主要职能或年度主要工作目标未填写，公开文本会出现空句。"),
            "narrative",
        )
    st = data.staffing
    if st is None or not (st.admin_posts or st.institution_posts or st.admin_filled or st.institution_filled):
        add(
            Severity.WARNING,
            _("第一部分 机构设置"),
            _("编制数和实有在编人数都是 0，请核对人员编制情况。"),
            "staffing",
        )
    with_targets = {i.project_id for i in data.indicators if i.project_id}
    for p in data.projects:
        if p.pk not in with_targets:
            add(
                Severity.ERROR,
                _("项目“%(name)s”绩效目标") % {"name": p.name},
                _("项目“%(name)s”没有绩效指标（表11、第七部分需要）。") % {"name": p.name},
                f"indicators:{p.pk}",
            )
    capital = sum((ln.amount for ln in data.lines if ln.economic.code.startswith("310")), ZERO)
    if capital and not data.procurements:
        add(
            Severity.WARNING,
            _("第四部分 政府采购预算"),
            _("预算安排资本性支出 %(amount)s 万元，但没有填报政府采购预算。")
            % {"amount": fmt_wan(capital, 2)},
            "procurement",
        )


# --------------------------------------------------------------------------- entry point


def run_checks(budget, data: BudgetData | None = None) -> CheckResult:
    data = data or budget_data(budget)
    result = CheckResult()
    tables = all_tables(data)
    generated = {t.number: grid_from_table(t) for t in tables}
    check_income_expenditure(result, data)
    check_control(result, data)
    check_procurement(result, data)
    check_three_public(result, data)
    check_grid_sums(result, generated, "generated")
    check_cross_tables(result, generated, "generated")
    check_empty_notes(result, {t.number: (t.empty, t.notes) for t in tables}, "generated")
    published = getattr(budget, "published", None) if _has_published(budget) else None
    texts: list[tuple[str, str]] = []
    if published is not None:
        grids, notes = published_grids(published.tables)
        check_grid_sums(result, grids, "published")
        check_cross_tables(result, grids, "published")
        check_code_names(result, grids, data, "published")
        check_published_diff(result, generated, grids)
        empties = {
            n: (all((c.wan or ZERO) == 0 for row in g for c in row[3:]), notes.get(n, []))
            for n, g in grids.items()
            if n in ("表9", "表10")
        }
        check_empty_notes(result, empties, "published")
        check_text_figures(result, data, published.texts or {})
        for row in published.tables.get("表11", []):
            if len(row) >= 3 and row[0] == "年度主要任务" and row[2]:
                texts.append((_("已公开表11“%(task)s”主要内容") % {"task": row[1]}, row[2]))
        for row in published.tables.get("第七部分", []):
            if len(row) >= 3 and row[2]:
                texts.append((_("已公开第七部分“%(item)s”") % {"item": row[0]}, row[2]))
    check_indicators(result, data, texts)
    check_national_names(result, data)
    check_change_reasons(result, data)
    check_text_names(result, data)
    check_missing_inputs(result, data)
    result.findings = _one_per_fact(result.findings)
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    result.findings.sort(
        key=lambda f: (order.get(f.severity, 3), list(RULES).index(f.rule) if f.rule in RULES else 99)
    )
    return result


def _one_per_fact(findings: list[Finding]) -> list[Finding]:
    """Drop repeats of one fact (the same row and figures in several columns, or in the generated and the
    printed copy): the first finding — the generated one, whose yuan amounts are known — is kept."""
    seen: set[tuple] = set()
    out = []
    for f in findings:
        if f.key:
            if f.key in seen:
                continue
            seen.add(f.key)
        out.append(f)
    return out


def _has_published(budget) -> bool:
    from .models import PublishedDisclosure

    return PublishedDisclosure.objects.filter(budget_id=budget.pk).exists()
