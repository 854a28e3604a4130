"""The demo tells one story over two years (README § Demo): the seed year 2022 closed — its budget published,
spent month by month through the ledger to a plausible execution rate, its events held, its calls published —
and the current year live — its budget prepared from 2022 through 二上二下 and published, its quotas issued,
spending to today and documents waiting for every role. Everything is paid from the quotas of the year it
is dated in."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from center.accounts.models import User
from center.budget.enums import BudgetState
from center.budget.models import Budget
from center.control.ledger import ledger_check
from center.control.models import Application, Invoice, LedgerEntry, Quota, Reimbursement
from center.control.selectors import execution_dashboard
from center.core.enums import Scope
from center.core.workbench import STARTED, TODO, todos_for, work_for

pytestmark = pytest.mark.django_db

SEED = 2022
APPROVERS = [
    "director",
    "deputy1",
    "deputy2",
    "head_gen",
    "head_exp",
    "head_inn",
    "head_exc",
    "finance",
    "cashier",
]
STAFF = ["staff_gen", "staff_exp", "staff_inn", "staff_exc"]


def _rate(year: int) -> float:
    quotas = Quota.objects.filter(year=year).aggregate(
        b=Sum("approved"), a=Sum("adjusted"), e=Sum("executed")
    )
    return float(quotas["e"] / (quotas["b"] + quotas["a"]) * 100)


def test_the_demo_lives_through_two_years(org):
    out = io.StringIO()
    call_command("demo_seed", stdout=out)
    year = timezone.localdate().year
    assert year > SEED

    # 2022 closed: published, spent to 95–99 %, nothing left waiting or frozen
    b22 = Budget.objects.get(fiscal_year__year=SEED)
    assert b22.state == BudgetState.PUBLISHED and b22.approved_on.year == SEED
    assert 95 <= _rate(SEED) <= 99
    assert Quota.objects.filter(year=SEED).aggregate(f=Sum("frozen"))["f"] == 0
    assert set(Application.objects.filter(year=SEED).values_list("state", flat=True)) == {"closed"}
    assert set(Reimbursement.objects.filter(year=SEED).values_list("state", flat=True)) == {"paid"}
    # month by month: executions in every month of 2022, salaries each month
    months = set(
        LedgerEntry.objects.filter(quota__year=SEED, kind="execute").values_list("period", flat=True)
    )
    assert months == set(range(1, 13))
    assert Application.objects.filter(year=SEED, title__contains="月工资").count() == 12
    devices = Application.objects.get(year=SEED, app_type="procurement", title__contains="办公设备")
    assert "8 台" in devices.title and devices.state == "closed"

    # the current year: prepared from 2022 through 二上二下, published, quotas issued, spent to today
    live = Budget.objects.get(fiscal_year__year=year)
    assert live.state == BudgetState.PUBLISHED and live.approval_doc_no and live.control_doc_no
    steps = list(live.versions.order_by("number").values_list("step", flat=True))
    for step in ("import", "consolidate", "submit_first", "control", "submit_second", "approval", "publish"):
        assert step in steps
    from center.core.models import AuditEntry

    prepared = AuditEntry.objects.get(action="budget.budget.prepare_next")
    assert prepared.extra["from_year"] == SEED and prepared.extra["year"] == year
    assert Quota.objects.filter(year=year).count() == Quota.objects.filter(year=SEED).count()
    director = User.objects.get(username="director")
    dash = execution_dashboard(director, Scope.UNIT, year, 10)
    assert dash["total_pct"] <= dash["elapsed"] + 10
    assert not [r["label"] for r in dash["by_project"] if r["behind"]], "the live year is not behind"

    # everything is paid from the quotas of the year it is dated in
    for entry in LedgerEntry.objects.select_related("quota"):
        day = timezone.localtime(entry.created_at)
        assert (day.year, day.month) == (entry.quota.year, entry.period), (entry.doc_no, entry.kind)
    for app in Application.objects.all():
        for key in ("start_date", "end_date"):
            if app.details.get(key):
                assert app.details[key][:4] == str(app.year), (app.number, app.details)
    for inv in Invoice.objects.select_related("reimbursement"):
        assert inv.issued_on.year == inv.reimbursement.year, inv.reimbursement.number
    assert ledger_check() == []

    # each role has something to do (approvers) or something under way (staff)
    for username in APPROVERS:
        user = User.objects.get(username=username)
        assert work_for(user, TODO) or todos_for(user), username
    for username in STAFF:
        user = User.objects.get(username=username)
        assert work_for(user, TODO) or work_for(user, STARTED), username

    # 2022's other matters: events finished, calls published; this year's review fees paid from this year
    from center.events.models import Event
    from center.experts.models import RecruitmentCall
    from center.reviews.models import ExpertFee

    assert set(Event.objects.filter(starts_at__year=SEED).values_list("state", flat=True)) <= {
        "reported",
        "closed",
        "cancelled",
    }
    assert not Event.objects.filter(starts_at__year__gt=year).exists()
    assert RecruitmentCall.objects.filter(year=SEED, published_at__year=SEED).count() == 2
    fee = ExpertFee.objects.filter(round__year=year).exclude(spending_ref="").first()
    app = Application.objects.get(number=fee.spending_ref)
    assert app.year == year and app.state == "closed"
    assert {ln.quota.year for ln in app.lines.all()} == {year}

    # idempotent: a second run adds nothing
    counts = (Application.objects.count(), LedgerEntry.objects.count(), Budget.objects.count())
    call_command("demo_seed", stdout=io.StringIO())
    assert (Application.objects.count(), LedgerEntry.objects.count(), Budget.objects.count()) == counts
