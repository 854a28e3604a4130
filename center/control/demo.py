"""Demo of budget control over two years (needs the budget demo; idempotent, deterministic).

- The seed year 2022, **closed**: its quotas issued and a full year of spending executed through the ledger
  month by month — salaries and social insurance, public costs, receptions, project work, the 8 office
  devices — each an application approved, a claim approved and paid, dated within 2022 (the documents,
  approval tasks, payments and ledger entries carry the story's dates; the audit trail keeps the day the demo
  was loaded). The events demo then adds its 2022 events on the room left for them (`_reserved`), so the
  year ends near 97 % executed.
- The current year (the year of the day the demo is loaded), **live**: its quotas issued from the budget
  prepared from 2022, the months before this one spent the same way, and documents in every state so that
  each demo role has work: approvals waiting at a head, a deputy, finance and the director, a claim for the
  cashier to pay, a returned application, a rejected one.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from center.accounts.models import User
from center.budget.demo import SEED_YEAR, current_year
from center.budget.models import Budget

from . import approvals, services
from .demo_docs import PDF, _at, approve_all, claim_and_pay, redate, spend  # noqa: F401 (used by the areas' demos)
from .models import (
    Application,
    ApprovalFlow,
    ApprovalStepDef,
    ControlSettings,
    LedgerEntry,
    Quota,
    SpendingStandard,
)

YEAR = SEED_YEAR  # kept for the areas that import it

FLOWS = [
    # name, doc_type, app_types, min, max, priority, steps [(name, rule)]
    (
        "公务接待审批",
        "application",
        ["reception"],
        "0",
        None,
        5,
        [("部门负责人", "dept_head"), ("归口部门（综合部）审核", "owner_dept_head"), ("财务审核", "finance")],
    ),
    (
        "事前申请（5万元以下）",
        "application",
        [],
        "0",
        "50000",
        10,
        [("部门负责人", "dept_head"), ("财务审核", "finance")],
    ),
    (
        "事前申请（5万元及以上）",
        "application",
        [],
        "50000",
        None,
        10,
        [
            ("部门负责人", "dept_head"),
            ("分管领导", "deputy"),
            ("财务审核", "finance"),
            ("单位负责人", "director"),
        ],
    ),
    (
        "报销（5万元以下）",
        "reimbursement",
        [],
        "0",
        "50000",
        10,
        [("部门负责人", "dept_head"), ("财务审核", "finance")],
    ),
    (
        "报销（5万元及以上）",
        "reimbursement",
        [],
        "50000",
        None,
        10,
        [("部门负责人", "dept_head"), ("财务审核", "finance"), ("单位负责人", "director")],
    ),
]
NAMES_EN = {  # flows, steps and standards in English (the name_en convention, docs/architecture.md)
    "公务接待审批": "Official reception approval",
    "事前申请（5万元以下）": "Prior application (under ¥50,000)",
    "事前申请（5万元及以上）": "Prior application (¥50,000 and over)",
    "报销（5万元以下）": "Reimbursement (under ¥50,000)",
    "报销（5万元及以上）": "Reimbursement (¥50,000 and over)",
    "部门负责人": "Department head",
    "归口部门（综合部）审核": "Review by the responsible department (General Affairs)",
    "财务审核": "Finance review",
    "分管领导": "Deputy director in charge",
    "单位负责人": "Director",
    "三类会议综合定额": "Class III meeting all-in rate",
    "三类培训综合定额": "Class III training all-in rate",
    "国内差旅住宿及伙食补助": "Domestic travel: lodging and meal allowance",
    "公务接待工作餐": "Official reception working meal",
}
STANDARDS = [
    ("meeting", "", "三类会议综合定额", "450", True),
    ("training", "", "三类培训综合定额", "400", False),
    ("travel", "", "国内差旅住宿及伙食补助", "580", False),
    ("reception", "", "公务接待工作餐", "150", True),
]


# Execution shares of the year, per kind of quota: salaries are paid in full, public costs nearly, 三公 less.
SHARE = {"personnel": Decimal("0.995"), "family_subsidy": Decimal("0.99"), "public": Decimal("0.95")}
PROJECT_SHARE = Decimal("0.97")
RECEPTIONS = [  # (month, day, visitors, guests, companions, amount)
    (3, 17, "广州市科技交流中心", 6, 3, "1250.00"),
    (6, 9, "香港科学会", 8, 4, "1700.00"),
    (11, 4, "澳门科学技术协进会", 5, 3, "1100.00"),
]
# What the information projects' instalments paid for (表11 counts these: 2 maintenances, 1 system, 1 platform).
HALF_YEARLY = {"信息化系统运行维护"}
MATTERS = {
    "信息化系统运行维护": ["专家委网站和专家库维护（上半年）", "专家委网站和专家库维护（下半年）"],
    "信息化新建项目（非政府投资项目）": [
        "内控管理系统建设：需求与设计",
        "内控管理系统建设：开发与试运行",
        "信息平台建设：会展、联盟、海智平台",
        "内控管理系统及信息平台验收",
    ],
}
DEVICES = "台式计算机 5 台、笔记本电脑 2 台、激光打印机 1 台（共 8 台）"


def seed(stdout, *, spending: bool = True) -> None:
    """Settings, flows, standards and quotas of both years; with `spending`, the two years' documents (tests
    that only need quotas to draw on leave them out: they take most of the demo's time)."""
    years = [y for y in (SEED_YEAR, current_year()) if _budget(y) is not None]
    if SEED_YEAR not in years:
        stdout.write("control demo skipped: no approved 2022 budget")
        return
    if not ApprovalFlow.objects.exists():
        _flows()
    users = {u.username: u for u in User.objects.all()}
    for year in years:
        _settings(year)
        if not Quota.objects.filter(year=year).exists():
            budget = _budget(year)
            services.quotas_issue_from_budget(actor=users["finance"], budget=budget)
            issued = min(max(budget.approved_on or date(year, 1, 20), date(year, 1, 1)), date(year, 12, 31))
            LedgerEntry.objects.filter(quota__year=year, kind="issue").update(
                created_at=_at(issued, 9), period=issued.month
            )
    if spending and not Application.objects.exists():
        _close_seed_year(users)
        if len(years) > 1:
            _current_year(users, years[1])
    stdout.write(
        f"control demo: {Quota.objects.count()} quotas ({', '.join(map(str, years))}),"
        f" {Application.objects.count()} applications"
    )


def _budget(year: int) -> Budget | None:
    return Budget.objects.filter(fiscal_year__year=year, state__in=["approved", "published"]).first()


def _settings(year: int) -> None:
    cfg, _created = ControlSettings.objects.get_or_create(year=year)
    # The budget has no 会议费 (30215), 培训费 (30216) or 差旅费 (30211) line: the Center's meetings and
    # trainings are project work bought as 委托业务费 (30227), its trips paid from 其他交通费用 (30239); salaries,
    # social insurance and pensions (301, 303) are paid monthly as "other" applications. Finance records that
    # on the control-settings page; the demo does it here.
    if cfg.type_codes.get("meeting") == ["30215"]:
        cfg.type_codes = {
            **cfg.type_codes,
            "meeting": ["30215", "30227"],
            "training": ["30216", "30227"],
            "travel": ["30211", "30239"],
            "other": ["301", "302", "303", "310"],
        }
        cfg.save(update_fields=["type_codes"])
    for app_type, city, name, limit, block in STANDARDS:
        SpendingStandard.objects.get_or_create(
            year=year,
            app_type=app_type,
            city=city,
            defaults={
                "name": name,
                "name_en": NAMES_EN[name],
                "limit_per_person_day": Decimal(limit),
                "block_excess": block,
            },
        )


def _flows() -> None:
    for name, doc_type, types, lo, hi, prio, steps in FLOWS:
        flow = ApprovalFlow.objects.create(
            name=name,
            name_en=NAMES_EN[name],
            doc_type=doc_type,
            app_types=types,
            min_amount=Decimal(lo),
            max_amount=Decimal(hi) if hi else None,
            priority=prio,
        )
        for i, (step, rule) in enumerate(steps, start=1):
            ApprovalStepDef.objects.create(flow=flow, order=i, name=step, name_en=NAMES_EN[step], rule=rule)


def _quota(project: str, economic: str, year: int = YEAR, item: str = "") -> Quota:
    qs = Quota.objects.filter(year=year, economic__code=economic)
    qs = qs.filter(project__name=project) if project else qs.filter(kind="basic")
    if item:
        qs = qs.filter(item__name=item)
    return qs.order_by("-approved", "pk").first()


def _split(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` instalments of whole yuan, the rest on the last one."""
    each = (total / parts).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return [each] * (parts - 1) + [total - each * (parts - 1)]


def _reserved(year: int) -> dict[str, Decimal]:
    """What the events demo will draw on the seed year's project items (by item name): their planned cost is
    frozen when each is approved."""
    out: dict[str, Decimal] = {}
    if year != SEED_YEAR:
        return out
    from center.events.demo import EVENTS_2022

    for row in EVENTS_2022:
        item, cost = row[6], Decimal(row[10])
        out[item] = out.get(item, Decimal(0)) + cost
    return out


def _monthly(u, year: int, months: list[int]) -> None:
    """Salaries and social insurance, pensions and public costs: one payment a month."""
    quotas = list(
        Quota.objects.filter(year=year, kind="basic").exclude(economic__code="30217").order_by("pk")
    )
    plans = {q.pk: _split((q.approved * SHARE[q.basic_category]).quantize(Decimal("1")), 12) for q in quotas}
    for m in months:
        spend(
            u,
            applicant="staff_gen",
            app_type="other",
            title=f"{year}年{m}月工资、社会保险、退休费及公用经费",
            year=year,
            lines=[(q, plans[q.pk][m - 1]) for q in quotas if plans[q.pk][m - 1] > 0],
            day=date(year, m, 10),
        )


def _projects(u, year: int, months: list[int], share: Decimal) -> None:
    """Project work: each project's quotas spent in quarterly instalments over the year's months (one matter
    per project and quarter; the website maintenance half-yearly), leaving the room the events demo needs."""
    if not months:
        return
    reserved = _reserved(year)
    owners = {"INN": "staff_inn", "EXP": "staff_exp", "GEN": "staff_gen", "EXC": "staff_exc"}
    types = {"30227": "event", "30213": "other", "31007": "procurement"}
    quarters = [m for m in months if m % 3 == 0] or months[-1:]
    plans: dict[tuple, list] = {}
    quotas = Quota.objects.filter(year=year, kind="project").select_related("project", "item", "department")

    def _share(q) -> Decimal:
        name = q.item.name if q.item else q.project.name
        return (q.approved * share - reserved.get(name, Decimal(0))).quantize(Decimal("1"))

    for q in quotas.exclude(economic__code="31002").order_by("pk"):
        if _share(q) > 0:
            plans.setdefault((q.project.name, q.economic.code), []).append(q)
    for (project, economic), rows in plans.items():
        dept = rows[0].department
        parts = ([m for m in quarters if m % 6 == 0] or quarters[-1:]) if project in HALF_YEARLY else quarters
        names = MATTERS.get(project)
        for i, m in enumerate(parts):
            spend(
                u,
                applicant=owners.get(dept.code if dept else "GEN", "staff_gen"),
                app_type=types.get(economic, "other"),
                title=f"{year}年{names[min(i, len(names) - 1)]}"
                if names
                else f"{project}（{year}年第{(m + 2) // 3}季度）",
                year=year,
                lines=[(q, _split(_share(q), len(parts))[i]) for q in rows],
                day=date(year, m, 15),
                details={"city": "深圳", "attendees": 30, "days": 1} if economic == "30227" else {},
            )


def _devices(u, year: int, day: date, stop: str = "paid") -> Application:
    """办公设备采购: the 8 devices of the year's procurement budget, bought in one purchase."""
    lines = [(q, q.approved) for q in Quota.objects.filter(year=year, economic__code="31002").order_by("pk")]
    return spend(
        u,
        applicant="staff_gen",
        app_type="procurement",
        title=f"{year}年办公设备采购：{DEVICES}",
        year=year,
        lines=lines,
        day=day,
        stop=stop,
        claim_share=Decimal("0.985"),
        seller="深圳市华强电脑有限公司",
    )


def _receptions(u, year: int, rows) -> None:
    reception = _quota("", "30217", year)
    for m, d, guest, guests, companions, amount in rows:
        spend(
            u,
            applicant="staff_gen",
            app_type="reception",
            title=f"接待{guest}来深交流",
            year=year,
            lines=[(reception, Decimal(amount))],
            day=date(year, m, d),
            details={"guests": guests, "companions": companions, "days": 1, "meals": 1},
            letter=guest,
        )


def _close_seed_year(u) -> None:
    """2022: January to December spent and paid; nothing left pending, approved or frozen."""
    months = list(range(1, 13))
    _monthly(u, SEED_YEAR, months)
    _receptions(u, SEED_YEAR, RECEPTIONS)
    _devices(u, SEED_YEAR, date(SEED_YEAR, 4, 12))
    _projects(u, SEED_YEAR, months, PROJECT_SHARE)


def _current_year(u, year: int) -> None:
    """The live year: the months before this one spent, and documents in every state for the workbenches."""
    today = timezone.localdate()
    done = list(range(1, today.month))
    elapsed = Decimal((today - date(year, 1, 1)).days) / Decimal(365)
    _monthly(u, year, done)
    _receptions(u, year, [r for r in RECEPTIONS if r[0] < today.month])
    if today.month > 4:
        _devices(u, year, date(year, 4, 12))
    _projects(u, year, done, (elapsed * Decimal("0.9")).quantize(Decimal("0.0001")))
    _documents(u, year)


def _documents(u, year: int) -> None:
    """The live year's documents in every state, so that each role has something on its workbench."""
    from center.core.files import attachment_create

    today = timezone.localdate()
    soon = min(today + timedelta(days=10), date(year, 12, 31))
    think = _quota("科技智库与交流", "30227", year, item="项目评审组织协调工作")
    consult = _quota("科技智库与交流", "30227", year, item="深圳市科技专家咨询大会工作")
    week = _quota("科技创新与交流", "30227", year, item="中国“深圳”科技创新周及科技交流与合作工作")
    haizhi = _quota("科技创新与交流", "30227", year, item="中国科协“海智计划”广东（深圳）工作基地工作")
    calls = _quota("科技智库与交流", "30227", year, item="专家库专家征集工作")
    system = _quota("信息化新建项目（非政府投资项目）", "31007", year)
    reception = _quota("", "30217", year)
    office = _quota("", "30201", year)
    # Approved, waiting for its claim (staff_exp): the expert consultation conference.
    spend(
        u,
        applicant="staff_exp",
        app_type="event",
        title=f"{year}年深圳市科技专家咨询大会会务",
        year=year,
        lines=[(consult, Decimal("32000.00"))],
        day=soon,
        details={"city": "深圳", "days": 1, "attendees": 120},
        stop="approved",
    )
    # Claim approved, waiting for the cashier: the Innovation Week's publicity materials.
    spend(
        u,
        applicant="staff_inn",
        app_type="event",
        title=f"{year} 创新周宣传资料印制",
        year=year,
        lines=[(week, Decimal("18600.00"))],
        day=today,
        details={"city": "深圳", "days": 1, "attendees": 200},
        stop="claimed",
    )
    # Pending at the department head (head_gen): an official reception (公函 attached).
    letter = attachment_create(actor=u["staff_gen"], name="广州市科技交流中心来访公函.pdf", data=PDF)
    services.application_submit(
        actor=u["staff_gen"],
        app_type="reception",
        title="接待广州市科技交流中心来深交流",
        year=year,
        lines=[(reception.pk, "1200.00")],
        details={"guests": 5, "companions": 3, "days": 1, "meals": 1, "start_date": soon.isoformat()},
        letter_id=letter.pk,
    )
    # Pending at the department head (head_exp): the expert-recruitment advertisement.
    services.application_submit(
        actor=u["staff_exp"],
        app_type="event",
        title=f"{year}年专家库专家征集广告发布",
        year=year,
        lines=[(calls.pk, "6000.00")],
        details={"city": "深圳", "days": 1, "attendees": 1},
    )
    # Pending at the deputy (deputy1): a large expert-review organisation application.
    big = services.application_submit(
        actor=u["staff_exp"],
        app_type="event",
        title=f"{year} 年度青年科技奖评审组织",
        year=year,
        lines=[(think.pk, "80000.00")],
        details={"city": "深圳", "days": 2, "attendees": 40},
    )
    _act(big, u["head_exp"], "approve", "同意，按评审规程执行")
    # Pending at the deputy (deputy2): the internal-control system's second phase.
    sys2 = services.application_submit(
        actor=u["staff_gen"],
        app_type="procurement",
        title="内控管理系统二期功能开发",
        year=year,
        lines=[(system.pk, "55000.00")],
    )
    _act(sys2, u["head_gen"], "approve", "同意")
    # Pending at finance: a Haizhi workstation visit approved by its head.
    visit = services.application_submit(
        actor=u["staff_inn"],
        app_type="event",
        title="海智工作站走访调研",
        year=year,
        lines=[(haizhi.pk, "12000.00")],
        details={"city": "深圳", "days": 1, "attendees": 12, "start_date": soon.isoformat()},
    )
    _act(visit, u["head_inn"], "approve", "同意")
    # Pending at the director: a roadshow service purchase past the head, the deputy and finance.
    road = services.application_submit(
        actor=u["staff_inn"],
        app_type="event",
        title="“科创中国”路演专场会务服务",
        year=year,
        lines=[(week.pk, "60000.00")],
        details={"city": "深圳", "days": 1, "attendees": 80},
    )
    for who in ("head_inn", "deputy1", "finance"):
        _act(road, u[who], "approve", "同意")
    # Rejected: freeze released.
    rej = services.application_submit(
        actor=u["staff_inn"],
        app_type="event",
        title="重复申报的路演活动",
        year=year,
        lines=[(week.pk, "20000.00")],
    )
    _act(rej, u["head_inn"], "reject", "与已批准的路演活动重复")
    # Returned for correction, corrected (its page lists what changed) and returned again: the applicant
    # can edit it once more.
    day = soon.isoformat()
    meet = services.application_submit(
        actor=u["staff_inn"],
        app_type="meeting",
        title="海智计划工作座谈会",
        year=year,
        lines=[(week.pk, "9000.00")],
        details={"start_date": day, "end_date": day, "city": "深圳", "attendees": 20},
    )
    _return(meet, u["head_inn"], "会场费偏高，请按参会人数核减。")
    services.application_resubmit(
        actor=u["staff_inn"],
        application_id=meet.pk,
        title="海智计划工作座谈会（核减后）",
        lines=[(week.pk, "7200.00")],
        details={"start_date": day, "end_date": day, "city": "深圳", "attendees": 16},
    )
    _return(meet, u["head_inn"], "请补充会议议程后再提交。")
    # A small reimbursement without application, pending at the head.
    services.reimbursement_submit(
        actor=u["staff_gen"],
        title="办公用品（打印纸、墨盒）",
        year=year,
        lines=[(office.pk, "386.00")],
        invoices=[
            {
                "code": "044032200222",
                "number": f"2{year % 100:02d}45678",
                "amount": "386.00",
                "issued_on": today,
                "file_name": "办公用品发票.pdf",
                "file_data": PDF,
            }
        ],
    )


def _act(doc, who, action: str, comment: str) -> None:
    task = approvals.task_for_actor(doc, who)
    services.application_act(
        actor=who, application_id=doc.pk, task_id=task.pk, action=action, comment=comment
    )


def _return(doc, head, comment: str) -> None:
    task = approvals.task_for_actor(doc, head)
    services.application_act(
        actor=head, application_id=doc.pk, task_id=task.pk, action="return", comment=comment
    )
