"""Backup and restore of the whole system: the database, the uploaded files and the audit head, in one archive.

The archive is a gzip'd tar:
    database/db.dump        PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, ciphertext kept)
    database/db.sqlite3     SQLite: the online backup API (one consistent copy of the file)
    uploads/<ab>/<name>     every file of the upload store (stored names only; anything else is left out)
    manifest.json           format, version, database kind, audit head, applied migrations, sha256 per file
The manifest is written last, after every member it lists. Why the database's own tools and not
dumpdata/loaddata: docs/operations.md ("Backup and restore").

Order makes the copy complete: the audit head is read first (so the dump holds at least that entry), then the
database is dumped, then the files are copied (a file is written before its row commits, so every row in the
dump finds its file; a newer file without a row is merely an orphan).

Restore refuses, before it changes anything: an archive that is not one (or of another format version), a
member that is missing, unexpected or whose checksum differs, a database of the other kind, a target database
that is not empty, and an upload key that exists with other content. The `restore` command then verifies the
audit chain against the head in the manifest and runs `ledger_check`.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .audit import audit_chain_check
from .files import KEY_PATTERN, stored_keys, upload_storage

FORMAT = "center-backup"
VERSION = 1
MANIFEST = "manifest.json"
DB_FILES = {"postgresql": "database/db.dump", "sqlite": "database/db.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive or the target is refused; nothing was changed (the message says what is wrong)."""


@dataclass
class BackupReport:
    path: Path
    manifest: dict
    uploads: int = 0
    warnings: list[str] = field(default_factory=list)


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    s = connection.settings_dict
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    env = {**os.environ, "PGPASSWORD": str(s.get("PASSWORD") or "")}
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603 (fixed argv)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{command[0]} is not installed (it must match the server's major version)"
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} failed: {exc.stderr.strip()[-2000:]}") from exc


def _dump_database(target: Path) -> str:
    """Write a consistent copy of the database to `target`; return the tool used."""
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--file",
                str(target),
                *args,
                str(connection.settings_dict["NAME"]),
            ],
            env,
        )
        return "pg_dump --format=custom"
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(connection.settings_dict["NAME"]))
        dest = sqlite3.connect(str(target))
        try:
            source.backup(dest)
        finally:
            dest.close()
            source.close()
        return "sqlite3 online backup"
    raise BackupError(f"unsupported database {connection.vendor}")


def _migrations() -> dict[str, str]:
    applied = MigrationRecorder(connection).applied_migrations()
    latest: dict[str, str] = {}
    for app, name in sorted(applied):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def backup(archive: Path, *, uploads: bool = True) -> BackupReport:
    """Write the archive (atomically: a crash leaves no half archive under its name)."""
    archive = Path(archive)
    report = BackupReport(archive, {})
    check = audit_chain_check()
    if check.problem is not None:
        report.warnings.append(f"the audit chain is broken at #{check.problem.seq}: {check.problem.message}")
    files: dict[str, str] = {}
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "audit_head": {"seq": check.head.seq, "hash": check.head.hash, "time": check.head.time},
        "migrations": _migrations(),
        "uploads_included": uploads,
        "files": files,
    }
    report.manifest = manifest
    tmp = archive.with_name(f".{archive.name}.partial")
    with tempfile.TemporaryDirectory(prefix="center-backup-") as work:
        db_file = Path(work) / "db"
        manifest["database"] = {"file": DB_FILES.get(connection.vendor, ""), "tool": _dump_database(db_file)}
        try:
            with tarfile.open(tmp, "w:gz") as tar:
                files[DB_FILES[connection.vendor]] = _sha256_file(db_file)
                tar.add(db_file, arcname=DB_FILES[connection.vendor], recursive=False)
                db_file.unlink()
                if uploads:
                    storage = upload_storage()
                    for key in stored_keys(storage):
                        if not KEY_PATTERN.match(key):
                            continue
                        with storage.open(key, "rb") as f:
                            data = f.read()
                        info = tarfile.TarInfo(f"uploads/{key}")
                        info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
                        tar.addfile(info, fileobj=_BytesReader(data))
                        files[info.name] = hashlib.sha256(data).hexdigest()
                        report.uploads += 1
                body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o600
                tar.addfile(info, fileobj=_BytesReader(body))
            os.replace(tmp, archive)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return report


class _BytesReader:
    def __init__(self, data: bytes):
        self._data, self._pos = data, 0

    def read(self, n: int = -1) -> bytes:
        end = len(self._data) if n < 0 else self._pos + n
        chunk, self._pos = self._data[self._pos : end], min(end, len(self._data))
        return chunk


# --- restore ----------------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    manifest: dict
    uploads_written: int = 0
    uploads_present: int = 0
    pending_migrations: list[str] = field(default_factory=list)


def _allowed(name: str) -> bool:
    if name == MANIFEST or name in DB_FILES.values():
        return True
    return name.startswith("uploads/") and KEY_PATTERN.match(name[len("uploads/") :]) is not None


def read_archive(archive: Path, work: Path) -> dict:
    """Unpack the archive into `work`, checking every member against the manifest; return the manifest."""
    seen: dict[str, str] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _allowed(member.name) or member.name in seen:
                    raise BackupError(f"unexpected member {member.name!r}: not an archive written by backup")
                source = tar.extractfile(member)
                target = work / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                h = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := source.read(CHUNK):
                        h.update(chunk)
                        out.write(chunk)
                seen[member.name] = h.hexdigest()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"the archive is damaged or not a backup archive ({exc})") from exc
    if MANIFEST not in seen:
        raise BackupError("the archive has no manifest: not a complete backup archive")
    try:
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError("the manifest is not valid JSON") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a backup archive of this application (format marker missing)")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"archive format version {manifest.get('version')!r}; this release reads version {VERSION}"
        )
    listed = manifest.get("files") or {}
    del seen[MANIFEST]
    missing, extra = sorted(set(listed) - set(seen)), sorted(set(seen) - set(listed))
    if missing or extra:
        raise BackupError(
            f"archive members differ from the manifest (missing {missing[:5]}, unexpected {extra[:5]})"
        )
    bad = sorted(name for name, digest in seen.items() if listed[name] != digest)
    if bad:
        raise BackupError(f"checksum mismatch (damaged archive): {', '.join(bad[:5])}")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(archive: Path) -> RestoreReport:
    """Restore into an empty database (and an upload store without conflicting files); then verify."""
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"no archive at {archive}")
    with tempfile.TemporaryDirectory(prefix="center-restore-") as tmp:
        work = Path(tmp)
        manifest = read_archive(archive, work)
        if manifest.get("vendor") != connection.vendor:
            raise BackupError(
                f"the archive holds a {manifest.get('vendor')} database; this installation uses {connection.vendor}"
            )
        if not _database_is_empty():
            raise BackupError("the target database is not empty: restore only into a new, empty database")
        storage = upload_storage()
        uploads = sorted(n for n in manifest["files"] if n.startswith("uploads/"))
        present = []
        for name in uploads:
            key = name[len("uploads/") :]
            if storage.exists(key):
                with storage.open(key, "rb") as f:
                    if hashlib.sha256(f.read()).hexdigest() != manifest["files"][name]:
                        raise BackupError(f"the upload store already holds {key} with other content")
                present.append(key)
        report = RestoreReport(manifest, uploads_present=len(present))
        # Files first: if the database load then fails, they are only orphans, and a second run skips them.
        for name in uploads:
            key = name[len("uploads/") :]
            if key in present:
                continue
            written = storage.save(key, ContentFile((work / name).read_bytes()))
            if written != key:
                raise BackupError(f"the upload store renamed {key} to {written}")
            report.uploads_written += 1
        _load_database(work / manifest["database"]["file"])
    report.pending_migrations = _pending_migrations()
    return report


def _load_database(dump: Path) -> None:
    if connection.vendor == "postgresql":
        args, env = _pg_env()
        connection.close()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "--single-transaction",
                *args,
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(dump),
            ],
            env,
        )
        return
    connection.close()
    target = Path(connection.settings_dict["NAME"])
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    source = sqlite3.connect(str(dump))
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
    finally:
        dest.close()
        source.close()


def _pending_migrations() -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]
