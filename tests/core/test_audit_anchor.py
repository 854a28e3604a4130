"""Anchoring the audit head outside the database, and the PostgreSQL guard against TRUNCATE."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from center.core.audit import Anchor, audit_chain_check, audit_chain_verify, audit_log
from tests.conftest import requires_postgres

pytestmark = pytest.mark.django_db


def _write(n: int, tag: str = "original"):
    return [audit_log("test.thing.done", extra={"i": i, "tag": tag}) for i in range(n)]


def _truncate_and_rebuild(n: int) -> None:
    """What an owner of the tables could do: switch the guard off, empty the trail, start a new chain."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks from the inserts
            cur.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        cur.execute("DELETE FROM core_auditentry")
        cur.execute("UPDATE core_auditchainhead SET seq = 0, hash = %s WHERE id = 1", ["0" * 64])
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")
    _write(n, tag="forged")


def test_export_head_writes_the_verified_head(tmp_path):
    entries = _write(3)
    path = tmp_path / "head.json"
    out = io.StringIO()
    call_command("audit_verify", export_head=str(path), stdout=out)
    body = json.loads(path.read_text())
    assert body["format"] == "center-audit-anchor" and body["version"] == 1
    assert (body["seq"], body["hash"]) == (3, entries[-1].hash)
    assert body["time"].startswith(str(entries[-1].created_at.year))
    assert "head #3 written" in out.getvalue()


def test_anchor_passes_while_the_chain_grows(tmp_path):
    _write(3)
    path = tmp_path / "head.json"
    call_command("audit_verify", export_head=str(path), stdout=io.StringIO())
    _write(4)
    out = io.StringIO()
    call_command("audit_verify", anchor=str(path), stdout=out)
    assert "intact: 7 entries" in out.getvalue() and "anchored entry #3" in out.getvalue()


def test_a_truncated_and_rebuilt_chain_is_caught_by_its_anchor(tmp_path):
    _write(5)
    path = tmp_path / "head.json"
    call_command("audit_verify", export_head=str(path), stdout=io.StringIO())
    _truncate_and_rebuild(8)  # longer than before, internally consistent
    assert audit_chain_verify() is None, "without the anchor the rebuilt chain looks intact"
    problem = audit_chain_verify(Anchor.from_json(path.read_text()))
    assert (problem.seq, problem.kind) == (5, "anchor")
    with pytest.raises(CommandError, match=r"entry #5 \(anchor\)"):
        call_command("audit_verify", anchor=str(path))


def test_a_chain_rebuilt_shorter_than_its_anchor_is_caught(tmp_path):
    _write(5)
    path = tmp_path / "head.json"
    call_command("audit_verify", export_head=str(path), stdout=io.StringIO())
    _truncate_and_rebuild(2)
    problem = audit_chain_check(Anchor.from_json(path.read_text())).problem
    assert problem.kind == "anchor" and "ends at #2" in problem.message


@pytest.mark.parametrize(
    "content, error",
    [
        ("not json", "not JSON"),
        ('{"seq": 1}', "no format marker"),
        ('{"format": "center-audit-anchor", "version": 9, "seq": 1, "hash": "x"}', "version 9"),
        ('{"format": "center-audit-anchor", "version": 1, "seq": 1, "hash": "short"}', "no valid seq"),
    ],
)
def test_a_bad_anchor_file_is_refused(tmp_path, content, error):
    path = tmp_path / "head.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=error):
        call_command("audit_verify", anchor=str(path))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("audit_verify", anchor=str(tmp_path / "missing.json"))


@requires_postgres()
@pytest.mark.parametrize("table", ["core_auditentry", "core_auditchainhead"])
def test_postgres_refuses_truncate_of_the_audit_tables(table):
    """The application's role (not a superuser) cannot TRUNCATE even when granted the privilege."""
    _write(2)
    role = f"audit_truncate_probe_{connection.settings_dict['NAME'][-12:]}".replace("-", "_")
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks from the inserts
        cur.execute(f"CREATE ROLE {role} NOLOGIN NOSUPERUSER")
        cur.execute(f"GRANT TRUNCATE, SELECT ON core_auditentry, core_auditchainhead TO {role}")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SET LOCAL ROLE {role}")
        cur.execute(f"TRUNCATE {table}")
    assert audit_chain_verify() is None


@requires_postgres()
def test_postgres_refuses_deleting_the_chain_head():
    _write(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM core_auditchainhead")
