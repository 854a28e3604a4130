"""Registration burst through real HTTP: gunicorn serving the public registration page, many connections posting
at once for a fixed time, more people than seats. In the same run, with the same workers and connections, the
stack's floor (a trivial view behind the whole middleware stack, routed only by bench/settings.py) and the public
event page (GET, as anonymous visitors load it, from the page cache) are measured, and the ratios printed.
Checks that capacity held.

    .venv/bin/python bench/events_registration.py [--seconds 12] [--capacity 1200] [--connections 16] [--bad 0.1]
    BENCH_SQLITE=1 .venv/bin/python bench/events_registration.py          # SQLite instead of PostgreSQL

PostgreSQL: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_events (dropped and created again);
BENCH_PORT (default 8611) for the server. Phases, 12 s each: the floor, the event page, the clean registration
burst, then (unless `--bad 0`) a burst on a second event in which one request in ten is bad (a malformed form, a duplicate
person, a CSRF token from another cookie, no token, no cookie); the valid ones must keep their rate, every bad
one must get a 4xx and nothing may be stored for them (rows are counted after).

The load comes from `wrk` (C; `apt-get install wrk`) so that the load generator takes little of the two
cores from the server; without wrk, Python client processes post instead (slower: they compete for the CPU).
Targets (issue 22): registrations ≥ 25 % of the floor, the public event page ≥ 50 % of the floor, 0 errors,
capacity never exceeded.
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

PORT = int(os.environ.get("BENCH_PORT", "8611"))

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

# One request in `every` is bad, in turn: a malformed form (an invalid e-mail, no name, no consent box, a NUL
# byte), a duplicate of the thread's previous valid person, a token masked from another cookie's secret (an
# expired token: the cookie changed), no token, no cookie. Statuses are counted per class by `response`.
# Bad people are named "坏…" (URL-encoded %%E5%%9D%%8F) so that the rows can be checked afterwards.
WRK_BAD_SCRIPT = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
function init(args)
  n = 0
  ok = 0
  bad4 = 0
  other = 0
  sent_bad = 0
end
local kinds = {
  "bademail", "noname", "noconsent", "nul", "duplicate", "othertoken", "notoken", "nocookie",
}
local function valid(k)
  return "&name=%%E6%%B5%%8B%%E8%%AF%%95" .. k .. "&email=v" .. k .. "%%40example.com&phone=138"
    .. string.format("%%08d", k) .. "&consent=on"
end
request = function()
  n = n + 1
  local k = tid * 1000000 + n
  local token = "csrfmiddlewaretoken=%(token)s"
  local cookie = "csrftoken=%(cookie)s"
  local body = token .. valid(k)
  if n %% %(every)d == 0 then
    sent_bad = sent_bad + 1
    local kind = kinds[(math.floor(n / %(every)d) %% #kinds) + 1]
    local bad = "&name=%%E5%%9D%%8F" .. k .. "&email=x" .. k .. "%%40example.com&phone=137"
      .. string.format("%%08d", k) .. "&consent=on"
    if kind == "bademail" then
      body = token .. "&name=%%E5%%9D%%8F" .. k .. "&email=not-an-email&phone=137"
        .. string.format("%%08d", k) .. "&consent=on"
    elseif kind == "noname" then
      body = token .. "&name=&email=x" .. k .. "%%40example.com&phone=137" .. string.format("%%08d", k)
        .. "&consent=on"
    elseif kind == "noconsent" then
      body = token .. "&name=%%E5%%9D%%8F" .. k .. "&email=x" .. k .. "%%40example.com&phone=137"
        .. string.format("%%08d", k)
    elseif kind == "nul" then
      body = token .. "&name=%%E5%%9D%%8F%%00" .. k .. "&email=x" .. k .. "%%40example.com&phone=137"
        .. string.format("%%08d", k) .. "&consent=on"
    elseif kind == "duplicate" then
      -- the person of a valid request of this thread sent `every - 1` requests ago (answered by now: at most
      -- connections / threads requests are in flight): same e-mail and phone
      local d = k - (%(every)d - 1)
      body = token .. "&name=%%E5%%9D%%8F" .. k .. "&email=v" .. d .. "%%40example.com&phone=138"
        .. string.format("%%08d", d) .. "&consent=on"
    elseif kind == "othertoken" then
      body = "csrfmiddlewaretoken=%(other_token)s" .. bad
    elseif kind == "notoken" then
      body = string.sub(bad, 2)
    elseif kind == "nocookie" then
      cookie = ""
      body = token .. bad
    end
  end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
  }, body)
end
response = function(status, headers, body)
  if status == 302 then ok = ok + 1
  elseif status >= 400 and status < 500 then bad4 = bad4 + 1
  else other = other + 1 end
end
done = function(summary, latency, requests)
  local t = {0, 0, 0, 0}
  for _, thread in ipairs(threads) do
    t[1] = t[1] + thread:get("ok")
    t[2] = t[2] + thread:get("bad4")
    t[3] = t[3] + thread:get("other")
    t[4] = t[4] + thread:get("sent_bad")
  end
  io.write(string.format("STATUSES ok=%%d bad4=%%d other=%%d sent_bad=%%d\\n", t[1], t[2], t[3], t[4]))
end
"""


def csrf(event_id: int) -> tuple[str, str]:
    """The CSRF cookie and form token a visitor gets from the event page."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    conn.request("GET", f"/events/{event_id}/")
    resp = conn.getresponse()
    html = resp.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", resp.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return cookie, token


def run_wrk(url: str, seconds: float, connections: int, script: str | None = None) -> str:
    args = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency"]
    path = None
    if script:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(script)
        path = f.name
        args += ["-s", path]
    try:
        return subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    finally:
        if path:
            os.unlink(path)


def wrk_figures(out: str, allow_errors: bool = False) -> tuple[int, float, str]:
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad and not allow_errors:
        raise SystemExit(f"{bad.group(1)} requests failed:\n{out}")
    m = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    elapsed = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)
    return int(m.group(1)), elapsed, f"p50 {p50}, p99 {p99}"


def wrk_burst(event_id: int, seconds: float, connections: int) -> tuple[int, float, str]:
    cookie, token = csrf(event_id)
    out = run_wrk(
        f"http://127.0.0.1:{PORT}/events/{event_id}/",
        seconds,
        connections,
        WRK_SCRIPT % {"token": token, "cookie": cookie},
    )
    return wrk_figures(out)


def wrk_get(path: str, seconds: float, connections: int) -> tuple[int, float, str]:
    return wrk_figures(run_wrk(f"http://127.0.0.1:{PORT}{path}", seconds, connections))


def wrk_bad_burst(
    event_id: int, seconds: float, connections: int, every: int
) -> tuple[int, float, str, dict]:
    cookie, token = csrf(event_id)
    _other_cookie, other_token = csrf(event_id)  # a token of another visitor's cookie: refused with ours
    out = run_wrk(
        f"http://127.0.0.1:{PORT}/events/{event_id}/",
        seconds,
        connections,
        WRK_BAD_SCRIPT % {"token": token, "cookie": cookie, "other_token": other_token, "every": every},
    )
    answered, elapsed, note = wrk_figures(out, allow_errors=True)
    m = re.search(r"STATUSES ok=(\d+) bad4=(\d+) other=(\d+) sent_bad=(\d+)", out)
    statuses = dict(zip(("ok", "bad4", "other", "sent_bad"), map(int, m.groups()), strict=True))
    return answered, elapsed, note, statuses


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


def getter(path: str, start_at: float, stop_at: float, out: mp.Queue) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    done, bad = 0, 0
    while time.time() < start_at:
        time.sleep(0.001)
    while time.time() < stop_at:
        conn.request("GET", path)
        r = conn.getresponse()
        r.read()
        done += 1
        bad += r.status != 200
    out.put((done, bad))


def python_run(target, args_of, seconds: float, connections: int) -> tuple[int, float, str]:
    out = mp.Queue()
    start_at = time.time() + 2.0
    procs = [
        mp.Process(target=target, args=(*args_of(w), start_at, start_at + seconds, out))
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


def python_burst(event_id: int, seconds: float, connections: int) -> tuple[int, float, str]:
    return python_run(client, lambda w: (w, event_id), seconds, connections)


def python_get(path: str, seconds: float, connections: int) -> tuple[int, float, str]:
    return python_run(getter, lambda w: (path,), seconds, connections)


def is_server(cmd: str) -> bool:
    return "gunicorn" in cmd and f":{PORT}" in cmd


def start_server(args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "bench.settings"}
    threads = (
        ["-k", "gthread", "--threads", str(args.threads), "--keep-alive", "60"] if args.threads > 1 else []
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            str(args.workers),
            *threads,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            c.request("GET", "/bench/floor/")
            c.getresponse().read()
            break
        except OSError:
            time.sleep(0.2)
    return server


def measured(fn, *args):
    """Run one phase; return its figures and the server's and the database's CPU seconds meanwhile."""
    before = (cpu_seconds(is_server), cpu_seconds(is_postgres))
    figures = fn(*args)
    after = (cpu_seconds(is_server), cpu_seconds(is_postgres))
    return figures, after[0] - before[0], after[1] - before[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=12)
    ap.add_argument("--capacity", type=int, default=1200)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="more than 1: gthread workers with keep-alive")
    ap.add_argument(
        "--bad", type=float, default=0.1, help="share of bad requests in the fourth phase (0: no such phase)"
    )
    args = ap.parse_args()
    setup_django()
    event = make_event(args.capacity)
    bad_event = make_event(args.capacity, title="基准测试活动（坏输入）") if args.bad else None
    use_wrk = shutil.which("wrk")
    get, burst = (wrk_get, wrk_burst) if use_wrk else (python_get, python_burst)
    server = start_server(args)
    try:
        floor = measured(get, "/bench/floor/", args.seconds, args.connections)
        page = measured(get, f"/events/{event.pk}/", args.seconds, args.connections)
        regs = measured(burst, event.pk, args.seconds, args.connections)
        bad = None
        if bad_event is not None:
            if not use_wrk:
                raise SystemExit("--bad needs wrk")
            bad = measured(wrk_bad_burst, bad_event.pk, args.seconds, args.connections, round(1 / args.bad))
    finally:
        server.terminate()
        server.wait()
    from django.db import connection

    from center.events.models import Event, Registration

    kind = f"× {args.threads} threads" if args.threads > 1 else "sync"
    db = connection.vendor
    print(f"database: {db}; gunicorn {args.workers} {kind} workers; {args.connections} connections")

    def rate(phase) -> float:
        answered, elapsed, _note = phase[0][:3]
        return answered / elapsed

    floor_rate = rate(floor)
    print(
        f"floor (trivial view, full stack): {floor_rate:.0f}/s ({floor[0][2]}), web CPU "
        f"{floor[1] / floor[0][0] * 1000:.2f} ms per request"
    )
    print(
        f"public event page (GET, anonymous): {rate(page):.0f}/s ({page[0][2]}) = "
        f"{rate(page) / floor_rate:.0%} of the floor (target ≥ 50 %), web CPU "
        f"{page[1] / page[0][0] * 1000:.2f} ms per request"
    )

    event = Event.objects.get(pk=event.pk)
    rows = Registration.objects.filter(event=event)
    done = rows.count()
    confirmed = rows.filter(state="confirmed").count()
    waiting = rows.filter(state="waitlisted").count()
    answered, elapsed, note = regs[0]
    print(
        f"registrations: {done} stored, {answered} answered in {elapsed:.2f} s = {answered / elapsed:.0f}/s "
        f"({note}) = {answered / elapsed / floor_rate:.0%} of the floor (target ≥ 25 %)"
    )
    web_ms, db_ms = regs[1] / done * 1000, regs[2] / done * 1000
    db_part = f" + PostgreSQL {db_ms:.1f} ms" if db == "postgresql" else " (SQLite's work included)"
    print(f"CPU per registration: web {web_ms:.1f} ms{db_part}; load {os.getloadavg()[0]:.1f}")
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
    if bad is not None:
        ok = report_bad(bad, bad_event, args, answered / elapsed) and ok
    return 0 if ok else 1


def report_bad(bad, bad_event, args, clean_rate: float) -> bool:
    from center.events.models import Event, Registration

    answered, elapsed, note, st = bad[0]
    ev = Event.objects.get(pk=bad_event.pk)
    rows = Registration.objects.filter(event=ev)
    stored = rows.count()
    bad_rows = rows.filter(name__startswith="坏").count()
    dup = stored - len(set(rows.values_list("email_index", flat=True)))
    confirmed = rows.filter(state="confirmed").count()
    print(
        f"bad input ({args.bad:.0%} of requests): {answered} answered in {elapsed:.2f} s; valid "
        f"{st['ok']} → {st['ok'] / elapsed:.0f}/s ({st['ok'] / elapsed / clean_rate:.0%} of the clean burst's "
        f"rate), bad sent {st['sent_bad']}, 4xx {st['bad4']}, other answers {st['other']} ({note})"
    )
    print(f"  rows stored {stored} (valid answered {st['ok']}), of bad people {bad_rows}, duplicates {dup}")
    ok = (
        st["other"] == 0
        and bad_rows == 0
        and dup == 0
        and st["ok"] <= stored <= st["ok"] + args.connections
        and abs(st["bad4"] - st["sent_bad"]) <= args.connections
        and confirmed == ev.confirmed_count <= ev.capacity
    )
    print("bad input refused, nothing stored for it" if ok else "BAD INPUT CHECK FAILED")
    return ok


if __name__ == "__main__":
    sys.exit(main())
