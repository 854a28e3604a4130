"""Demo data: the 2022 catalogues and the seed's 2022 budget, approved and published, through the services;
then the current year's budget prepared from 2022 through 二上二下 and published (`seed_current`).

Amounts: the seed prints whole 万元 only. Lines are loaded in yuan chosen so that rounding each cell
independently (the rule in rounding.py) reproduces every printed figure; where the printed parts of a
table do not add up to its printed total (C2, C3, C4) this needs a few lines a little below their
printed value. The choices are listed in BASIC_YUAN / PROJECT_LINES and explained in docs/budget-seed-2022.md
§ "How the demo loads it".
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

from center.accounts.models import Unit, User

from . import services
from .enums import BudgetState
from .models import Budget, FiscalYear
from .rounding import from_wan

DATA = Path(__file__).resolve().parent / "data"

# (economic, functional) → yuan, for the basic lines whose loaded amount differs from amount_wan × 10,000.
# 302 lines print 74 in total but their subtotal prints 73 (C2): three lines are 0.3–0.4 万元 below their
# printed value; the split lines (30102, 30302) are then chosen so that every 表7 项 row still rounds to
# its printed figure (751, 289, 31) while the 表4 款 rows round to 202 and 130.
BASIC_YUAN = {
    ("30209", "2060899"): "306000.00",  # 物业管理费 prints 31
    ("30228", "2060899"): "106000.00",  # 工会经费 prints 11
    ("30299", "2060899"): "97000.00",  # 其他商品和服务支出 prints 10
    ("30102", "2060899"): "327000.00",  # 津贴补贴, part in 2060899
    ("30102", "2210203"): "1693000.00",  # 津贴补贴, part in 2210203 (202 in all)
    ("30302", "2080502"): "107000.00",  # 退休费, part in 2080502
    ("30302", "2210203"): "1193000.00",  # 退休费, part in 2210203 (130 in all)
}
# Project lines whose yuan amounts are not the printed 万元 figure (docs/budget-seed-2022.md § C5): 表5 prints
# 办公设备采购 7 but 表7 prints 2060999 6, 206's project column 761 and the unit row 762. 6.4 万元 in 2060999
# (prints 6) and 0.4 万元 of equipment for the retirees' service in 2080502 事业单位离退休 (prints 0 in 208)
# make the project 6.8 万元 (prints 7), 206's project column 761.4 (761) and all projects 761.8 (762).
PROJECT_LINES = {
    "办公设备采购": [("2060999", "64000.00"), ("2080502", "4000.00")],
}
# 表11 prints a second target value under 举办招才引智主题活动 (1 场 / 3 场): kept as one indicator with two
# values (two rows of the same name; 表11 prints the name once), which the check reports as a conflict.
PROCUREMENT_YUAN = "68000.00"  # the whole 办公设备采购 project (表3 prints 7, 面向中小企业 7)
SECOND_TARGET = {"举办招才引智主题活动": "3"}
# Project lines: the seed gives no economic classification for project spending (assumption, documented).
PROJECT_ECONOMIC = {
    "科技创新与交流": "30227",
    "科技智库与交流": "30227",
    "信息化系统运行维护": "30213",
    "信息化新建项目（非政府投资项目）": "31007",
    "办公设备采购": "31002",
}
PROJECT_DEPARTMENT = {
    "科技创新与交流": "INN",
    "科技智库与交流": "EXP",
    "信息化系统运行维护": "GEN",
    "信息化新建项目（非政府投资项目）": "GEN",
    "办公设备采购": "GEN",
}
ZERO_SOURCES = (
    "gpb.special",
    "gpb.invest",
    "gfb",
    "socb",
    "fsa",
    "unit.business",
    "unit.operating",
    "unit.superior",
    "unit.affiliate",
    "unit.other",
    "carry",
)
# The seed does not print the document numbers; the demo uses numbers in the shape the Center receives them
# (一下 control figures from the finance bureau, 二下 approval through the 市科协), not placeholder text.
DEMO_CONTROL_DOC = "深财预〔2021〕186号"
DEMO_APPROVAL_DOC = "深科协〔2022〕12号"


def load_json(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def seed(stdout, *, with_current: bool = True) -> None:
    unit = Unit.objects.filter(code="SZSTEC").first()
    if unit is None:
        return
    if not FiscalYear.objects.filter(year=2022).exists():
        services.catalogue_load(actor=None, data=load_json("catalogue_2022.json"))
    budget = Budget.objects.filter(unit=unit, fiscal_year__year=2022).first()
    if budget is None:
        budget = _seed_2022(stdout, unit)
    if with_current:
        seed_current(stdout, budget)


def _seed_2022(stdout, unit) -> Budget:
    users = {u.username: u for u in User.objects.filter(username__in=["finance", "director"])}
    finance, director = users.get("finance"), users.get("director")
    seed_data = load_json("budget_2022.json")
    budget = services.budget_create(actor=finance, unit=unit, year=2022)
    services.budget_load(actor=finance, budget=budget, payload=payload_2022(seed_data), note="2022 种子数据")
    budget = services.budget_consolidate(actor=finance, budget=budget)
    budget = services.budget_submit_first(actor=director, budget=budget)
    budget = services.budget_record_control(
        actor=finance,
        budget=budget,
        total="20990000.00",
        basic="13370000.00",
        project="7620000.00",
        doc_no=DEMO_CONTROL_DOC,
    )
    budget = services.budget_submit_second(actor=director, budget=budget)
    budget = services.budget_record_approval(
        actor=finance, budget=budget, doc_no=DEMO_APPROVAL_DOC, approved_on=date(2022, 1, 18)
    )
    # Published as the seed was: the check's findings are all warnings (the seed's own contradictions, listed
    # in docs/budget-seed-2022.md), which finance confirms; the confirmation is in the audit entry.
    services.budget_publish(actor=finance, budget=budget, confirm_warnings=True)
    assert Budget.objects.get(pk=budget.pk).state == BudgetState.PUBLISHED
    _published_on_time(budget)
    stdout.write("  budget: 2022 部门预算 loaded (approved and published)")
    return budget


def payload_2022(b: dict) -> dict:
    """The seed's budget as a `services.budget_load` payload (yuan)."""
    basic_lines = []
    for ln in b["basic_lines"]:
        amount = BASIC_YUAN.get((ln["economic"], ln["functional"])) or str(from_wan(ln["amount_wan"]))
        basic_lines.append(
            {
                "category": ln["category"],
                "functional": ln["functional"],
                "economic": ln["economic"],
                "source": ln["source"],
                "amount": amount,
            }
        )
    unit_targets = b["performance"]["unit_targets"]
    order = {t["name"]: i for i, t in enumerate(unit_targets)}
    targets_by_project = {p["project"]: p for p in b["performance"]["project_targets"]}
    goals = _overall_goals(b["performance"]["unit_overall_goals"])
    tasks = {t["name"]: t for t in b["performance"]["unit_tasks"]}
    task_order = {t["name"]: i + 1 for i, t in enumerate(b["performance"]["unit_tasks"])}
    projects = []
    for p in b["projects"]:
        economic = PROJECT_ECONOMIC[p["name"]]
        items = p["items"] or [{"name": "", "amount_wan": p["amount_wan"], "purpose": ""}]
        pt = targets_by_project.get(p["name"], {})
        projects.append(
            {
                "name": p["name"],
                "sort": p["table5_order"],
                "task_sort": task_order.get(p["name"], 99),
                "department": PROJECT_DEPARTMENT.get(p["name"], ""),
                "purpose": p.get("purpose") or "",
                "performance_summary": pt.get("summary") or tasks.get(p["name"], {}).get("content", ""),
                "overall_goal": goals.get(p["name"], ""),
                "previous_year_amount": str(from_wan(p["previous_year_wan"])),
                "change_reason": p.get("change_reason") or "",
                "government_investment": bool(p.get("government_investment")),
                "items": [
                    {
                        "name": it["name"],
                        "purpose": it.get("purpose") or "",
                        "lines": [
                            {
                                "functional": functional,
                                "economic": economic,
                                "source": p["source"],
                                "amount": amount,
                            }
                            for functional, amount in PROJECT_LINES.get(
                                p["name"], [(p["functional"], str(from_wan(it["amount_wan"])))]
                            )
                        ],
                    }
                    for it in items
                ],
                "indicators": _with_second_targets(
                    [{**ind, "table_sort": order.get(ind["name"], 999)} for ind in pt.get("indicators", [])]
                ),
            }
        )
    unit_indicators = [
        {**t, "table_sort": i}
        for i, t in enumerate(unit_targets)
        if t.get("scope") == "unit" or not t.get("project")
    ]
    # Income equals what it finances: basic money is 基本支出拨款, project money 履职类项目拨款 (表2).
    basic_total = sum((Decimal(x["amount"]) for x in basic_lines), Decimal(0))
    project_total = sum(
        (Decimal(ln["amount"]) for p in projects for it in p["items"] for ln in it["lines"]), Decimal(0)
    )
    income = [
        {"source": "gpb.basic", "amount": str(basic_total)},
        {"source": "gpb.duty", "amount": str(project_total)},
    ]
    income += [{"source": s, "amount": "0"} for s in ZERO_SOURCES]
    tp = b["three_public"]
    proc = b["procurement"]
    prev = b["previous_year_figures"]
    comparison = [
        {
            "key": "income_total",
            "amount": str(from_wan(prev["income_total"]["amount_wan"])),
            "derived": True,
            "basis": prev["income_total"]["from"],
        },
        {
            "key": "expenditure_total",
            "amount": str(from_wan(prev["expenditure_total"]["amount_wan"])),
            "derived": True,
            "basis": prev["expenditure_total"]["from"],
        },
        {
            "key": "operating_costs",
            "amount": str(from_wan(b["operating_costs_previous_year_wan"])),
            "derived": True,
            "basis": prev["operating_costs"]["from"],
        },
    ]
    for k in ("overseas", "reception", "vehicle_purchase", "vehicle_running"):
        comparison.append(
            {
                "key": f"three_public.{k}",
                "amount": str(from_wan(tp["previous_year"][f"{k}_wan"])),
                "basis": "表8 2021年",
            }
        )
    for p in prev["projects"]:
        comparison.append(
            {
                "key": f"project:{p['name']}",
                "amount": str(from_wan(p["amount_wan"])),
                "derived": bool(p.get("derived")),
                "basis": p.get("note", "第三部分（四）"),
            }
        )
    n = b["narrative"]
    st = b["staffing"]
    assets = b["assets"]
    return {
        "income": income,
        "basic_lines": basic_lines,
        "projects": projects,
        "unit_indicators": unit_indicators,
        "three_public": {
            "overseas": str(from_wan(tp["overseas_wan"])),
            "reception": str(from_wan(tp["reception_wan"])),
            "vehicle_purchase": str(from_wan(tp["vehicle_purchase_wan"])),
            "vehicle_running": str(from_wan(tp["vehicle_running_wan"])),
            "vehicles_held": tp["vehicles_held"],
            "overseas_note": tp["overseas_note"],
            "reception_purpose": tp["reception_purpose"],
            "vehicle_note": tp["vehicle_note"],
            "vehicle_purchase_note": "本单位本年无公务用车购置费预算",
            "vehicle_running_note": f"本单位公务用车保有量共{tp['vehicles_held']}辆，无公务用车运行维护费预算",
            "table_note": "无。",
        },
        "procurement": [
            {
                "project": "办公设备采购",
                "kind": "goods",
                "description": "日常办公设备",
                "amount": PROCUREMENT_YUAN,
                "sme_amount": PROCUREMENT_YUAN,
                "small_micro_amount": str(from_wan(proc["small_micro_wan"])),
            }
        ],
        "staffing": st,
        "assets": {
            "as_of": assets["as_of"],
            "vehicles": assets["vehicles"],
            "general_equipment": assets["general_equipment_over_50wan"],
            "special_equipment": assets["special_equipment_over_100wan"],
            "planned_vehicles": assets["planned_2022"]["vehicles"],
            "planned_general_equipment": assets["planned_2022"]["general_equipment_over_50wan"],
            "planned_special_equipment": assets["planned_2022"]["special_equipment_over_100wan"],
        },
        "narrative": {
            "unit_full_name": b["unit"]["name"],
            "responsibilities": n["responsibilities"].split("现机构的主要职能为：")[0],
            "functions": n["functions"],
            "subordinate_units": b["unit"]["subordinate_units"],
            "budget_level": b["unit"]["budget_level"],
            "departments": b["unit"]["departments"],
            "goals": n["goals"],
            "change_reasons": [
                "根据工作安排，高层次人才联谊工作经费经调剂至本单位编制预算",
                "增人增资及正常年度晋升，人员经费支出增加",
            ],
            "personnel_content": "基本工资、职业年金缴费、机关事业单位基本养老保险缴费等",
            "public_content": "办公费、水费、电费、物业管理费和工会经费等公用经费",
            "family_content": "退休费",
            "performance_unit_text": n["performance_management"]["unit"],
            "performance_project_text": n["performance_management"]["projects"],
            "key_projects_remark": "无。",
            "operating_costs": str(from_wan(b["operating_costs_wan"])),
            "operating_costs_note": "本单位无机关运行经费",
            "other_notes": "本单位无政府性基金预算支出、国有资本经营预算支出、上级专项转移支付支出预算。",
            "basic_task_content": tasks["基本支出"]["content"],
            "glossary": [_term(g) for g in n["glossary"]],
        },
        "comparison": comparison,
        "published": {
            "source": b["source"]["title"] + "（" + b["source"]["file"] + "）",
            "tables": b["tables"],
            "texts": {"第三部分 一": n["expenditure_text"]["intro_as_printed"]},
        },
    }


def _with_second_targets(indicators: list[dict]) -> list[dict]:
    out = []
    for ind in indicators:
        out.append(ind)
        if ind["name"] in SECOND_TARGET:
            value = SECOND_TARGET[ind["name"]]
            out.append({**ind, "value": value, "target": f"{value} {ind.get('unit', '')}".strip()})
    return out


def _term(text: str) -> dict:
    term, _sep, definition = text.partition("：")
    return {"term": term, "definition": definition}


def _overall_goals(goals: list[str]) -> dict[str, str]:
    """ "一、科技创新与交流：1.…" → {"科技创新与交流": "1.…"}."""
    out = {}
    for g in goals:
        head, _sep, body = g.partition("：")
        name = head.split("、", 1)[-1].strip()
        out[name] = body.strip()
    return out


SEED_YEAR = 2022  # the seed's year: closed in the demo story
SCALE = "8"  # the current year's amounts: the seed year's + 8 %


def _published_on_time(budget: Budget) -> None:
    """The story's publication date: twelve days after the approval (within the 20-day rule), not the day the
    demo was loaded (the audit entry keeps that one)."""
    from datetime import datetime, time, timedelta

    budget.refresh_from_db()
    day = budget.approved_on + timedelta(days=12)
    when = min(timezone.make_aware(datetime.combine(day, time(10, 0))), timezone.now())
    Budget.objects.filter(pk=budget.pk).update(published_at=when)


def current_year() -> int:
    """The demo's live year: the year of the day the demo is loaded (after the seed year)."""
    return max(timezone.localdate().year, SEED_YEAR + 1)


def seed_current(stdout, budget_2022: Budget, year: int | None = None) -> None:
    """The current year's budget prepared from the seed year (the latest closed one) in the autumn before and
    carried through 二上二下 with a version at every step: amounts +8 %, each project back to its 编报部门,
    the department heads correct and submit theirs, finance corrects a line between rounds, 二下 approved in
    January and the disclosure published (warnings confirmed, as for 2022)."""
    from .models import ExpenditureLine

    year = year or current_year()
    if Budget.objects.filter(unit=budget_2022.unit, fiscal_year__year=year).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["finance", "director", "head_exp", "head_gen", "head_inn"])
    }
    finance, director = users.get("finance"), users.get("director")
    b = services.budget_prepare_next(actor=finance, source=budget_2022, scale=SCALE, year=year)
    # September before: 专家服务部 moves 10,000 yuan between two lines of its project, then every head submits
    think_tank = b.projects.get(name="科技智库与交流")
    lines = list(ExpenditureLine.objects.filter(project=think_tank).order_by("amount", "pk"))
    if len(lines) >= 2:
        small, large = lines[0], lines[-1]
        services.line_update(actor=users.get("head_exp"), line=large, amount=str(large.amount - 10000))
        services.line_update(actor=users.get("head_exp"), line=small, amount=str(small.amount + 10000))
    heads = {"EXP": "head_exp", "GEN": "head_gen", "INN": "head_inn"}
    for project in b.projects.select_related("department").order_by("sort"):
        head = users.get(heads.get(project.department.code if project.department else "", ""), finance)
        project.budget = b
        services.project_submit(actor=head, project=project)
    b = services.budget_consolidate(actor=finance, budget=b)  # October: 财务汇总
    b = services.budget_submit_first(actor=director, budget=b)  # 一上
    total = sum((ln.amount for ln in b.lines.all()), Decimal(0))
    basic = sum((ln.amount for ln in b.lines.filter(kind="basic")), Decimal(0))
    b = services.budget_record_control(
        actor=finance,
        budget=b,
        total=str(total),
        basic=str(basic),
        project=str(total - basic),
        doc_no=f"深财预〔{year - 1}〕186号",
    )
    # November, between 一下 and 二上: finance moves 5,000 yuan between two 公用经费 lines (a version of its own)
    public = list(
        b.lines.filter(kind="basic", basic_category="public", source__code="gpb.basic").order_by(
            "-amount", "pk"
        )
    )
    if len(public) >= 2:
        services.line_update(actor=finance, line=public[0], amount=str(public[0].amount - 5000))
        services.line_update(actor=finance, line=public[1], amount=str(public[1].amount + 5000))
    b = services.budget_submit_second(actor=director, budget=b)  # December: 二上
    b = services.budget_record_approval(  # 二下 in January (or today, when the demo is loaded earlier)
        actor=finance,
        budget=b,
        doc_no=f"深科协〔{year}〕12号",
        approved_on=min(date(year, 1, 18), timezone.localdate()),
    )
    services.budget_publish(actor=finance, budget=b, confirm_warnings=True)
    _published_on_time(b)
    stdout.write(f"  budget: {year} 部门预算 prepared from {SEED_YEAR} (二上二下, with versions), published")
