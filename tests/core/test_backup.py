"""The backup drill: data with an upload and audit entries → backup → a fresh empty database → restore → checks.

Runs on the database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL)."""

import io
import json
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.db import connection

from center.control import services as control
from center.control.models import LedgerEntry, Quota, Reimbursement
from center.core.files import read_stored, upload_storage
from center.core.models import Attachment, AuditEntry
from tests.control.factories import YEAR, approve_all, invoice, quotas_ready

pytestmark = pytest.mark.django_db(transaction=True)


def use_store(settings, path: Path):
    settings.STORAGES = {
        **settings.STORAGES,
        "uploads": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": path}},
    }
    assert isinstance(upload_storage(), FileSystemStorage)


@contextmanager
def fresh_database(tmp_path: Path):
    """Point the default connection at a new, empty database for the block; drop it afterwards."""
    original = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        name = f"{original}_restore"
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cur.execute(f'CREATE DATABASE "{name}"')
    else:
        name = str(tmp_path / "restored.sqlite3")
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"')


def some_data(org) -> dict:
    q = quotas_ready(org)
    app = control.application_submit(
        actor=org["staff_inn"], app_type="event", title="活动", year=YEAR, lines=[(q["30227"].pk, "30000.00")]
    )
    app = approve_all(org, app)
    r = control.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "1000.00")],
        invoices=invoice(org, number="77770001", amount="1000.00"),
    )
    att = r.invoices.get().attachment
    return {
        "attachment": (att.stored_name, read_stored(att.stored_name)),
        "counts": counts(),
        "head": AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first(),
    }


def counts() -> dict:
    return {
        "audit": AuditEntry.objects.count(),
        "attachments": Attachment.objects.count(),
        "reimbursements": Reimbursement.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "quotas": Quota.objects.count(),
    }


def test_backup_and_restore_drill(org, settings, tmp_path):
    use_store(settings, tmp_path / "store")
    before = some_data(org)
    assert before["counts"]["attachments"] >= 1 and before["counts"]["ledger"] >= 1
    archive = tmp_path / "center.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert f"audit head #{before['head'][0]}" in out.getvalue()
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert (manifest["format"], manifest["version"], manifest["vendor"]) == (
        "center-backup",
        1,
        connection.vendor,
    )
    assert (manifest["audit_head"]["seq"], manifest["audit_head"]["hash"]) == before["head"]
    assert f"uploads/{before['attachment'][0][:2]}/{before['attachment'][0]}" in manifest["files"]

    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))  # into the live database: refused

    use_store(settings, tmp_path / "new-store")
    with fresh_database(tmp_path):
        out = io.StringIO()
        call_command("restore", str(archive), stdout=out)
        text = out.getvalue()
        assert "1 upload(s) written" in text and "restore complete and verified" in text
        assert f"contains the archived head #{before['head'][0]}" in text
        assert counts() == before["counts"]
        stored, data = before["attachment"]
        assert read_stored(stored) == data
        call_command("audit_verify", stdout=io.StringIO())
        call_command("ledger_check", stdout=io.StringIO())
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(archive))  # a second time: the database is no longer empty


def rewrite(archive: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(name, data) -> data | None` applied to each member (None drops it)."""
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = change(member.name, src.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return target


@pytest.fixture
def archive(org, settings, tmp_path):
    use_store(settings, tmp_path / "store")
    some_data(org)
    path = tmp_path / "center.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    use_store(settings, tmp_path / "new-store")
    return path


def _refused(path: Path, tmp_path: Path, match: str) -> None:
    """Refused before anything is touched: checked into a fresh database, which stays empty."""
    with fresh_database(tmp_path):
        with pytest.raises(CommandError, match=match):
            call_command("restore", str(path))
        assert connection.introspection.table_names() == []
        assert not upload_storage().exists(""), "nothing was written to the upload store"


def test_a_damaged_upload_is_refused_by_its_checksum(archive, tmp_path):
    def flip(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("uploads/") else data

    _refused(rewrite(archive, tmp_path / "bad.tar.gz", flip), tmp_path, "checksum mismatch")


def test_a_damaged_database_dump_is_refused_by_its_checksum(archive, tmp_path):
    def flip(name, data):
        return data[:100] + bytes([data[100] ^ 1]) + data[101:] if name.startswith("database/") else data

    _refused(rewrite(archive, tmp_path / "bad.tar.gz", flip), tmp_path, "checksum mismatch")


def test_another_format_version_is_refused(archive, tmp_path):
    def bump(name, data):
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), "version": 2}).encode()

    _refused(rewrite(archive, tmp_path / "v2.tar.gz", bump), tmp_path, "format version 2")


def test_a_missing_or_extra_member_is_refused(archive, tmp_path):
    def drop(name, data):
        return None if name.startswith("uploads/") else data

    _refused(rewrite(archive, tmp_path / "short.tar.gz", drop), tmp_path, "differ from the manifest")


def test_something_that_is_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="damaged or not a backup archive"):
        call_command("restore", str(junk))
    with pytest.raises(CommandError, match="no archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
