"""Shared set-up of the events benchmarks: a fresh database with the demo organisation and one event.

PostgreSQL by default (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_events: created
dropped and created again). Set BENCH_SQLITE=1 to use /tmp/bench-events.sqlite3 instead.
"""

import os
import sys
from pathlib import Path

from _db import fresh_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
if os.environ.get("BENCH_SQLITE"):
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("SQLITE_PATH", "/tmp/bench-events.sqlite3")
else:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_events")


class Quiet:
    def write(self, *_a, **_k):
        pass


def setup_django():
    if os.environ.get("DATABASE_URL"):
        fresh_database(os.environ["DATABASE_URL"])
    else:
        Path(os.environ["SQLITE_PATH"]).unlink(missing_ok=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from center.accounts import demo as accounts_demo

    accounts_demo.seed(Quiet())


def make_event(capacity: int, title: str = "基准测试活动"):
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from center.accounts.models import User
    from center.events import services
    from center.events.enums import EventState
    from center.events.models import Event, EventType

    et = EventType.objects.get_or_create(code="seminar", defaults={"name": "学术研讨会"})[0]
    start = timezone.now() + timedelta(days=2)
    event = services.event_create(
        actor=User.objects.get(username="staff_exc"),
        type=et,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        planned_cost=Decimal("1000"),
    )
    # Check-in opens 3 days ahead (the default window is the event's day): the check-in bench scans now.
    Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN, checkin_opens_hours=72)
    return event
