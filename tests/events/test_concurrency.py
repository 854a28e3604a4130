"""Everything at once, with real threads and connections (SQLite and PostgreSQL): some threads approve events
(which freezes money through budget control) and cancel approved ones (which releases it), others register
and cancel registrations on the same events, all on one budget item's shared quotas. No deadlock, no lock
error; capacity never exceeded; every acknowledged action has its effect; the ledger and the audit chain
check out afterwards."""

import random
import threading
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from center.budget.models import ProjectItem
from center.control.enums import DocState
from center.control.ledger import ledger_check
from center.control.models import Application, Quota
from center.control.services import CANCELLABLE
from center.core.audit import audit_chain_verify
from center.core.errors import ApplicationError, BusyError
from center.events import services
from center.events.enums import ACTIVE_REGISTRATION_STATES, EventState, RegistrationState
from center.events.models import Event, Registration
from tests.control.factories import YEAR, quotas_ready

from .conftest import person

pytestmark = pytest.mark.django_db(transaction=True)

COST = Decimal("1000.00")


def _event(org, event_type, item, title, capacity=3):
    start = timezone.make_aware(datetime(YEAR, 6, 1, 9))
    return services.event_create(
        actor=org["staff_inn"],
        type=event_type,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
        budget_item=item,
        planned_cost=COST,
    )


def _approved_open(org, event_type, item, title):
    """An event approved (its money frozen) and open for registration."""
    event = _event(org, event_type, item, title)
    services.event_submit(actor=org["staff_inn"], event_id=event.pk)
    services.event_approve(actor=org["head_inn"], event_id=event.pk)
    services.event_publish(actor=org["staff_inn"], event_id=event.pk)
    services.event_open_registration(actor=org["staff_inn"], event_id=event.pk)
    return event


def test_approvals_cancellations_and_registrations_at_once(org, event_type):
    # Money for four events on the item's two quotas (30227: 3,000, 30215: 1,000): approvals compete for it,
    # cancelled events give it back while they run.
    quotas_ready(org, week=Decimal("3000.00"), week_meeting=Decimal("1000.00"))
    item = ProjectItem.objects.get(name="创新周", project__budget__fiscal_year__year=YEAR)
    to_cancel = [_approved_open(org, event_type, item, f"取消的活动{i}") for i in range(2)]
    staying = [_approved_open(org, event_type, item, "照常举办")]
    to_approve = [_event(org, event_type, item, f"待批准的活动{i}") for i in range(4)]
    for event in to_approve:
        services.event_submit(actor=org["staff_inn"], event_id=event.pk)
    open_events = to_cancel + staying

    lock = threading.Lock()
    done = defaultdict(list)  # acknowledged actions: kind -> [(…)]
    refused, failures = [], []
    start = threading.Barrier(8)

    def run(work):
        def body():
            try:
                start.wait()
                work()
            except Exception as exc:  # noqa: BLE001 (anything escaping a worker is a failure, asserted below)
                failures.append(exc)
            finally:
                connection.close()

        return threading.Thread(target=body)

    def attempt(kind, fn, *key):
        try:
            result = fn()
        except BusyError as exc:  # a lost lock race after the unit's retries: a failure here
            failures.append(exc)
        except ApplicationError as exc:  # a refusal: nothing changed (checked through the totals below)
            refused.append((kind, exc.message))
        else:
            with lock:
                done[kind].append((*key, result))
            return result
        return None

    def approver(events):
        def work():
            for event in events:
                attempt(
                    "approve",
                    lambda e=event: services.event_approve(actor=org["head_inn"], event_id=e.pk),
                    event.pk,
                )

        return work

    def canceller(event):
        def work():
            attempt(
                "cancel_event",
                lambda: services.event_cancel(actor=org["staff_inn"], event_id=event.pk, reason="台风"),
                event.pk,
            )

        return work

    def registrant(w):
        rng = random.Random(w)  # noqa: S311 (test data)

        def work():
            own = []
            for i in range(6):
                event = rng.choice(open_events)
                reg = attempt(
                    "register",
                    lambda e=event, n=w * 100 + i: services.registration_create(event_id=e.pk, **person(n)),
                )
                if reg is not None:
                    own.append(reg)
                if i % 2 and own:
                    mine = own.pop(rng.randrange(len(own)))
                    attempt(
                        "cancel_registration",
                        lambda r=mine: services.registration_cancel(token=r.token),
                        mine.pk,
                    )

        return work

    threads = [
        run(approver(to_approve[0::2])),
        run(approver(to_approve[1::2])),
        run(canceller(to_cancel[0])),
        run(canceller(to_cancel[1])),
        *(run(registrant(w)) for w in range(41, 45)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)

    assert failures == [] and not any(isinstance(f, OperationalError) for f in failures)
    assert done["register"] and len(done["cancel_event"]) == 2
    # Refusals are the expected ones only: money ran out, registration closed by the cancellation, a second
    # cancellation of the same registration.
    for kind, _message in refused:
        assert kind in ("approve", "register", "cancel_registration"), refused

    # Capacity: the counter is the number of confirmed registrations, never above capacity, and an open
    # event with a free seat has nobody waiting.
    for event in Event.objects.filter(pk__in=[e.pk for e in open_events]):
        confirmed = event.registrations.filter(state=RegistrationState.CONFIRMED).count()
        assert confirmed == event.confirmed_count <= event.capacity
        if event.state == EventState.REGISTRATION_OPEN and confirmed < event.capacity:
            assert not event.registrations.filter(state=RegistrationState.WAITLISTED).exists()

    # Every acknowledged action has its effect.
    for event_id, _event_obj in done["cancel_event"]:
        event = Event.objects.get(pk=event_id)
        assert event.state == EventState.CANCELLED
        assert Application.objects.get(number=event.application_ref).state not in CANCELLABLE  # released
    for event_id, _event_obj in done["approve"]:
        event = Event.objects.get(pk=event_id)
        assert event.state == EventState.APPROVED and event.application_ref
        assert Application.objects.get(number=event.application_ref).state == DocState.PENDING
    for event in Event.objects.filter(pk__in=[e.pk for e in to_approve]).exclude(
        pk__in=[pk for pk, _e in done["approve"]]
    ):
        assert event.state == EventState.SUBMITTED and not event.application_ref
    cancelled = {pk for pk, _r in done["cancel_registration"]}
    for (reg,) in done["register"]:
        state = Registration.objects.get(pk=reg.pk).state
        if reg.pk in cancelled:
            assert state == RegistrationState.CANCELLED
        else:
            assert state in ACTIVE_REGISTRATION_STATES
    assert Registration.objects.count() == len(done["register"])

    # Money: what stays frozen is exactly the cost of the events approved and not cancelled.
    frozen = sum(Quota.objects.filter(item=item, year=YEAR).values_list("frozen", flat=True), Decimal(0))
    live = Event.objects.filter(state__in=[EventState.APPROVED, EventState.REGISTRATION_OPEN]).count()
    assert frozen == COST * live
    assert ledger_check() == []
    assert audit_chain_verify() is None
