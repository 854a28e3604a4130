"""Budget benchmarks (issues 3 and 22): the eleven tables for one unit-year, the whole PDF, the overview page,
and the disclosure page itself (the whole request through the middleware stack: staff and public, Chinese and
English) with 100 units × 5 years of budgets loaded (p95 and query count), plus the PDF and xlsx downloads.

    .venv/bin/python bench/budget_disclosure.py [--runs 60]     # SQLite in /tmp/bench-budget.sqlite3
    DATABASE_URL=postgres://… .venv/bin/python bench/budget_disclosure.py

Targets: tables ≤ 0.5 s, PDF ≤ 5 s, overview p95 ≤ 200 ms with a fixed number of queries, the disclosure page
p95 ≤ 150 ms (issue 22) for every reader and language.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

from _db import fresh_database

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")  # the dev settings without DEBUG
os.environ.setdefault("SQLITE_PATH", "/tmp/bench-budget.sqlite3")

UNITS = int(os.environ.get("BENCH_UNITS", "100"))
YEARS = [2018, 2019, 2020, 2021, 2022]


def setup(reuse: bool = False):
    if reuse:
        import django

        django.setup()
        return
    if not os.environ.get("DATABASE_URL"):
        Path(os.environ["SQLITE_PATH"]).unlink(missing_ok=True)
    else:
        fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def populate():
    """The demo budget through the services, then 100 units × 5 years cloned from it in bulk."""
    from center.accounts import demo as accounts_demo
    from center.accounts.models import Unit
    from center.budget import demo, services
    from center.budget.models import (
        Budget,
        ExpenditureLine,
        IncomeLine,
        PerformanceIndicator,
        Project,
        ProjectItem,
    )

    accounts_demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    finance = __import__("center.accounts.models", fromlist=["User"]).User.objects.get(username="finance")
    for y in YEARS:
        if y != 2022:
            services.catalogue_copy_year(actor=finance, from_year=2022, to_year=y)
    src = Budget.objects.get(fiscal_year__year=2022)
    src_lines = list(src.lines.select_related("functional", "economic", "source"))
    src_projects = list(src.projects.all())
    src_items = list(ProjectItem.objects.filter(project__budget=src))
    src_income = list(src.income_lines.select_related("source"))
    src_inds = list(src.indicators.all())
    from center.budget.models import EconomicCode, FunctionalCode, IncomeSource

    units = Unit.objects.bulk_create(
        [
            Unit(code=f"B{i:03d}", name=f"基准测试单位{i:03d}", parent_name="深圳市科学技术协会")
            for i in range(UNITS - 1)
        ]
    )
    units = list(Unit.objects.all())
    for y in YEARS:
        fn = {c.code: c for c in FunctionalCode.objects.filter(fiscal_year__year=y)}
        ec = {c.code: c for c in EconomicCode.objects.filter(fiscal_year__year=y)}
        so = {c.code: c for c in IncomeSource.objects.filter(fiscal_year__year=y)}
        fy = fn["206"].fiscal_year
        todo = [u for u in units if not Budget.objects.filter(unit=u, fiscal_year=fy).exists()]
        budgets = Budget.objects.bulk_create(
            [Budget(unit=u, fiscal_year=fy, state="approved", version=1) for u in todo]
        )
        budgets = list(Budget.objects.filter(fiscal_year=fy).exclude(pk=src.pk))
        factor = {b.pk: 1 + ((b.unit_id * 7 + y) % 13 - 6) / 100 for b in budgets}
        projects = Project.objects.bulk_create(
            [
                Project(
                    budget=b,
                    name=p.name,
                    sort=p.sort,
                    task_sort=p.task_sort,
                    state="submitted",
                    performance_summary=p.performance_summary,
                )
                for b in budgets
                for p in src_projects
            ]
        )
        pmap = {(p.budget_id, p.name): p for p in projects}
        pname = {p.pk: p.name for p in src_projects}
        items = ProjectItem.objects.bulk_create(
            [
                ProjectItem(
                    project=pmap[(b.pk, pname[it.project_id])], name=it.name, purpose=it.purpose, sort=it.sort
                )
                for b in budgets
                for it in src_items
            ]
        )
        imap = {(i.project.budget_id, i.project.name, i.name): i for i in items}
        iname = {it.pk: it.name for it in src_items}
        lines = []
        for b in budgets:
            f = factor[b.pk]
            for ln in src_lines:
                project = pmap[(b.pk, pname[ln.project_id])] if ln.project_id else None
                item = imap[(b.pk, project.name, iname[ln.item_id])] if ln.item_id else None
                lines.append(
                    ExpenditureLine(
                        budget=b,
                        kind=ln.kind,
                        basic_category=ln.basic_category,
                        project=project,
                        item=item,
                        functional=fn[ln.functional.code],
                        economic=ec[ln.economic.code],
                        source=so[ln.source.code],
                        amount=(ln.amount * __import__("decimal").Decimal(str(f))).quantize(
                            __import__("decimal").Decimal("0.01")
                        ),
                        sort=ln.sort,
                    )
                )
        ExpenditureLine.objects.bulk_create(lines, batch_size=2000)
        IncomeLine.objects.bulk_create(
            [
                IncomeLine(budget=b, source=so[i.source.code], amount=i.amount)
                for b in budgets
                for i in src_income
            ]
        )
        PerformanceIndicator.objects.bulk_create(
            [
                PerformanceIndicator(
                    budget=b,
                    project=pmap[(b.pk, pname[i.project_id])] if i.project_id else None,
                    level1=i.level1,
                    level2=i.level2,
                    name=i.name,
                    kind=i.kind,
                    comparator=i.comparator,
                    value=i.value,
                    measure_unit=i.measure_unit,
                    table_sort=i.table_sort,
                )
                for b in budgets
                for i in src_inds
            ]
        )
    return src


class QueryCounter:
    """Counts queries through an execute wrapper (the request_started signal resets connection.queries)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def count_queries(fn) -> int:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        fn()
    return counter.count


def timed(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def disclosure_pages(src, runs: int) -> dict:
    """The disclosure page as staff (the finance officer) and as an anonymous visitor, in both languages."""
    from django.test import Client
    from django.urls import reverse

    from center.accounts.models import User

    staff = Client(HTTP_HOST="127.0.0.1")
    staff.force_login(User.objects.get(username="finance"))
    public = Client(HTTP_HOST="127.0.0.1")
    out = {}
    for reader, client, url in (
        ("staff", staff, reverse("budget:disclosure", args=[src.pk])),
        ("public", public, reverse("budget:public_disclosure", args=[src.pk])),
    ):
        for language in ("zh-hans", "en"):
            headers = {"HTTP_ACCEPT_LANGUAGE": language}
            for _ in range(3):  # warm-up: templates, translations, the first connection
                response = client.get(url, **headers)
                assert response.status_code == 200, (url, response.status_code)
            size = len(response.content)
            queries = count_queries(
                lambda client=client, url=url, headers=headers: client.get(url, **headers)
            )
            times, cpu = [], []
            for _ in range(runs):
                t, c = time.perf_counter(), time.process_time()
                client.get(url, **headers)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            out[(reader, language)] = times
            print(
                f"disclosure page, {reader}, {language}: p50 {statistics.median(times) * 1000:.1f} ms, "
                f"p95 {p95(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms (CPU of this process: p50 "
                f"{statistics.median(cpu) * 1000:.1f} ms, p95 {p95(cpu) * 1000:.1f} ms), {queries} queries, "
                f"{size // 1024} KiB  (target p95 ≤ 150 ms)"
            )
    for name, label in (("export_pdf", "PDF download"), ("export_xlsx", "xlsx download")):
        url = reverse(f"budget:{name}", args=[src.pk])
        staff.get(url)
        times = timed(lambda url=url: staff.get(url), 5)
        print(
            f"{label} (staff, whole request): median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
        )
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=60, help="requests per disclosure page and language")
    ap.add_argument("--pages-only", action="store_true", help="only the disclosure pages and downloads")
    ap.add_argument("--reuse", action="store_true", help="reuse the database a previous run populated")
    args = ap.parse_args()
    setup(args.reuse)
    t0 = time.perf_counter()
    if args.reuse:
        from center.budget.models import Budget

        src = Budget.objects.get(fiscal_year__year=2022, state="published")
    else:
        src = populate()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from center.accounts.models import User
    from center.budget.exports import pdf_bytes
    from center.budget.models import Budget, ExpenditureLine
    from center.budget.selectors import budget_data
    from center.budget.tables import all_tables

    print(
        f"populated {Budget.objects.count()} budgets, {ExpenditureLine.objects.count()} lines "
        f"in {time.perf_counter() - t0:.1f} s ({connection.vendor})"
    )

    disclosure_pages(src, args.runs)
    if args.pages_only:
        return
    tables = timed(lambda: all_tables(budget_data(src)), 20)
    print(
        f"11 tables (data load + generation): median {statistics.median(tables) * 1000:.1f} ms, "
        f"max {max(tables) * 1000:.1f} ms  (target ≤ 500 ms)"
    )
    pdf = timed(lambda: pdf_bytes(budget_data(src)), 3)
    print(f"whole PDF: median {statistics.median(pdf):.2f} s, max {max(pdf):.2f} s  (target ≤ 5 s)")

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="finance"))
    other = Budget.objects.exclude(pk=src.pk).order_by("-fiscal_year__year", "unit__code").first()
    results = {}
    for label, b in (("demo budget", src), ("bench unit, 2022 (with 2021 approved)", other)):
        url = reverse("budget:overview", args=[b.pk])
        client.get(url)
        queries = count_queries(lambda url=url: client.get(url))
        times = sorted(timed(lambda url=url: client.get(url), 60))
        p95 = times[int(len(times) * 0.95) - 1]
        results[label] = (p95, queries)
        print(
            f"overview ({label}): p95 {p95 * 1000:.1f} ms, median {statistics.median(times) * 1000:.1f} ms, "
            f"{queries} queries  (target p95 ≤ 200 ms)"
        )
    url = reverse("budget:list")
    queries = count_queries(lambda: client.get(url))
    times = sorted(timed(lambda: client.get(url), 30))
    print(
        f"budget list (200 newest of {Budget.objects.count()}): p95 {times[int(len(times) * 0.95) - 1] * 1000:.1f} ms, "
        f"{queries} queries"
    )


if __name__ == "__main__":
    main()
