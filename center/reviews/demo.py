"""Demo data of the review area: a finished round (draw record, scores, flags resolved, ranking, 公示 with an
objection answered, fees) and a round in progress where the demo `expert` has an invitation to answer.
Idempotent. Runs after the experts demo."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from center.accounts.models import User
from center.experts.models import Discipline, Expert, Organisation
from center.experts.services import organisation_get_or_create

from . import drawing, services
from .enums import FlagDecision, FlagState, PartyRole, PickState
from .models import ReviewRound, ScoreSheet

FEE_ITEM = "项目评审组织协调工作"  # the budget item (科技智库与交流) that pays review fees
PROJECTS = [
    ("面向工业质检的小样本视觉缺陷检测方法", "南方科技大学", "陈立新"),
    ("城市交通大模型与信号协同控制", "深圳市城市交通规划设计研究中心", "林海"),
    ("端侧大模型推理芯片的编译优化", "香港科技大学", "周文博"),
    ("医学影像多模态融合诊断系统", "深圳市第二人民医院", "黄晓琳"),
    ("面向粤港澳大湾区的科技成果转化知识图谱", "深圳市科技成果转化促进会", "吴建国"),
    ("具身智能机器人灵巧操作学习", "深圳市优智机器人有限公司", "郭宇"),
    ("联邦学习下的金融风控隐私计算", "深圳前海微众科技有限公司", "梁静"),
    ("海洋环境监测无人艇自主导航", "深圳市海測智能装备有限公司", "罗鹏"),
]


def current_year() -> int:
    return timezone.localdate().year


def _since(days: int) -> datetime:
    """`days` ago, but not before the current year's first working morning: the review work of this year's
    rounds stays in this year (its fees are paid from this year's quotas)."""
    now = timezone.now()
    first = timezone.make_aware(datetime(now.year, 1, 2, 9, 0))
    return max(now - timedelta(days=days), min(first, now))


def seed(stdout) -> None:
    year = current_year()
    if ReviewRound.objects.filter(code=f"QNKJ-{year}").exists():
        return
    staff = User.objects.get(username="staff_exp")
    head = User.objects.get(username="head_exp")
    rng = random.Random(137)
    finished = _finished_round(rng, staff, head, year)
    _pay_fees(finished, staff)
    _round_in_progress(staff, year)
    stdout.write(f"  reviews: round {finished.code} finished and published; SKT-{year} in progress")


def _pay_fees(rnd, staff) -> None:
    """The round's expert fees raised as a prior application on the year's 项目评审组织协调工作 quota (when
    the control demo issued it), approved, claimed and paid."""
    from center.control import demo_docs as control_demo
    from center.control.models import Quota

    quota = (
        Quota.objects.filter(year=rnd.year, item__name=FEE_ITEM, economic__code="30227")
        .order_by("-available")
        .first()
    )
    if quota is None:
        return
    app = services.round_fees_request_funding(actor=staff, round_id=rnd.pk, quota_id=quota.pk)
    app = control_demo.approve_all(app, control_demo.services.application_act, "application_id")
    users = {u.username: u for u in User.objects.filter(username__in=["cashier"])}
    control_demo.claim_and_pay(users, app, timezone.localdate(), seller="深圳市税务局（劳务费代开）")


def _applications(rng, staff, rnd, group, projects, prefix):
    for i, (title, org_name, person) in enumerate(projects, start=1):
        org = Organisation.objects.filter(name=org_name).first() or organisation_get_or_create(
            actor=staff, name=org_name, credit_code=_code(rng)
        )
        app = services.application_create(
            actor=staff,
            round_id=rnd.pk,
            code=f"{prefix}-{i:03d}",
            title=title,
            group_id=group.pk,
            discipline=Discipline.objects.get(code="52020"),
            summary="项目围绕" + title + "开展研究，已形成阶段性成果。",
            parties=[{"role": PartyRole.APPLICANT, "organisation": org, "person_name": person}],
        )
        passed = i != len(projects)  # the last one lacks documents
        services.application_formal_check(
            actor=staff, application_id=app.pk, passed=passed, note="" if passed else "缺少单位推荐意见"
        )


def _code(rng):
    from center.experts.generate import credit_code

    return credit_code(rng)


def _finished_round(rng, staff, head, year: int) -> ReviewRound:
    rnd = services.round_create(
        actor=staff,
        code=f"QNKJ-{year}",
        title=f"{year}年深圳市青年科技奖评审",
        kind="youth_award",
        year=year,
        budget_item_ref=f"{year}-{FEE_ITEM}",
        aggregation="trimmed",
        fee_per_sheet=Decimal(300),
        fee_base=Decimal(500),
    )
    services.criterion_add(
        actor=staff,
        round_id=rnd.pk,
        name="创新性与学术水平",
        name_en="Innovation and academic merit",
        min_score=0,
        max_score=40,
    )
    services.criterion_add(
        actor=staff,
        round_id=rnd.pk,
        name="主要贡献与成果",
        name_en="Main contributions and results",
        min_score=0,
        max_score=30,
    )
    services.criterion_add(
        actor=staff,
        round_id=rnd.pk,
        name="社会与经济效益",
        name_en="Social and economic benefits",
        min_score=0,
        max_score=30,
        comment_required=True,
    )
    services.criterion_add(
        actor=staff,
        round_id=rnd.pk,
        name="存在科研失信行为",
        name_en="Research misconduct on record",
        is_veto=True,
    )
    group = services.group_create(
        actor=staff,
        round_id=rnd.pk,
        name="信息与计算机组",
        discipline=Discipline.objects.get(code="520"),
        size=7,
        backups=3,
        max_per_org=2,
        min_non_local=1,
    )
    _applications(rng, staff, rnd, group, PROJECTS[:6], "QN")
    draw = services.draw_fix_pool(actor=staff, group_id=group.pk, as_of=_since(30))
    draw = services.draw_enter_seed(actor=staff, draw_id=draw.pk, source="two_staff", value="58213")
    draw = services.draw_enter_seed(actor=head, draw_id=draw.pk, source="two_staff", value="90447")
    _give_accounts(draw)
    mains = list(draw.picks.filter(state=PickState.INVITED).order_by("rank").select_related("expert__user"))
    # One declines: the first backup is invited and accepts.
    services.invitation_respond(actor=mains[-1].expert.user, pick_id=mains[-1].pk, accept=False)
    for pick in draw.picks.filter(state=PickState.INVITED).order_by("rank").select_related("expert__user"):
        services.invitation_respond(actor=pick.expert.user, pick_id=pick.pk, accept=True)
    _score(rng, rnd, group)
    services.round_compute(actor=staff, round_id=rnd.pk)
    for _pass in range(3):  # excluding a sheet can bring a new flag to light: look again until none is open
        open_flags = list(rnd.flags.filter(state=FlagState.OPEN))
        if not open_flags:
            break
        for flag in open_flags:
            exclude = flag.kind == "outlier" and flag.expert_id is not None and _pass == 0
            services.flag_resolve(
                actor=staff,
                flag_id=flag.pk,
                decision=FlagDecision.EXCLUDE if exclude else FlagDecision.KEEP,
                note="与专家电话核实，评分明显偏离且未说明理由，剔除"
                if exclude
                else "经核实属正常评审差异，保留",
            )
        services.round_compute(actor=staff, round_id=rnd.pk)
    services.round_approve(actor=head, round_id=rnd.pk)
    n1 = services.notice_publish(
        actor=head,
        round_id=rnd.pk,
        title=f"{year}年深圳市青年科技奖评审结果公示",
        days=7,
        body="经形式审查、专家评审，现将评审结果予以公示。公示期内如有异议，请实名提出。",
    )
    obj = services.objection_submit(
        notice_id=n1.pk,
        name="李先生",
        phone="13912345678",
        content="第 3 名项目申报单位名称有误，应为“深圳市芯算微电子有限公司”。",
    )
    services.objection_answer(actor=staff, objection_id=obj.pk, answer="经核实，单位名称已更正并重新公示。")
    third = next((row for row in n1.rows if row["rank"] == 3), n1.rows[-1])
    services.notice_publish(
        actor=head,
        round_id=rnd.pk,
        title=f"{year}年深圳市青年科技奖评审结果公示（更正）",
        days=7,
        change_note="更正第 3 名申报单位名称",
        corrections={third["code"]: {"applicant": "深圳市芯算微电子有限公司"}},
    )
    services.round_fees_compute(actor=staff, round_id=rnd.pk)
    for a in group.assignments.all():
        services.assignment_rate(
            actor=staff, assignment_id=a.pk, rating=rng.choice([5, 5, 4, 4, 3]), note="按时完成"
        )
    return rnd


def _give_accounts(draw):
    """Drawn demo experts get portal accounts (exp<id>, the demo password), as admitted experts do. The
    username must not resemble the password (Django's similarity validator): "expert2026" would."""
    from center.accounts.demo import DEMO_PASSWORD
    from center.accounts.enums import AccountKind, ExternalType
    from center.accounts.services import user_create

    for pick in draw.picks.select_related("expert"):
        e = pick.expert
        if e.user_id is None:
            e.user = user_create(
                actor=None,
                username=f"exp{e.pk}",
                full_name=e.name,
                password=DEMO_PASSWORD,
                kind=AccountKind.EXTERNAL,
                external_type=ExternalType.EXPERT,
                email=e.email,
            )
            e.save(update_fields=["user"])


def _score(rng, rnd, group):
    """Each expert signs the pledge and scores through the portal services: a calm panel, one harsh outlier,
    one suspiciously fast reviewer. Times are set in the past, as if the review ran last week."""
    criteria = list(rnd.criteria.all())
    quality = {app.pk: rng.uniform(0.55, 0.92) for app in group.applications.all()}
    start = _since(10)
    for k, a in enumerate(group.assignments.select_related("expert__user").order_by("id")):
        user = a.expert.user
        services.assignment_sign(actor=user, assignment_id=a.pk, pledge=True)
        for sheet in ScoreSheet.objects.filter(assignment=a).select_related("application"):
            q = quality[sheet.application_id]
            if k == 1 and sheet.application.code == "QN-002":
                q = 0.2  # the outlier
            values = {}
            for c in criteria:
                if c.is_veto:
                    values[c.pk] = ("0", "")
                else:
                    v = float(c.max_score) * (q + rng.uniform(-0.06, 0.06))
                    v = max(float(c.min_score), min(float(c.max_score), round(v * 2) / 2))
                    values[c.pk] = (
                        str(v),
                        "成果转化前景较好，建议加强产业合作。" if c.comment_required else "",
                    )
            opened = start + timedelta(hours=k, minutes=rng.randint(0, 50))
            ScoreSheet.objects.filter(pk=sheet.pk).update(opened_at=opened)
            minutes = 1 if k == 2 else rng.randint(15, 60)
            services.sheet_submit(
                actor=user,
                sheet_id=sheet.pk,
                values=values,
                comment="同意推荐。",
                now=opened + timedelta(minutes=minutes),
            )


def _round_in_progress(staff, year: int):
    """软课题 round: drawn, the demo expert invited (the seed value was chosen so that the demo account is on the
    panel: demo only — a real draw takes the value from its public source)."""
    rnd = services.round_create(
        actor=staff,
        code=f"SKT-{year}",
        title=f"{year}年度深圳市科协软课题评审",
        kind="soft_topic",
        year=year,
        budget_item_ref=f"{year}-{FEE_ITEM}",
        blind=True,
        aggregation="mean",
    )
    services.criterion_add(
        actor=staff,
        round_id=rnd.pk,
        name="选题意义",
        name_en="Significance of the topic",
        min_score=0,
        max_score=30,
    )
    services.criterion_add(
        actor=staff,
        round_id=rnd.pk,
        name="研究方案可行性",
        name_en="Feasibility of the research plan",
        min_score=0,
        max_score=40,
        comment_required=True,
    )
    services.criterion_add(
        actor=staff,
        round_id=rnd.pk,
        name="预期成果与应用价值",
        name_en="Expected results and application value",
        min_score=0,
        max_score=30,
    )
    group = services.group_create(
        actor=staff,
        round_id=rnd.pk,
        name="人工智能组",
        discipline=Discipline.objects.get(code="52020"),
        discipline_match="exact",
        size=5,
        backups=2,
        max_per_org=2,
    )
    services.group_update_rules(
        actor=staff, group_id=group.pk, avoidance={"cool_off": None, "annual_cap": None}
    )
    _applications(random.Random(5), staff, rnd, group, PROJECTS[5:] + PROJECTS[:1], "SK")
    draw = services.draw_fix_pool(actor=staff, group_id=group.pk)
    me = Expert.objects.get(user__username="expert").pk
    value = next(
        str(v)
        for v in range(10_000)
        if any(
            r["expert_id"] == me and r["role"] == "main"
            for r in drawing.select(
                draw.params, draw.pool, drawing.seed_from_parts("public", {"value": str(v)}), draw.pool_hash
            )
        )
    )
    services.draw_enter_seed(
        actor=staff,
        draw_id=draw.pk,
        source="public",
        value=value,
        description="评审工作会议现场公开摇号结果",
    )
