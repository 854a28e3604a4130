"""Demo data of the expert pool: a few hundred generated experts (valid checksummed IDs and credit codes),
the demo `expert` account's own record, declared relations, a published recruitment call with applications
at each vetting step, and committee activities. Idempotent."""

import random
from datetime import date, timedelta

from django.utils import timezone

from center.accounts.models import User
from center.core.crypto import blind_index

from . import generate, services
from .enums import ActivityKind, ExpertState, RelationKind
from .identity import id_index, normalise_id
from .models import Discipline, Expert, ExpertDiscipline, ExpertStateChange, Organisation, RecruitmentCall

N_EXPERTS = 300
REGION_MIX = ["sz"] * 60 + ["gd"] * 12 + ["hk"] * 8 + ["mo"] * 4 + ["cn"] * 12 + ["os"] * 4


def seed(stdout) -> None:
    if RecruitmentCall.objects.filter(title__startswith="2022年深圳市科技专家库专家征集").exists():
        return
    from .disciplines import load

    load(Discipline)  # normally there already (a migration loads it); a flushed test database needs it again
    staff = User.objects.get(username="staff_exp")
    head = User.objects.get(username="head_exp")
    rng = random.Random(2026)
    orgs = _organisations(rng, staff)
    _pool(rng, orgs)
    me = _demo_expert(staff, orgs)
    _relations(rng, me, orgs)
    _calls_2022(staff)
    _calls(rng, staff, head)
    _activities(staff)
    stdout.write(
        f"  experts: {Expert.objects.count()} experts, {RecruitmentCall.objects.count()} recruitment calls"
    )


def _organisations(rng, staff) -> list[Organisation]:
    out = []
    for name, region in generate.ORGS:
        code = generate.credit_code(rng) if region in ("sz", "gd", "cn") else ""
        out.append(
            services.organisation_get_or_create(actor=staff, name=name, credit_code=code, region=region)
        )
    return out


def _pool(rng, orgs) -> None:
    """Bulk-created like an import: the same validation helpers, one audit entry."""
    leaves = list(Discipline.objects.exclude(parent=None))
    by_region = {}
    for o in orgs:
        by_region.setdefault(o.region, []).append(o)
    experts, links = [], []
    for n in range(1, N_EXPERTS + 1):
        region = rng.choice(REGION_MIX)
        data = generate.expert_data(rng, n, region)
        data["id_number"] = normalise_id(data["id_type"], data["id_number"])
        state = rng.choices(
            [ExpertState.ADMITTED, ExpertState.APPLICANT, ExpertState.SUSPENDED, ExpertState.WITHDRAWN],
            [88, 6, 4, 2],
        )[0]
        e = Expert(
            employer=rng.choice(by_region[region]),
            state=state,
            id_number_index=id_index(data["id_type"], data["id_number"]),
            phone_index=blind_index(data["phone"]),
            credit_score=rng.choice([100] * 8 + [90, 75]),
            profile_confirmed_at=timezone.now() - timedelta(days=rng.randint(0, 500)),
            **data,
        )
        e.search_text = services.search_text(e, e.employer.name)
        experts.append(e)
    Expert.objects.bulk_create(experts)
    if not all(e.pk for e in experts):
        ids = dict(Expert.objects.values_list("id_number_index", "id"))
        for e in experts:
            e.pk = e.id = ids[e.id_number_index]
    ai = Discipline.objects.get(code="52020")
    for i, e in enumerate(experts):
        chosen = [ai] if i % 4 == 0 else []  # a quarter work in AI, so the demo groups have a real pool
        chosen += rng.sample(leaves, rng.choice([1, 2]))
        seen = set()
        for j, d in enumerate(chosen):
            if d.pk not in seen:
                seen.add(d.pk)
                links.append(ExpertDiscipline(expert=e, discipline=d, primary=j == 0))
    ExpertDiscipline.objects.bulk_create(links)
    ExpertStateChange.objects.bulk_create(
        [ExpertStateChange(expert=e, to_state=e.state, reason="专家库换届集中入库") for e in experts]
    )


def _demo_expert(staff, orgs) -> Expert:
    user = User.objects.get(username="expert")
    szu = next(o for o in orgs if o.name == "南方科技大学")
    rng = random.Random(7)
    data = generate.expert_data(rng, 999_001, "sz") | {
        "name": "张教授",
        "name_pinyin": "Zhang Jiaoshou",
        "name_en": "Prof. Zhang",
        "name_traditional": "張教授",
        "title": "教授",
        "title_level": 4,
        "keywords": "机器学习、计算机视觉、智能制造",
        "email": "expert@example.org",
    }
    expert = services.expert_create(
        actor=staff, employer=szu, disciplines=["52020", "52060"], user=user, **data
    )
    services.expert_set_state(
        actor=staff, expert_id=expert.pk, state=ExpertState.ADMITTED, reason="2025年第二批征集复审通过"
    )
    return expert


def _relations(rng, me, orgs) -> None:
    others = list(Expert.objects.exclude(pk=me.pk).order_by("id")[:40])
    hku = next(o for o in orgs if o.name == "香港科技大学")
    Expert.objects.filter(pk=me.pk)
    services.relation_add(
        actor=None,
        expert_id=me.pk,
        kind=RelationKind.FORMER_EMPLOYER,
        organisation=hku,
        start_date=date(2015, 9, 1),
        end_date=date(2023, 8, 31),
        note="助理教授",
    )
    services.relation_add(
        actor=None,
        expert_id=me.pk,
        kind=RelationKind.TEACHER_STUDENT,
        other_expert_id=others[0].pk,
        note="博士导师",
    )
    services.relation_add(
        actor=None,
        expert_id=others[1].pk,
        kind=RelationKind.COAUTHOR,
        other_expert_id=me.pk,
        start_date=date(2022, 1, 1),
        note="共同发表论文 3 篇",
    )
    for e in rng.sample(others, 10):
        services.relation_add(
            actor=None, expert_id=e.pk, kind=RelationKind.RELATIVE, other_name=generate.person(rng)["name"]
        )


CRITERIA_2022 = "具有副高级及以上专业技术职称，熟悉本领域国内外发展动态，遵守科研诚信要求。"


def _calls_2022(staff) -> None:
    """The seed year's two calls (批次), published and closed in 2022 (表11 counts them): published through
    the service, then given the story's dates."""
    from datetime import datetime

    from .enums import CallState

    for batch, published, deadline in (("第一批", (3, 1), (3, 31)), ("第二批", (8, 15), (9, 15))):
        call = services.call_create(
            actor=staff,
            year=2022,
            title=f"2022年深圳市科技专家库专家征集（{batch}）",
            criteria=CRITERIA_2022,
            deadline=timezone.localdate(),
        )
        services.call_publish(actor=staff, call_id=call.pk)
        when = timezone.make_aware(datetime(2022, *published, 10, 0))
        RecruitmentCall.objects.filter(pk=call.pk).update(
            state=CallState.CLOSED,
            created_at=when,
            published_at=when,
            deadline=datetime(2022, *deadline).date(),
        )


def _calls(rng, staff, head) -> None:
    today = timezone.localdate()
    year_end = today.replace(month=12, day=31)
    call = services.call_create(
        actor=staff,
        year=today.year,
        title=f"{today.year}年深圳市科技专家库专家征集（第一批）",
        criteria="一、具有副高级及以上专业技术职称，或在相关领域具有较高知名度的企业技术负责人；\n"
        "二、熟悉本领域国内外发展动态，具有较强的综合分析和判断能力；\n"
        "三、遵守科研诚信要求，能够独立、客观、公正地参加评审和咨询；\n"
        "四、身体健康，年龄一般不超过 70 周岁；港澳及海外专家欢迎申报。",
        deadline=min(today + timedelta(days=45), year_end),
        discipline_ids=list(Discipline.objects.filter(parent=None).values_list("pk", flat=True)[:6]),
    )
    services.call_publish(actor=staff, call_id=call.pk)
    services.call_create(
        actor=staff,
        year=today.year,
        title=f"{today.year}年深圳市科技专家库专家征集（第二批，草稿）",
        criteria="面向人工智能、集成电路、生物医药领域。",
        deadline=min(today + timedelta(days=120), year_end),
    )
    applicants = list(Expert.objects.filter(state=ExpertState.APPLICANT)[:6])
    from .models import ExpertApplication

    for i, e in enumerate(applicants):
        app = ExpertApplication.objects.create(call=call, expert=e)
        if i < 2:
            services.application_first_check(actor=staff, application_id=app.pk, passed=True, note="材料齐全")
        if i == 0:
            services.application_review(actor=head, application_id=app.pk, admit=True, note="符合条件")
        if i == 2:
            services.application_first_check(
                actor=staff, application_id=app.pk, passed=False, note="职称证明缺失"
            )


def _activities(staff) -> None:
    some = list(Expert.objects.filter(state=ExpertState.ADMITTED).values_list("pk", flat=True)[:12])
    today = timezone.localdate()
    first = today.replace(month=1, day=1)
    services.activity_create(
        actor=staff,
        kind=ActivityKind.CONSULTATION,
        title=f"深圳市科技专家委员会 {today.year} 年咨询大会",
        date=max(today - timedelta(days=40), first),
        location="深圳市民中心",
        summary="围绕人工智能产业政策开展咨询。",
        expert_ids=some[:8],
    )
    services.activity_create(
        actor=staff,
        kind=ActivityKind.SURVEY,
        title="前海深港现代服务业合作区实地调研",
        date=max(today - timedelta(days=12), first),
        location="前海",
        expert_ids=some[8:12],
    )
