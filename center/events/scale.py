"""Scale data (`manage.py scale_seed`): 120 × factor events over 2022–2026 and 50,000 × factor registrations.

Every event is planned and walked through its lifecycle by the services (submit, approve, publish, open and
close registration, held, report, close) up to where its date puts it: past events are closed, coming ones
take registrations. Coming events' registrations (5 % of them) go through the public registration service
(seat counter, duplicate checks, audit, confirmation e-mail queued). Past events' registrations are the plain
rows those registrations end as (confirmed, a seat counted), bulk-created as the events demo does for its
2022 events: the service would add nothing but an audit entry and an e-mail per row, at ~8 ms each.
"""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from center.accounts.models import User
from center.core.crypto import blind_index

from . import services
from .demo import GIVEN, ORGS, SURNAMES
from .enums import RegistrationState
from .models import Event, EventType, Registration
from .services.registration import CONSENT_VERSION

EVENTS_PER_FACTOR = 120
REGISTRATIONS_PER_FACTOR = 50_000
LIVE_SHARE = 0.05
OWNERS = {"staff_exc": "head_exc", "staff_inn": "head_inn", "staff_exp": "head_exp"}
TOPICS = ["人工智能", "生物医药", "新能源汽车", "海洋经济", "集成电路", "低空经济", "科技金融", "数字创意"]
FORMATS = ["论坛", "沙龙", "路演", "培训", "交流会", "研讨会"]


def generate(factor: float, stdout, rng) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=[*OWNERS, *OWNERS.values()])}
    types = list(EventType.objects.filter(is_roadshow=False).order_by("pk"))
    n = max(2, round(EVENTS_PER_FACTOR * factor))
    now = timezone.now()
    first = timezone.make_aware(datetime(2022, 1, 10, 9, 30))
    span = (now + timedelta(days=60) - first).total_seconds()
    # ~1 in 12 events lies ahead (the last two months of the span): the rest are held and closed.
    starts = sorted(first + timedelta(seconds=span * (i + rng.random()) / n) for i in range(n))
    total = round(REGISTRATIONS_PER_FACTOR * factor)
    upcoming = [s for s in starts if s > now]  # the rest has begun: it can be marked held
    live = round(total * LIVE_SHARE)
    per_past = (total - live) / max(1, len(starts) - len(upcoming))
    per_live = live / max(1, len(upcoming))
    seq = 0
    for i, start in enumerate(starts):
        owner = rng.choice(list(OWNERS))
        future = start in upcoming
        want = max(1, round((per_live if future else per_past) * rng.uniform(0.7, 1.3)))
        topic, form = rng.choice(TOPICS), rng.choice(FORMATS)
        event = services.event_create(
            actor=users[owner],
            type=rng.choice(types),
            title=f"{start.year}{topic}{form}（第{i + 1}期）",
            summary=f"围绕{topic}的{form}，邀请企业、高校和专家交流。",
            starts_at=start,
            ends_at=start + timedelta(hours=rng.choice([3, 4, 6])),
            venue="深圳市科学技术协会大厦报告厅",
            capacity=max(want, round(want * rng.uniform(1.0, 1.2))),
            planned_cost=Decimal(0),
        )
        head = users[OWNERS[owner]]
        services.event_submit(actor=users[owner], event_id=event.pk)
        services.event_approve(actor=head, event_id=event.pk)
        for verb in ("publish", "open_registration"):
            services.SERVICES_BY_VERB[verb](actor=users[owner], event_id=event.pk)
        if future:
            for _k in range(want):
                seq += 1
                name, phone = _person(rng, seq)
                services.registration_create(
                    event_id=event.pk,
                    name=name,
                    email=f"guest{seq}@example.com",
                    phone=phone,
                    organisation=rng.choice(ORGS),
                    consent=True,
                )
            continue
        seq = _past_registrations(event, want, rng, seq)
        services.event_close_registration(actor=users[owner], event_id=event.pk)
        services.event_mark_held(actor=users[owner], event_id=event.pk)
        services.report_save(
            actor=users[owner],
            event_id=event.pk,
            summary=f"{topic}{form}如期举办。",
            outcomes="达成合作意向若干项。",
        )
        services.event_report(actor=users[owner], event_id=event.pk)
        services.event_close(actor=users[owner], event_id=event.pk)
        Event.objects.filter(pk=event.pk).update(  # the dates of the story, not of the day it was loaded
            approved_at=start - timedelta(days=30),
            held_at=event.ends_at,
            reported_at=event.ends_at + timedelta(days=7),
        )
    stdout.write(f"  events: {Event.objects.count()} events, {Registration.objects.count()} registrations")


def _person(rng, seq: int) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return name, f"13{rng.randint(5, 9)}{seq % 100_000_000:08d}"


def _past_registrations(event: Event, count: int, rng: random.Random, seq: int) -> int:
    codes = set()
    while len(codes) < count:
        codes.add("".join(rng.choice(services.CODE_ALPHABET) for _i in range(services.CODE_LENGTH)))
    codes = sorted(codes)
    rows = []
    for i in range(count):
        seq += 1
        name, phone = _person(rng, seq)
        email = f"guest{seq}@example.com"
        at = event.starts_at - timedelta(days=rng.randint(1, 20))
        rows.append(
            Registration(
                event=event,
                token=f"{rng.getrandbits(190):048x}"[:48],
                code=codes[i],
                name=name,
                email=email,
                email_index=email,
                phone=phone,
                phone_index=blind_index(phone),
                organisation=rng.choice(ORGS),
                state=RegistrationState.CONFIRMED,
                consented_at=at,
                consent_version=CONSENT_VERSION,
                confirmed_at=at,
                checked_in_at=event.starts_at if rng.random() < 0.8 else None,
            )
        )
    Registration.objects.bulk_create(rows, batch_size=2000)
    Event.objects.filter(pk=event.pk).update(confirmed_count=F("confirmed_count") + count)
    return seq
