"""Scale data (`manage.py scale_seed`): budget control over the five budget years.

- Every year 2022–2026: its settings (the demo's type codes), spending standards and the quotas issued from
  its approved budget (`quotas_issue_from_budget`).
- The current year (2026): 300 × factor matters, each walked through the services exactly as people do it:
  prior application (1–4 quota lines) → approval chain step by step → claim with an invoice → approval
  chain → payment, stopped on the way for a realistic share (pending, approved, claimed, rejected,
  withdrawn).
- The four past years: closed matters whose ledger entries bring the whole ledger to ~100,000 × factor.
  Their money goes through the ledger's own primitive (`ledger.post`: row locks, the no-overdraft rule,
  balances and entry together, a unit of work per batch), so `ledger_check` holds; the documents are the
  plain rows those matters end as (application closed, claim paid, payment), bulk-created, without
  approval tasks, invoices or notifications. Why: walking a matter through the services costs ~80 ms for
  ~9 entries (the approval steps ~12 ms each are half of it), i.e. ~15 minutes per 100,000 entries; the
  ledger primitive posts them in under a minute.
"""

from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from uuid import uuid4

from django.utils import timezone

from center.accounts.models import User
from center.budget.models import Budget
from center.core.services import service

from . import services
from .demo import PDF, STANDARDS, approve_all
from .enums import DocState, EntryKind
from .ledger import Doc, lock_quotas, post
from .models import (
    Application,
    ApplicationLine,
    ControlSettings,
    LedgerEntry,
    Payment,
    Quota,
    Reimbursement,
    ReimbursementLine,
    SpendingStandard,
)

YEARS = range(2022, 2027)
CURRENT = 2026
CENT = Decimal("0.01")
ENTRIES_PER_FACTOR = 100_000
CYCLES_PER_FACTOR = 300
STAFF = ["staff_gen", "staff_exp", "staff_inn", "staff_exc"]
# where a matter stops, with its share
OUTCOMES = [
    ("paid", 60),
    ("claim_approved", 7),
    ("claim_pending", 8),
    ("approved", 10),
    ("pending", 8),
    ("rejected", 4),
    ("withdrawn", 3),
]
TITLES = [
    "办公用品采购",
    "专家咨询会会务",
    "科技交流活动场地租赁",
    "资料印刷",
    "系统运维服务",
    "宣传物料制作",
    "会议服务",
    "调研交通费",
    "邮寄快递费",
    "设备维修",
]


def generate(factor: float, stdout, rng) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=[*STAFF, "finance", "cashier"])}
    for year in YEARS:
        _year_setup(year, users["finance"])
    groups = {year: _groups(year, users) for year in YEARS}
    cycles = max(1, round(CYCLES_PER_FACTOR * factor))
    counter = _Counter()
    _current_year(groups[CURRENT], cycles, users, rng, counter)
    target = round(ENTRIES_PER_FACTOR * factor)
    remaining = max(0, target - LedgerEntry.objects.count())
    past = [y for y in YEARS if y != CURRENT]
    for i, year in enumerate(past):
        _history(year, groups[year], remaining // len(past) + (i < remaining % len(past)), users, rng)
    stdout.write(
        f"  control: {Quota.objects.count()} quotas, {Application.objects.count()} applications, "
        f"{Reimbursement.objects.count()} claims, {Payment.objects.count()} payments, "
        f"{LedgerEntry.objects.count()} ledger entries"
    )


def _year_setup(year: int, finance) -> None:
    cfg, _created = ControlSettings.objects.get_or_create(year=year)
    if cfg.type_codes.get("meeting") == ["30215"]:  # as the control demo (no 会议费 line in these budgets)
        cfg.type_codes = {
            **cfg.type_codes,
            "meeting": ["30215", "30227"],
            "training": ["30216", "30227"],
            "travel": ["30211", "30239"],
        }
        cfg.save(update_fields=["type_codes"])
    from .demo import NAMES_EN

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
    if not Quota.objects.filter(year=year).exists():
        budget = Budget.objects.filter(fiscal_year__year=year, state__in=["approved", "published"]).first()
        if budget is not None:
            services.quotas_issue_from_budget(actor=finance, budget=budget)


def _groups(year: int, users) -> list[tuple[list, list[Quota]]]:
    """(who may use them, quotas an "other" matter may be charged to, of one kind): the basic 商品和服务
    quotas for every department, each department's project quotas for its own staff."""
    quotas = list(
        Quota.objects.filter(year=year, available__gt=1000)
        .filter(economic__code__regex=r"^(302|303|310)")
        .exclude(economic__code="30217")
        .select_related("economic")
        .order_by("pk")
    )
    staff = [users[s] for s in STAFF]
    out = [(staff, [q for q in quotas if q.kind == "basic"])]
    for user in staff:
        own = [q for q in quotas if q.kind == "project" and q.department_id == user.department_id]
        if own:
            out.append(([user], own))
    return [g for g in out if g[1]]


def _plan(groups, n: int, rng) -> list[tuple]:
    """n matters: (applicant, quotas), then an amount per line that the quotas can carry."""
    plan, uses = [], {}
    for _i in range(n):
        people, quotas = rng.choice(groups)
        chosen = sorted(
            rng.sample(quotas, min(len(quotas), rng.choice([1, 1, 2, 2, 3, 4]))), key=lambda q: q.pk
        )
        for q in chosen:
            uses[q.pk] = uses.get(q.pk, 0) + 1
        plan.append((rng.choice(people), chosen))
    out = []
    for person, chosen in plan:
        lines = []
        for q in chosen:
            share = q.available * Decimal("0.8") / uses[q.pk] * Decimal(str(round(rng.uniform(0.3, 1.0), 3)))
            lines.append((q, max(Decimal("1.00"), min(share, Decimal("45000")).quantize(CENT, ROUND_DOWN))))
        out.append((person, lines))
    return out


class _Counter:
    def __init__(self):
        self.invoice = Reimbursement.objects.count()

    def next_invoice(self) -> str:
        self.invoice += 1
        return f"{self.invoice:08d}"


def _current_year(groups, n: int, users, rng, counter) -> None:
    outcomes = [o for o, _w in OUTCOMES]
    weights = [w for _o, w in OUTCOMES]
    today = timezone.localdate()
    for i, (person, lines) in enumerate(_plan(groups, n, rng)):
        outcome = rng.choices(outcomes, weights)[0]
        app = services.application_submit(
            actor=person,
            app_type="other",
            title=f"{rng.choice(TITLES)}（{i + 1}）",
            year=CURRENT,
            lines=[(q.pk, str(amount)) for q, amount in lines],
        )
        if outcome == "pending":
            continue
        if outcome in ("rejected", "withdrawn"):
            if outcome == "withdrawn":
                services.application_withdraw(actor=person, application_id=app.pk)
            else:
                _reject(app)
            continue
        app = approve_all(app, services.application_act, "application_id")
        if outcome == "approved":
            continue
        claimed = [
            (q, (amount * Decimal(str(round(rng.uniform(0.8, 1.0), 3)))).quantize(CENT))
            for q, amount in lines
        ]
        total = sum((a for _q, a in claimed), Decimal(0))
        issued = min(today, date(CURRENT, 1, 1) + timedelta(days=rng.randint(0, 330)))
        r = services.reimbursement_submit(
            actor=person,
            title=app.title,
            application_id=app.pk,
            lines=[(q.pk, str(a)) for q, a in claimed],
            invoices=[
                {
                    "code": "044032600111",
                    "number": counter.next_invoice(),
                    "amount": str(total),
                    "issued_on": issued,
                    "file_name": "发票.pdf",
                    "file_data": PDF,
                }
            ],
        )
        if outcome == "claim_pending":
            continue
        approve_all(r, services.reimbursement_act, "reimbursement_id")
        if outcome == "paid":
            services.payment_record(actor=users["cashier"], reimbursement_id=r.pk, method="bank")


def _reject(app) -> None:
    from . import approvals

    task = next(t for t in approvals.chain_tasks(app, approvals.current_round(app)) if t.state == "pending")
    services.application_act(
        actor=task.assignee,
        application_id=app.pk,
        task_id=task.pk,
        action="reject",
        comment="预算安排不足，不予批准",
    )


def _history(year: int, groups, entries: int, users, rng) -> None:
    """Closed matters of a past year until about `entries` ledger entries (3 per quota line: the freeze,
    the execution at payment and the release of what the claim did not use)."""
    if entries <= 0 or not groups:
        return
    n = max(1, entries // 6)  # ~2.3 lines a matter, ~6.9 entries: a margin, the loop stops at `entries`
    plan = _plan(groups, n, rng)
    posted = 0
    for start in range(0, len(plan), 500):
        batch = plan[start : start + 500]
        posted += _history_batch(year, batch, users, rng)
        if posted >= entries:
            break


def _history_batch(year: int, batch, users, rng) -> int:
    cashier = users["cashier"]
    apps, claims = [], []
    for person, lines in batch:
        day = datetime(year, 1, 10) + timedelta(days=rng.randint(0, 330))
        when = timezone.make_aware(day)
        total = sum((a for _q, a in lines), Decimal(0))
        claimed = [(q, (a * Decimal(str(round(rng.uniform(0.85, 1.0), 3)))).quantize(CENT)) for q, a in lines]
        common = {
            "year": year,
            "title": rng.choice(TITLES),
            "applicant": person,
            "department_id": person.department_id,
            "submitted_at": when,
            "decided_at": when + timedelta(days=2),
        }
        apps.append(
            (
                Application(
                    number=f"TMP-{uuid4().hex[:24]}",
                    amount=total,
                    state=DocState.CLOSED,
                    app_type="other",
                    valid_until=(when + timedelta(days=90)).date(),
                    closed_at=when + timedelta(days=30),
                    **common,
                ),
                lines,
                claimed,
            )
        )
        claims.append(
            Reimbursement(
                number=f"TMP-{uuid4().hex[:24]}",
                amount=sum((a for _q, a in claimed), Decimal(0)),
                state=DocState.PAID,
                **{
                    **common,
                    "submitted_at": when + timedelta(days=20),
                    "decided_at": when + timedelta(days=25),
                },
            )
        )
    created = Application.objects.bulk_create([a for a, _l, _c in apps])
    for app, r in zip(created, claims, strict=True):
        r.application = app
    Reimbursement.objects.bulk_create(claims)
    for doc, prefix in [(a, "SQ") for a in created] + [(r, "BX") for r in claims]:
        doc.number = f"{prefix}{doc.year}-{doc.pk:06d}"
    Application.objects.bulk_update(created, ["number"], batch_size=500)
    Reimbursement.objects.bulk_update(claims, ["number"], batch_size=500)
    ApplicationLine.objects.bulk_create(
        [
            ApplicationLine(application=app, quota=q, amount=a, frozen=Decimal(0), executed=c)
            for app, (_a, lines, claimed) in zip(created, apps, strict=True)
            for (q, a), (_q, c) in zip(lines, claimed, strict=True)
        ]
    )
    ReimbursementLine.objects.bulk_create(
        [
            ReimbursementLine(reimbursement=r, quota=q, amount=c)
            for r, (_a, _l, claimed) in zip(claims, apps, strict=True)
            for q, c in claimed
        ]
    )
    Payment.objects.bulk_create(
        [Payment(reimbursement=r, amount=r.amount, method="bank", paid_by=cashier) for r in claims]
    )
    moves = [
        (app, r, lines, claimed) for app, r, (_a, lines, claimed) in zip(created, claims, apps, strict=True)
    ]
    return _post_history(moves, cashier)


@service
def _post_history(moves, cashier) -> int:
    """The batch's money through the ledger primitive: freeze each application line, execute what its claim
    paid, release the rest (one unit of work, quota rows locked in id order once)."""
    quotas = lock_quotas({q.pk for _a, _r, lines, _c in moves for q, _x in lines})
    n = 0
    for app, r, lines, claimed in moves:
        doc_app, doc_r = Doc("application", app.pk, app.number), Doc("reimbursement", r.pk, r.number)
        for (q, amount), (_q, paid) in zip(lines, claimed, strict=True):
            quota = quotas[q.pk]
            post(quota, EntryKind.FREEZE, amount, actor=app.applicant, doc=doc_app, note="事前申请冻结")
            post(quota, EntryKind.EXECUTE, paid, actor=cashier, doc=doc_r, note="支付执行")
            n += 2
            if amount > paid:
                post(
                    quota, EntryKind.RELEASE, amount - paid, actor=cashier, doc=doc_app, note="报销后释放余额"
                )
                n += 1
    return n
