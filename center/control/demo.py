"""Demo of budget control on the seed's 2022 budget: quotas, approval flows, spending standards and a
few documents in every state (one walked through to payment). Needs the budget demo; idempotent."""

from datetime import date
from decimal import Decimal

from center.accounts.models import User
from center.budget.models import Budget

from . import approvals, services
from .models import Application, ApprovalFlow, ApprovalStepDef, ControlSettings, Quota, SpendingStandard

YEAR = 2022
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

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


def seed(stdout) -> None:
    budget = Budget.objects.filter(fiscal_year__year=YEAR, state__in=["approved", "published"]).first()
    if budget is None:
        stdout.write("control demo skipped: no approved 2022 budget")
        return
    cfg, _created = ControlSettings.objects.get_or_create(year=YEAR)
    # The 2022 budget has no 会议费 (30215), 培训费 (30216) or 差旅费 (30211) line: the Center's meetings and
    # trainings are project work bought as 委托业务费 (30227), its trips paid from 其他交通费用 (30239). Finance
    # records that on the control-settings page; the demo does it here.
    if cfg.type_codes.get("meeting") == ["30215"]:
        cfg.type_codes = {
            **cfg.type_codes,
            "meeting": ["30215", "30227"],
            "training": ["30216", "30227"],
            "travel": ["30211", "30239"],
        }
        cfg.save(update_fields=["type_codes"])
    if not ApprovalFlow.objects.exists():
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
                ApprovalStepDef.objects.create(
                    flow=flow, order=i, name=step, name_en=NAMES_EN[step], rule=rule
                )
    for app_type, city, name, limit, block in STANDARDS:
        SpendingStandard.objects.get_or_create(
            year=YEAR,
            app_type=app_type,
            city=city,
            defaults={
                "name": name,
                "name_en": NAMES_EN[name],
                "limit_per_person_day": Decimal(limit),
                "block_excess": block,
            },
        )
    users = {u.username: u for u in User.objects.all()}
    if not Quota.objects.filter(year=YEAR).exists():
        services.quotas_issue_from_budget(actor=users["finance"], budget=budget)
    if not Application.objects.exists():
        _documents(users)
    stdout.write(
        f"control demo: {Quota.objects.filter(year=YEAR).count()} quotas, {Application.objects.count()} applications"
    )


def _quota(project: str, economic: str) -> Quota:
    qs = Quota.objects.filter(year=YEAR, economic__code=economic)
    qs = qs.filter(project__name=project) if project else qs.filter(kind="basic")
    return qs.order_by("-approved").first()


def approve_all(doc, act, key):
    """Approve each pending step as its assignee until the document leaves "pending" (also used by the
    events demo for the events' own prior applications)."""
    while True:
        doc.refresh_from_db()
        task = next(
            (t for t in approvals.chain_tasks(doc, approvals.current_round(doc)) if t.state == "pending"),
            None,
        )
        if task is None or doc.state != "pending":
            return doc
        act(actor=task.assignee, task_id=task.pk, action="approve", comment="同意", **{key: doc.pk})


def _documents(u) -> None:
    from center.core.files import attachment_create

    week = _quota("科技创新与交流", "30227")
    think = _quota("科技智库与交流", "30227")
    reception = _quota("", "30217")
    office = _quota("", "30201")
    # 1. Walked to payment: an Innovation Week themed event.
    app = services.application_submit(
        actor=u["staff_inn"],
        app_type="event",
        title="2022 创新周主题活动：人工智能论坛",
        year=YEAR,
        lines=[(week.pk, "180000.00")],
        details={"city": "深圳", "days": 1, "attendees": 300},
    )
    app = approve_all(app, services.application_act, "application_id")
    r = services.reimbursement_submit(
        actor=u["staff_inn"],
        title="人工智能论坛会务服务费",
        application_id=app.pk,
        lines=[(week.pk, "172600.00")],
        invoices=[
            {
                "code": "044032200111",
                "number": "10234567",
                "amount": "172600.00",
                "issued_on": date(2022, 6, 20),
                "file_name": "会务发票.pdf",
                "file_data": PDF,
            }
        ],
    )
    approve_all(r, services.reimbursement_act, "reimbursement_id")
    services.payment_record(
        actor=u["cashier"], reimbursement_id=r.pk, method="bank", reference="ICBC-20220628-0001"
    )
    # 2. Approved, waiting for reimbursement: expert consultation conference.
    app2 = services.application_submit(
        actor=u["staff_exp"],
        app_type="event",
        title="深圳市科技专家咨询大会会务",
        year=YEAR,
        lines=[(think.pk, "32000.00")],
        details={"city": "深圳", "days": 1, "attendees": 120},
    )
    approve_all(app2, services.application_act, "application_id")
    # 3. Pending at the department head: an official reception (公函 attached).
    letter = attachment_create(actor=u["staff_gen"], name="广州市科技交流中心来访公函.pdf", data=PDF)
    services.application_submit(
        actor=u["staff_gen"],
        app_type="reception",
        title="接待广州市科技交流中心来深交流",
        year=YEAR,
        lines=[(reception.pk, "1200.00")],
        details={"guests": 5, "companions": 3, "days": 1, "meals": 1},
        letter_id=letter.pk,
    )
    # 4. Pending at the deputy: a large expert-review organisation application.
    big = services.application_submit(
        actor=u["staff_exp"],
        app_type="event",
        title="2022 年度青年科技奖评审组织",
        year=YEAR,
        lines=[(think.pk, "80000.00")],
        details={"city": "深圳", "days": 2, "attendees": 40},
    )
    head = approvals.task_for_actor(big, u["head_exp"])
    services.application_act(
        actor=u["head_exp"],
        application_id=big.pk,
        task_id=head.pk,
        action="approve",
        comment="同意，按评审规程执行",
    )
    # 5. Rejected: freeze released.
    rej = services.application_submit(
        actor=u["staff_inn"],
        app_type="event",
        title="重复申报的路演活动",
        year=YEAR,
        lines=[(week.pk, "20000.00")],
    )
    head = approvals.task_for_actor(rej, u["head_inn"])
    services.application_act(
        actor=u["head_inn"],
        application_id=rej.pk,
        task_id=head.pk,
        action="reject",
        comment="与已批准的路演活动重复",
    )
    # 7. Returned for correction, corrected (its page lists what changed) and returned again: the applicant
    # can edit it once more.
    meet = services.application_submit(
        actor=u["staff_inn"],
        app_type="meeting",
        title="海智计划工作座谈会",
        year=YEAR,
        lines=[(week.pk, "9000.00")],
        details={"start_date": "2022-09-15", "end_date": "2022-09-15", "city": "深圳", "attendees": 20},
    )
    _return(meet, u["head_inn"], "会场费偏高，请按参会人数核减。")
    services.application_resubmit(
        actor=u["staff_inn"],
        application_id=meet.pk,
        title="海智计划工作座谈会（核减后）",
        lines=[(week.pk, "7200.00")],
        details={"start_date": "2022-09-15", "end_date": "2022-09-15", "city": "深圳", "attendees": 16},
    )
    _return(meet, u["head_inn"], "请补充会议议程后再提交。")
    # 6. A small reimbursement without application, pending.
    services.reimbursement_submit(
        actor=u["staff_gen"],
        title="办公用品（打印纸、墨盒）",
        year=YEAR,
        lines=[(office.pk, "386.00")],
        invoices=[
            {
                "code": "044032200222",
                "number": "20345678",
                "amount": "386.00",
                "issued_on": date(2022, 7, 8),
                "file_name": "办公用品发票.pdf",
                "file_data": PDF,
            }
        ],
    )


def _return(doc, head, comment: str) -> None:
    task = approvals.task_for_actor(doc, head)
    services.application_act(
        actor=head, application_id=doc.pk, task_id=task.pk, action="return", comment=comment
    )
