"""Benchmark: recomputing the live progress of a unit-year with every indicator (issue 15: ≤ 1 s).

    .venv/bin/python bench/performance_recompute.py                     # embedded SQLite (a scratch file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_perf .venv/bin/python bench/performance_recompute.py

Builds a scratch database (SQLite /tmp/bench_perf.sqlite3, or the PostgreSQL database named in the URL,
dropped and created again), loads the demo organisation and the seed's 2022 budget (表11: 38 indicators,
all bound to their sources), issues its quotas and bulk-loads a heavy year: 100,000 ledger executions over
the twelve months, 2,000 events held (with survey satisfaction, a third of them linked to indicators
explicitly), 50 recruitment calls, 200 review rounds, 400 accepted records and 400 manual values with their
evidence rows. Then computes `performance.progress.unit_progress(budget, as_of)` 30 times for the year's
end (quota balances) and 30 times for 31 July (executions summed from the ledger by accounting period) and
reports p50 / p95 / max and the number of SQL queries of one computation.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("DATABASE_URL", "")
if URL:
    from bench._db import fresh_database

    fresh_database(URL)
else:
    db = Path("/tmp/bench_perf.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(db)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

import django  # noqa: E402

django.setup()
from datetime import date, datetime, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

EVENTS, CALLS, ROUNDS, RECORDS, VALUES, ENTRIES = 2_000, 50, 200, 400, 400, 100_000


class _Quiet:
    def write(self, *a, **k):
        pass


def load():
    from center.accounts import demo as accounts_demo
    from center.accounts.models import User
    from center.budget import demo as budget_demo
    from center.budget.models import Budget, PerformanceIndicator
    from center.control.models import LedgerEntry, Quota
    from center.control.services import quotas_issue_from_budget
    from center.core.models import Attachment
    from center.events.models import Event, EventType
    from center.experts.models import RecruitmentCall
    from center.performance import services
    from center.performance.models import IndicatorBinding, ManualValue, Record
    from center.reviews.models import ReviewRound

    call_command("migrate", verbosity=0)
    accounts_demo.seed(_Quiet())
    budget_demo.seed(_Quiet(), with_current=False)
    users = {u.username: u for u in User.objects.all()}
    budget = Budget.objects.get(fiscal_year__year=2022)
    types = [
        EventType.objects.get_or_create(code=c, defaults={"name": n, "sort": i})[0]
        for i, (c, n) in enumerate(
            [
                ("innovation_week", "创新周主题活动"),
                ("haizhi", "海智交流活动"),
                ("seminar", "学术研讨会"),
                ("talent", "招才引智活动"),
            ]
        )
    ]
    services.bindings_suggest(actor=None, budget_id=budget.pk)
    quotas = quotas_issue_from_budget(actor=users["finance"], budget=budget)
    start = timezone.make_aware(datetime(2022, 1, 1))
    batch = []
    for i in range(ENTRIES):
        q = quotas[i % len(quotas)]
        posted = start + timedelta(hours=i % 8700)
        batch.append(
            LedgerEntry(
                quota=q,
                kind="execute",
                amount=Decimal("0.01"),
                doc_type="bench",
                created_at=posted,
                period=posted.month,
            )
        )
        if len(batch) == 5000:
            LedgerEntry.objects.bulk_create(batch)
            batch = []
    for q in quotas:  # keep the balances consistent with the load
        n = LedgerEntry.objects.filter(quota=q, kind="execute").count()
        Quota.objects.filter(pk=q.pk).update(
            executed=Decimal(n) / 100, available=q.approved - Decimal(n) / 100
        )
    items = list(budget.projects.all().values_list("items__pk", flat=True))
    linkable = list(
        IndicatorBinding.objects.filter(
            indicator__budget=budget, source__in=["events", "satisfaction"]
        ).values_list("indicator_id", flat=True)
    )
    staff = users["staff_inn"]
    events = []
    for i in range(EVENTS):
        s = start + timedelta(hours=(i * 37) % 8700)
        events.append(
            Event(
                type=types[i % len(types)],
                title=f"活动 {i}",
                department=staff.department,
                owner=staff,
                starts_at=s,
                ends_at=s,
                capacity=100,
                budget_item_id=items[i % len(items)],
                state="held",
                satisfaction_rate=Decimal(80 + i % 20),
                satisfaction_basis=10 + i % 50,
            )
        )
    Event.objects.bulk_create(events)
    through = Event.indicators.through
    through.objects.bulk_create(
        [
            through(event_id=e.pk, performanceindicator_id=linkable[i % len(linkable)])
            for i, e in enumerate(Event.objects.all())
            if i % 3 == 0
        ]
    )
    RecruitmentCall.objects.bulk_create(
        [
            RecruitmentCall(
                year=2022,
                title=f"征集 {i}",
                criteria="—",
                deadline=date(2022, 12, 31),
                state="published",
                published_at=start + timedelta(days=i * 7),
                created_by=users["staff_exp"],
            )
            for i in range(CALLS)
        ]
    )
    ReviewRound.objects.bulk_create(
        [
            ReviewRound(
                code=f"B-{i}",
                title=f"评审 {i}",
                kind="project",
                year=2022,
                state="published",
                created_by=users["staff_exp"],
            )
            for i in range(ROUNDS)
        ]
    )
    maint = IndicatorBinding.objects.filter(
        indicator__budget=budget, source__in=["maintenance", "milestones"]
    )
    manual = IndicatorBinding.objects.filter(
        indicator__budget=budget, source__in=["manual", "procurement", "rating"]
    )
    Record.objects.bulk_create(
        [
            Record(
                binding=b,
                kind="maintenance",
                title=f"记录 {i}",
                state="accepted",
                accepted_on=date(2022, 1 + i % 12, 1),
                accepted_by=users["head_gen"],
                created_by=users["staff_gen"],
            )
            for i, b in enumerate(list(maint) * (RECORDS // max(maint.count(), 1)))
        ]
    )
    att = Attachment.objects.create(
        owner=users["staff_gen"],
        purpose="general",
        original_name="e.pdf",
        stored_name="bench",
        content_type="application/pdf",
        size=1,
        sha256="0",
    )
    rows = []
    for i, b in enumerate(list(manual) * (VALUES // max(manual.count(), 1))):
        rated = b.source == "rating"
        rows.append(
            ManualValue(
                binding=b,
                value=None if rated else Decimal(i % 9),
                rating="achieved" if rated else "",
                as_of=date(2022, 1 + i % 12, 1),
                note="—",
                entered_by=users["staff_gen"],
            )
        )
    ManualValue.objects.bulk_create(rows)
    ManualValue.attachments.through.objects.bulk_create(
        [
            ManualValue.attachments.through(manualvalue_id=v.pk, attachment_id=att.pk)
            for v in ManualValue.objects.all()
        ]
    )
    return budget, PerformanceIndicator.objects.filter(budget=budget).count()


def measure(budget, as_of, runs=30):
    from center.performance.progress import unit_progress

    unit_progress(budget, as_of)  # warm up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = unit_progress(budget, as_of)
        times.append((time.perf_counter() - t0) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        unit_progress(budget, as_of)
    times.sort()
    return (
        rows,
        statistics.median(times),
        times[int(len(times) * 0.95) - 1],
        times[-1],
        len(ctx.captured_queries),
    )


def main():
    budget, n = load()
    for label, as_of in (
        ("year end (balances)", date(2022, 12, 31)),
        ("31 July (ledger by period)", date(2022, 7, 31)),
    ):
        rows, p50, p95, worst, queries = measure(budget, as_of)
        statuses = {}
        for r in rows:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        print(
            f"{connection.vendor}: {n} indicators, {EVENTS:,} events, {ENTRIES:,} ledger entries — unit_progress as of {label}: "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms, {queries} queries; statuses {statuses}"
        )
        if worst >= 1000:
            print("  over 1 s: the target is missed")


if __name__ == "__main__":
    main()
