"""Money helpers. Amounts are Decimal yuan with 2 places; these only format them."""

from decimal import ROUND_HALF_UP, Decimal

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
