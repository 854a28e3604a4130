"""The unit of work (center.core.services) and the lock order (center.core.locks), on both databases:
the audit entries of a unit are its last statements, a refused nested part leaves nothing, locks taken
out of the declared order fail under test settings, a deadlock victim is run again, and a lock that stays
taken too long becomes "busy, try again" with nothing changed."""

import contextlib
import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from center.core import locks
from center.core.audit import audit_chain_verify, audit_log
from center.core.errors import ApplicationError, BusyError
from center.core.locks import LockOrderError, LockRank, lock_one
from center.core.models import AuditEntry
from center.core.services import on_rollback, run_unit, service
from tests.conftest import requires_postgres

User = get_user_model()


@service
def _rename(*, user_id: int, name: str, actor=None):
    user = lock_one(User.objects.filter(pk=user_id))
    user.full_name = name
    user.save(update_fields=["full_name"])
    audit_log("test.user.renamed", actor=actor, target=user)
    return user


@pytest.mark.django_db
def test_the_audit_append_is_the_last_thing_a_unit_does(org):
    with CaptureQueriesContext(connection) as ctx:
        _rename(user_id=org["staff_inn"].pk, name="新名字", actor=org["staff_inn"])
    statements = [q["sql"] for q in ctx.captured_queries]
    head = next(i for i, s in enumerate(statements) if "core_auditchainhead" in s)
    user_update = next(i for i, s in enumerate(statements) if s.startswith("UPDATE") and "accounts_user" in s)
    assert user_update < head
    # after the head lock: the entries' insert and the head update, nothing of the business
    assert all("core_audit" in s or "SAVEPOINT" in s or "COMMIT" in s for s in statements[head:])
    assert AuditEntry.objects.filter(action="test.user.renamed").count() == 1
    assert audit_chain_verify() is None


@pytest.mark.django_db
def test_a_refused_nested_part_leaves_no_entry_and_no_file(org, tmp_path):
    stray = tmp_path / "upload.bin"

    @service
    def refused_part():
        stray.write_bytes(b"x")
        on_rollback(lambda: stray.unlink(missing_ok=True))
        audit_log("test.part.done", actor=org["staff_inn"])
        raise ApplicationError("不行")

    @service
    def outer():
        audit_log("test.outer.started", actor=org["staff_inn"])
        with contextlib.suppress(ApplicationError):
            refused_part()
        audit_log("test.outer.done", actor=org["staff_inn"])

    outer()
    actions = list(
        AuditEntry.objects.filter(action__startswith="test.").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["test.outer.started", "test.outer.done"]
    assert not stray.exists()


@pytest.mark.django_db
def test_locks_out_of_the_declared_order_fail(org):
    @service
    def inverted():
        locks.note(LockRank.QUOTA, "control.Quota")
        lock_one(User.objects.filter(pk=org["staff_inn"].pk))  # MASTER after QUOTA

    @service
    def in_order():
        lock_one(User.objects.filter(pk=org["staff_inn"].pk))
        locks.note(LockRank.QUOTA, "control.Quota")

    with pytest.raises(LockOrderError, match="accounts.User"):
        inverted()
    in_order()


@pytest.mark.django_db
def test_a_model_without_a_declared_rank_cannot_be_locked(org):
    from center.core.models import Notification

    @service
    def lock_notification():
        lock_one(Notification.objects.all())

    with pytest.raises(LockOrderError, match="declares no lock_rank"):
        lock_notification()


@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_deadlock_victim_is_run_again_and_both_succeed(org):
    """Two units lock the same two rows in opposite orders (same rank, so the order check lets it happen):
    PostgreSQL kills one, the unit of work runs it again, and both renames take effect."""
    a, b = org["staff_inn"].pk, org["staff_exp"].pk
    barrier = threading.Barrier(2, timeout=5)
    attempts, errors = [], []

    @service
    def cross(first, second, name):
        attempts.append(name)
        lock_one(User.objects.filter(pk=first))
        if attempts.count(name) == 1:
            barrier.wait()  # both hold their first row: each now waits for the other's
        user = lock_one(User.objects.filter(pk=second))
        user.position = name
        user.save(update_fields=["position"])

    def run(first, second, name):
        try:
            cross(first, second, name)
        except Exception as exc:  # noqa: BLE001 (asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(a, b, "甲")),
        threading.Thread(target=run, args=(b, a, "乙")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(attempts) == 3  # one of the two ran twice
    assert set(User.objects.filter(pk__in=[a, b]).values_list("position", flat=True)) == {"甲", "乙"}


@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_lock_held_too_long_is_busy_and_changes_nothing(org):
    user_id = org["staff_inn"].pk
    held, release = threading.Event(), threading.Event()

    def holder():
        run_unit(lambda: (lock_one(User.objects.filter(pk=user_id)), held.set(), release.wait(10)))
        connection.close()

    t = threading.Thread(target=holder)
    t.start()
    held.wait(5)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '100ms'")
        with pytest.raises(BusyError) as caught:
            _rename(user_id=user_id, name="改不了", actor=org["staff_inn"])
        assert caught.value.status_code == 409 and caught.value.extra == {"retry": True}
    finally:
        release.set()
        t.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert User.objects.get(pk=user_id).full_name != "改不了"
    assert not AuditEntry.objects.filter(action="test.user.renamed").exists()
