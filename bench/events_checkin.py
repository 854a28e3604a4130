"""Check-in latency with 5,000 registrations: the staff page's HTMX scan (full middleware stack,
session, policy check, service, partial render), on PostgreSQL by default (BENCH_SQLITE=1: SQLite).

    .venv/bin/python bench/events_checkin.py [--registrations 5000] [--scans 1000]

Target (issue 6): a scan answers in ≤ 100 ms p95.
"""

import argparse
import secrets
import statistics
import sys
import time

from events_common import make_event, setup_django


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--registrations", type=int, default=5000)
    ap.add_argument("--scans", type=int, default=1000)
    args = ap.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from center.accounts.models import User
    from center.core.crypto import blind_index
    from center.events import services
    from center.events.models import Event, Registration

    settings.ALLOWED_HOSTS.append("testserver")
    event = make_event(args.registrations)
    rows = []
    for i in range(args.registrations):
        phone = f"139{i:08d}"
        rows.append(
            Registration(
                event=event,
                token=secrets.token_urlsafe(24),
                code=services._random_code(),
                name=f"参会者{i}",
                email=f"a{i}@example.com",
                email_index=f"a{i}@example.com",
                phone=phone,
                phone_index=blind_index(phone),
                state="confirmed",
            )
        )
    Registration.objects.bulk_create(rows, batch_size=1000)
    Event.objects.filter(pk=event.pk).update(confirmed_count=args.registrations)
    tickets = list(Registration.objects.filter(event=event).values_list("token", "code"))
    client = Client()
    client.force_login(User.objects.get(username="staff_exc"))
    url = f"/events/manage/{event.pk}/checkin/"
    client.get(url)
    times, ok = [], 0
    for i, (token, code) in enumerate(tickets[: args.scans]):
        raw = services.QR_PREFIX + token if i % 2 == 0 else code  # half scanned, half typed
        t = time.perf_counter()
        r = client.post(url, {"code": raw}, HTTP_HX_REQUEST="true")
        times.append(time.perf_counter() - t)
        ok += "签到成功" in r.content.decode()
    # the same tickets again: refused as duplicates, just as fast
    dup_times = []
    for token, _code in tickets[:200]:
        t = time.perf_counter()
        client.post(url, {"code": services.QR_PREFIX + token}, HTTP_HX_REQUEST="true")
        dup_times.append(time.perf_counter() - t)
    times.sort()
    dup_times.sort()
    p95 = times[int(len(times) * 0.95) - 1] * 1000
    print(
        f"database: {connection.vendor}; {args.registrations} registrations; {len(times)} scans ({ok} checked in)"
    )
    print(
        f"scan latency: median {statistics.median(times) * 1000:.1f} ms, p95 {p95:.1f} ms, max {times[-1] * 1000:.1f} ms"
    )
    print(f"duplicate scans refused: p95 {dup_times[int(len(dup_times) * 0.95) - 1] * 1000:.1f} ms")
    return 0 if ok == len(times) else 1


if __name__ == "__main__":
    sys.exit(main())
