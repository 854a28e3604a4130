"""Benchmark: freezes through the HTTP API (16 concurrent clients) vs the same SQL issued directly.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/control_freeze.py [--seconds 10]

Creates a scratch PostgreSQL database `bench_center`, migrates it, loads the demo organisation and an
approved budget, starts gunicorn on a free local port (4 sync workers), then runs two phases, each as
(a) HTTP: N clients POST /api/v1/control/applications (one freeze each: lock the quota, update balances,
    create the application, its line, ledger entry, approval tasks, notifications and audit entry), and
(b) baseline: N threads issuing the core SQL of a freeze through psycopg directly (lock the quota, update
    balances, insert a ledger entry and an audit entry under the chain head lock, commit).
Phase 1: one hot quota. Phase 2: spread over 1,000 quotas. Prints throughput and the ratios.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
DB = "bench_center"
BENCH_URL = ADMIN_URL.rsplit("/", 1)[0] + "/" + DB


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PORT = _free_port()


def setup() -> dict:
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    env = {**os.environ, "DATABASE_URL": BENCH_URL, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("_control_seed.py"))], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def http_phase(tokens, quota_ids, seconds, clients) -> int:
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def client(i):
        n = 0
        while time.monotonic() < stop:
            qid = quota_ids[(i * 7919 + n) % len(quota_ids)]
            body = json.dumps({"app_type": "event", "title": "bench", "lines": [{"quota_id": qid, "amount": "1.00"}], "year": 2037}).encode()
            req = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/api/v1/control/applications", data=body, method="POST",
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {tokens[i % len(tokens)]}"},
            )
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    assert resp.status == 201, resp.status
            except urllib.error.HTTPError as exc:
                raise SystemExit(f"HTTP {exc.code}: {exc.read()[:300]!r}") from exc
            n += 1
        counts[i] = n

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts)


def sql_phase(quota_ids, seconds, clients) -> int:
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def worker(i):
        n = 0
        with psycopg.connect(BENCH_URL) as conn:
            while time.monotonic() < stop:
                qid = quota_ids[(i * 7919 + n) % len(quota_ids)]
                with conn.transaction():
                    row = conn.execute("SELECT available FROM control_quota WHERE id = %s FOR UPDATE", [qid]).fetchone()
                    assert row[0] >= 1
                    conn.execute("UPDATE control_quota SET frozen = frozen + 1, available = available - 1 WHERE id = %s", [qid])
                    conn.execute(
                        "INSERT INTO control_ledgerentry (quota_id, kind, amount, doc_type, doc_no, note, created_at) "
                        "VALUES (%s, 'freeze', 1, 'bench', '', '', now())",
                        [qid],
                    )
                    head = conn.execute("SELECT seq, hash FROM core_auditchainhead WHERE id = 1 FOR UPDATE").fetchone()
                    seq = head[0] + 1
                    h = f"{seq:064d}"
                    conn.execute(
                        "INSERT INTO core_auditentry (seq, created_at, actor_repr, action, outcome, target_type, target_id, target_repr, changes, extra, ip, prev_hash, hash) "
                        "VALUES (%s, now(), 'bench', 'bench.freeze', 'success', '', '', '', '{}', '{}', '', %s, %s)",
                        [seq, head[1], h],
                    )
                    conn.execute("UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [seq, h])
                n += 1
        counts[i] = n

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=4)
    args = ap.parse_args()
    data = setup()
    env = {**os.environ, "DATABASE_URL": BENCH_URL, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(args.workers), "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        results = {}
        for label, quotas in (("one hot quota", data["hot"]), ("1,000 quotas", data["spread"])):
            http = http_phase(data["tokens"], quotas, args.seconds, args.clients) / args.seconds
            sql = sql_phase(quotas, args.seconds, args.clients) / args.seconds
            results[label] = (http, sql)
            print(f"{label:>14}: HTTP API {http:8.1f} freezes/s | direct SQL {sql:8.1f} tx/s | ratio {http / sql:.2f}")
    finally:
        server.terminate()
        server.wait()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return results


if __name__ == "__main__":
    main()
