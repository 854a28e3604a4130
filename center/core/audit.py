"""The audit trail: `audit_log` appends a hash-chained entry; `audit_chain_verify` checks the chain.

Verification reads one consistent snapshot (`read_snapshot`), so it can run while the application writes;
a head exported to a file outside the database (`Anchor`) later proves the chain was not rebuilt.

Appends are serialised by locking the single `AuditChainHead` row inside the caller's transaction,
so the entry commits (or rolls back) together with the change it records. Every audited change passes
here, so the lock, the entry and the head update are hand-written SQL (`center.core.sql`).
"""

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from . import locks, sql
from .context import current_request_info, current_unit
from .enums import AuditOutcome
from .masking import mask_field
from .models import GENESIS_HASH, AuditChainHead, AuditEntry


def _jsonable(value: Any) -> Any:
    """The form stored in the JSON column: what is hashed must equal what is read back."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def canonical(entry: AuditEntry) -> str:
    created = entry.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "seq": entry.seq,
        "created_at": created,
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "on_behalf_of_id": entry.on_behalf_of_id,
        "action": entry.action,
        "outcome": entry.outcome,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "changes": entry.changes,
        "extra": entry.extra,
        "ip": entry.ip,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry).encode("utf-8")).hexdigest()


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]} (`audit_log` masks personal data and secrets)."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            out[key] = [old, new]
    return out


def snapshot(obj, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(obj, f) for f in fields}


def _lock_head() -> tuple[int, str]:
    """Lock the chain head and read the last link (hand-written SQL: every audited change passes here)."""
    locks.note(locks.LockRank.AUDIT_HEAD, "core.AuditChainHead")
    read = f"SELECT seq, hash FROM core_auditchainhead WHERE id = 1{sql.locking()}"  # noqa: S608 (constant)
    row = sql.row(read)
    if row is None:
        # The head row comes with the migrations; this covers a database emptied by a test flush.
        AuditChainHead.objects.get_or_create(pk=1)
        row = sql.row(read)
    return row


def audit_log(
    action: str,
    *,
    actor=None,
    target=None,
    changes: dict | None = None,
    extra: dict | None = None,
    outcome: str = AuditOutcome.SUCCESS,
    on_behalf_of=None,
    target_repr: str | None = None,
) -> AuditEntry:
    """Record an audit entry in the current unit of work.

    Inside a unit (`@service`) the entry is kept and appended with the unit's other entries as its last
    statements, so the chain head is the last row the unit locks (see center.core.locks). Outside a unit
    (a management command, a sign-in) it is appended at once, in the caller's transaction or its own.
    The returned entry gets its `seq` and `hash` when it is appended."""
    info = current_request_info()
    actor = actor if getattr(actor, "pk", None) else None
    masked_extra = {k: mask_field(k, v) for k, v in (extra or {}).items()}
    masked_changes = {k: [mask_field(k, v) for v in pair] for k, pair in (changes or {}).items()}
    entry = AuditEntry(
        actor=actor,
        actor_repr=(actor.get_username() if actor else "")[:150],
        on_behalf_of=on_behalf_of,
        action=action,
        outcome=outcome,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr if target_repr is not None else (str(target) if target is not None else ""))[
            :200
        ],
        changes=_jsonable(masked_changes),
        extra=_jsonable(masked_extra),
        ip=info.ip or "",
    )
    unit = current_unit()
    if unit is not None and transaction.get_connection().in_atomic_block:
        unit.audit.append(entry)
    else:
        append([entry])
    return entry


def append(entries: list[AuditEntry]) -> None:
    """Link the entries to the chain and insert them: one head lock, one insert, one head update.

    Inside the caller's transaction no savepoint is needed: an append that fails is a bug, and the whole
    transaction fails with it. Outside any transaction this opens one."""
    if not entries:
        return
    with transaction.atomic(savepoint=False):
        seq, prev_hash = _lock_head()
        now = timezone.now()
        for entry in entries:
            seq += 1
            entry.seq, entry.created_at, entry.prev_hash = seq, now, prev_hash
            entry.hash = prev_hash = entry_hash(entry)
        sql.insert(*entries)
        sql.execute("UPDATE core_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [seq, prev_hash])


@dataclass
class ChainProblem:
    seq: int
    kind: str  # altered | deleted | reordered | truncated | anchor
    message: str


@dataclass(frozen=True)
class Anchor:
    """One link of the chain kept outside the database: the chain must still hold entry `seq` with `hash`."""

    seq: int
    hash: str
    time: str = ""  # when that entry was written (ISO 8601, UTC); informative

    FORMAT = "center-audit-anchor"
    VERSION = 1

    def to_json(self) -> str:
        body = {"format": self.FORMAT, "version": self.VERSION, "seq": self.seq, "hash": self.hash}
        body |= {"time": self.time, "exported_at": timezone.now().astimezone(UTC).isoformat()}
        return json.dumps(body, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Anchor":
        """Parse an exported head; ValueError names what is wrong with it."""
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not an audit anchor (not JSON: {exc})") from exc
        if not isinstance(body, dict) or body.get("format") != cls.FORMAT:
            raise ValueError("not an audit anchor (no format marker)")
        if body.get("version") != cls.VERSION:
            raise ValueError(f"unsupported audit anchor version {body.get('version')!r}")
        seq, hash_ = body.get("seq"), body.get("hash")
        if not isinstance(seq, int) or seq < 0 or not isinstance(hash_, str) or len(hash_) != 64:
            raise ValueError("audit anchor has no valid seq and hash")
        return cls(seq=seq, hash=hash_, time=str(body.get("time", "")))


@dataclass
class ChainReport:
    problem: ChainProblem | None
    head: Anchor  # the chain's last link in the snapshot that was verified


@contextmanager
def read_snapshot():
    """Run the block's reads against one consistent state of the database, without blocking writers.

    PostgreSQL: a REPEATABLE READ, READ ONLY transaction (every statement sees the same snapshot).
    SQLite (WAL): one deferred read transaction (`BEGIN DEFERRED`; Django's own transactions begin
    IMMEDIATE, which would take the write lock). Inside a caller's transaction the reads simply join it."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            sql.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    connection.ensure_connection()
    sql.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        sql.execute("COMMIT")


def audit_chain_check(anchor: Anchor | None = None) -> ChainReport:
    """Walk the chain in order in one snapshot; report the first broken link (or None) and the head.

    With `anchor` (a head exported earlier), the chain must still hold that entry with that hash: a chain
    that was truncated and rebuilt from the start is internally consistent, but not with its anchor."""
    with read_snapshot():
        stored_head = AuditChainHead.objects.filter(pk=1).first() or AuditChainHead(seq=0, hash=GENESIS_HASH)
        problem, head = _walk(anchor)
        if problem is None and (stored_head.seq != head.seq or stored_head.hash != head.hash):
            problem = ChainProblem(
                head.seq + 1,
                "truncated",
                f"entries after #{head.seq} were deleted (the chain head records #{stored_head.seq})",
            )
    return ChainReport(problem, head)


def _walk(anchor: Anchor | None) -> tuple[ChainProblem | None, Anchor]:
    expected_seq = 1
    prev_hash = GENESIS_HASH
    head = Anchor(0, GENESIS_HASH)
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainProblem(
                expected_seq, "deleted", f"entry #{expected_seq} is missing (deleted) before #{entry.seq}"
            ), head
        if entry.prev_hash != prev_hash:
            return ChainProblem(
                entry.seq,
                "reordered",
                f"entry #{entry.seq} does not link to entry #{entry.seq - 1} (reordered, or its predecessor was rewritten)",
            ), head
        if entry_hash(entry) != entry.hash:
            return ChainProblem(
                entry.seq, "altered", f"entry #{entry.seq} was altered after it was written"
            ), head
        if anchor is not None and entry.seq == anchor.seq and entry.hash != anchor.hash:
            return ChainProblem(
                entry.seq,
                "anchor",
                f"entry #{entry.seq} differs from the anchored one (the chain was rebuilt after #{entry.seq - 1} or earlier)",
            ), head
        prev_hash = entry.hash
        expected_seq += 1
        head = Anchor(entry.seq, entry.hash, entry.created_at.astimezone(UTC).isoformat())
    if anchor is not None and head.seq < anchor.seq:
        return ChainProblem(
            anchor.seq,
            "anchor",
            f"the anchored entry #{anchor.seq} is gone: the chain ends at #{head.seq} (truncated, perhaps rebuilt)",
        ), head
    if anchor is not None and anchor.seq == 0 and anchor.hash != GENESIS_HASH:
        return ChainProblem(0, "anchor", "the anchor's empty-chain hash is not the genesis hash"), head
    return None, head


def audit_chain_verify(anchor: Anchor | None = None) -> ChainProblem | None:
    """The first broken link of the chain (read in one snapshot), or None when the chain is intact."""
    return audit_chain_check(anchor).problem


def audit_export_rows(entries):
    """Rows for CSV/xlsx export; entries are already masked when written."""
    yield [
        "seq",
        "time",
        "actor",
        "on_behalf_of",
        "action",
        "outcome",
        "target_type",
        "target_id",
        "target",
        "changes",
        "extra",
        "ip",
        "hash",
    ]
    for e in entries:
        yield [
            e.seq,
            timezone.localtime(e.created_at).isoformat(timespec="seconds"),
            e.actor_repr,
            e.on_behalf_of.get_username() if e.on_behalf_of_id else "",
            e.action,
            e.outcome,
            e.target_type,
            e.target_id,
            e.target_repr,
            json.dumps(e.changes, ensure_ascii=False),
            json.dumps(e.extra, ensure_ascii=False),
            e.ip,
            e.hash,
        ]
