"""The quota ledger (指标账): the only code that changes quota balances.

Every movement locks its quota rows (SELECT … FOR UPDATE, in id order so two movements never deadlock),
checks the rule, updates the balances and appends an immutable entry — all in the caller's transaction.
SQLite gets the same serialisation from IMMEDIATE transactions; the CHECK constraints on `Quota` are the
last line: even a bug here cannot store a negative available balance.

The lock, the balance update and the entry are hand-written SQL (`center.core.sql`): every freeze, release
and execution passes here while the quota row is locked (docs/decisions/0002-hot-path-sql.md).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core import locks, sql
from center.core.errors import ApplicationError, NotFoundError

from .enums import EntryKind
from .models import LedgerEntry, Quota

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999.99")

# kind → (Δapproved, Δadjusted, Δfrozen, Δexecuted) per unit of amount. available = a + adj − f − e.
EFFECTS: dict[str, tuple[int, int, int, int]] = {
    EntryKind.ISSUE: (1, 0, 0, 0),
    EntryKind.ADJUST_OUT: (0, -1, 0, 0),
    EntryKind.ADJUST_IN: (0, 1, 0, 0),
    EntryKind.FREEZE: (0, 0, 1, 0),
    EntryKind.RELEASE: (0, 0, -1, 0),
    EntryKind.EXECUTE: (0, 0, -1, 1),  # frozen → executed
}


def clean_amount(value, field: str = "amount") -> Decimal:
    """A positive amount in yuan with at most 2 decimals, or a clear refusal. The format is the one parser's,
    `center.core.money.parse_amount` (plain ASCII digits, optional point, two decimals at most)."""
    from center.core.money import parse_amount

    return parse_amount(value, field=field, positive=True)


BALANCES = ("approved", "adjusted", "frozen", "executed", "available")


def lock_quotas(ids: Iterable[int], read: dict[int, Quota] | None = None) -> dict[int, Quota]:
    """Lock the quotas in id order (deadlock-free) and return them by id.

    `read`: the same quotas already read without a lock (for checks of what never changes on a quota): only
    their balances are re-read under the lock, so the hot row is held for as little work as possible.
    """
    wanted = sorted(set(ids))
    assert transaction.get_connection().in_atomic_block, "quota movements must run inside a transaction"
    locks.note(Quota.lock_rank, "control.Quota")
    if read is not None:
        quotas = {}
        balances = sql.rows(
            f"SELECT id, {', '.join(BALANCES)} FROM control_quota WHERE id IN ({sql.marks(len(wanted))})"  # noqa: S608 (names from code; values bound)
            f" ORDER BY id{sql.locking()}",
            wanted,
        )
        for pk, *values in balances:
            quotas[pk] = read[pk]
            for field, value in zip(BALANCES, values, strict=True):
                setattr(quotas[pk], field, sql.money(value))
    else:
        rows = Quota.objects.select_for_update(of=("self",)).filter(pk__in=wanted).order_by("pk")
        quotas = {q.pk: q for q in rows.select_related("economic", "department")}
    if len(quotas) != len(wanted):
        raise NotFoundError(_("指标不存在。"), {"field": "quota"})
    return quotas


@dataclass(frozen=True)
class Doc:
    type: str = ""
    id: int | None = None
    no: str = ""


def post(
    quota: Quota, kind: str, amount: Decimal, *, actor=None, doc: Doc = Doc(), note: str = "", reverses=None
) -> LedgerEntry:  # noqa: B008
    """Apply one movement to a locked quota. Refuses anything that would make a balance negative."""
    da, dadj, df, de = EFFECTS[kind] if kind != EntryKind.REVERSE else _reverse_effects(reverses)
    new = {
        "approved": quota.approved + da * amount,
        "adjusted": quota.adjusted + dadj * amount,
        "frozen": quota.frozen + df * amount,
        "executed": quota.executed + de * amount,
    }
    available = new["approved"] + new["adjusted"] - new["frozen"] - new["executed"]
    if available < 0:
        raise ApplicationError(
            _("指标“%(q)s”可用余额不足：可用 %(avail)s 元，本次需要 %(need)s 元。")
            % {"q": quota.name, "avail": f"{quota.available:,.2f}", "need": f"{amount:,.2f}"},
            {"quota": quota.pk, "available": str(quota.available), "requested": str(amount)},
            # kept in the audit trail although nothing changes: the internal-control evaluation counts them
            audit={
                "action": "control.quota.overrun_refused",
                "actor": actor,
                "target": quota,
                "extra": {"kind": kind, "requested": str(amount), "available": str(quota.available)},
            },
        )
    if new["frozen"] < 0 or new["executed"] < 0 or new["approved"] < 0:
        raise ApplicationError(_("指标冻结或执行数不足以完成本次操作。"), {"quota": quota.pk})
    new["available"] = available
    for field, value in new.items():
        setattr(quota, field, value)
    sql.execute(
        "UPDATE control_quota SET approved = %s, adjusted = %s, frozen = %s, executed = %s, available = %s"
        " WHERE id = %s",
        [*new.values(), quota.pk],
    )
    entry = LedgerEntry(
        period=timezone.localdate().month,
        quota=quota,
        kind=kind,
        amount=amount,
        doc_type=doc.type,
        doc_id=doc.id,
        doc_no=doc.no,
        actor=actor,
        note=note[:200],
        reverses=reverses,
    )
    sql.insert(entry)
    return entry


def _reverse_effects(original: LedgerEntry | None) -> tuple[int, int, int, int]:
    if original is None or original.kind == EntryKind.REVERSE:
        raise ApplicationError(_("只能冲销一笔原始分录。"))
    return tuple(-x for x in EFFECTS[original.kind])


def entry_effects(
    kind: str, amount: Decimal, reverses_kind: str | None = None
) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    sign = EFFECTS[kind] if kind != EntryKind.REVERSE else tuple(-x for x in EFFECTS[reverses_kind])
    return tuple(s * amount for s in sign)


@dataclass
class Discrepancy:
    quota_id: int
    name: str
    field: str
    stored: Decimal
    from_entries: Decimal


def ledger_check(quota_ids: Iterable[int] | None = None) -> list[Discrepancy]:
    """Re-add every quota's entries and report any balance that differs from them."""
    qs = Quota.objects.all() if quota_ids is None else Quota.objects.filter(pk__in=list(quota_ids))
    sums: dict[int, list[Decimal]] = {}
    rows = (
        LedgerEntry.objects.filter(quota__in=qs)
        .values("quota_id", "kind", "reverses__kind")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        effects = entry_effects(row["kind"], row["total"], row["reverses__kind"])
        acc = sums.setdefault(row["quota_id"], [Decimal(0)] * 4)
        for i, v in enumerate(effects):
            acc[i] += v
    problems = []
    for q in qs.order_by("pk"):
        a, adj, f, e = sums.get(q.pk, [Decimal(0)] * 4)
        expected = {"approved": a, "adjusted": adj, "frozen": f, "executed": e, "available": a + adj - f - e}
        for field, value in expected.items():
            if getattr(q, field) != value:
                problems.append(Discrepancy(q.pk, q.name, field, getattr(q, field), value))
    return problems
