"""Demo data: the events the seed plans for 2022 (3 Innovation Week themed events, 3 海智 exchanges,
5 academic seminars, a talent-recruitment event, a 科创中国 roadshow, the AI contest and carnival),
in various states, with registrations, check-ins and survey answers; plus a few current events so that
the public pages have something open. Linked to the 2022 budget items and indicators when the budget
demo is loaded (looked up by name; links skipped otherwise). Idempotent.

Events and their transitions go through the services (audited); the hundreds of registrations and
survey answers are bulk-inserted to keep the seed fast (it runs before every test that uses `org`).
"""

import random
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from center.accounts.models import User
from center.control.demo_docs import PDF, approve_all
from center.core.crypto import blind_index

from . import services
from .enums import EventState, QuestionKind, RegistrationState, SurveyState
from .models import (
    Event,
    EventType,
    Registration,
    RoadshowApplication,
    Survey,
    SurveyAnswer,
    SurveyResponse,
)

TYPES = [
    ("innovation_week", "创新周主题活动", "Innovation Week themed event", False),
    ("haizhi", "海智交流活动", "Haizhi (overseas talent) exchange", False),
    ("talent", "招才引智活动", "Talent recruitment event", False),
    ("seminar", "学术研讨会", "Academic seminar", False),
    ("roadshow", "科创中国项目路演", "Sci-Tech China project roadshow", True),
    ("gov_industry", "政产学研活动", "Government–industry–academia event", False),
    ("ai_contest", "深港澳人工智能大赛暨科普嘉年华", "SZ–HK–Macau AI contest and science carnival", False),
    ("consultation", "专家咨询大会", "Expert consultation conference", False),
]

WEEK_ITEM = "中国“深圳”科技创新周及科技交流与合作工作"
HAIZHI_ITEM = "中国科协“海智计划”广东（深圳）工作基地工作"
TALENT_ITEM = "招才引智工作"
SEMINAR_ITEM = "科技专家学术交流工作"
CONSULT_ITEM = "深圳市科技专家咨询大会工作"

# (type, title, title_en, owner, month, day, item, indicator, final state, capacity, planned cost)
EVENTS_2022 = [
    (
        "innovation_week",
        "2022 创新周主题活动：人工智能与未来城市",
        "Innovation Week 2022: AI and the future city",
        "staff_exc",
        5,
        21,
        WEEK_ITEM,
        "举办创新周主题活动",
        EventState.CLOSED,
        120,
        "450000",
    ),
    (
        "innovation_week",
        "2022 创新周主题活动：生命健康前沿",
        "Innovation Week 2022: frontiers of life sciences",
        "staff_exc",
        5,
        23,
        WEEK_ITEM,
        "举办创新周主题活动",
        EventState.REPORTED,
        100,
        "420000",
    ),
    (
        "innovation_week",
        "2022 创新周主题活动：碳中和技术",
        "Innovation Week 2022: carbon-neutral technologies",
        "staff_exc",
        5,
        25,
        WEEK_ITEM,
        "举办创新周主题活动",
        EventState.REPORTED,
        100,
        "400000",
    ),
    (
        "ai_contest",
        "第四届深港澳人工智能大赛暨 AI 科普嘉年华",
        "4th SZ–HK–Macau AI Contest and AI Science Carnival",
        "staff_exc",
        10,
        15,
        WEEK_ITEM,
        "",
        EventState.CLOSED,
        300,
        "800000",
    ),
    (
        "haizhi",
        "海智交流活动（上半年）：海外人才创新创业",
        "Haizhi exchange (H1): overseas talent entrepreneurship",
        "staff_exc",
        4,
        16,
        HAIZHI_ITEM,
        "举办海智交流活动",
        EventState.CLOSED,
        60,
        "120000",
    ),
    (
        "haizhi",
        "海智交流活动：海智工作站经验交流会",
        "Haizhi exchange: workstation experience sharing",
        "staff_exc",
        7,
        9,
        HAIZHI_ITEM,
        "举办海智交流活动",
        EventState.REPORTED,
        60,
        "100000",
    ),
    (
        "haizhi",
        "海智交流活动（下半年）：粤港澳科技合作",
        "Haizhi exchange (H2): GBA science cooperation",
        "staff_exc",
        11,
        12,
        HAIZHI_ITEM,
        "举办海智交流活动",
        EventState.CANCELLED,
        60,
        "120000",
    ),
    (
        "talent",
        "2022 招才引智主题活动：海外高层次人才来深对接会",
        "2022 talent recruitment: overseas high-level talent meetup",
        "staff_inn",
        9,
        3,
        TALENT_ITEM,
        "举办招才引智主题活动",
        EventState.CLOSED,
        150,
        "300000",
    ),
    (
        "roadshow",
        "“科创中国”项目路演（2022 创新周专场）",
        "Sci-Tech China project roadshow (Innovation Week 2022)",
        "staff_inn",
        5,
        24,
        TALENT_ITEM,
        "",
        EventState.REPORTED,
        80,
        "150000",
    ),
    (
        "seminar",
        "科技专家学术研讨会：集成电路产业发展",
        "Expert seminar: integrated-circuit industry",
        "staff_exp",
        3,
        18,
        SEMINAR_ITEM,
        "组织开展学术研讨会",
        EventState.CLOSED,
        50,
        "40000",
    ),
    (
        "seminar",
        "科技专家学术研讨会：新能源汽车与储能",
        "Expert seminar: new-energy vehicles and storage",
        "staff_exp",
        5,
        13,
        SEMINAR_ITEM,
        "组织开展学术研讨会",
        EventState.CLOSED,
        50,
        "40000",
    ),
    (
        "seminar",
        "科技专家学术研讨会：生物医药创新",
        "Expert seminar: biomedical innovation",
        "staff_exp",
        6,
        24,
        SEMINAR_ITEM,
        "组织开展学术研讨会",
        EventState.REPORTED,
        50,
        "40000",
    ),
    (
        "seminar",
        "科技专家学术研讨会：海洋科技",
        "Expert seminar: marine science and technology",
        "staff_exp",
        9,
        16,
        SEMINAR_ITEM,
        "组织开展学术研讨会",
        EventState.REPORTED,
        50,
        "40000",
    ),
    (
        "seminar",
        "科技专家学术研讨会：数字经济与数据要素",
        "Expert seminar: digital economy and data",
        "staff_exp",
        12,
        9,
        SEMINAR_ITEM,
        "组织开展学术研讨会",
        EventState.CLOSED,
        50,
        "40000",
    ),
    (
        "consultation",
        "2022 深圳市科技专家咨询大会",
        "2022 Shenzhen S&T expert consultation conference",
        "staff_exp",
        8,
        26,
        CONSULT_ITEM,
        "",
        EventState.CLOSED,
        200,
        "300000",
    ),
]
# Current events (relative to today), so that the public site has registration open, published …
CURRENT = [
    (
        "haizhi",
        "海智交流活动：深港青年科学家对话",
        "Haizhi exchange: SZ–HK young scientists' dialogue",
        "staff_exc",
        14,
        EventState.REGISTRATION_OPEN,
        40,
    ),
    (
        "seminar",
        "科技专家学术研讨会：具身智能",
        "Expert seminar: embodied intelligence",
        "staff_exp",
        21,
        EventState.APPROVED,
        30,
    ),
    (
        "roadshow",
        "“科创中国”项目路演（硬科技专场）",
        "Sci-Tech China roadshow (deep tech)",
        "staff_inn",
        30,
        EventState.PUBLISHED,
        80,
    ),
    (
        "gov_industry",
        "政产学研对接会：低空经济",
        "Government–industry–academia meetup: low-altitude economy",
        "staff_inn",
        45,
        EventState.SUBMITTED,
        100,
    ),
    (
        "haizhi",
        "海智交流活动：海外科技团体负责人座谈",
        "Haizhi exchange: heads of overseas science societies",
        "staff_exc",
        40,
        EventState.SUBMITTED,
        40,
    ),
]
# The current events' budget items (the current year's budget, prepared from 2022, has the same items).
CURRENT_ITEM = {
    "haizhi": HAIZHI_ITEM,
    "seminar": SEMINAR_ITEM,
    "roadshow": TALENT_ITEM,
    "gov_industry": WEEK_ITEM,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力"
ORGS = [
    "深圳大学",
    "南方科技大学",
    "香港科技大学",
    "澳门大学",
    "华为技术有限公司",
    "腾讯科技",
    "中科院深圳先进院",
    "比亚迪",
    "大疆创新",
    "迈瑞医疗",
]


def seed(stdout) -> None:
    users = {u.username: u for u in User.objects.filter(username__startswith="staff_")}
    users |= {u.username: u for u in User.objects.filter(username__startswith="head_")}
    if "staff_exc" not in users:
        return
    types = _types()
    if Event.objects.filter(title=EVENTS_2022[0][1]).exists():
        return
    rng = random.Random(2022)
    items, indicators = _budget_links()
    satisfaction = indicators.get("受众满意度")
    for n, (code, title, title_en, owner, month, day, item, indicator, state, capacity, cost) in enumerate(
        EVENTS_2022
    ):
        start = timezone.make_aware(datetime(2022, month, day, 9, 30))
        links = [i for i in (indicators.get(indicator), satisfaction) if i]
        event = services.event_create(
            actor=users[owner],
            type=types[code],
            title=title,
            title_en=title_en,
            summary=_summary(code),
            summary_en=_summary_en(code),
            starts_at=start,
            ends_at=start + timedelta(hours=6 if code != "ai_contest" else 30),
            venue="深圳市科学技术协会大厦报告厅" if code != "ai_contest" else "深圳湾科技生态园",
            venue_en="Shenzhen Association for Science and Technology, auditorium",
            capacity=capacity,
            co_organisers=_co_organisers(code),
            budget_item=items.get(item),
            planned_cost=Decimal(cost),
            indicators=links,
        )
        _advance(event, state, users, rng, n)
    current, _indicators = _budget_links(timezone.localdate().year)
    for code, title, title_en, owner, days, state, capacity in CURRENT:
        start = _upcoming(days)
        event = services.event_create(
            actor=users[owner],
            type=types[code],
            title=title,
            title_en=title_en,
            summary=_summary(code),
            summary_en=_summary_en(code),
            starts_at=start,
            ends_at=start + timedelta(hours=3),
            venue="深圳市科学技术协会大厦 8 楼会议室",
            venue_en="SAST building, 8th-floor meeting room",
            capacity=capacity,
            co_organisers=_co_organisers(code),
            budget_item=current.get(CURRENT_ITEM[code]),
            planned_cost=Decimal("30000"),
        )
        _advance(event, state, users, rng, 0, past=False)
    _committee_activity(users)
    stdout.write(f"  events: {Event.objects.count()} events, {Registration.objects.count()} registrations")


def _committee_activity(users) -> None:
    """The expert committee's record of the 2022 consultation conference, tied to the event that carried it."""
    from center.experts import services as experts
    from center.experts.enums import ActivityKind, ExpertState
    from center.experts.models import Expert

    event = Event.objects.filter(type__code="consultation", starts_at__year=2022).first()
    if event is None or event.committee_activities.exists():
        return
    ids = list(Expert.objects.filter(state=ExpertState.ADMITTED).values_list("pk", flat=True)[:10])
    experts.activity_create(
        actor=users["staff_exp"],
        kind=ActivityKind.CONSULTATION,
        title=event.title,
        date=timezone.localtime(event.starts_at).date(),
        location=event.venue,
        summary="委员围绕全市科技创新政策提出咨询建议，会后形成建议报告。",
        expert_ids=ids,
        event_id=event.pk,
    )


def _types() -> dict[str, EventType]:
    out = {}
    for i, (code, name, name_en, roadshow) in enumerate(TYPES):
        out[code] = EventType.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "is_roadshow": roadshow, "sort": i}
        )[0]
    return out


def _budget_links(year: int = 2022):
    try:
        from center.budget.models import PerformanceIndicator, ProjectItem
    except ImportError:
        return {}, {}
    items = {i.name: i for i in ProjectItem.objects.filter(project__budget__fiscal_year__year=year)}
    indicators = {i.name: i for i in PerformanceIndicator.objects.filter(budget__fiscal_year__year=year)}
    return items, indicators


def _upcoming(days: int) -> datetime:
    """An afternoon `days` ahead, kept in the current year (its budget pays for it): near the year's end the
    offsets are compressed into the days left, so a demo loaded in December has no event in January."""
    now = timezone.localtime()
    left = (date(now.year, 12, 31) - now.date()).days
    if left < max(d for *_r, d, _s, _c in CURRENT):
        days = max(min(left, round(days * left / 45)), min(left, 1))
    return now.replace(hour=14, minute=0, second=0, microsecond=0) + timedelta(days=days)


def _summary(code: str) -> str:
    return {
        "innovation_week": "中国（深圳）科技创新活动周主题活动，围绕年度热点科技话题，面向海智工作站征集合作项目。",
        "haizhi": "中国科协“海智计划”广东（深圳）工作基地海智交流活动，搭建海外科技团体、专家学者为国服务平台。",
        "talent": "在国内外推介深圳创新创业环境，引入创新型团队、项目和人才。",
        "seminar": "发挥顾问、委员及相关专家作用，开展学术交流，活跃我市学术氛围。",
        "roadshow": "“科创中国”项目路演：项目团队路演（8 分钟陈述 + 7 分钟问答），投资人现场对接。",
        "ai_contest": "深港澳三地青少年与企业团队人工智能竞赛，配套 AI 科普嘉年华。",
        "consultation": "组织科技顾问和委员为我市科技、经济和社会发展献计献策。",
        "gov_industry": "政府、企业、高校与科研机构对接交流，助力企业科技创新。",
    }.get(code, "")


def _summary_en(code: str) -> str:
    return {
        "innovation_week": "A themed event of the China (Shenzhen) Innovation Week on a topical science theme, with projects from Haizhi workstations.",
        "haizhi": "An exchange of the CAST Haizhi Plan Guangdong (Shenzhen) base: a platform for overseas scientists and societies.",
        "talent": "Presenting Shenzhen's innovation environment and bringing in teams, projects and talent.",
        "seminar": "An academic exchange of the city's S&T advisers, committee members and experts.",
        "roadshow": "Sci-Tech China roadshow: teams pitch (8 minutes + 7 minutes Q&A) and meet investors.",
        "ai_contest": "An AI contest for teams from Shenzhen, Hong Kong and Macau, with an AI science carnival.",
        "consultation": "S&T advisers and committee members advise on the city's development.",
        "gov_industry": "Government, companies, universities and institutes meet to support company innovation.",
    }.get(code, "")


def _co_organisers(code: str) -> str:
    return {
        "innovation_week": "深港澳科技联盟\n南方科技大学海智工作站",
        "haizhi": "香港科学会\n深圳先进院海智工作站",
        "ai_contest": "香港科技大学\n澳门科学技术协进会",
        "roadshow": "深圳市天使投资引导基金",
    }.get(code, "")


def _advance(event: Event, final: str, users, rng: random.Random, n: int, past: bool = True) -> None:
    """Walk the event through the real transitions up to `final`, adding people on the way."""
    owner = event.owner
    head = users[{"EXC": "head_exc", "INN": "head_inn", "EXP": "head_exp"}[event.department.code]]
    order = [
        "submit",
        "approve",
        "publish",
        "open_registration",
        "close_registration",
        "mark_held",
        "report",
        "close",
    ]
    targets = {
        EventState.PLANNED: [],
        EventState.SUBMITTED: order[:1],
        EventState.APPROVED: order[:2],
        EventState.PUBLISHED: order[:3],
        EventState.REGISTRATION_OPEN: order[:4],
        EventState.REGISTRATION_CLOSED: order[:5],
        EventState.HELD: order[:6],
        EventState.REPORTED: order[:7],
        EventState.CLOSED: order,
        EventState.CANCELLED: order[:4],
    }[final]
    for verb in targets:
        if verb == "close_registration":
            _add_people(event, rng, past)
        if verb == "mark_held":
            _check_in(event, rng, owner)
            _survey(event, rng, owner)
            if event.type.is_roadshow:
                _roadshow(event, rng, owner, head)
        if verb == "report":
            _report(event, owner)
        if verb == "close":
            survey = Survey.objects.filter(event=event, state=SurveyState.OPEN).first()
            if survey:
                services.survey_close(actor=owner, event_id=event.pk)
        services.SERVICES_BY_VERB[verb](actor=head if verb == "approve" else owner, event_id=event.pk)
        if verb == "approve":
            _approve_funding(event)
        if verb == "report":
            _claim_actual_costs(event)
            _photos(event, owner)
    if past:  # the dates of the 2022 story, not of the day the demo was loaded
        event.refresh_from_db()
        Event.objects.filter(pk=event.pk, approved_at__isnull=False).update(
            approved_at=event.starts_at - timedelta(days=45)
        )
        Event.objects.filter(pk=event.pk, held_at__isnull=False).update(held_at=event.ends_at)
        Event.objects.filter(pk=event.pk, reported_at__isnull=False).update(
            reported_at=event.ends_at + timedelta(days=10)
        )
    if final == EventState.REGISTRATION_OPEN:
        _add_people(event, rng, past, share=0.6)
    if final == EventState.CANCELLED:
        _add_people(event, rng, past, share=0.3)
        services.event_cancel(actor=owner, event_id=event.pk, reason="受疫情影响，延期至 2023 年举办")
    if past:
        _redate_money(event)


def _redate_money(event: Event) -> None:
    """The event's application and claim carry the story's dates too (approved 45 days before the event,
    claimed when it was reported, in the event's year): the ledger shows the year month by month."""
    from center.control.demo_docs import _at, redate
    from center.control.models import Application, LedgerEntry

    app = Application.objects.filter(number=event.application_ref).first()
    if app is None:
        return
    start = timezone.localtime(event.starts_at).date()
    year_end = date(start.year, 12, 31)
    redate(app, start - timedelta(days=45), start - timedelta(days=43))
    claimed = min(timezone.localtime(event.ends_at).date() + timedelta(days=10), year_end)
    paid = min(claimed + timedelta(days=3), year_end)
    for claim in app.reimbursements.all():
        redate(claim, claimed, paid)
    if app.closed_at:  # paid (its remainder released then) or cancelled (released a month before the day)
        closed = paid if app.reimbursements.exists() else start - timedelta(days=30)
        Application.objects.filter(pk=app.pk).update(closed_at=_at(closed, 16))
        LedgerEntry.objects.filter(doc_type="application", doc_id=app.pk, kind="release").update(
            created_at=_at(closed, 16), period=closed.month
        )


def _add_people(event: Event, rng: random.Random, past: bool, share: float | None = None) -> None:
    share = share if share is not None else rng.uniform(0.75, 1.0)
    count = min(int(event.capacity * share), 60)
    waiting = 3 if share >= 0.95 else 0
    rows = []
    codes = set()
    while len(codes) < count + waiting:
        codes.add("".join(secrets.choice(services.CODE_ALPHABET) for _i in range(services.CODE_LENGTH)))
    for i in range(count + waiting):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        phone = f"13{rng.randint(5, 9)}{event.pk:04d}{i:04d}"
        email = f"guest{event.pk}-{i}@example.com"
        state = RegistrationState.CONFIRMED if i < count else RegistrationState.WAITLISTED
        rows.append(
            Registration(
                event=event,
                token=secrets.token_urlsafe(24),
                code=codes.pop(),
                name=name,
                email=email,
                email_index=email,
                phone=phone,
                phone_index=blind_index(phone),
                organisation=rng.choice(ORGS),
                state=state,
                confirmed_at=event.starts_at - timedelta(days=7)
                if state == RegistrationState.CONFIRMED
                else None,
            )
        )
    Registration.objects.bulk_create(rows)
    confirmed = sum(1 for r in rows if r.state == RegistrationState.CONFIRMED)
    Event.objects.filter(pk=event.pk).update(
        confirmed_count=F("confirmed_count") + min(confirmed, event.capacity)
    )


def _check_in(event: Event, rng: random.Random, actor) -> None:
    regs = list(event.registrations.filter(state=RegistrationState.CONFIRMED))
    arrived = [r for r in regs if rng.random() < 0.85]
    for r in arrived:
        r.checked_in_at = event.starts_at + timedelta(minutes=rng.randint(-30, 20))
        r.checked_in_by = actor
    Registration.objects.bulk_update(arrived, ["checked_in_at", "checked_in_by"])
    Event.objects.filter(pk=event.pk).update(checked_in_count=len(arrived))


def _survey(event: Event, rng: random.Random, actor) -> None:
    sat = services.survey_question_add(
        actor=actor,
        event_id=event.pk,
        kind=QuestionKind.RATING,
        text="您对本次活动的总体满意度",
        text_en="Overall, how satisfied are you with this event?",
        counts_for_satisfaction=True,
    )
    content = services.survey_question_add(
        actor=actor,
        event_id=event.pk,
        kind=QuestionKind.RATING,
        text="活动内容对您的帮助",
        text_en="How useful was the content?",
    )
    channel = services.survey_question_add(
        actor=actor,
        event_id=event.pk,
        kind=QuestionKind.CHOICE,
        text="您从哪里得知本次活动",
        text_en="How did you hear about this event?",
        choices="公众号\n电子邮件\n合作单位\n其他",
    )
    advice = services.survey_question_add(
        actor=actor,
        event_id=event.pk,
        kind=QuestionKind.TEXT,
        text="意见和建议",
        text_en="Comments",
        required=False,
    )
    Survey.objects.filter(event=event).update(state=SurveyState.OPEN, opened_at=event.ends_at)
    survey = Survey.objects.get(event=event)
    attendees = list(event.registrations.filter(checked_in_at__isnull=False))
    answering = [r for r in attendees if rng.random() < 0.7]
    responses = SurveyResponse.objects.bulk_create(
        [SurveyResponse(survey=survey, registration=r) for r in answering]
    )
    answers = []
    comments = ["希望增加互动交流环节", "嘉宾分享很有启发", "场地交通便利", "建议提前发布议程", ""]
    for resp in responses:
        answers.append(
            SurveyAnswer(response=resp, question=sat, rating=rng.choices([5, 4, 3, 2], [55, 38, 5, 2])[0])
        )
        answers.append(
            SurveyAnswer(response=resp, question=content, rating=rng.choices([5, 4, 3], [50, 40, 10])[0])
        )
        answers.append(
            SurveyAnswer(response=resp, question=channel, choices=[rng.choice(channel.choice_list)])
        )
        text = rng.choice(comments)
        if text:
            answers.append(SurveyAnswer(response=resp, question=advice, text=text))
    SurveyAnswer.objects.bulk_create(answers)
    services._recompute_satisfaction(event, survey)  # the same rule as live submissions


def _report(event: Event, actor) -> None:
    event.refresh_from_db()
    services.report_save(
        actor=actor,
        event_id=event.pk,
        summary=f"活动按计划举办，签到 {event.checked_in_count} 人，问卷满意度 {event.satisfaction_rate or '—'}%。",
        outcomes="促成合作意向若干项，形成专家建议报告 1 份。",
    )
    planned = event.planned_cost
    for name, share, actual_share in (
        ("场地及搭建", "0.4", "0.39"),
        ("专家劳务", "0.3", "0.31"),
        ("宣传及资料", "0.3", "0.28"),
    ):
        services.cost_line_add(
            actor=actor,
            event_id=event.pk,
            name=name,
            planned=(planned * Decimal(share)).quantize(Decimal("0.01")),
            actual=(planned * Decimal(actual_share)).quantize(Decimal("0.01")),
        )


def _photos(event: Event, actor) -> None:
    """Two stand-in photos per reported event (drawn, not real pictures), so the report and its PDF show them."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    from center.core.pdf import FONT_PATH

    font = ImageFont.truetype(str(FONT_PATH), 30)
    small = ImageFont.truetype(str(FONT_PATH), 20)
    for i, (caption, color) in enumerate((("主会场", (31, 78, 140)), ("交流环节", (36, 120, 92))), start=1):
        img = Image.new("RGB", (800, 500), color)
        draw = ImageDraw.Draw(img)
        for y in range(0, 500, 4):  # a soft gradient, so it reads as a picture rather than a flat block
            draw.line([(0, y), (800, y)], fill=tuple(min(255, c + y // 12) for c in color))
        draw.text((100, 370), event.title[:20], font=font, fill="white")
        draw.text((100, 420), f"{caption} · 示例照片", font=small, fill=(230, 230, 230))
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=80)
        services.photo_add(
            actor=actor,
            event_id=event.pk,
            name=f"photo-{event.pk}-{i}.jpg",
            data=buf.getvalue(),
            caption=caption,
        )


def _approve_funding(event: Event) -> None:
    """The event's prior application walked through budget control's approvals (with the 三重一大 minutes
    when the amount needs them)."""
    from center.control import services as control
    from center.control.models import Application
    from center.control.services import settings_for
    from center.core.files import attachment_create

    event.refresh_from_db()
    app = Application.objects.filter(number=event.application_ref).first()
    if app is None:
        return
    if app.amount >= settings_for(app.year).collective_threshold:
        minutes = attachment_create(
            actor=app.applicant, name="主任办公会会议纪要.pdf", data=PDF, purpose="general"
        )
        control.application_attach_minutes(actor=app.applicant, application_id=app.pk, minutes_id=minutes.pk)
    approve_all(app, control.application_act, "application_id")


def _claim_actual_costs(event: Event) -> None:
    """The actual cost claimed against the event's application, approved and paid by the cashier: the
    quota's executed amount is what the event really spent."""
    from center.control import services as control
    from center.control.models import Application

    event.refresh_from_db()
    app = Application.objects.filter(number=event.application_ref, state="approved").first()
    actual = sum((c.actual for c in event.cost_lines.all()), Decimal(0))
    if app is None or not actual:
        return
    line = app.lines.get()
    claim = control.reimbursement_submit(
        actor=app.applicant,
        title=f"{event.title}（活动经费报销）",
        application_id=app.pk,
        lines=[(line.quota_id, actual)],
        invoices=[
            {
                "code": "044032200222",
                "number": f"2{event.pk:07d}",
                "amount": actual,
                "issued_on": timezone.localtime(event.ends_at).date(),
                "file_name": "活动服务发票.pdf",
                "file_data": PDF,
            }
        ],
    )
    claim = approve_all(claim, control.reimbursement_act, "reimbursement_id")
    cashier = User.objects.get(username="cashier")
    control.payment_record(
        actor=cashier, reimbursement_id=claim.pk, method="bank", reference=f"EV-{event.pk:05d}"
    )


def _roadshow(event: Event, rng: random.Random, actor, head) -> None:
    projects = [
        ("低功耗智能传感芯片", "深港微电子团队", "prototype", "3000000"),
        ("固态柔性电池", "南科大新能源团队", "early_revenue", "8000000"),
        ("AI 辅助病理诊断", "港科大医疗 AI 团队", "prototype", "5000000"),
        ("海洋环境监测无人艇", "深圳海工创新团队", "growth", "12000000"),
        ("工业视觉检测平台", "澳门智能制造团队", "early_revenue", "4000000"),
    ]
    apps = []
    for i, (name, org, stage, funding) in enumerate(projects):
        apps.append(
            RoadshowApplication.objects.create(
                event=event,
                token=secrets.token_urlsafe(24),
                project_name=name,
                organisation=org,
                contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                email=f"team{i}@example.com",
                phone=f"1361234{event.pk % 100:02d}{i:02d}",
                summary=f"{name}：核心技术自主研发，已申请发明专利。",
                stage=stage,
                funding_sought=Decimal(funding),
                team="博士/硕士核心团队 5–8 人",
            )
        )
    investors = [
        services.investor_add(actor=actor, event_id=event.pk, name=n, organisation=o, focus=f, attended=True)
        for n, o, f in (
            ("陈投资", "深圳天使投资引导基金", "硬科技"),
            ("梁总", "前海创投", "新能源、医疗"),
            ("何博士", "港澳青年创业基金", "人工智能"),
        )
    ]
    for app in apps:
        for scorer in (actor, head):
            services.roadshow_score(
                actor=scorer,
                application_id=app.pk,
                marks={c: rng.randint(65, 95) for c in ("team", "technology", "market", "finance")},
            )
    ranked = sorted(apps, key=lambda a: RoadshowApplication.objects.get(pk=a.pk).score, reverse=True)
    for i, app in enumerate(ranked):
        services.roadshow_decide(actor=head, application_id=app.pk, selected=i < 3)
    day = timezone.localtime(event.starts_at).date()
    services.outcome_add(
        actor=actor,
        application_id=ranked[0].pk,
        kind="meeting",
        occurred_on=day + timedelta(days=14),
        investor_id=investors[0].pk,
        note="一对一对接洽谈",
    )
    services.outcome_add(
        actor=actor,
        application_id=ranked[0].pk,
        kind="investment_signed",
        occurred_on=day + timedelta(days=95),
        amount="2000000",
        investor_id=investors[0].pk,
        note="天使轮",
    )
    services.outcome_add(
        actor=actor,
        application_id=ranked[1].pk,
        kind="intention",
        occurred_on=day + timedelta(days=30),
        investor_id=investors[1].pk,
    )
