"""Score arithmetic as pure functions: sheet totals, aggregation, disagreement and anomaly checks.

Totals are Decimal with 2 places (ROUND_HALF_UP at each stored value); statistics for flags use floats,
since they only decide whether a person should look, never a number that is published.
"""

import statistics
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
MAD_SCALE = 0.6745  # modified z-score (Iglewicz & Hoaglin): 0.6745 * (x - median) / MAD


def q2(value) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def sheet_total(lines: list[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ weight × score over the scored (non-veto) criteria."""
    return q2(sum((w * v for w, v in lines), Decimal(0)))


def aggregate(values: list[tuple[Decimal, Decimal]], method: str) -> Decimal | None:
    """Aggregate (total, expert weight) pairs: weighted mean, median, or trimmed mean (drop highest and lowest)."""
    if not values:
        return None
    if method == "median":
        return q2(statistics.median([v for v, _w in values]))
    if method == "trimmed" and len(values) >= 3:
        ordered = sorted(values, key=lambda p: p[0])
        values = ordered[1:-1]
    weight = sum((w for _v, w in values), Decimal(0))
    if weight == 0:
        return None
    return q2(sum((v * w for v, w in values), Decimal(0)) / weight)


def rank(scores: dict[int, Decimal | None], vetoed: set[int]) -> dict[int, int | None]:
    """Competition ranking (1, 2, 2, 4) by score descending; vetoed or unscored entries get no rank."""
    ranked = sorted(
        ((s, k) for k, s in scores.items() if s is not None and k not in vetoed), key=lambda p: -p[0]
    )
    out: dict[int, int | None] = dict.fromkeys(scores)
    prev, prev_rank = None, 0
    for i, (s, k) in enumerate(ranked, start=1):
        prev_rank = prev_rank if s == prev else i
        out[k] = prev_rank
        prev = s
    return out


def spread(totals: list[Decimal]) -> Decimal | None:
    return (max(totals) - min(totals)) if len(totals) >= 2 else None


def outliers(totals: dict[int, Decimal], threshold: float) -> dict[int, float]:
    """Experts whose total is far from the panel: |modified z| above threshold (MAD-based, robust)."""
    if len(totals) < 3:
        return {}
    values = [float(v) for v in totals.values()]
    med = statistics.median(values)
    mad = statistics.median([abs(v - med) for v in values])
    if mad == 0:
        # Everyone else agrees exactly: any departure is remarkable; use the mean absolute deviation instead.
        mean_ad = statistics.fmean([abs(v - med) for v in values])
        if mean_ad == 0:
            return {}
        return {
            k: round((float(v) - med) / (1.253314 * mean_ad), 2)
            for k, v in totals.items()
            if abs(float(v) - med) / (1.253314 * mean_ad) > threshold
        }
    out = {}
    for k, v in totals.items():
        z = MAD_SCALE * (float(v) - med) / mad
        if abs(z) > threshold:
            out[k] = round(z, 2)
    return out


def identical_vectors(vectors: dict[int, tuple]) -> list[list[int]]:
    """Groups of experts (≥2) whose full score vectors are identical."""
    by_vec: dict[tuple, list[int]] = {}
    for k, vec in vectors.items():
        by_vec.setdefault(vec, []).append(k)
    return [sorted(ks) for ks in by_vec.values() if len(ks) >= 2]
