"""Money helpers. Amounts are Decimal yuan with 2 places.

`parse_amount` is the one parser of an amount someone sent (a form field, an API body, a service argument):
plain ASCII digits, an optional point and at most two decimals — never a sign (no money input is negative), an
exponent (`1e5`), a digit group separator (`1_000`, `1,000`), surrounding spaces, or digits of another script
(`１００` full width, `٣` Arabic-Indic), all of which Python's `Decimal()` would quietly accept.
`rmb_upper` formats an amount in capitals for printed forms.
"""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from django.utils.translation import gettext as _

from .errors import ApplicationError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999.99")  # the amount columns: max_digits=16, decimal_places=2
# `[0-9]`, not `\d`: in a str pattern `\d` matches every script's digits.
_PLAIN = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<cents>[0-9]+))?")


def parse_amount(value, *, field: str = "amount", positive: bool = False) -> Decimal:
    """An amount (>= 0, at most 2 decimals, at most MAX_AMOUNT) from what a person or a client sent, as a
    Decimal with two places, or an `ApplicationError` naming `field` that says what is wrong.

    `positive`: zero is refused too (and a negative amount with the same words, "must be more than zero").
    Strings must be plain (see the module docstring). Integers and Decimals (from our own code) pass when
    they fit; a float (a JSON number) is read from its shortest text, so `1200.5` passes and `1e5` does not.
    """

    def refuse(message: str):
        raise ApplicationError(message, {"field": field})

    def negative():
        refuse(_("金额必须大于零。") if positive else _("金额不能为负数。"))

    if isinstance(value, bool) or value is None:
        refuse(_("金额须为数字：半角阿拉伯数字，可带小数点和最多两位小数（如 1200 或 1200.50）。"))
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as this float: "1e+16" stays an exponent
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            refuse(_("金额须为数字：半角阿拉伯数字，可带小数点和最多两位小数（如 1200 或 1200.50）。"))
        amount = value
    elif isinstance(value, str):
        if value.startswith("-") and _PLAIN.fullmatch(value[1:]):
            negative()
        match = _PLAIN.fullmatch(value)
        if match is None:
            refuse(_("金额须为数字：半角阿拉伯数字，可带小数点和最多两位小数（如 1200 或 1200.50）。"))
        if len(match["whole"]) > 20:
            refuse(_("金额过大。"))
        if match["cents"] and len(match["cents"]) > 2:
            refuse(_("金额最多保留两位小数（分）。"))
        amount = Decimal(value)
    else:
        refuse(_("金额须为数字：半角阿拉伯数字，可带小数点和最多两位小数（如 1200 或 1200.50）。"))
    if amount < 0 or (positive and amount == 0):
        negative()
    if amount > MAX_AMOUNT:
        refuse(_("金额过大。"))
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        refuse(_("金额最多保留两位小数（分）。"))
    return amount.quantize(CENT)


def _amount_for_schema(value):
    try:
        return parse_amount(value)
    except ApplicationError as exc:
        raise ValueError(exc.message) from None


def _amount_type():
    from pydantic import BeforeValidator, WithJsonSchema

    return Annotated[
        Decimal,
        BeforeValidator(_amount_for_schema),
        WithJsonSchema({"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$", "example": "1200.50"}),
    ]


# The type of an amount in an API schema (django-ninja / pydantic): `amount: Amount` goes through parse_amount.
Amount = _amount_type()

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_SECTIONS = ["", "万", "亿", "万亿"]


def _section(n: int) -> str:
    """0 < n < 10000 → e.g. 1005 → 壹仟零伍 (zeros inside collapse to one 零)."""
    out, zero = "", False
    for i in range(3, -1, -1):
        d = n // 10**i % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[d] + _UNITS[i]
    return out


def rmb_upper(amount) -> str:
    """大写金额 for printed forms (GB/T conventions used on Chinese vouchers).

    12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分; 100 → 壹佰元整; 0.05 → 伍分; 1000000.10 → 壹佰万元零壹角.
    """
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        return "负" + rmb_upper(-value)
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    parts: list[str] = []
    if yuan:
        sections, pos, need_zero = [], 0, False
        n = yuan
        while n:
            sec = n % 10000
            if sec:
                text = _section(sec) + _SECTIONS[pos]
                if need_zero:
                    text += "零"
                sections.append(text)
                need_zero = sec < 1000
            elif sections:
                need_zero = True
            n //= 10000
            pos += 1
        text = "".join(reversed(sections))
        parts.append(text.rstrip("零") + "元")
    if not jiao and not fen:
        return (parts[0] if parts else "零元") + "整"
    if jiao:
        parts.append(_DIGITS[jiao] + "角")
    elif yuan:
        parts.append("零")
    if fen:
        parts.append(_DIGITS[fen] + "分")
    return "".join(parts)


def format_yuan(value) -> str:
    """The one display of an amount in yuan: 1234567.8 → 1,234,567.80 (thousands separators, two places);
    nothing → "—". Templates use the `yuan` filter, exports and PDFs call this."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
