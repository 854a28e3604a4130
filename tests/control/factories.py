"""A small approved budget for control tests: the budget area's catalogue and lines, built directly."""

from datetime import date
from decimal import Decimal

from center.accounts.models import Department, Unit
from center.budget.models import (
    Budget,
    EconomicCode,
    ExpenditureLine,
    FiscalYear,
    FunctionalCode,
    IncomeSource,
    Project,
    ProjectItem,
)
from center.control import services
from center.control.enums import DocState, TaskState
from center.control.models import ApprovalFlow, ApprovalStepDef, ApprovalTask

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = 2037  # a year of its own: other areas' fixtures load the seed's 2022 budget and use 2030


def catalogue(year=YEAR):
    fy, _ = FiscalYear.objects.get_or_create(year=year)
    f206 = FunctionalCode.objects.create(fiscal_year=fy, code="206", name="科学技术支出", level=1)
    f20608 = FunctionalCode.objects.create(
        fiscal_year=fy, code="20608", name="科技交流与合作", level=2, parent=f206
    )
    fx = FunctionalCode.objects.create(
        fiscal_year=fy, code="2060899", name="其他科技交流与合作支出", level=3, parent=f20608
    )
    e302 = EconomicCode.objects.create(fiscal_year=fy, code="302", name="商品和服务支出", level=1)
    econ = {
        code: EconomicCode.objects.create(fiscal_year=fy, code=code, name=name, level=2, parent=e302)
        for code, name in [
            ("30201", "办公费"),
            ("30215", "会议费"),
            ("30217", "公务接待费"),
            ("30227", "委托业务费"),
            ("30226", "劳务费"),
        ]
    }
    src = IncomeSource.objects.create(
        fiscal_year=fy, code="gpb.duty", name="履职类项目拨款", level=2, is_leaf=True
    )
    basic_src = IncomeSource.objects.create(
        fiscal_year=fy, code="gpb.basic", name="基本支出拨款", level=2, is_leaf=True
    )
    return fy, fx, econ, src, basic_src


def approved_budget(amounts=None, year=YEAR):
    """Project 科技创新与交流 (科技创新服务部) with two items, plus basic public lines (综合部 归口)."""
    amounts = amounts or {}
    fy, fx, econ, src, basic_src = catalogue(year)
    unit = Unit.objects.get(code="SZSTEC")
    inn = Department.objects.get(code="INN")
    budget = Budget.objects.create(
        unit=unit, fiscal_year=fy, state="approved", approval_doc_no="深财预〔2022〕1号"
    )
    project = Project.objects.create(budget=budget, name="科技创新与交流", department=inn)
    week = ProjectItem.objects.create(project=project, name="创新周")
    talent = ProjectItem.objects.create(project=project, name="招才引智工作")
    rows = [
        ("project", "", project, week, "30227", amounts.get("week", Decimal("2500000.00"))),
        ("project", "", project, week, "30215", amounts.get("week_meeting", Decimal("100000.00"))),
        ("project", "", project, talent, "30226", amounts.get("talent", Decimal("600000.00"))),
        ("basic", "public", None, None, "30201", amounts.get("office", Decimal("50000.00"))),
        ("basic", "public", None, None, "30217", amounts.get("reception", Decimal("20000.00"))),
    ]
    for kind, cat, proj, item, code, amount in rows:
        ExpenditureLine.objects.create(
            budget=budget,
            kind=kind,
            basic_category=cat,
            project=proj,
            item=item,
            functional=fx,
            economic=econ[code],
            source=src if kind == "project" else basic_src,
            amount=amount,
        )
    return budget


def default_flows():
    """Applications and reimbursements: department head → 归口 head → finance; director above 50,000."""
    for doc_type in ("application", "reimbursement", "advance"):
        small = ApprovalFlow.objects.create(
            name=f"{doc_type} 小额", doc_type=doc_type, max_amount=Decimal("50000"), priority=10
        )
        big = ApprovalFlow.objects.create(
            name=f"{doc_type} 大额", doc_type=doc_type, min_amount=Decimal("50000"), priority=10
        )
        for flow in (small, big):
            ApprovalStepDef.objects.create(flow=flow, order=1, name="部门负责人", rule="dept_head")
            ApprovalStepDef.objects.create(flow=flow, order=2, name="财务审核", rule="finance")
        ApprovalStepDef.objects.create(flow=big, order=3, name="单位负责人", rule="director")


def quotas_ready(org, **amounts):
    budget = approved_budget(amounts)
    default_flows()
    quotas = services.quotas_issue_from_budget(actor=org["finance"], budget=budget)
    return {q.economic.code + ("_basic" if q.kind == "basic" else ""): q for q in quotas}


def approve_all(org, doc, act=services.application_act):
    """Approve every pending step of `doc` as its assignee, until it leaves the pending state."""
    for _ in range(5):
        doc.refresh_from_db()
        if doc.state != DocState.PENDING:
            return doc
        pending = ApprovalTask.objects.filter(
            object_id=doc.pk, content_type__model=doc._meta.model_name, state=TaskState.PENDING
        ).first()
        user = pending.assignee
        key = f"{doc._meta.model_name}_id"
        act(actor=user, task_id=pending.pk, action="approve", **{key: doc.pk})
    doc.refresh_from_db()
    return doc


def invoice(org, who="staff_inn", number="00012345", amount="30000.00"):
    """One invoice line for a reimbursement (a minimal real PDF as its file)."""
    return [
        {
            "code": "044001900111",
            "number": number,
            "amount": amount,
            "issued_on": date(YEAR, 5, 1),
            "file_name": "发票.pdf",
            "file_data": PDF,
        }
    ]


def claim(org, app, quota, amount, who="staff_inn", number="00012345"):
    """A reimbursement of `amount` against the approved application `app`, on `quota`, with one invoice."""
    return services.reimbursement_submit(
        actor=org[who],
        title="报销",
        application_id=app.pk,
        lines=[(quota.pk, amount)],
        invoices=invoice(org, who=who, number=number, amount=amount),
    )
