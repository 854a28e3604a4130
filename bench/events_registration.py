"""Registration burst through real HTTP against PostgreSQL: gunicorn serving the public registration
page, several client processes posting at once, more people than seats. Checks that capacity held.

    .venv/bin/python bench/events_registration.py [--total 3000] [--capacity 1500] [--clients 8] [--workers 3]

Target (issue 6): ≥ 200 registrations/s on a 2-core machine, capacity never exceeded.
"""

import argparse
import http.client
import multiprocessing as mp
import os
import re
import subprocess
import sys
import time
import urllib.parse

from _proc import cpu_seconds, is_postgres
from events_common import ROOT, make_event, setup_django

PORT = 8611


def is_server(cmd: str) -> bool:
    return "gunicorn" in cmd and f":{PORT}" in cmd


def client(worker: int, per_client: int, event_id: int, start_at: float, out: mp.Queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("GET", f"/events/{event_id}/")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    statuses = {}
    latencies = []
    while time.time() < start_at:
        time.sleep(0.001)
    for i in range(per_client):
        n = worker * 100_000 + i
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": f"测试{n}",
                "email": f"b{n}@example.com",
                "phone": f"139{n:08d}",
            }
        )
        t = time.perf_counter()
        conn.request("POST", f"/events/{event_id}/", body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        latencies.append(time.perf_counter() - t)
        statuses[r.status] = statuses.get(r.status, 0) + 1
    out.put((statuses, latencies, time.time()))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--total", type=int, default=3000)
    ap.add_argument("--capacity", type=int, default=1500)
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=3)
    args = ap.parse_args()
    setup_django()
    event = make_event(args.capacity)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(args.workers),
            "-k",
            "gthread",
            "--threads",
            str(args.threads),
            "--keep-alive",
            "120",  # clients keep their connection while waiting for the start signal
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                c.request("GET", "/events/")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        per_client = args.total // args.clients
        cpu_before = (cpu_seconds(is_server), cpu_seconds(is_postgres))
        out = mp.Queue()
        start_at = time.time() + 2.0
        procs = [
            mp.Process(target=client, args=(w, per_client, event.pk, start_at, out))
            for w in range(args.clients)
        ]
        for p in procs:
            p.start()
        results = [out.get() for _ in procs]
        for p in procs:
            p.join()
        cpu_after = (cpu_seconds(is_server), cpu_seconds(is_postgres))
    finally:
        server.terminate()
        server.wait()
    end = max(r[2] for r in results)
    elapsed = end - start_at
    statuses: dict = {}
    latencies = sorted(x for r in results for x in r[1])
    for r in results:
        for k, v in r[0].items():
            statuses[k] = statuses.get(k, 0) + v
    done = per_client * args.clients
    from django.db import connection

    from center.events.models import Event, Registration

    event = Event.objects.get(pk=event.pk)
    confirmed = Registration.objects.filter(event=event, state="confirmed").count()
    waiting = Registration.objects.filter(event=event, state="waitlisted").count()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"database: {connection.vendor}; gunicorn {args.workers} workers × {args.threads} threads; {args.clients} client processes"
    )
    print(
        f"registrations: {done} in {elapsed:.2f} s = {done / elapsed:.0f}/s; HTTP statuses {statuses}; p95 {p95 * 1000:.0f} ms"
    )
    web_ms = (cpu_after[0] - cpu_before[0]) / done * 1000
    db_ms = (cpu_after[1] - cpu_before[1]) / done * 1000
    print(
        f"CPU per registration: web {web_ms:.1f} ms + PostgreSQL {db_ms:.1f} ms "
        f"-> ceiling on 2 dedicated cores ~{2000 / (web_ms + db_ms):.0f}/s (clients excluded); load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"capacity {event.capacity}: confirmed rows {confirmed}, counter {event.confirmed_count}, waiting list {waiting}"
    )
    ok = confirmed == event.confirmed_count == min(event.capacity, done) and confirmed + waiting == done
    print("capacity held" if ok else "CAPACITY CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
