"""Benchmark: budget control under a mixed workload over the HTTP API, before and after a change, in one run.

    .venv/bin/python bench/control_mixed.py [--seconds 30] [--clients 16] [--before REV] [--only-current]

For each code tree — the commit REV (default: the one before the unit-of-work change) checked out in a
temporary git worktree, then the current tree — on PostgreSQL (DATABASE_URL, default the local `test`
server; a scratch database `bench_mixed` is created and dropped): migrate, seed ten hot quotas with the
default approval flows, start gunicorn (3 sync workers, bench/settings.py), and run two phases of
`--seconds` with `--clients` Python threads:

- **pure submit**: every request submits a prior application (one freeze) on one of the ten quotas;
- **mixed**: 60 % submit, 15 % withdraw (a document nobody approved yet), 10 % approve (the current
  approver of a pending application or reimbursement acts), 10 % claim (a reimbursement with one invoice
  against an approved application), 5 % pay (the cashier pays an approved reimbursement). An operation
  whose document pool is empty submits instead.

Printed per tree and phase: successful operations per second, p50/p95/p99 latency, 5xx answers (must be 0),
"busy, try again" answers (409 busy), other refusals, PostgreSQL deadlocks (pg_stat_database, must be 0);
then `ledger_check` and `audit_verify` on the database afterwards.
"""

import argparse
import base64
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
ADMIN_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
DB = "bench_mixed"
BENCH_URL = ADMIN_URL.rsplit("/", 1)[0] + "/" + DB
BEFORE = "5845ab4"  # main before the unit of work (deadlocks under a mixed workload)
PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").decode()
YEAR = 2037  # the year of tests/control/factories.py's budget
MIX = [("submit", 60), ("withdraw", 15), ("approve", 10), ("claim", 10), ("pay", 5)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_for(tree: Path) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(tree),
    }


def admin(sql: str):
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        return (
            conn.execute(sql).fetchone() if sql.lstrip().upper().startswith("SELECT") else conn.execute(sql)
        )


def deadlocks() -> int:
    return admin(f"SELECT deadlocks FROM pg_stat_database WHERE datname = '{DB}'")[0]  # noqa: S608 (constant)


def setup(tree: Path) -> dict:
    admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin(f"CREATE DATABASE {DB}")
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=tree, env=env_for(tree), check=True)
    out = subprocess.run(
        [python, str(Path(__file__).with_name("_control_mixed_seed.py"))],
        cwd=tree,
        env=env_for(tree),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Client:
    """The HTTP side of one phase: pools of documents in each state, shared by the client threads."""

    def __init__(self, port: int, data: dict, seed: int):
        self.base = f"http://127.0.0.1:{port}/api/v1/control"
        self.data = data
        self.lock = threading.Lock()
        self.pools: dict[str, list] = defaultdict(list)  # fresh | in_chain | approved_apps | approved_claims
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.outcomes: Counter = Counter()
        self.invoice_no = 10_000_000 + seed * 1_000_000
        self.rng = random.Random(seed)

    def token(self, username: str) -> str:
        return self.rng.choice(self.data["tokens"][username])

    def call(self, kind: str, method: str, path: str, username: str, body=None):
        req = urllib.request.Request(
            self.base + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token(username)}"},
        )
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                status, payload = resp.status, json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = {"message": raw[:200].decode(errors="replace")}
        elapsed = time.perf_counter() - started
        if method == "POST":
            self.latency[kind].append(elapsed)
            if status >= 500:
                self.outcomes["5xx"] += 1
            elif status == 409 and payload.get("extra", {}).get("retry"):
                self.outcomes["busy"] += 1
            elif status >= 400:
                self.outcomes["refused"] += 1
                self.outcomes[f"refused {kind}: {str(payload.get('message'))[:60]}"] += 1
            else:
                self.outcomes["ok"] += 1
        return status, payload

    def take(self, *pools: str):
        with self.lock:
            for name in pools:
                if self.pools[name]:
                    return name, self.pools[name].pop(self.rng.randrange(len(self.pools[name])))
        return None, None

    def put(self, pool: str, item) -> None:
        with self.lock:
            self.pools[pool].append(item)

    # ------------------------------------------------------------------------------------------ operations

    def submit(self):
        qid = self.rng.choice(self.data["hot"])
        body = {
            "app_type": "event",
            "title": "bench",
            "year": YEAR,
            "lines": [{"quota_id": qid, "amount": "1.00"}],
        }
        status, doc = self.call("submit", "POST", "/applications", "staff_inn", body)
        if status == 201:
            self.put("fresh", ("applications", doc["id"], qid))

    def withdraw(self):
        _pool, item = self.take("fresh")
        if item is None or item[0] != "applications":
            if item:
                self.put("fresh", item)
            return self.submit()
        self.call("withdraw", "POST", f"/applications/{item[1]}/withdraw", "staff_inn")

    def approve(self):
        _pool, item = self.take("in_chain", "fresh")
        if item is None:
            return self.submit()
        kind, doc_id, qid = item
        _s, doc = self.call("read", "GET", f"/{kind}/{doc_id}", "staff_inn")
        pending = [t for t in doc.get("tasks", []) if t["state"] == "pending"]
        if not pending:
            return None
        status, doc = self.call(
            "approve", "POST", f"/{kind}/{doc_id}/actions", pending[0]["assignee"], {"action": "approve"}
        )
        if status != 200:
            return None
        if doc["state"] == "pending":
            self.put("in_chain", item)
        elif doc["state"] == "approved":
            self.put("approved_apps" if kind == "applications" else "approved_claims", item)
        return None

    def claim(self):
        _pool, item = self.take("approved_apps")
        if item is None:
            return self.submit()
        _kind, app_id, qid = item
        with self.lock:
            self.invoice_no += 1
            number = str(self.invoice_no)
        body = {
            "title": "bench claim",
            "application_id": app_id,
            "year": YEAR,
            "lines": [{"quota_id": qid, "amount": "1.00"}],
            "invoices": [
                {
                    "code": "044001900111",
                    "number": number,
                    "amount": "1.00",
                    "issued_on": "2037-05-01",
                    "file_name": "invoice.pdf",
                    "file_base64": PDF,
                }
            ],
        }
        status, doc = self.call("claim", "POST", "/reimbursements", "staff_inn", body)
        if status == 201:
            self.put("fresh", ("reimbursements", doc["id"], qid))

    def pay(self):
        _pool, item = self.take("approved_claims")
        if item is None:
            return self.submit()
        self.call("pay", "POST", f"/reimbursements/{item[1]}/payment", "cashier", {"method": "bank"})
        return None


def run_phase(port: int, data: dict, seconds: float, clients: int, mixed: bool, seed: int) -> dict:
    client = Client(port, data, seed)
    ops = [name for name, weight in MIX for _ in range(weight)] if mixed else ["submit"]
    stop = time.monotonic() + seconds
    failures = []

    def worker(i):
        rng = random.Random(seed * 100 + i)
        while time.monotonic() < stop:
            try:
                getattr(client, rng.choice(ops))()
            except Exception as exc:  # a broken connection counts as a server failure
                client.outcomes["5xx"] += 1
                failures.append(repr(exc))

    before = deadlocks()
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    every = sorted(x for values in client.latency.values() for x in values)

    def pct(p):
        return every[min(len(every) - 1, int(len(every) * p))] * 1000 if every else 0.0

    return {
        "ok_per_s": client.outcomes["ok"] / wall,
        "p50": pct(0.50),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "mean_ms": statistics.fmean(every) * 1000 if every else 0.0,
        "outcomes": dict(client.outcomes),
        "by_kind": {k: len(v) for k, v in client.latency.items()},
        "deadlocks": deadlocks() - before,
        "failures": failures[:3],
    }


def check(tree: Path) -> str:
    env = env_for(tree)
    out = []
    for cmd in (["ledger_check"], ["audit_verify"]):
        r = subprocess.run(
            [sys.executable, "manage.py", *cmd], cwd=tree, env=env, capture_output=True, text=True
        )
        out.append(f"{cmd[0]}: {'ok' if r.returncode == 0 else 'FAILED'} {r.stdout.strip()[-120:]}")
    return "; ".join(out)


def bench_tree(label: str, tree: Path, args) -> None:
    data = setup(tree)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=tree,
        env=env_for(tree),
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        warm = Client(port, data, 0)
        for _ in range(args.workers * 4):  # every worker loads the application before the clock starts
            warm.call("warm-up", "GET", f"/quotas/{data['hot'][0]}/ledger", "staff_inn")
        for phase, mixed in (("pure submit", False), ("mixed", True)):
            r = run_phase(port, data, args.seconds, args.clients, mixed, seed=1 if mixed else 2)
            o = r["outcomes"]
            print(
                f"{label:8} {phase:12} {r['ok_per_s']:7.1f} ok/s  p50 {r['p50']:6.1f}  p95 {r['p95']:6.1f}"
                f"  p99 {r['p99']:7.1f} ms  5xx {o.get('5xx', 0):4}  busy {o.get('busy', 0):3}"
                f"  refused {o.get('refused', 0):3}  deadlocks {r['deadlocks']:3}  ops {r['by_kind']}",
                flush=True,
            )
            for k, v in o.items():
                if k.startswith("refused "):
                    print(f"{'':22}{v:5} × {k}")
            for f in r["failures"]:
                print(f"{'':22}client error: {f}")
        print(f"{label:8} after: {check(tree)}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--before", default=BEFORE, help="the commit to compare with (a temporary worktree)")
    ap.add_argument("--only-current", action="store_true", help="measure the current tree only")
    args = ap.parse_args()
    if not ADMIN_URL.startswith("postgres"):
        raise SystemExit("control_mixed needs PostgreSQL (DATABASE_URL=postgres://…)")
    print(
        f"{args.clients} clients, {args.seconds:.0f} s per phase, gunicorn {args.workers} workers, 10 hot quotas"
    )
    if not args.only_current:
        tmp = Path(tempfile.mkdtemp(prefix="bench-before-"))
        subprocess.run(
            ["git", "worktree", "add", "-q", "--detach", str(tmp), args.before], cwd=ROOT, check=True
        )
        try:
            bench_tree(f"{args.before[:8]}", tmp, args)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tmp)], cwd=ROOT, check=False)
            shutil.rmtree(tmp, ignore_errors=True)
    bench_tree("current", ROOT, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
