"""Registration burst through real HTTP against PostgreSQL: gunicorn serving the public registration
page, many connections posting at once for a fixed time, more people than seats. Checks that capacity held.

    .venv/bin/python bench/events_registration.py [--seconds 12] [--capacity 1200] [--connections 16]

The load comes from `wrk` (C; `apt-get install wrk`) so that the load generator takes little of the two
cores from the server; without wrk, Python client processes post instead (slower: they compete for the CPU).
Target (issue 6): ≥ 200 registrations/s on a 2-core machine, capacity never exceeded.
"""

import argparse
import http.client
import multiprocessing as mp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

from _proc import cpu_seconds, is_postgres
from events_common import ROOT, make_event, setup_django

PORT = 8611

# Each wrk thread numbers its own people (thread id × 10^6 + n): unique e-mails and phones, no duplicates.
WRK_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  n = 0
end
request = function()
  n = n + 1
  local k = tid * 1000000 + n
  local body = "csrfmiddlewaretoken=%(token)s&name=%%E6%%B5%%8B%%E8%%AF%%95" .. k
    .. "&email=w" .. k .. "%%40example.com&phone=139" .. string.format("%%08d", k) .. "&consent=on"
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken=%(cookie)s",
  }, body)
end
"""


def is_server(cmd: str) -> bool:
    return "gunicorn" in cmd and f":{PORT}" in cmd


def csrf(event_id: int) -> tuple[str, str]:
    """The CSRF cookie and form token a visitor gets from the event page."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("GET", f"/events/{event_id}/")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def wrk_burst(event_id: int, seconds: float, connections: int) -> tuple[int, float, str]:
    cookie, token = csrf(event_id)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % {"token": token, "cookie": cookie})
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--latency",
            "-s",
            f.name,
            f"http://127.0.0.1:{PORT}/events/{event_id}/",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(f.name)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise SystemExit(f"{bad.group(1)} requests failed:\n{out}")
    m = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    elapsed = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return int(m.group(1)), elapsed, f"p99 {p99}"


def client(worker: int, event_id: int, start_at: float, stop_at: float, out: mp.Queue) -> None:
    cookie, token = csrf(event_id)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}"}
    done, bad = 0, 0
    while time.time() < start_at:
        time.sleep(0.001)
    while time.time() < stop_at:
        n = worker * 1_000_000 + done
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": f"测试{n}",
                "email": f"b{n}@example.com",
                "phone": f"139{n:08d}",
                "consent": "on",
            }
        )
        conn.request("POST", f"/events/{event_id}/", body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        done += 1
        bad += r.status != 302
    out.put((done, bad))


def python_burst(event_id: int, seconds: float, connections: int) -> tuple[int, float, str]:
    out = mp.Queue()
    start_at = time.time() + 2.0
    procs = [
        mp.Process(target=client, args=(w, event_id, start_at, start_at + seconds, out))
        for w in range(connections)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    bad = sum(r[1] for r in results)
    if bad:
        raise SystemExit(f"{bad} requests failed")
    return sum(r[0] for r in results), seconds, "Python clients"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=12)
    ap.add_argument("--capacity", type=int, default=1200)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="more than 1: gthread workers with keep-alive")
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
            *(
                ["-k", "gthread", "--threads", str(args.threads), "--keep-alive", "60"]
                if args.threads > 1
                else []
            ),
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
        burst = wrk_burst if shutil.which("wrk") else python_burst
        cpu_before = (cpu_seconds(is_server), cpu_seconds(is_postgres))
        answered, elapsed, note = burst(event.pk, args.seconds, args.connections)
        cpu_after = (cpu_seconds(is_server), cpu_seconds(is_postgres))
    finally:
        server.terminate()
        server.wait()
    from django.db import connection

    from center.events.models import Event, Registration

    event = Event.objects.get(pk=event.pk)
    rows = Registration.objects.filter(event=event)
    done = rows.count()
    confirmed = rows.filter(state="confirmed").count()
    waiting = rows.filter(state="waitlisted").count()
    kind = f"× {args.threads} threads" if args.threads > 1 else "sync"
    print(
        f"database: {connection.vendor}; gunicorn {args.workers} {kind} workers; {args.connections} connections"
    )
    print(
        f"registrations: {done} stored, {answered} answered in {elapsed:.2f} s = {answered / elapsed:.0f}/s ({note})"
    )
    web_ms = (cpu_after[0] - cpu_before[0]) / done * 1000
    db_ms = (cpu_after[1] - cpu_before[1]) / done * 1000
    print(
        f"CPU per registration: web {web_ms:.1f} ms + PostgreSQL {db_ms:.1f} ms "
        f"-> ceiling on 2 dedicated cores ~{2000 / (web_ms + db_ms):.0f}/s; load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"capacity {event.capacity}: confirmed rows {confirmed}, counter {event.confirmed_count}, waiting list {waiting}"
    )
    # Requests still in flight when the load stopped may be stored without being counted as answered.
    ok = (
        confirmed == event.confirmed_count == min(event.capacity, done)
        and confirmed + waiting == done
        and answered <= done <= answered + args.connections
    )
    print("capacity held" if ok else "CAPACITY CHECK FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
