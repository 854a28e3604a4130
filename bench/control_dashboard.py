"""Benchmark: the execution dashboard with 100,000 ledger entries: p95 time and query count.

    .venv/bin/python bench/control_dashboard.py                 # embedded SQLite (a scratch file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/control_dashboard.py

Builds a scratch database (SQLite file in /tmp, or PostgreSQL database `bench_center_dash`), loads the demo
organisation and an approved budget with quotas, adds 100,000 execute entries spread over the year's months
(bulk-loaded: a load shape, not a history the ledger check would accept), then requests /control/ 60 times
as the finance reviewer through Django's test client and reports p50/p95 and the number of SQL queries.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("DATABASE_URL", "")
if ADMIN_URL:
    import psycopg

    bench_url = ADMIN_URL.rsplit("/", 1)[0] + "/bench_center_dash"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bench_center_dash WITH (FORCE)")
        conn.execute("CREATE DATABASE bench_center_dash")
    os.environ["DATABASE_URL"] = bench_url
else:
    db = Path("/tmp/bench_center_dash.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    os.environ["SQLITE_PATH"] = str(db)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"

import django  # noqa: E402

django.setup()
from datetime import datetime, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from center.accounts import demo  # noqa: E402
from center.accounts.models import User  # noqa: E402
from center.control.models import LedgerEntry, Quota  # noqa: E402

ENTRIES = 100_000


class _Quiet:
    def write(self, *a, **k):
        pass


def main():
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    demo.seed(_Quiet())
    from tests.control.factories import YEAR, quotas_ready

    org = {u.username: u for u in User.objects.all()}
    quotas = list(quotas_ready(org, week=Decimal("900000000.00")).values())
    start = timezone.make_aware(datetime(YEAR, 1, 1))
    batch = []
    for i in range(ENTRIES):
        q = quotas[i % len(quotas)]
        posted = start + timedelta(hours=i % 8000)
        batch.append(
            LedgerEntry(
                quota=q,
                kind="execute",
                amount=Decimal("1.00"),
                doc_type="bench",
                created_at=posted,
                period=posted.month,
            )
        )
        if len(batch) == 5000:
            LedgerEntry.objects.bulk_create(batch)
            batch = []
    for q in quotas:  # keep the balances consistent with the load (executed = its entries)
        n = LedgerEntry.objects.filter(quota=q, kind="execute").count()
        Quota.objects.filter(pk=q.pk).update(executed=n, available=q.approved - n)
    c = Client()
    c.force_login(org["finance"])
    c.get(f"/control/?year={YEAR}")  # warm up
    times = []
    for _ in range(60):
        t0 = time.perf_counter()
        r = c.get(f"/control/?year={YEAR}")
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        c.get(f"/control/?year={YEAR}")
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{connection.vendor}: {LedgerEntry.objects.count():,} ledger entries; dashboard p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, {len(ctx.captured_queries)} queries"
    )


if __name__ == "__main__":
    main()
