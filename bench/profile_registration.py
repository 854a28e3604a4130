"""Where a registration's time goes: N registration POSTs (and N public event page GETs) through the whole
middleware stack in one process (Django's test client, CSRF checks on), under cProfile; prints the top
functions by cumulative and by own time, and the queries of one registration.

    .venv/bin/python bench/profile_registration.py [--n 300] [--page]   # PostgreSQL (DATABASE_URL); BENCH_SQLITE=1
"""

import argparse
import cProfile
import pstats
import re
import sys
import time
from urllib.parse import urlencode

from events_common import make_event, setup_django


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--page", action="store_true", help="profile the public event page's GET instead")
    ap.add_argument("--top", type=int, default=45)
    args = ap.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS.append("testserver")
    event = make_event(args.n * 2 + 10)
    url = f"/events/{event.pk}/"
    c = Client(enforce_csrf_checks=True)
    html = c.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    seq = iter(range(10**6))

    def post():
        n = next(seq)
        body = urlencode(
            {
                "csrfmiddlewaretoken": token,
                "name": f"测试{n}",
                "email": f"p{n}@example.com",
                "phone": f"139{n:08d}",
                "consent": "on",
            }
        )
        r = c.post(url, body, content_type="application/x-www-form-urlencoded")  # as a browser sends it
        assert r.status_code == 302, r.status_code

    def get():
        assert c.get(url).status_code == 200

    step = get if args.page else post
    for _ in range(20):
        step()
    with CaptureQueriesContext(connection) as q:
        step()
    print(f"{len(q.captured_queries)} queries:")
    for one in q.captured_queries:
        print("  ", one["sql"][:160])
    started = time.perf_counter()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.n):
        step()
    prof.disable()
    print(f"{(time.perf_counter() - started) / args.n * 1000:.2f} ms per request under the profiler")
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(args.n):
        step()
    print(
        f"without it: {(time.perf_counter() - t0) / args.n * 1000:.2f} ms per request; CPU of this process "
        f"(the web side and the test client) {(time.process_time() - c0) / args.n * 1000:.2f} ms"
    )
    st = pstats.Stats(prof)
    st.sort_stats("cumulative").print_stats(args.top)
    st.sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
