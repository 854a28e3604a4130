"""Benchmark: freezes through the HTTP API (16 concurrent clients) vs the same SQL issued directly.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/control_freeze.py [--seconds 10]

Creates a scratch PostgreSQL database `bench_center`, migrates it, loads the demo organisation and an
approved budget, starts gunicorn on a free local port (3 sync workers), then runs two phases, each as
(a) HTTP: N clients (wrk when installed — `apt-get install wrk` — else Python threads) POST /api/v1/control/applications (one freeze each: lock the quota, update balances,
    create the application, its line, ledger entry, approval tasks, notifications and audit entry), and
(b) baseline: N threads issuing the core SQL of a freeze through psycopg directly (lock the quota, update
    balances, insert a ledger entry and an audit entry under the chain head lock, commit).
Phase 1: one hot quota. Phase 2: spread over 1,000 quotas. Prints throughput and the ratios.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
from _proc import cpu_seconds, is_postgres

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
    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("_control_seed.py"))],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


WRK_SCRIPT = """
local quotas = {%(quotas)s}
local tokens = {%(tokens)s}
local n = 0
request = function()
  n = n + 1
  local body = '{"app_type":"event","title":"bench","year":2037,"lines":[{"quota_id":' .. quotas[(n %% #quotas) + 1] .. ',"amount":"1.00"}]}'
  return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[(n %% #tokens) + 1]}, body)
end
"""


def wrk_phase(tokens, quota_ids, seconds, clients) -> int:
    """The same requests from wrk (C, two threads): the load generator takes little CPU from the server."""
    import re
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(
            WRK_SCRIPT
            % {"quotas": ",".join(map(str, quota_ids)), "tokens": ",".join(f'"{t}"' for t in tokens)}
        )
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{clients}",
            f"-d{int(seconds)}s",
            "-s",
            f.name,
            f"http://127.0.0.1:{PORT}/api/v1/control/applications",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise SystemExit(f"{bad.group(1)} requests failed:\n{out}")
    return int(re.search(r"(\d+) requests in", out).group(1))


def http_phase(tokens, quota_ids, seconds, clients) -> int:
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def client(i):
        n = 0
        while time.monotonic() < stop:
            qid = quota_ids[(i * 7919 + n) % len(quota_ids)]
            body = json.dumps(
                {
                    "app_type": "event",
                    "title": "bench",
                    "lines": [{"quota_id": qid, "amount": "1.00"}],
                    "year": 2037,
                }
            ).encode()
            req = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/api/v1/control/applications",
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {tokens[i % len(tokens)]}",
                },
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


def sql_phase(quota_ids, seconds, clients, token_hash: str, user_id: int) -> int:
    """The SQL one API freeze issues (captured with CaptureQueriesContext: 22 statements, BEGIN and COMMIT),
    replayed through psycopg with fresh values: reads, locks and writes in the same order, minus Django,
    HTTP and Python. Keep it in step with the API: `bench/control_freeze.py --show-sql` prints what it issues."""
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def worker(i):
        n = 0
        with psycopg.connect(BENCH_URL) as conn:
            while time.monotonic() < stop:
                qid = quota_ids[(i * 7919 + n) % len(quota_ids)]
                x = conn.execute
                # Authentication and the access policy (autocommit reads, as Django issues them).
                conn.autocommit = True
                x(
                    "SELECT u.id, u.last_login, u.is_superuser, u.username, u.first_name, u.last_name, u.email,"
                    " u.is_staff, u.is_active, u.date_joined, u.kind, u.external_type, u.full_name,"
                    " u.department_id, u.position, u.must_change_password, u.password_changed_at, t.id,"
                    " CASE WHEN t.last_used_at IS NULL OR t.last_used_at < now() - interval '5 minutes' THEN 1 ELSE 0 END,"
                    " d.unit_id, d.code, d.name, d.name_en, d.deputy_id, d.sort"
                    " FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id"
                    " LEFT JOIN accounts_department d ON d.id = u.department_id"
                    " WHERE t.token_hash = %s AND t.revoked_at IS NULL AND t.expires_at > now() AND u.is_active = true",
                    [token_hash],
                ).fetchone()
                x("SELECT role FROM accounts_userrole WHERE user_id = %s", [user_id]).fetchall()
                conn.autocommit = False
                with conn.transaction():
                    x(
                        "SELECT * FROM control_spendingstandard WHERE year = 2037 AND app_type = 'event' AND city IN ('', '')"
                    ).fetchall()
                    x(
                        "SELECT q.*, e.code, e.name, d.name, d.name_en, d.deputy_id FROM control_quota q "
                        "JOIN budget_economiccode e ON e.id = q.economic_id "
                        "JOIN accounts_department d ON d.id = q.department_id WHERE q.id IN (%s)",
                        [qid],
                    ).fetchall()
                    x("SELECT * FROM control_controlsettings WHERE year = 2037").fetchone()
                    app_id = x(
                        "INSERT INTO control_application (number, year, title, applicant_id, department_id, amount, state, created_at, submitted_at, app_type, details, justification, valid_until) "
                        "SELECT %s, 2037, 'bench', %s, department_id, 1, 'pending', now(), now(), 'event', '{}', '', now()::date + 90 FROM control_quota WHERE id = %s RETURNING id",
                        [f"R{i}-{n}-{time.monotonic_ns()}"[:30], user_id, qid],
                    ).fetchone()[0]
                    x(
                        "UPDATE control_application SET number = %s WHERE id = %s",
                        [f"SQ2037-R{app_id:07d}", app_id],
                    )
                    x(
                        "INSERT INTO control_applicationline (application_id, quota_id, amount, frozen, executed) VALUES (%s, %s, 1, 1, 0) RETURNING id",
                        [app_id, qid],
                    ).fetchall()
                    flow = x(
                        "SELECT * FROM control_approvalflow WHERE active = true AND doc_type = 'application' ORDER BY priority, id"
                    ).fetchall()
                    x(
                        'SELECT * FROM control_approvalstepdef WHERE flow_id = %s ORDER BY "order", id',
                        [flow[0][0]],
                    ).fetchall()
                    x(
                        "SELECT u.id, u.username, u.full_name, u.email, u.department_id, u.is_active, u.kind, r.role "
                        "FROM accounts_userrole r JOIN accounts_user u ON u.id = r.user_id "
                        "WHERE r.role IN ('dept_head', 'deputy', 'director', 'finance') AND u.is_active = true AND u.kind = 'staff' "
                        "ORDER BY u.id"
                    ).fetchall()
                    x(
                        "INSERT INTO control_approvaltask (content_type_id, object_id, round, step_order, step_name, kind, final, assignee_id, state, comment, created_at, activated_at) "
                        "VALUES (1, %s, 1, 1, 'x', 'single', false, %s, 'pending', '', now(), now()), (1, %s, 1, 2, 'y', 'single', true, %s, 'waiting', '', now(), NULL) RETURNING id",
                        [app_id, user_id, app_id, user_id],
                    ).fetchall()
                    note = x(
                        "INSERT INTO core_notification (recipient_id, title, body, link, created_at) VALUES (%s, 'bench', '', '', now()) RETURNING id",
                        [user_id],
                    ).fetchone()[0]
                    x(
                        "INSERT INTO django_tasks_database_dbtaskresult (id, status, enqueued_at, args_kwargs, priority, task_path, worker_ids, queue_name, backend_name, run_after, return_value, exception_class_path, traceback) "
                        "VALUES (gen_random_uuid(), 'READY', now(), %s, 0, 'center.core.tasks.send_notification_email', '[]', 'default', 'default', 'infinity', NULL, '', '')",
                        [json.dumps({"args": [note], "kwargs": {}})],
                    )
                    _, approved, adjusted, frozen, executed, available = x(
                        "SELECT id, approved, adjusted, frozen, executed, available FROM control_quota WHERE id IN (%s) ORDER BY id FOR UPDATE",
                        [qid],
                    ).fetchone()
                    x(
                        "UPDATE control_quota SET approved = %s, adjusted = %s, frozen = %s, executed = %s, available = %s WHERE id = %s",
                        [approved, adjusted, frozen + 1, executed, available - 1, qid],
                    )
                    x(
                        "INSERT INTO control_ledgerentry (quota_id, kind, amount, doc_type, doc_id, doc_no, note, created_at, period) VALUES (%s, 'freeze', 1, 'application', %s, '', '', now(), 11) RETURNING id",
                        [qid, app_id],
                    ).fetchone()
                    head = x("SELECT seq, hash FROM core_auditchainhead WHERE id = 1 FOR UPDATE").fetchone()
                    seq = head[0] + 1
                    h = f"{seq:064d}"
                    x(
                        "INSERT INTO core_auditentry (seq, created_at, actor_repr, action, outcome, target_type, target_id, target_repr, changes, extra, ip, prev_hash, hash) "
                        "VALUES (%s, now(), 'bench', 'bench.freeze', 'success', '', '', '', '{}', '{}', '', %s, %s) RETURNING id",
                        [seq, head[1], h],
                    ).fetchone()
                    x("UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [seq, h])
                # The answer is read after the commit, as the API does.
                conn.autocommit = True
                x(
                    "SELECT t.id, t.round, t.step_name, a.username, t.state, b.username, t.comment FROM control_approvaltask t "
                    "JOIN accounts_user a ON a.id = t.assignee_id LEFT JOIN accounts_user b ON b.id = t.acted_by_id "
                    "WHERE t.content_type_id = 1 AND t.object_id = %s ORDER BY t.round, t.step_order, t.id",
                    [app_id],
                ).fetchall()
                x(
                    "SELECT quota_id, amount, frozen FROM control_applicationline WHERE application_id = %s ORDER BY id",
                    [app_id],
                ).fetchall()
                n += 1
        counts[i] = n

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts)


def show_sql(data) -> None:
    """Print the statements one API freeze issues, to keep `sql_phase` in step with the code."""
    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
    }
    code = (
        "import django, json; django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        f"body = json.dumps({{'app_type': 'event', 'title': 'bench', 'year': 2037, 'lines': [{{'quota_id': {data['hot'][0]}, 'amount': '1.00'}}]}})\n"
        "with CaptureQueriesContext(connection) as ctx:\n"
        f"    r = Client().post('/api/v1/control/applications', body, content_type='application/json', SERVER_NAME='127.0.0.1', HTTP_AUTHORIZATION='Bearer {data['tokens'][0]}')\n"
        "assert r.status_code == 201, r.content\n"
        "for i, q in enumerate(ctx.captured_queries, 1): print(i, q['sql'][:600])\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--show-sql", action="store_true", help="print the statements of one API freeze and stop")
    args = ap.parse_args()
    data = setup()
    if args.show_sql:
        return show_sql(data)
    env = {
        **os.environ,
        "DATABASE_URL": BENCH_URL,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
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
            phase = wrk_phase if shutil.which("wrk") else http_phase
            cpu_before = (
                cpu_seconds(lambda c: "gunicorn" in c and f":{PORT}" in c),
                cpu_seconds(is_postgres),
            )
            done = phase(data["tokens"], quotas, args.seconds, args.clients)
            cpu_web = cpu_seconds(lambda c: "gunicorn" in c and f":{PORT}" in c) - cpu_before[0]
            cpu_db = cpu_seconds(is_postgres) - cpu_before[1]
            http = done / args.seconds
            sql = (
                sql_phase(quotas, args.seconds, args.clients, data["token_hash"], data["user_id"])
                / args.seconds
            )
            results[label] = (http, sql)
            print(
                f"{label:>14}: HTTP API {http:8.1f} freezes/s | direct SQL {sql:8.1f} tx/s | ratio {http / sql:.2f}"
                f" | CPU per HTTP freeze: web {cpu_web / done * 1000:.1f} ms, PostgreSQL {cpu_db / done * 1000:.1f} ms"
            )
    finally:
        server.terminate()
        server.wait()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return results


if __name__ == "__main__":
    main()
