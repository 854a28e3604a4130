"""The verifiable draw, as pure functions: no database, no clock, nothing but the record's own data.

Anyone holding a draw record (the JSON from the draw page) can re-run it with this module alone:

    pool_hash(params, pool)          == record["pool_hash"]
    seed_from_parts(source, parts)   == record["seed"]
    select(params, pool, seed, hash) == record["result"]

Method (in the spirit of RFC 3797): the eligible pool and the parameters are fixed and hashed *before*
the seed is known; the seed comes afterwards from a public source or from two people; each pool member's
sort key is HMAC-SHA256(seed, "<pool_hash>:<expert_id>"), a pseudo-random function, so every ordering of
the pool is equally likely and no one can steer it without knowing the seed in advance. The panel is read
off that ranking: candidates are taken in rank order, skipping one only when taking it would break the
group's composition rules (organisation share, region quotas); backups are the next ranks.
"""

import hashlib
import heapq
import hmac
import itertools
import json
import unicodedata
from collections import Counter

ALGORITHM = "szstec-draw-v1"
LOCAL_REGION = "sz"
INTERNATIONAL = frozenset({"hk", "mo", "os"})


class DrawInfeasible(ValueError):  # noqa: N818 (a domain refusal, not a programming error)
    """The pool cannot satisfy the group's composition rules."""


def canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def pool_hash(params: dict, pool: list) -> str:
    body = canonical({"algorithm": ALGORITHM, "params": params, "pool": pool})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def normalise(value: str) -> str:
    """Full-width to half-width, no spaces or separators, upper case: '03 08，15' and '03,08,15' agree."""
    v = unicodedata.normalize("NFKC", value or "").upper()
    return "".join(ch for ch in v if ch.isalnum())


def seed_from_parts(source: str, parts: dict) -> str:
    if source == "public":
        material = "public:" + normalise(parts["value"])
    elif source == "two_staff":
        material = "two_staff:" + normalise(parts["first"]) + "|" + normalise(parts["second"])
    else:
        raise ValueError(f"unknown seed source {source!r}")
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def rank_key(seed: str, the_pool_hash: str, expert_id: int) -> str:
    return hmac.digest(bytes.fromhex(seed), f"{the_pool_hash}:{expert_id}".encode(), "sha256").hex()


# HMAC-SHA256 (RFC 2104) for many messages under one key: the key's inner and outer pads are hashed once, and
# with them the messages' common prefix ("<pool_hash>:"); each member then costs two SHA-256 state copies.
# Same value as hmac.digest(key, prefix + message, "sha256") (see rank_key), about three times as fast.
_IPAD = bytes(x ^ 0x36 for x in range(256))
_OPAD = bytes(x ^ 0x5C for x in range(256))


def _prefixed_hmac(key: bytes, prefix: bytes):
    if len(key) > 64:  # SHA-256's block size
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner, outer = hashlib.sha256(key.translate(_IPAD)), hashlib.sha256(key.translate(_OPAD))
    inner.update(prefix)
    inner_copy, outer_copy = inner.copy, outer.copy

    def mac(message: bytes) -> bytes:
        i = inner_copy()
        i.update(message)
        o = outer_copy()
        o.update(i.digest())
        return o.digest()

    return mac


def _keyed(pool: list, seed: str, the_pool_hash: str) -> list[tuple[bytes, list]]:
    """(raw sort key, row) for every pool member: the hex keys sort as their bytes do."""
    mac = _prefixed_hmac(bytes.fromhex(seed), f"{the_pool_hash}:".encode())
    return [(mac(str(row[0]).encode()), row) for row in pool]


def ranked(pool: list, seed: str, the_pool_hash: str) -> list[tuple[str, list]]:
    """The whole pool in rank order: (sort key, row)."""
    return [(key.hex(), row) for key, row in sorted(_keyed(pool, seed, the_pool_hash))]


def _in_rank_order(pool: list, seed: str, the_pool_hash: str):
    """The pool in rank order, lazily (a heap: a panel reads only the first few ranks)."""
    heap = _keyed(pool, seed, the_pool_hash)
    heapq.heapify(heap)
    while heap:
        key, row = heapq.heappop(heap)
        yield key.hex(), row


def _required_slots(have_int: int, have_nl: int, params: dict) -> int:
    # International experts are non-local too, so one slot can serve both quotas.
    return max(params["min_international"] - have_int, params["min_non_local"] - have_nl, 0)


def fits(panel: list, row: list, params: dict, size: int | None = None) -> bool:
    """Can `row` join `panel` (rows [id, org, region]) and still leave the quotas reachable?"""
    size = params["size"] if size is None else size
    orgs = Counter(r[1] for r in panel)
    if orgs[row[1]] >= params["max_per_org"]:
        return False
    have_int = sum(1 for r in panel if r[2] in INTERNATIONAL) + (row[2] in INTERNATIONAL)
    have_nl = sum(1 for r in panel if r[2] != LOCAL_REGION) + (row[2] != LOCAL_REGION)
    remaining_after = size - len(panel) - 1
    return remaining_after >= _required_slots(have_int, have_nl, params)


def check_feasible(params: dict, pool: list) -> None:
    """Refuse before hashing when no ranking at all could fill the panel."""
    need = params["size"] + params["backups"]
    if len(pool) < need:
        raise DrawInfeasible("pool")
    orgs = Counter(r[1] for r in pool)
    if sum(min(n, params["max_per_org"]) for n in orgs.values()) < params["size"]:
        raise DrawInfeasible("max_per_org")
    if sum(1 for r in pool if r[2] in INTERNATIONAL) < params["min_international"]:
        raise DrawInfeasible("min_international")
    if sum(1 for r in pool if r[2] != LOCAL_REGION) < params["min_non_local"]:
        raise DrawInfeasible("min_non_local")


def select(params: dict, pool: list, seed: str, the_pool_hash: str) -> list[dict]:
    """The ranked result: [{"rank", "expert_id", "role", "key"}], main panel first, then backups."""
    order = _in_rank_order(pool, seed, the_pool_hash)
    seen = []  # (key, row) read off the ranking so far, for the backups' second pass
    panel, keys = [], {}
    for key, row in order:
        seen.append((key, row))
        if len(panel) == params["size"]:
            break
        if fits(panel, row, params):
            panel.append(row)
            keys[row[0]] = key
    if len(panel) < params["size"]:
        raise DrawInfeasible("composition")
    main_orgs = Counter(r[1] for r in panel)
    chosen = {r[0] for r in panel}
    backups = []
    for key, row in itertools.chain(seen, order):
        if len(backups) == params["backups"]:
            break
        if row[0] in chosen or main_orgs[row[1]] >= params["max_per_org"]:
            continue
        backups.append(row)
        chosen.add(row[0])
        keys[row[0]] = key
    result = []
    for i, row in enumerate(panel + backups, start=1):
        role = "main" if i <= params["size"] else "backup"
        result.append({"rank": i, "expert_id": row[0], "role": role, "key": keys[row[0]]})
    return result


def result_hash(result: list[dict]) -> str:
    return hashlib.sha256(canonical(result).encode("utf-8")).hexdigest()


def verify(record: dict) -> dict:
    """Re-run a draw record; say which of its claims hold."""
    checks = {}
    checks["pool_hash"] = pool_hash(record["params"], record["pool"]) == record["pool_hash"]
    checks["seed"] = seed_from_parts(record["seed_source"], record["seed_parts"]) == record["seed"]
    rerun = select(record["params"], record["pool"], record["seed"], record["pool_hash"])
    checks["result"] = rerun == record["result"]
    checks["result_hash"] = result_hash(rerun) == record.get("result_hash")
    return {"ok": all(checks.values()), "checks": checks, "rerun": rerun}
