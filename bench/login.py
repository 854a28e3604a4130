"""Sign-in latency: the login POST through the full middleware stack (axes, session, audit, 2FA check), with the
password check timed on its own.

    .venv/bin/python bench/login.py [--logins 30]          # PostgreSQL (DATABASE_URL, default bench_login)
    BENCH_SQLITE=1 .venv/bin/python bench/login.py          # SQLite

Target (issue 18): the password check at OWASP's argon2id minimum; everything else ≤ 100 ms.
Each round: a fresh client posts the login form of a demo account (argon2id hash made by the seed), follows
nothing, then logs out. Printed: p50/p95 of the whole POST, of the password check (the hasher's verify) and of the
rest (the POST minus the check, per request), and the number of queries of one login.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_login")

from events_common import setup_django  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--logins", type=int, default=30)
    args = ap.parse_args()
    setup_django()
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from center.accounts.demo import DEMO_PASSWORD

    settings.ALLOWED_HOSTS.append("testserver")
    hasher_class = type(get_hasher("default"))
    # check_password verifies through the hasher registered for the algorithm name ("argon2"): Django's class,
    # whose parameters the preferred subclass then compares. Time the verify they share.
    from django.contrib.auth.hashers import Argon2PasswordHasher

    verify = Argon2PasswordHasher.verify
    spent: list[float] = []

    def timed_verify(self, password, encoded):
        started = time.perf_counter()
        try:
            return verify(self, password, encoded)
        finally:
            spent.append(time.perf_counter() - started)

    Argon2PasswordHasher.verify = timed_verify
    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    url = reverse("accounts:login")
    users = ["staff_inn", "head_inn", "director", "auditor", "staff_exc"]
    totals, checks, rests, queries = [], [], [], 0
    for i in range(args.logins + 3):  # three warm-up rounds (imports, caches, first connection)
        client = Client()
        client.get(url)
        spent.clear()
        counted[0] = 0
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            response = client.post(url, {"username": users[i % len(users)], "password": DEMO_PASSWORD})
            total = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        client.post(reverse("accounts:logout"))
        if i < 3:
            continue
        queries = counted[0]
        check = sum(spent)
        totals.append(total * 1000)
        checks.append(check * 1000)
        rests.append((total - check) * 1000)
    print(
        f"{connection.vendor}, hasher {hasher_class.__name__} "
        f"(m={hasher_class.memory_cost} KiB, t={hasher_class.time_cost}, p={hasher_class.parallelism}), "
        f"{args.logins} logins, {queries} queries per login"
    )
    for name, values in (("login POST", totals), ("password check", checks), ("rest of the login", rests)):
        print(f"  {name:<18} p50 {statistics.median(values):7.1f} ms   p95 {pct(values, 95):7.1f} ms")
    return 0 if pct(rests, 95) <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
