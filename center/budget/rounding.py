"""The one rounding rule of the budget area (docs/budget-model.md § Rounding rule).

Amounts are stored in yuan. A displayed 万元 figure is the yuan amount of that very cell divided by 10,000
and rounded half-up: to whole 万元 in the disclosure tables (as the published tables print them), to two
decimals on working pages. Totals are rounded from their yuan total, never added up from rounded parts.
"""

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10000)


def to_wan(amount: Decimal | None, places: int = 0) -> Decimal:
    if amount is None:
        amount = Decimal(0)
    q = Decimal(1).scaleb(-places)
    return (Decimal(amount) / WAN).quantize(q, rounding=ROUND_HALF_UP)


def fmt_wan(amount: Decimal | None, places: int = 0) -> str:
    """ "2,099" for 20,990,000.00 yuan (thousands separators, as printed)."""
    return f"{to_wan(amount, places):,.{places}f}"


def pct_change(current: Decimal, previous: Decimal | None) -> Decimal | None:
    """Whole-percent change over the previous year (half-up); None when there is no base."""
    if previous is None or previous == 0:
        return None
    return ((current - previous) * 100 / previous).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def from_wan(wan) -> Decimal:
    """Yuan from a 万元 figure (for loading published data)."""
    return (Decimal(str(wan).replace(",", "")) * WAN).quantize(Decimal("0.01"))
