"""第一部分–第九部分, composed from templates, the Narrative fields and the figures of the data.

No figure is typed here or in the Narrative: totals, changes and percentages come from the lines,
so the text can never contradict the tables.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .enums import BasicCategory, ExpenditureKind
from .rounding import fmt_wan, pct_change
from .selectors import ZERO, BudgetData, previous_figure
from .tables import CN_NUM, task_projects

CN_PAREN = [
    "（一）",
    "（二）",
    "（三）",
    "（四）",
    "（五）",
    "（六）",
    "（七）",
    "（八）",
    "（九）",
    "（十）",
]


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    subsections: list["Section"] = field(default_factory=list)
    table: list[list[str]] | None = None  # 第七部分's table (header first)
    after: list[str] = field(default_factory=list)  # paragraphs printed after the table (第七部分's 备注)


def w(amount: Decimal | None) -> str:
    return fmt_wan(amount or ZERO)


def change_phrase(current: Decimal, previous: Decimal | None, *, base_label: str) -> str:
    """ "比2021年增加191万元，增长10%" / "减少23万元，下降12%" / "增加0万元，增长0%"."""
    if previous is None:
        return ""
    delta = current - previous
    pct = pct_change(current, previous)
    verb, pverb = ("增加", "增长") if delta >= 0 else ("减少", "下降")
    text = f"比{base_label}{verb}{fmt_wan(abs(delta))}万元"
    if pct is not None:
        text += f"，{pverb}{abs(pct)}%"
    elif previous == 0 and delta:
        text += ""
    else:
        text += f"，{pverb}0%"
    return text


def _cat(data: BudgetData, category: str) -> Decimal:
    return sum((ln.amount for ln in data.lines if ln.basic_category == category), ZERO)


def compose(data: BudgetData) -> list[Section]:
    b, n = data.budget, data.narrative
    unit = b.unit.name
    year, prev_year = data.year, data.year - 1
    st = data.staffing
    out: list[Section] = []

    # 第一部分 部门概况
    s1 = Section("第一部分 部门概况")
    duties = Section("一、部门职责")
    if n:
        duties.paragraphs.append(n.responsibilities)
        if n.functions:
            duties.paragraphs.append(
                "现机构的主要职能为：" + "".join(f"{i + 1}.{f}" for i, f in enumerate(n.functions))
            )
    org = Section("二、机构设置情况")
    if n:
        subs = "无下属单位" if not n.subordinate_units else f"有下属单位{n.subordinate_units}个"
        depts = "、".join(n.departments)
        text = f"{unit}{subs}，部门预算为{n.budget_level}"
        if depts:
            text += f"，下设{depts}，共{len(n.departments)}个部门"
        text += "。"
        if st:
            text += (
                f"行政编制数{st.admin_posts}人，实有在编人数{st.admin_filled}人；事业编制数{st.institution_posts}人，"
                f"实有在编人数{st.institution_filled}人；离休{st.retired_cadres}人，退休{st.retirees}人。"
            )
        org.paragraphs.append(text)
    goals = Section(f"三、{year}年主要工作目标")
    if n and n.goals:
        goals.paragraphs.append(f"{unit}{year}年主要工作目标包括：")
        for i, g in enumerate(n.goals):
            items = "".join(f"{k + 1}.{item}" for k, item in enumerate(g.get("items", [])))
            goals.paragraphs.append(f"{CN_PAREN[i % 10]}{g.get('area', '')}：{items}")
    s1.subsections = [duties, org, goals]
    out.append(s1)

    # 第二部分 收支总体情况
    income = sum(data.income.values(), ZERO)
    expenditure = data.total()
    label = f"{prev_year}年"
    s2 = Section("第二部分 部门预算收支总体情况")
    inc_change = change_phrase(income, previous_figure(data, "income_total"), base_label=label)
    exp_change = change_phrase(expenditure, previous_figure(data, "expenditure_total"), base_label=label)
    s2.paragraphs.append(
        f"{year}年{unit}部门预算收入{w(income)}万元" + (f"，{inc_change}" if inc_change else "") + "。"
        f"{year}年部门预算支出{w(expenditure)}万元" + (f"，{exp_change}" if exp_change else "") + "。"
    )
    if n and n.change_reasons:
        prev_total = previous_figure(data, "expenditure_total")
        direction = "增加" if prev_total is None or expenditure >= prev_total else "减少"
        ordinals = ["一", "二", "三", "四", "五", "六"]
        reasons = "；".join(f"{ordinals[i % 6]}是{r}" for i, r in enumerate(n.change_reasons))
        s2.paragraphs.append(f"预算收支{direction}主要原因：{reasons}。")
    out.append(s2)

    # 第三部分 支出具体情况
    s3 = Section("第三部分 部门预算支出具体情况")
    personnel, public, family = (
        _cat(data, BasicCategory.PERSONNEL),
        _cat(data, BasicCategory.PUBLIC),
        _cat(data, BasicCategory.FAMILY),
    )
    project_total = data.total(ExpenditureKind.PROJECT)
    u = Section(f"一、{unit}")
    u.paragraphs.append(
        f"{unit}预算{w(expenditure)}万元，包括人员支出{w(personnel)}万元、公用支出{w(public)}万元、"
        f"对个人和家庭的补助支出{w(family)}万元、项目支出{w(project_total)}万元。"
    )
    for mark, label_, amount_, content in (
        ("（一）", "人员支出", personnel, n.personnel_content if n else ""),
        ("（二）", "公用支出", public, n.public_content if n else ""),
        ("（三）", "对个人和家庭补助支出", family, n.family_content if n else ""),
    ):  # no "主要包括：。" when the content is not written yet
        content = content.strip().rstrip("。")
        u.paragraphs.append(
            f"{mark}{label_}{w(amount_)}万元" + (f"，主要包括：{content}。" if content else "。")
        )
    u.paragraphs.append(f"（四）项目支出{w(project_total)}万元，具体包括：")
    for i, p in enumerate(sorted(data.projects, key=lambda p: p.pk)):
        amount = data.project_amount(p)
        items = data.items.get(p.pk, [])
        named = [it for it in items if it.name]
        text = f"{i + 1}.{p.name}项目预算{w(amount)}万元"
        if named:
            text += "，主要包括：" + "；".join(
                f"{it.name}{w(data.item_amount(it))}万元" + (f"，{it.purpose}" if it.purpose else "")
                for it in named
            )
        elif p.purpose:
            text += f"，{p.purpose.rstrip('。')}"
        text += "。"
        prev = p.previous_year_amount
        if prev is None:
            prev = previous_figure(data, f"project:{p.name}")
        if prev is not None:
            phrase = change_phrase(amount, prev, base_label=f"{prev_year}年预算")
            if prev == 0:
                phrase = f"较{prev_year}年预算增加{w(amount)}万元，{prev_year}年无此项目预算"
            else:
                phrase = "较" + phrase[1:]
            text += phrase
            if p.change_reason:
                reason = p.change_reason
                if reason.startswith(f"{prev_year}年无此项目预算，"):
                    reason = reason.split("，", 1)[1]
                if not reason.startswith("主要原因"):
                    reason = "主要原因是：" + reason
                text += "，" + reason
            text = text.rstrip("。") + "。"
        u.paragraphs.append(text)
    s3.subsections = [u]
    out.append(s3)

    # 第四部分 政府采购
    s4 = Section("第四部分 政府采购预算情况")
    by_kind = {"goods": ZERO, "works": ZERO, "services": ZERO}
    for pr in data.procurements:
        by_kind[pr.kind.code] = by_kind.get(pr.kind.code, ZERO) + pr.amount
    total_proc = sum(by_kind.values(), ZERO)
    sme = sum((pr.sme_amount for pr in data.procurements), ZERO)
    small = sum((pr.small_micro_amount for pr in data.procurements), ZERO)
    text = (
        f"{unit}政府采购项目纳入{year}年部门预算共计{w(total_proc)}万元，其中货物采购{w(by_kind['goods'])}万元、"
        f"工程采购{w(by_kind['works'])}万元、服务采购{w(by_kind['services'])}万元。"
    )
    if total_proc:
        text += f"面向中小企业预留{w(sme)}万元，其中面向小型、微型企业{w(small)}万元。"
    s4.paragraphs.append(text)
    out.append(s4)

    # 第五部分 三公
    s5 = Section("第五部分 一般公共预算“三公”经费预算情况")
    tp = data.three_public
    keys = ("overseas", "reception", "vehicle_purchase", "vehicle_running")
    cur = {k: getattr(tp, k) if tp else ZERO for k in keys}
    prev = {k: previous_figure(data, f"three_public.{k}") for k in keys}
    total = sum(cur.values(), ZERO)
    prev_total = (
        sum((v for v in prev.values() if v is not None), ZERO)
        if any(v is not None for v in prev.values())
        else None
    )
    change = change_phrase(total, prev_total, base_label=f"{prev_year}年预算")
    head = f"{year}年“三公”经费预算{w(total)}万元" + (f"，{change}" if change else "")
    if tp:
        # The itemised summary as the disclosure prints it: "主要是：1、…；2、…；3、…。"
        veh_total = cur["vehicle_purchase"] + cur["vehicle_running"]
        items = [
            f"1、因公出国（境）费用{year}年预算数{w(cur['overseas'])}万元。{tp.overseas_note.rstrip('。')}",
            f"2、公务接待费{year}年预算数{w(cur['reception'])}万元。{tp.reception_purpose.rstrip('。')}",
            f"3、公务用车购置和运行维护费{year}年预算数{w(veh_total)}万元。{tp.vehicle_note.rstrip('。')}",
        ]
        s5.paragraphs.append(head + "，主要是：" + "；".join(i.rstrip("。") for i in items) + "。")
    else:
        s5.paragraphs.append(head + "。")
    if tp:
        note = tp.overseas_note.strip()
        s5.paragraphs.append(
            f"1.因公出国（境）费用。{year}年预算数{w(cur['overseas'])}万元" + (f"，{note}" if note else "。")
        )
        rec = f"2.公务接待费。{year}年预算数{w(cur['reception'])}万元"
        if prev["reception"] is not None:
            rec += (
                "，"
                + change_phrase(cur["reception"], prev["reception"], base_label=f"{prev_year}年").split("，")[
                    0
                ]
            )
        purpose = tp.reception_purpose.removeprefix("主要")
        rec += f"，主要是{purpose}。" if purpose else "。"
        s5.paragraphs.append(rec)
        veh = cur["vehicle_purchase"] + cur["vehicle_running"]
        s5.paragraphs.append(f"3.公务用车购置和运行维护费。{year}年预算数{w(veh)}万元，其中：")
        for key, label_, note in (
            ("vehicle_purchase", "公务用车购置费", tp.vehicle_purchase_note),
            ("vehicle_running", "公务用车运行维护费", tp.vehicle_running_note),
        ):
            line = f"{label_}{year}年预算数{w(cur[key])}万元"
            if prev[key] is not None:
                line += (
                    "，"
                    + change_phrase(cur[key], prev[key], base_label=f"{prev_year}年预算数").split("，")[0]
                )
            line += f"，主要是{note}。" if note else "。"
            s5.paragraphs.append(line)
    out.append(s5)

    # 第六部分 绩效管理
    s6 = Section("第六部分 部门预算绩效管理情况")
    with_targets = [p for p in data.projects if any(i.project_id == p.pk for i in data.indicators)]
    a = Section("一、实施部门预算绩效管理的单位范围")
    if n and n.performance_unit_text:
        a.paragraphs.append(n.performance_unit_text)
    bsec = Section("二、实施部门预算绩效管理的项目情况及工作要求")
    bsec.paragraphs.append(
        f"{year}年{unit}所有项目支出预算纳入部门预算绩效管理，涉及预算资金{w(project_total)}万元，"
        f"设置并编报{len(with_targets)}个项目绩效目标。"
        + (n.performance_project_text.split("。", 1)[1] if n and "。" in n.performance_project_text else "")
    )
    s6.subsections = [a, bsec]
    out.append(s6)

    # 第七部分 重点项目绩效
    s7 = Section("第七部分 重点项目预算绩效情况说明")
    s7.paragraphs.append(f"{year}年，本部门重点项目绩效目标情况如下：")
    s7.table = [["项目名称", "预算数（万元）", "绩效目标"]] + [
        [p.name, w(data.project_amount(p)), p.performance_summary]
        for p in task_projects(data)
        if p.key_project
    ]
    s7.after.append(f"备注：{n.key_projects_remark if n else '无。'}")  # printed after the table
    out.append(s7)

    # 第八部分 其他
    s8 = Section("第八部分 其他需要说明情况")
    oc = n.operating_costs if n else ZERO
    oc_prev = previous_figure(data, "operating_costs")
    one = Section("一、机关运行经费")
    one.paragraphs.append(
        f"{year}年{unit}机关运行经费财政拨款预算{w(oc)}万元"
        + ("，" + change_phrase(oc, oc_prev, base_label=f"{prev_year}年预算") if oc_prev is not None else "")
        + (f"。主要是{n.operating_costs_note}。" if n and n.operating_costs_note else "。")
    )
    two = Section("二、国有资产占用情况")
    at = data.assets
    if at:
        as_of = at.as_of.replace("-", "年", 1) + "月" if at.as_of else ""
        two.paragraphs.append(
            (f"截至{as_of}，" if as_of else "")
            + f"{unit}共有车辆{at.vehicles}辆；单价50万元以上通用设备{at.general_equipment}台（套），"
            f"单价100万元以上专用设备{at.special_equipment}台（套）。"
        )
        two.paragraphs.append(
            f"{year}年计划新增车辆{at.planned_vehicles}辆；新增单价50万元以上通用设备{at.planned_general_equipment}台（套）；"
            f"新增单价100万元以上专用设备{at.planned_special_equipment}台（套）。"
        )
    three = Section("三、其他")
    if n and n.other_notes:
        three.paragraphs.append(n.other_notes)
    s8.subsections = [one, two, three]
    out.append(s8)

    # 第九部分 名词解释
    s9 = Section("第九部分 名词解释")
    if n:
        for i, g in enumerate(n.glossary):
            s9.paragraphs.append(
                f"{CN_NUM[i] if i < 10 else i + 1}、{g.get('term', '')}：{g.get('definition', '')}"
            )
    out.append(s9)
    return out


def all_paragraphs(sections: list[Section]) -> list[str]:
    out = []
    for s in sections:
        out.append(s.title)
        out += s.paragraphs
        out += all_paragraphs(s.subsections)
    return out
