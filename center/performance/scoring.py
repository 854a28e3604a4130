"""The year-end self-evaluation's scoring rules (财预〔2020〕10号 by default; the figures are data: ScoreRule).

- Four parts: 预算执行率 10, 产出 50, 效益 30, 满意度 10 points. A part's points are shared equally among its
  applicable indicators (the last one takes the rounding remainder, so the part adds up exactly).
- 预算执行率: points × executed ÷ adjusted budget (full points at 100%).
- A quantitative indicator that meets its target: full points; missed: points × actual ÷ target; a reverse
  indicator ("≤", lower is better): points × target ÷ actual. No actual value: 0.
- A qualitative indicator: 达成 80–100% of its points, 部分达成 60–80%, 未达成 0–60% (bands as data); the
  evaluator picks the percentage inside the band (default: the band's top for 达成, its middle otherwise).
- Indicators marked not applicable are dropped, and so is a part left with none: the total is rescaled to
  100 (total = points scored ÷ points available × 100).
- Grades: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.
Each line carries a sentence saying how its score was computed. Pure functions: no queries.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import Category, Rating

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DEFAULTS = {
    "execution_weight": Decimal(10),
    "output_weight": Decimal(50),
    "benefit_weight": Decimal(30),
    "satisfaction_weight": Decimal(10),
    "achieved_min": Decimal(80),
    "partly_min": Decimal(60),
    "excellent_min": Decimal(90),
    "good_min": Decimal(80),
    "fair_min": Decimal(60),
    "explain_below": Decimal(90),
}


@dataclass(frozen=True)
class Rule:
    execution_weight: Decimal = DEFAULTS["execution_weight"]
    output_weight: Decimal = DEFAULTS["output_weight"]
    benefit_weight: Decimal = DEFAULTS["benefit_weight"]
    satisfaction_weight: Decimal = DEFAULTS["satisfaction_weight"]
    achieved_min: Decimal = DEFAULTS["achieved_min"]
    partly_min: Decimal = DEFAULTS["partly_min"]
    excellent_min: Decimal = DEFAULTS["excellent_min"]
    good_min: Decimal = DEFAULTS["good_min"]
    fair_min: Decimal = DEFAULTS["fair_min"]
    explain_below: Decimal = DEFAULTS["explain_below"]

    @classmethod
    def of(cls, source) -> "Rule":
        """From a ScoreRule row or a dict (an evaluation's stored copy)."""
        get = source.get if isinstance(source, dict) else lambda k, d=None: getattr(source, k, d)
        return cls(**{k: Decimal(str(get(k, v))) for k, v in DEFAULTS.items()})

    def as_dict(self) -> dict[str, str]:
        return {k: str(getattr(self, k)) for k in DEFAULTS}

    def weight(self, category: str) -> Decimal:
        return {
            Category.EXECUTION: self.execution_weight,
            Category.OUTPUT: self.output_weight,
            Category.BENEFIT: self.benefit_weight,
            Category.SATISFACTION: self.satisfaction_weight,
        }[category]

    def band(self, rating: str) -> tuple[Decimal, Decimal]:
        return {
            Rating.ACHIEVED: (self.achieved_min, HUNDRED),
            Rating.PARTLY: (self.partly_min, self.achieved_min),
            Rating.NOT: (Decimal(0), self.partly_min),
        }[rating]

    def default_pct(self, rating: str) -> Decimal:
        low, high = self.band(rating)
        return high if rating == Rating.ACHIEVED else ((low + high) / 2).quantize(CENT)

    def problems(self) -> list[str]:
        """What is wrong with these figures (empty: usable)."""
        out = []
        weights = [self.execution_weight, self.output_weight, self.benefit_weight, self.satisfaction_weight]
        if any(w < 0 for w in weights):
            out.append(_("分值不能为负数。"))
        total = sum(weights, Decimal(0))
        if total != HUNDRED:
            out.append(_("四项分值之和须为 100，现为 %(t)s。") % {"t": _num(total)})
        if not (Decimal(0) < self.partly_min < self.achieved_min < HUNDRED):
            out.append(_("定性指标档次须满足 0 < 部分达成下限 < 达成下限 < 100。"))
        if not (Decimal(0) < self.fair_min < self.good_min < self.excellent_min <= HUNDRED):
            out.append(_("等级分数线须满足 0 < 中 < 良 < 优 ≤ 100。"))
        if not (Decimal(0) <= self.explain_below <= HUNDRED):
            out.append(_("须说明的执行率界限应在 0–100 之间。"))
        return out

    def grade(self, total: Decimal | None) -> str:
        if total is None:
            return ""
        if total >= self.excellent_min:
            return "优"
        if total >= self.good_min:
            return "良"
        if total >= self.fair_min:
            return "中"
        return "差"


GRADE_LABELS = {
    "优": gettext_lazy("优"),
    "良": gettext_lazy("良"),
    "中": gettext_lazy("中"),
    "差": gettext_lazy("差"),
}


def _num(value: Decimal) -> str:
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def category_of(level1: str, is_execution: bool = False) -> str:
    """The part an indicator is scored in: its 一级指标 (成本 rows are outputs); the execution line its own."""
    if is_execution:
        return Category.EXECUTION
    if "满意" in (level1 or ""):
        return Category.SATISFACTION
    if "效益" in (level1 or ""):
        return Category.BENEFIT
    return Category.OUTPUT


def score_execution(points: Decimal, rate: Decimal | None) -> tuple[Decimal, str]:
    if rate is None:
        return Decimal(0), _("无预算或无执行数据，不得分。")
    share = min(rate, HUNDRED)
    score = (points * share / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return score, _("%(p)s 分 × 执行率 %(r)s%% = %(s)s 分（执行率按 100%% 封顶）。") % {
        "p": _num(points),
        "r": _num(rate),
        "s": _num(score),
    }


def score_quantitative(
    points: Decimal, actual: Decimal | None, target: Decimal | None, comparator: str, met: bool
) -> tuple[Decimal, str]:
    if actual is None or target is None:
        return Decimal(0), _("无实际值，不得分。")
    if met:
        return points, _("实际值 %(a)s 达到目标 %(t)s，得满分 %(p)s 分。") % {
            "a": _num(actual),
            "t": _num(target),
            "p": _num(points),
        }
    if comparator in ("<=", "<"):  # reverse: lower is better
        ratio = target / actual if actual else Decimal(1)
        score = (points * min(ratio, Decimal(1))).quantize(CENT, rounding=ROUND_HALF_UP)
        return score, _("反向指标未达标：%(p)s 分 × 目标 %(t)s ÷ 实际 %(a)s = %(s)s 分。") % {
            "p": _num(points),
            "t": _num(target),
            "a": _num(actual),
            "s": _num(score),
        }
    ratio = actual / target if target else Decimal(0)
    score = (points * min(ratio, Decimal(1))).quantize(CENT, rounding=ROUND_HALF_UP)
    return score, _("未达标：%(p)s 分 × 实际 %(a)s ÷ 目标 %(t)s = %(s)s 分。") % {
        "p": _num(points),
        "a": _num(actual),
        "t": _num(target),
        "s": _num(score),
    }


def score_qualitative(points: Decimal, rating: str, pct: Decimal | None, rule: Rule) -> tuple[Decimal, str]:
    if not rating:
        return Decimal(0), _("尚无评价，不得分。")
    low, high = rule.band(rating)
    pct = rule.default_pct(rating) if pct is None else pct
    score = (points * pct / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    return score, _("定性评价“%(r)s”（%(lo)s–%(hi)s%%），取 %(pct)s%%：%(p)s 分 × %(pct)s%% = %(s)s 分。") % {
        "r": Rating(rating).label,
        "lo": _num(low),
        "hi": _num(high),
        "pct": _num(pct),
        "p": _num(points),
        "s": _num(score),
    }


@dataclass
class Line:
    """One row to score. Inputs: category, applicable, and either the execution rate, a quantitative actual
    (with target, comparator, met) or a qualitative rating (with the chosen percentage)."""

    key: object  # the indicator id (None: the execution line)
    category: str
    applicable: bool = True
    qualitative: bool = False
    actual: Decimal | None = None
    target: Decimal | None = None
    comparator: str = ""
    met: bool = False
    rating: str = ""
    rating_pct: Decimal | None = None
    points: Decimal = Decimal(0)
    score: Decimal | None = None
    how: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Result:
    lines: list[Line]
    raw: Decimal  # points scored
    available: Decimal  # points of the parts that count
    total: Decimal | None  # rescaled to 100
    grade: str
    how: str


def _share(weight: Decimal, n: int) -> list[Decimal]:
    each = (weight / n).quantize(CENT, rounding=ROUND_HALF_UP)
    shares = [each] * n
    shares[-1] = weight - each * (n - 1)
    return shares


def score(lines: list[Line], rule: Rule) -> Result:
    """Allocate points, score every applicable line, rescale and grade."""
    by_cat: dict[str, list[Line]] = {}
    for line in lines:
        if line.applicable:
            by_cat.setdefault(line.category, []).append(line)
        else:
            line.points, line.score = Decimal(0), None
            line.how = _("不适用，不计分；该项分值不计入总分，总分按适用分值折算为百分制。")
    raw = available = Decimal(0)
    for cat in Category.values:
        group = by_cat.get(cat, [])
        weight = rule.weight(cat)
        if not group or weight == 0:
            continue
        available += weight
        for line, points in zip(group, _share(weight, len(group)), strict=True):
            line.points = points
            if cat == Category.EXECUTION:
                line.score, line.how = score_execution(points, line.actual)
            elif line.qualitative:
                line.score, line.how = score_qualitative(points, line.rating, line.rating_pct, rule)
            else:
                line.score, line.how = score_quantitative(
                    points, line.actual, line.target, line.comparator, line.met
                )
            raw += line.score
    if not available:
        return Result(lines, raw, available, None, "", _("没有适用的指标，无法评分。"))
    total = (raw / available * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
    if available == HUNDRED:
        how = _("各项得分合计 %(r)s 分。") % {"r": _num(raw)}
    else:
        how = _("适用分值 %(a)s 分，得分 %(r)s 分，折算为百分制：%(r)s ÷ %(a)s × 100 = %(t)s 分。") % {
            "a": _num(available),
            "r": _num(raw),
            "t": _num(total),
        }
    return Result(lines, raw, available, total, rule.grade(total), how)
