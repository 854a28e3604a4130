"""Under real concurrency (threads with their own connections, on SQLite and PostgreSQL) the quota holds:
exactly as many freezes succeed as the quota allows, and racing approval actions have one outcome."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from center.control import approvals, services
from center.control.enums import DocState
from center.control.ledger import ledger_check
from center.control.models import Application, Quota
from center.core.errors import ApplicationError
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db(transaction=True)


def _race(n, work):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except ApplicationError as exc:
            errors.append(exc)
        except Exception as exc:  # noqa: BLE001 (anything else is a bug; asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_parallel_freezes_never_overspend(org):
    quota = quotas_ready(org, week=Decimal("10000.00"))["30227"]
    clients = 12

    def freeze(i):
        return services.application_submit(
            actor=org["staff_inn"],
            app_type="event",
            title=f"活动{i}",
            year=YEAR,
            lines=[(quota.pk, "1000.00")],
        )

    results, errors = _race(clients, freeze)
    unexpected = [e for e in errors if not isinstance(e, ApplicationError)]
    assert unexpected == []
    assert len(results) == 10 and len(errors) == 2
    assert all("可用余额不足" in e.message for e in errors)
    quota.refresh_from_db()
    assert (quota.frozen, quota.available) == (Decimal("10000.00"), Decimal("0.00"))
    assert Application.objects.count() == 10
    assert ledger_check() == []


def test_two_approvers_at_once_give_one_outcome(org):
    q = quotas_ready(org)
    app = services.application_submit(
        actor=org["staff_inn"],
        app_type="event",
        title="并发审批",
        year=YEAR,
        lines=[(q["30227"].pk, "1000.00")],
    )
    task = approvals.task_for_actor(app, org["head_inn"])
    # head_inn and a delegate of head_inn act on the same task at the same moment
    from datetime import timedelta

    from django.utils import timezone

    from center.accounts.services import delegation_create

    now = timezone.now()
    delegation_create(
        actor=org["head_inn"],
        delegate_id=org["deputy1"].pk,
        starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(hours=1),
        reason="并发",
    )
    actors = [org["head_inn"], org["deputy1"]]
    results, errors = _race(
        2,
        lambda i: services.application_act(
            actor=actors[i], application_id=app.pk, task_id=task.pk, action="approve"
        ),
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ApplicationError)
    assert approvals.chain_tasks(app).filter(state="approved").count() == 1


def test_approve_versus_withdraw_has_one_outcome(org):
    q = quotas_ready(org)
    app = services.application_submit(
        actor=org["staff_inn"],
        app_type="event",
        title="撤回竞争",
        year=YEAR,
        lines=[(q["30227"].pk, "1000.00")],
    )
    task = approvals.task_for_actor(app, org["head_inn"])
    work = [
        lambda: services.application_act(
            actor=org["head_inn"], application_id=app.pk, task_id=task.pk, action="approve"
        ),
        lambda: services.application_withdraw(actor=org["staff_inn"], application_id=app.pk),
    ]
    results, errors = _race(2, lambda i: work[i]())
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], ApplicationError)
    app.refresh_from_db()
    quota = Quota.objects.get(pk=q["30227"].pk)
    if app.state == DocState.WITHDRAWN:
        assert quota.frozen == 0 and not approvals.chain_tasks(app).filter(state="approved").exists()
    else:
        assert app.state == DocState.PENDING and quota.frozen == Decimal("1000.00")
    assert ledger_check() == []
