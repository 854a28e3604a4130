"""Scale data (`manage.py scale_seed`): five years of the Center's budget, 2022–2026, through the services.

The demo loads 2022 (published) and prepares 2023 from it; this prepares each following year from the one
before (+3 %) and carries it through 二上二下 exactly as the demo's 2023: every project submitted by its
department, consolidated, 一上, control figures recorded, 二上, approval recorded (left unpublished: the pre-publication check
finds the carried-over seed texts out of date, which a person corrects). The Center
is one unit: the factor multiplies a year's activity, not the number of budgets (five in every case).
"""

from datetime import date
from decimal import Decimal

from center.accounts.models import Unit, User

from . import services
from .models import Budget

YEARS = range(2022, 2027)
HEADS = {"EXP": "head_exp", "GEN": "head_gen", "INN": "head_inn", "EXC": "head_exc"}


def generate(factor: float, stdout, rng) -> None:
    unit = Unit.objects.get(code="SZSTEC")
    users = {
        u.username: u for u in User.objects.filter(username__in=["finance", "director", *HEADS.values()])
    }
    finance, director = users["finance"], users["director"]
    budget = Budget.objects.get(unit=unit, fiscal_year__year=YEARS[0])
    for year in YEARS[1:]:
        existing = Budget.objects.filter(unit=unit, fiscal_year__year=year).first()
        if existing is None:
            existing = _prepare(budget, users, finance, director, year, rng)
        budget = existing
    stdout.write(f"  budget: {Budget.objects.filter(unit=unit).count()} budgets ({YEARS[0]}–{YEARS[-1]})")


def _prepare(source, users, finance, director, year, rng) -> Budget:
    b = services.budget_prepare_next(actor=finance, source=source, scale=str(rng.choice([2, 3, 3, 4, 5])))
    for project in b.projects.select_related("department").order_by("sort"):
        head = users.get(HEADS.get(project.department.code if project.department else "", ""), finance)
        project.budget = b
        services.project_submit(actor=head, project=project)
    b = services.budget_consolidate(actor=finance, budget=b)
    b = services.budget_submit_first(actor=director, budget=b)
    total = sum((ln.amount for ln in b.lines.all()), Decimal(0))
    basic = sum((ln.amount for ln in b.lines.filter(kind="basic")), Decimal(0))
    b = services.budget_record_control(
        actor=finance,
        budget=b,
        total=str(total),
        basic=str(basic),
        project=str(total - basic),
        doc_no=f"深财预〔{year - 1}〕{rng.randint(100, 299)}号",
    )
    b = services.budget_submit_second(actor=director, budget=b)
    return services.budget_record_approval(
        actor=finance,
        budget=b,
        doc_no=f"深科协〔{year}〕{rng.randint(5, 40)}号",
        approved_on=date(year, 1, 18),
    )
