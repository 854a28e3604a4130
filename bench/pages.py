"""Every staff and public page at 1× and 10× of a realistic year (issue 22): p50/p95 and query counts.

    .venv/bin/python bench/pages.py [--factors 1,10] [--repeat 5] [--reuse]             # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale .venv/bin/python bench/pages.py --factors 1

For each factor: a scratch database (SQLite var/bench_scale_<f>.sqlite3, or PostgreSQL <name>_<f>) migrated and
loaded with `manage.py scale_seed --factor <f>` (`--reuse`: keep a database an earlier run built). Then, in a
process of its own (bench.settings: DEBUG off), Django's test client requests in-process every URL pattern
that takes no id or one id (the URL × role table, tests/url_roles.py) as each account of tests/url_walk.py
that the table allows, with a real object of the scale data (the largest of its kind: the event with most
registrations, the round with most applications, the quota with most ledger entries …). Pages answering
anything but an HTML 200 (POST-only actions, exports, downloads, 404 for a role outside the object's scope)
are left out and counted. Time = the request through the whole middleware stack, in-process (no socket).

Targets: p95 ≤ 200 ms at 10× for every page, query counts identical at 1× and 10×, p95 at 10× ≤ 1.5× p95 at
1×. The report lists the pages that miss, slowest first.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PY = sys.executable
TARGET_MS = 200
GROWTH = 1.5


def database_env(factor: str) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", PYTHONPATH=str(ROOT))
    tag = factor.replace(".", "_")
    if url := os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = f"{url}_{tag}"
    else:
        env["SQLITE_PATH"] = str(ROOT / "var" / f"bench_scale_{tag}.sqlite3")
    return env


def build(factor: str, reuse: bool) -> None:
    env = database_env(factor)
    if url := env.get("DATABASE_URL"):
        import psycopg

        base, name = url.rsplit("/", 1)
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if reuse and exists:
            subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # new indexes
            return
        from bench._db import fresh_database

        fresh_database(url)
    else:
        path = Path(env["SQLITE_PATH"])
        if reuse and path.exists():
            subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # new indexes
            return
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(exist_ok=True)
    t = time.perf_counter()
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PY, "manage.py", "scale_seed", "--factor", factor], cwd=ROOT, env=env, check=True)
    print(f"×{factor}: built in {time.perf_counter() - t:.0f} s", flush=True)


# URL name → the object a page is opened on: (model, filter, order) — the largest of its kind.
def objects() -> dict:
    from django.db.models import Count

    from center.accounts.models import User
    from center.budget.models import Budget
    from center.control.models import Application, ApprovalFlow, Quota, Reimbursement, SpendingStandard
    from center.events.models import Event, RoadshowApplication
    from center.experts.models import Expert, ExpertApplication, RecruitmentCall
    from center.reviews.models import Application as ReviewApplication
    from center.reviews.models import Draw, PublicNotice, ReviewGroup, ReviewRound

    def first(qs):
        obj = qs.first()
        return obj.pk if obj else None

    budget = first(Budget.objects.order_by("-fiscal_year__year"))
    event = first(Event.objects.annotate(n=Count("registrations")).order_by("-n", "pk"))
    rnd = first(
        ReviewRound.objects.annotate(n=Count("applications"))
        .filter(groups__draws__isnull=False)
        .order_by("-n", "pk")
    )
    found = {
        "accounts:user_edit": first(User.objects.filter(username="staff_gen")),
        "budget:catalogue": {"year": 2026},
        "budget:public_disclosure": first(Budget.objects.filter(state="published")),
        "control:quota_detail": first(Quota.objects.annotate(n=Count("entries")).order_by("-n", "pk")),
        "control:standard_edit": first(SpendingStandard.objects.order_by("-year", "pk")),
        "control:flow_edit": first(ApprovalFlow.objects.order_by("pk")),
        "control:application_detail": first(
            Application.objects.annotate(n=Count("lines"))
            .filter(year=2026, state="closed")
            .order_by("-n", "pk")
        ),
        "control:advance_new": first(Application.objects.filter(state="approved", year=2026).order_by("pk")),
        "control:reimbursement_detail": first(
            Reimbursement.objects.annotate(n=Count("lines"))
            .filter(year=2026, state="paid")
            .order_by("-n", "pk")
        ),
        "events:public_detail": first(
            Event.objects.filter(state="registration_open").annotate(n=Count("registrations")).order_by("-n")
        ),
        "events:roadshow_apply": first(Event.objects.filter(type__is_roadshow=True)),
        "events:roadshow": first(Event.objects.filter(type__is_roadshow=True)),
        "events:roadshow_application": first(RoadshowApplication.objects.order_by("pk")),
        "experts:expert_detail": first(Expert.objects.order_by("-pk")),
        "experts:call_detail": first(RecruitmentCall.objects.order_by("pk")),
        "experts:public_call": first(RecruitmentCall.objects.filter(state="published").order_by("pk")),
        "experts:portal_apply": first(RecruitmentCall.objects.filter(state="published").order_by("pk")),
        "experts:application_vet": first(ExpertApplication.objects.order_by("pk")),
        "reviews:group_detail": first(ReviewGroup.objects.filter(round_id=rnd)),
        "reviews:draw_detail": first(Draw.objects.filter(group__round_id=rnd)),
        "reviews:draw_verify": first(Draw.objects.filter(group__round_id=rnd)),
        "reviews:formal_check": first(ReviewApplication.objects.filter(round_id=rnd)),
        "reviews:public_notice": first(PublicNotice.objects.order_by("pk")),
    }
    for name in (
        "overview",
        "disclosure",
        "drill",
        "details",
        "check",
        "versions",
        "workflow",
        "prepare_next",
    ):
        found[f"budget:{name}"] = budget
    for name in ("detail", "edit", "fields", "registrations", "checkin", "survey_manage", "report"):
        found[f"events:{name}"] = event
    for name in ("application_resubmit", "application_revise", "application_cancel"):
        found[f"control:{name}"] = found["control:application_detail"]
    found["control:reimbursement_revise"] = found["control:reimbursement_detail"]
    for name in ("round_detail", "round_fees", "notice_publish"):
        found[f"reviews:{name}"] = rnd
    for name in ("expert_edit", "relation_add"):
        found[f"experts:{name}"] = found["experts:expert_detail"]
    return {k: (v if isinstance(v, dict) or v is None else {"pk": v}) for k, v in found.items()}


def measure(repeat: int, out: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from center.accounts.models import User
    from tests.url_roles import EXPECTATIONS
    from tests.url_walk import ACCOUNTS, allowed

    settings.ALLOWED_HOSTS = ["testserver"]
    found = objects()
    users = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS)}
    results, skipped = {}, {}
    clients = {}
    for account in [None, *ACCOUNTS]:
        c = Client()
        if account:
            c.force_login(users[account])
        clients[account] = c
    for name, spec in EXPECTATIONS.items():
        if name == "api_docs" or name.startswith("accounts:logout") or name == "set_language":
            continue
        if "kwargs" in spec:
            kwargs = found.get(name)
            if kwargs is None:
                skipped[name] = "no object chosen (takes an id of a kind not measured, or two ids)"
                continue
        else:
            kwargs = None
        url = reverse(name, kwargs=kwargs)
        for account in [None, *ACCOUNTS]:
            if not allowed(spec, users.get(account)):
                continue
            client = clients[account]
            r = client.get(url)
            kind = r.get("Content-Type", "")
            if r.status_code != 200 or not kind.startswith("text/html"):
                skipped.setdefault(name, f"{r.status_code} {kind.split(';')[0]}")
                continue
            times = []
            for _i in range(max(1, repeat)):
                t = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            with CaptureQueriesContext(connection) as ctx:
                client.get(url)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            results[f"{name} [{account or 'anonymous'}]"] = {
                "url": url,
                "p50": statistics.median(times),
                "p95": p95,
                "queries": len(ctx.captured_queries),
            }
    Path(out).write_text(
        json.dumps({"vendor": connection.vendor, "pages": results, "skipped": skipped}, indent=1)
    )


def report(factors: list[str], data: dict) -> None:
    last = factors[-1]
    base = factors[0]
    rows = data[last]["pages"]
    print(f"\n{'page [account]':<58}" + "".join(f"{'×' + f + ' p50/p95 ms':>20}{'q':>5}" for f in factors))
    for key in sorted(rows, key=lambda k: -rows[k]["p95"]):
        line = f"{key:<58}"
        for f in factors:
            r = data[f]["pages"].get(key)
            line += f"{r['p50']:>11.0f} /{r['p95']:>6.0f}{r['queries']:>5}" if r else f"{'—':>20}{'':>5}"
        print(line)
    misses = []
    for key, r in rows.items():
        why = []
        if r["p95"] > TARGET_MS:
            why.append(f"p95 {r['p95']:.0f} ms > {TARGET_MS}")
        if len(factors) > 1 and (b := data[base]["pages"].get(key)):
            if b["queries"] != r["queries"]:
                why.append(f"queries {b['queries']} → {r['queries']}")
            if r["p95"] > GROWTH * b["p95"] and r["p95"] > 20:
                why.append(f"p95 ×{r['p95'] / b['p95']:.1f} of ×{base}")
        if why:
            misses.append((r["p95"], key, why))
    print(f"\n{len(rows)} page × account pairs measured at ×{last}; {len(misses)} miss a target:")
    for _p95, key, why in sorted(misses, reverse=True):
        print(f"  {key}: {'; '.join(why)}")
    skipped = data[last]["skipped"]
    print(f"\nleft out (not an HTML 200 page, or no object): {len(skipped)}: " + ", ".join(sorted(skipped)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--factors", default="1,10")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--reuse", action="store_true", help="keep a database an earlier run built")
    ap.add_argument("--keep", default="", help="factors whose figures of an earlier run are reused (e.g. 1)")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        return measure(args.repeat, args.measure)
    factors = args.factors.split(",")
    data = {}
    for f in factors:
        out = ROOT / "var" / f"bench_pages_{'pg_' if os.environ.get('DATABASE_URL') else ''}{f}.json"
        if f in args.keep.split(",") and out.exists():
            data[f] = json.loads(out.read_text())
            continue
        build(f, args.reuse)
        subprocess.run(
            [PY, __file__, "--measure", str(out), "--repeat", str(args.repeat)],
            cwd=ROOT,
            env=database_env(f),
            check=True,
        )
        data[f] = json.loads(out.read_text())
    print(f"database: {data[factors[0]]['vendor']}")
    timeit = subprocess.run([PY, "-m", "timeit", "sum(range(1000))"], capture_output=True, text=True).stdout
    print(f"machine: timeit sum(range(1000)): {timeit.strip()}; load average {os.getloadavg()}")
    report(factors, data)


if __name__ == "__main__":
    main()
