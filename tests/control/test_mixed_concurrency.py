"""A mixed workload under real concurrency (threads with their own connections, SQLite and PostgreSQL).

Issue 12: on PostgreSQL, submissions (quota → audit head) and withdrawals (audit head → quota) on one quota
deadlocked. Every unit of work now takes its locks in one declared order (documents → tasks → quotas → the
audit head, appended last), so any mix of actions on shared quotas and documents must run without a single
lost lock race: no deadlock, no lock timeout, no retry, no `BusyError`, no unexpected error. Every action that
answered has its effect, the ledger adds up and the audit chain verifies.
"""

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from center.control import approvals, services
from center.control.enums import DocState
from center.control.ledger import ledger_check
from center.control.models import (
    Application,
    ApplicationLine,
    Payment,
    Quota,
    Reimbursement,
    ReimbursementLine,
)
from center.core import services as units
from center.core.audit import audit_chain_verify
from center.core.errors import ApplicationError
from tests.control.factories import YEAR, approve_all, claim, quotas_ready

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 4
AMOUNT = "1000.00"


def _apply(org, quota, title):
    return services.application_submit(
        actor=org["staff_inn"], app_type="event", title=title, year=YEAR, lines=[(quota.pk, AMOUNT)]
    )


def _quota(app):
    return app.lines.get().quota


def _task(app, user):
    return approvals.task_for_actor(app, user).pk


def test_a_mixed_workload_on_shared_quotas_never_loses_a_lock_race(org, monkeypatch):
    q = quotas_ready(org)
    week, meeting = q["30227"], q["30215"]  # two quotas every thread works on
    staff, head, cashier = org["staff_inn"], org["head_inn"], org["cashier"]
    rng = random.Random(12)
    quota_of = [week, meeting]

    # Documents in every starting state the actions need, spread over both quotas.
    pending = [_apply(org, quota_of[i % 2], f"待处理{i}") for i in range(THREADS * 3 + 2)]
    approved = [approve_all(org, _apply(org, quota_of[i % 2], f"已批准{i}")) for i in range(THREADS * 2 + 1)]
    to_pay = []
    for i in range(THREADS):
        app = approve_all(org, _apply(org, quota_of[i % 2], f"待支付{i}"))
        r = claim(org, app, quota_of[i % 2], AMOUNT, number=f"{70000000 + i}")
        to_pay.append((app, approve_all(org, r, services.reimbursement_act)))

    tasks = {app.pk: _task(app, head) for app in pending}
    quota_of_app = {app.pk: _quota(app) for app in approved}
    ops = []  # (name, document, callable); `expect` says what a success leaves behind
    for i in range(THREADS):
        quota = quota_of[i % 2]
        ops.append(("submit", None, lambda quota=quota, i=i: _apply(org, quota, f"并发提交{i}")))
        wd, rj, rt = pending[3 * i], pending[3 * i + 1], pending[3 * i + 2]
        ops.append(
            ("withdraw", wd, lambda d=wd: services.application_withdraw(actor=staff, application_id=d.pk))
        )
        ops.append(
            (
                "reject",
                rj,
                lambda d=rj, t=tasks[rj.pk]: services.application_act(
                    actor=head, application_id=d.pk, task_id=t, action="reject", comment="不符合"
                ),
            )
        )
        ops.append(
            (
                "return",
                rt,
                lambda d=rt, t=tasks[rt.pk]: services.application_act(
                    actor=head, application_id=d.pk, task_id=t, action="return", comment="请补充"
                ),
            )
        )
        cancel, to_claim = approved[2 * i], approved[2 * i + 1]
        ops.append(
            (
                "cancel",
                cancel,
                lambda d=cancel: services.application_cancel(actor=staff, application_id=d.pk, reason="取消"),
            )
        )
        ops.append(
            (
                "claim",
                to_claim,
                lambda d=to_claim, qt=quota_of_app[to_claim.pk], i=i: claim(
                    org, d, qt, AMOUNT, number=f"{80000000 + i}"
                ),
            )
        )
        app, r = to_pay[i]
        ops.append(
            (
                "pay",
                r,
                lambda r=r: services.payment_record(actor=cashier, reimbursement_id=r.pk, method="bank"),
            )
        )
    # The same documents contested: withdraw against reject, and cancel against a claim — one of each wins.
    contested = pending[-2], approved[-1]
    duel = [
        (
            "withdraw",
            contested[0],
            lambda: services.application_withdraw(actor=staff, application_id=contested[0].pk),
        ),
        (
            "reject",
            contested[0],
            lambda t=tasks[contested[0].pk]: services.application_act(
                actor=head, application_id=contested[0].pk, task_id=t, action="reject", comment="重复"
            ),
        ),
        (
            "cancel",
            contested[1],
            lambda: services.application_cancel(actor=staff, application_id=contested[1].pk, reason="取消"),
        ),
        (
            "claim",
            contested[1],
            lambda qt=quota_of_app[contested[1].pk]: claim(org, contested[1], qt, AMOUNT, number="89999999"),
        ),
    ]
    rng.shuffle(ops)
    queues = [ops[i::THREADS] for i in range(THREADS)]
    for i, op in enumerate(duel):
        queues[i % THREADS].insert(0, op)  # the contested ones start at the same moment

    lost_races = []
    real = units.is_lock_failure
    monkeypatch.setattr(units, "is_lock_failure", lambda exc: lost_races.append(exc) or real(exc))
    outcomes = []  # (name, document, result or None, error or None)
    barrier = threading.Barrier(THREADS)

    def worker(queue):
        try:
            barrier.wait()
            for name, doc, call in queue:
                try:
                    outcomes.append((name, doc, call(), None))
                except Exception as exc:  # noqa: BLE001 (every error is judged below)
                    outcomes.append((name, doc, None, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(queue,)) for queue in queues]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)

    assert lost_races == []  # not one deadlock, lock timeout or busy database, even retried
    contested_docs = {id(d) for _n, d, _c in duel}
    plain_errors = [(n, e) for n, d, _r, e in outcomes if e is not None and id(d) not in contested_docs]
    assert plain_errors == []
    assert len(outcomes) == len(ops) + len(duel)

    expected = {"withdraw": DocState.WITHDRAWN, "reject": DocState.REJECTED, "return": DocState.RETURNED}
    for name, doc, result, error in outcomes:
        if error is not None:
            assert isinstance(error, ApplicationError), (name, error)  # a clear refusal, never a 500
            continue
        if name == "submit":
            result.refresh_from_db()
            assert result.state == DocState.PENDING and result.lines.get().frozen == Decimal(AMOUNT)
        elif name in expected:
            doc.refresh_from_db()
            assert doc.state == expected[name] and doc.lines.get().frozen == 0
        elif name == "cancel":
            doc.refresh_from_db()
            assert doc.state == DocState.CLOSED and doc.lines.get().frozen == 0
        elif name == "claim":
            assert Reimbursement.objects.get(pk=result.pk).state == DocState.PENDING
        elif name == "pay":
            doc.refresh_from_db()
            assert doc.state == DocState.PAID and Payment.objects.filter(reimbursement=doc).exists()
            assert Application.objects.get(pk=doc.application_id).state == DocState.CLOSED
    # each duel has exactly one winner, and its loser was refused
    for doc in contested:
        results = [(n, e) for n, d, _r, e in outcomes if d is doc]
        assert sorted(e is None for _n, e in results) == [False, True], results

    # The balances are what the documents hold, the ledger adds up, the audit chain is intact.
    for quota in (week, meeting):
        stored = Quota.objects.get(pk=quota.pk)
        held = (ApplicationLine.objects.filter(quota=quota).aggregate(s=Sum("frozen"))["s"] or 0) + (
            ReimbursementLine.objects.filter(quota=quota).aggregate(s=Sum("frozen"))["s"] or 0
        )
        paid = ReimbursementLine.objects.filter(quota=quota, reimbursement__state=DocState.PAID).aggregate(
            s=Sum("amount")
        )["s"]
        assert (stored.frozen, stored.executed) == (held, paid)
    assert ledger_check() == []
    assert audit_chain_verify() is None
