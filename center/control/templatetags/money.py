from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value) -> str:
    """1234567.8 → 1,234,567.80 (amounts are shown in yuan with 2 decimals on working pages)."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def pct(value) -> str:
    return f"{float(value or 0):.1f}%"


@register.filter
def bar(value) -> int:
    """A percentage clamped to 0–100, for the width classes of progress bars."""
    return max(0, min(100, int(round(float(value or 0)))))
