"""Demo data of the performance area: every indicator of every demo budget bound to its source (the
proposals of binding_rules, the same a finance officer gets from the progress page); for the closed 2022
year, the values the system cannot compute with their evidence (the 8 office devices, the 有效保障 ratings),
the maintenance records and building milestones registered and accepted, and the 2022 self-evaluations of
every project and of the unit scored from whatever data the other demos left, submitted and approved.

Runs after the events, reviews and control demos (INSTALLED_APPS order). Robust to thin data: an indicator
with nothing behind it scores what the rules give it. Idempotent (nothing is done twice)."""

import io
from datetime import date

from django.utils import timezone

from center.accounts.models import User
from center.budget.models import Budget, PerformanceIndicator

from . import services
from .enums import EvaluationState, Rating, RecordState, SourceKind
from .models import Evaluation, IndicatorBinding, Record

YEAR = 2022
# (indicator name, records: [(title, accepted on)])
RECORDS = {
    "专家委网站和专家库维护": [
        ("专家委网站和专家库上半年例行维护（安全补丁、数据备份核查）", date(YEAR, 6, 28)),
        ("专家委网站和专家库下半年维护（专家信息字段扩展、性能优化）", date(YEAR, 12, 16)),
    ],
    "建设运维中心内控管理系统": [("中心内控管理系统一期上线验收", date(YEAR, 11, 30))],
    "建设运维中心信息平台数量": [
        ("中心信息平台（会展、深港澳科技联盟、海智基地三个服务平台）交付验收", date(YEAR, 12, 23))
    ],
}
MANUAL = {
    "购买办公设备": (
        "8",
        date(YEAR, 6, 20),
        "办公设备 8 台（电脑 6 台、中速数码复印机 2 台）已到货验收，见验收单。",
    )
}


def _pdf(title: str) -> bytes:
    from reportlab.pdfgen import canvas

    from center.core.pdf import register_font

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont(register_font(), 12)
    c.drawString(72, 770, title)
    c.drawString(72, 750, "演示用证明材料")
    c.save()
    return buf.getvalue()


def _users() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(is_active=True)}


def _enterer(users, indicator):
    """Someone of the project's department (its staff, else its head); finance for unit-wide indicators."""
    if indicator.project_id is None or indicator.project.department_id is None:
        return users.get("finance")
    dept = indicator.project.department_id
    for u in users.values():
        if u.department_id == dept and u.has_role("staff"):
            return u
    return users.get("finance")


def _accepter(users, indicator, creator):
    dept = indicator.project.department_id if indicator.project_id else None
    for u in users.values():
        if u.pk != creator.pk and u.department_id == dept and u.has_role("dept_head"):
            return u
    return users.get("finance")


def seed(stdout) -> None:
    users = _users()
    if "finance" not in users or "director" not in users:
        return
    for budget in Budget.objects.filter(indicators__isnull=False).distinct():
        services.bindings_suggest(actor=None, budget_id=budget.pk)
    budget = Budget.objects.filter(fiscal_year__year=YEAR, indicators__isnull=False).distinct().first()
    if budget is None or Evaluation.objects.filter(budget=budget).exists():
        stdout.write("  performance: indicators bound to their sources")
        seed_monitoring(stdout)  # idempotent: a database seeded before the monitoring existed gets it too
        return
    today = timezone.localdate()
    indicators = list(PerformanceIndicator.objects.filter(budget=budget).select_related("project", "binding"))
    for ind in indicators:
        b = IndicatorBinding.objects.filter(indicator=ind).first()
        if b is None:
            continue
        who = _enterer(users, ind)
        if b.source in (SourceKind.MAINTENANCE, SourceKind.MILESTONES) and ind.name in RECORDS:
            if Record.objects.filter(binding=b).exists():
                continue
            for title, accepted_on in RECORDS[ind.name]:
                rec = services.record_add(actor=who, binding_id=b.pk, title=title, due_on=accepted_on)
                services.record_accept(
                    actor=_accepter(users, ind, who),
                    record_id=rec.pk,
                    accepted_on=min(accepted_on, today),
                    note="经验收，符合合同和需求要求。",
                    files=[("验收单.pdf", _pdf(title))],
                )
        elif b.source in (SourceKind.PROCUREMENT, SourceKind.MANUAL) and ind.name in MANUAL:
            value, as_of, note = MANUAL[ind.name]
            services.value_add(
                actor=who,
                binding_id=b.pk,
                value=value,
                as_of=min(as_of, today),
                note=note,
                files=[("验收单.pdf", _pdf(note))],
            )
        elif b.source == SourceKind.RATING:
            services.value_add(
                actor=who,
                binding_id=b.pk,
                rating=Rating.ACHIEVED,
                as_of=min(date(YEAR, 12, 31), today),
                note="全年工作按计划完成，人员、经费和场地保障到位，见年度工作总结。",
                files=[("年度工作总结.pdf", _pdf(ind.name))],
            )
    finance, director = users["finance"], users["director"]
    done = []
    for project_id in [*budget.projects.order_by("task_sort", "id").values_list("pk", flat=True), None]:
        ev = services.evaluation_open(actor=finance, budget_id=budget.pk, project_id=project_id)
        rule_line = ev.rule or {}
        explain_below = float(rule_line.get("explain_below", 90))
        texts = {
            "conclusion": "项目按计划实施，主要产出指标完成，受众满意度达到目标。",
            "problems": "部分指标的数据来源依赖手工填报，下一年度随采购和资产模块上线改为系统取数。",
        }
        if ev.execution_rate is not None and float(ev.execution_rate) < explain_below:
            texts["execution_explanation"] = (
                "部分活动因故取消或延期，相应支出未在年内执行，执行率低于 90%。"
            )
        services.evaluation_update(actor=finance, evaluation_id=ev.pk, **texts)
        services.evaluation_submit(actor=finance, evaluation_id=ev.pk)
        ev = services.evaluation_approve(actor=director, evaluation_id=ev.pk)
        done.append(ev)
    unit = next((e for e in done if e.project_id is None), None)
    approved = sum(1 for e in done if e.state == EvaluationState.APPROVED)
    accepted = Record.objects.filter(binding__indicator__budget=budget, state=RecordState.ACCEPTED).count()
    stdout.write(
        f"  performance: {len(indicators)} indicators of {YEAR} bound, {accepted} records accepted, "
        f"{approved} self-evaluations approved (unit: {unit.score if unit else '—'} {unit.grade if unit else ''})"
    )
    seed_monitoring(stdout)  # 双监控: the 2022 round submitted, the current year's as the date says


# --------------------------------------------------------------------------- the mid-year monitoring (双监控)

# What a department says about a lagging row, by the row's source: causes, explanation and corrective action.
MONITORING_WORDS = {
    "spending": (
        ["other"],
        "项目资金按合同节点和活动进度支付，上半年支付比例较低；下半年按合同节点加快支付，"
        "9 月底前完成信息化项目进度款支付，确保全年执行率达到 90% 以上。",
    ),
    SourceKind.EVENTS: (
        ["staff", "other"],
        "受活动档期安排影响，主要活动集中在下半年举办；已排定 9—11 月活动计划并落实承办人员。",
    ),
    SourceKind.SATISFACTION: (
        ["other"],
        "相关活动安排在下半年举办，尚无满意度调查数据；活动结束后即时发放问卷。",
    ),
    SourceKind.MAINTENANCE: (["hardware"], "下半年例行维护尚未到期；已与运维单位确定 12 月维护计划。"),
    SourceKind.MILESTONES: (
        ["hardware", "funds"],
        "系统建设按合同分期实施，上线验收安排在四季度；每月跟踪进度。",
    ),
    SourceKind.PROCUREMENT: (["funds"], "采购按政府采购程序实施，待合同签订后到货验收。"),
    SourceKind.EXECUTION: (["funds"], "资金按合同节点支付，上半年支付较少；下半年加快支付进度。"),
}
MONITORING_DEFAULT_WORDS = (["other"], "相关工作按年度计划在下半年实施，完成后及时录入系统并附证明材料。")


def _monitoring_entries(report) -> dict:
    from . import monitoring

    data = monitoring.report_data(report)
    entries = {}
    if data["spending"]["needs_statement"]:
        causes, action = MONITORING_WORDS["spending"]
        entries["spending"] = {"causes": causes, "likelihood": "possible", "action": action}
    for row in data["rows"]:
        if row["needs_statement"]:
            causes, action = MONITORING_WORDS.get(row["source"], MONITORING_DEFAULT_WORDS)
            entries[row["indicator_id"]] = {
                "causes": causes,
                "likelihood": "possible" if row["status"] == "off_track" else "certain",
                "forecast": row["target"]["zh"],
                "action": action,
            }
    return entries


def _department_user(users, department_id, role):
    return next(
        (u for u in users.values() if u.department_id == department_id and u.has_role(role)),
        None,
    )


def seed_monitoring(stdout) -> None:
    """The 2022 round submitted (frozen snapshots) and the current year's round open or submitted depending on
    today: before the period's end the departments are filling in; between the end and the deadline, half the
    reports are in review; after the deadline every report is submitted. Idempotent (a year with a round is
    left as it is)."""
    from .models_monitoring import MonitoringReport, MonitoringRound
    from .services import monitoring

    users = _users()
    finance, director = users["finance"], users["director"]
    today = timezone.localdate()
    done = []
    for year in sorted({YEAR, today.year}):
        budget = Budget.objects.filter(fiscal_year__year=year, indicators__isnull=False).distinct().first()
        if budget is None or MonitoringRound.objects.filter(budget=budget).exists():
            continue
        rnd = monitoring.round_open(actor=finance, budget_id=budget.pk)
        if today <= rnd.period_end:
            done.append(f"{year}: open")
            continue
        reports = list(MonitoringReport.objects.filter(round=rnd).select_related("round", "project"))
        for n, report in enumerate(reports):
            filler = finance if report.project_id is None else None
            filler = filler or _department_user(users, report.department_id, "staff") or finance
            monitoring.statements_save(actor=filler, report_id=report.pk, entries=_monitoring_entries(report))
            if today <= rnd.due_on and n % 2:
                continue  # still with the department
            head = _department_user(users, report.department_id, "dept_head")
            monitoring.report_head_review(actor=head, report_id=report.pk)
            if today <= rnd.due_on:
                continue  # with finance
            monitoring.report_finance_review(actor=finance, report_id=report.pk)
            monitoring.report_submit(actor=director, report_id=report.pk)
        submitted = MonitoringReport.objects.filter(round=rnd, state="submitted").count()
        done.append(f"{year}: {submitted}/{len(reports)} submitted")
    if done:
        stdout.write(f"  performance: mid-year monitoring {', '.join(done)}")
