import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from center.core.audit import audit_chain_verify, audit_log
from center.core.models import AuditEntry
from tests.conftest import requires_postgres

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AuditEntry]:
    return [audit_log("test.thing.done", extra={"i": i}) for i in range(n)]


def _raw(sql: str, params=()):
    """Tamper like a database administrator would: raw SQL, bypassing the ORM (and PG's guard trigger)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = replica")  # superuser switch that skips triggers
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("SET session_replication_role = origin")


def test_entries_chain_and_verify():
    entries = _write(5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[1].prev_hash == entries[0].hash
    assert audit_chain_verify() is None
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "intact: 5 entries" in out.getvalue()


def test_altered_entry_is_named():
    _write(5)
    _raw("UPDATE core_auditentry SET action = %s WHERE seq = 3", ["test.thing.forged"])
    problem = audit_chain_verify()
    assert (problem.seq, problem.kind) == (3, "altered")
    with pytest.raises(CommandError, match="entry #3"):
        call_command("audit_verify")


def test_altered_entry_with_recomputed_hash_breaks_the_next_link():
    from center.core.audit import entry_hash

    _write(5)
    e = AuditEntry.objects.get(seq=2)
    e.extra = {"i": 99}
    forged_hash = entry_hash(e)
    _raw("UPDATE core_auditentry SET extra = %s, hash = %s WHERE seq = 2", ['{"i": 99}', forged_hash])
    problem = audit_chain_verify()
    assert problem.seq == 3 and problem.kind == "reordered"


def test_deleted_entry_is_named():
    _write(5)
    _raw("DELETE FROM core_auditentry WHERE seq = 2")
    problem = audit_chain_verify()
    assert (problem.seq, problem.kind) == (2, "deleted")


def test_deleted_tail_is_detected_by_the_head():
    _write(5)
    _raw("DELETE FROM core_auditentry WHERE seq = 5")
    problem = audit_chain_verify()
    assert problem.kind == "truncated" and problem.seq == 5


def test_reordered_entries_are_detected():
    _write(5)
    _raw("UPDATE core_auditentry SET seq = 100 WHERE seq = 2")
    _raw("UPDATE core_auditentry SET seq = 2 WHERE seq = 3")
    _raw("UPDATE core_auditentry SET seq = 3 WHERE seq = 100")
    problem = audit_chain_verify()
    assert problem.seq == 2 and problem.kind in {"reordered", "altered"}


def test_orm_cannot_update_or_delete():
    (e,) = _write(1)
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=e.pk).update(action="x")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        e.save()
    with pytest.raises(PermissionError):
        e.delete()


@requires_postgres()
def test_postgres_refuses_raw_update_and_delete():
    (e,) = _write(1)
    from django.db.utils import DatabaseError

    for sql in (
        "UPDATE core_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM core_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            cur.execute(sql, [e.pk])


def test_entry_rolls_back_with_its_transaction():
    _write(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_log("test.thing.done")
        raise RuntimeError("business step failed")
    assert AuditEntry.objects.count() == 1
    assert audit_chain_verify() is None
    assert audit_log("test.thing.done").seq == 2


def test_personal_data_and_secrets_are_masked():
    e = audit_log(
        "test.person.changed",
        changes={
            "id_number": [None, "110101199003071234"],
            "phone": ["13800138000", "13912345678"],
            "password": ["a", "b"],
        },
        extra={"bank_account": "6222020200112233445"},
    )
    e.refresh_from_db()
    assert e.changes["id_number"] == [None, "110101********1234"]
    assert e.changes["phone"] == ["138****8000", "139****5678"]
    assert e.changes["password"] == ["******", "******"]
    assert e.extra["bank_account"] == "6222***********3445"
    assert "1990" not in str(e.changes)
