"""The evaluation's sheet with its scores: hand scores, computed checks (live in a draft, frozen from
submission on) and the totals, with the non-applicable items dropped and the total rescaled to 100."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation

from center.core.translated import is_english

from .evidence import CheckResult, Fact, run, shared_reads
from .sheet import Indicator, Item, sheet

CENT = Decimal("0.01")


@dataclass
class ItemRow:
    item: Item
    hand: object | None = None  # ItemScore
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def score(self) -> Decimal | None:
        if not self.item.applicable:
            return None
        if self.item.computed:
            return sum((c.score for c in self.checks), Decimal(0))
        return self.hand.score if self.hand is not None else None

    @property
    def lost(self) -> Decimal:
        s = self.score
        return self.item.points - s if s is not None else Decimal(0)


@dataclass
class IndicatorRow:
    indicator: Indicator
    items: list[ItemRow]

    @property
    def applicable(self) -> bool:
        return any(r.item.applicable for r in self.items)

    @property
    def score(self) -> Decimal:
        return sum((r.score or Decimal(0) for r in self.items), Decimal(0))

    @property
    def applicable_points(self) -> Decimal:
        return sum((r.item.points for r in self.items if r.item.applicable), Decimal(0))


@dataclass
class Totals:
    unit: Decimal
    business: Decimal
    raw: Decimal
    applicable_points: Decimal
    dropped_points: Decimal
    rescaled: Decimal
    unscored: int  # applicable hand items without a score

    def to_json(self) -> dict:
        return {k: str(v) for k, v in self.__dict__.items()}


@dataclass
class Scored:
    indicators: list[IndicatorRow]
    totals: Totals

    @property
    def rows(self) -> list[ItemRow]:
        return [r for ind in self.indicators for r in ind.items]


def rescale(raw: Decimal, applicable_points: Decimal) -> Decimal:
    """The score out of 100 when only `applicable_points` of the sheet's 100 apply."""
    if not applicable_points:
        return Decimal(0)
    return (raw * 100 / applicable_points).quantize(CENT, rounding=ROUND_HALF_UP)


def _frozen(snapshot: dict, code: str) -> list[CheckResult]:
    words = snapshot.get("en" if is_english() else "zh", {})
    return [
        CheckResult(
            c["code"],
            c["title"],
            Decimal(c["points"]),
            Decimal(c["score"]),
            c["explanation"],
            [Fact(**f) for f in c["facts"]],
            c.get("improvement", ""),
        )
        for c in words.get(code, [])
    ]


def score_evaluation(evaluation, *, live: bool | None = None, fresh: bool = False) -> Scored:
    """Every item of the sheet with its score. `live`: compute the checks from today's records (a draft's
    default); otherwise read them from the snapshot taken at submission. `fresh`: verify the audit chain now."""
    live = not evaluation.snapshot if live is None else live
    with shared_reads(fresh=fresh):
        return _score(evaluation, live)


def _score(evaluation, live: bool) -> Scored:
    hands = {s.code: s for s in evaluation.scores.select_related("scored_by").prefetch_related("attachments")}
    indicators = []
    for ind in sheet().indicators:
        rows = []
        for item in ind.items:
            row = ItemRow(item, hand=hands.get(item.code))
            if item.computed and item.applicable:
                row.checks = (
                    [run(c, evaluation.year) for c in item.checks]
                    if live
                    else _frozen(evaluation.snapshot, item.code)
                )
            rows.append(row)
        indicators.append(IndicatorRow(ind, rows))
    by_level = {"unit": Decimal(0), "business": Decimal(0)}
    unscored = 0
    for ind in indicators:
        by_level[ind.indicator.level] += ind.score
        unscored += sum(1 for r in ind.items if r.item.applicable and not r.item.computed and r.hand is None)
    raw = by_level["unit"] + by_level["business"]
    applicable = sheet().applicable_points
    total_points = sum((i.points for i in sheet().items), Decimal(0))
    return Scored(
        indicators,
        Totals(
            unit=by_level["unit"],
            business=by_level["business"],
            raw=raw,
            applicable_points=applicable,
            dropped_points=total_points - applicable,
            rescaled=rescale(raw, applicable),
            unscored=unscored,
        ),
    )


def snapshot_of(evaluation) -> dict:
    """The computed checks (their words in both languages) and the totals as they stand now: frozen into the
    evaluation at submission."""
    frozen = {}
    for key, language in (("zh", "zh-hans"), ("en", "en")):
        with translation.override(language):
            scored = score_evaluation(evaluation, live=True, fresh=key == "zh")
        frozen[key] = {r.item.code: [c.to_json() for c in r.checks] for r in scored.rows if r.checks}
    frozen["totals"] = scored.totals.to_json()
    return frozen
