"""Scale data (`manage.py scale_seed`): 200 × factor review rounds over 2022–2026 through the services:
criteria, a group on one discipline, 4–8 applications from the demo's organisations with their formal
check, and for one round in three the verifiable draw (pool fixed, public seed entered: the drawn experts
are invited and get their portal accounts, as in real use)."""

from center.accounts.models import User
from center.experts.models import Discipline, Organisation

from . import services
from .enums import PartyRole, RoundKind
from .models import Draw, ReviewRound

ROUNDS_PER_FACTOR = 200
YEARS = range(2022, 2027)
KINDS = [k.value for k in RoundKind]
TOPICS = [
    "人工智能",
    "生物医药",
    "新能源",
    "新材料",
    "集成电路",
    "海洋科技",
    "智能制造",
    "数字经济",
    "低碳环保",
]
CRITERIA = [
    ("创新性", "Innovation", 40),
    ("可行性", "Feasibility", 30),
    ("预期效益", "Expected benefits", 30),
]


def generate(factor: float, stdout, rng) -> None:
    staff = User.objects.get(username="staff_exp")
    disciplines = list(Discipline.objects.filter(parent=None).order_by("code"))
    orgs = list(Organisation.objects.order_by("pk")[:200])
    for i in range(max(1, round(ROUNDS_PER_FACTOR * factor))):
        year = YEARS[i % len(YEARS)]
        topic = rng.choice(TOPICS)
        rnd = services.round_create(
            actor=staff,
            code=f"S{year}-{i + 1:05d}",
            title=f"{year}年{topic}项目评审（第{i + 1}批）",
            kind=rng.choice(KINDS),
            year=year,
        )
        for name, name_en, top in CRITERIA:
            services.criterion_add(
                actor=staff, round_id=rnd.pk, name=name, name_en=name_en, min_score=0, max_score=top
            )
        discipline = rng.choice(disciplines)
        group = services.group_create(
            actor=staff,
            round_id=rnd.pk,
            name=f"{discipline.name}组",
            discipline=discipline,
            size=7,
            backups=3,
        )
        for a in range(rng.randint(4, 8)):
            app = services.application_create(
                actor=staff,
                round_id=rnd.pk,
                code=f"S{i + 1:05d}-{a + 1:02d}",
                title=f"{topic}关键技术研究（{a + 1}）",
                group_id=group.pk,
                parties=[
                    {
                        "role": PartyRole.APPLICANT,
                        "organisation": rng.choice(orgs),
                        "person_name": "项目负责人",
                    }
                ],
            )
            services.application_formal_check(actor=staff, application_id=app.pk, passed=True)
        if i % 3 == 0:
            try:
                draw = services.draw_fix_pool(actor=staff, group_id=group.pk)
            except services.DrawRefused:
                continue  # a discipline with too few experts at a small factor: the round stays a draft
            services.draw_enter_seed(
                actor=staff,
                draw_id=draw.pk,
                source="public",
                value=f"{rng.randint(0, 10**7):07d}",
                description=f"{year}年第{rng.randint(1, 150):03d}期福利彩票开奖号码",
            )
    stdout.write(f"  reviews: {ReviewRound.objects.count()} rounds, {Draw.objects.count()} draws")
