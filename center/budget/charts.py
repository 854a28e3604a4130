"""Server-side charts as inline SVG (no script, no inline style: colours are SVG presentation attributes)."""

from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .rounding import fmt_wan

PALETTE = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#0a7ea4", "#d4a72c", "#57606a", "#e16f24"]


@dataclass
class Bar:
    label: str
    value: Decimal
    link: str = ""
    value2: Decimal | None = None  # comparison (previous year)


def _wan(value: Decimal, places: int = 0) -> str:
    """An amount in 万元 with its unit, in the reader's language ("1,512 万元", "1,512 × 10,000 yuan")."""
    return _("%(amount)s 万元") % {"amount": fmt_wan(value, places) if places else fmt_wan(value)}


def _short(label: str, width: int) -> str:
    """The label cut to about `width` half-width characters (a Chinese character counts two)."""
    used = 0
    for i, ch in enumerate(label):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > width:
            return label[: max(i - 1, 1)] + "…"
    return label


def _role(bars: list[Bar], title: str) -> str:
    """A chart whose parts are drill-down links is a group of links (an image may not contain links)."""
    role = "group" if any(b.link for b in bars) else "img"
    return f'role="{role}" aria-label="{escape(title)}"'


def hbar(bars: list[Bar], *, title: str, width: int = 560, legend: tuple[str, str] | None = None) -> str:
    """Horizontal bars with labels and 万元 values; `value2` draws a thinner comparison bar below."""
    bars = [b for b in bars if b.value or b.value2]
    row_h = 34 if any(b.value2 is not None for b in bars) else 26
    label_w, value_w = 190, 80
    plot_w = width - label_w - value_w - 10
    top = 30 if legend else 8
    height = top + row_h * len(bars) + 8
    vmax = max([b.value for b in bars] + [b.value2 or 0 for b in bars] + [Decimal(1)])
    parts = [
        f'<svg class="budget-chart" {_role(bars, title)} viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    if legend:
        parts.append(f'<rect x="{label_w}" y="6" width="12" height="12" fill="{PALETTE[0]}"/>')
        parts.append(f'<text x="{label_w + 16}" y="16" font-size="12" fill="#333">{escape(legend[0])}</text>')
        parts.append(f'<rect x="{label_w + 110}" y="6" width="12" height="12" fill="#9aa4b2"/>')
        parts.append(
            f'<text x="{label_w + 126}" y="16" font-size="12" fill="#333">{escape(legend[1])}</text>'
        )
    for i, b in enumerate(bars):
        y = top + i * row_h
        w = float(b.value / vmax) * plot_w if vmax else 0
        label = _short(b.label, 26)
        text = f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end" fill="#24292f">{escape(label)}</text>'
        bar = (
            f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1):.1f}" height="14" rx="2" '
            f'fill="{PALETTE[i % len(PALETTE)] if not legend else PALETTE[0]}"><title>{escape(b.label)} '
            f"{_wan(b.value, 2)}</title></rect>"
        )
        if b.link:
            bar = f'<a href="{escape(b.link)}" aria-label="{escape(b.label)} {_wan(b.value, 2)}">{bar}</a>'
        parts += [f"<g>{text}{bar}"]
        parts.append(
            f'<text x="{label_w + max(w, 1) + 4:.1f}" y="{y + 15}" font-size="12" fill="#57606a">{fmt_wan(b.value)}</text>'
        )
        if b.value2 is not None:
            w2 = float(b.value2 / vmax) * plot_w if vmax else 0
            parts.append(
                f'<rect x="{label_w}" y="{y + 20}" width="{max(w2, 1):.1f}" height="8" rx="2" fill="#9aa4b2">'
                f"<title>{escape(legend[1] if legend else '')} {_wan(b.value2, 2)}</title></rect>"
            )
            parts.append(
                f'<text x="{label_w + max(w2, 1) + 4:.1f}" y="{y + 28}" font-size="10" fill="#57606a">{fmt_wan(b.value2)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text is escaped above)


def donut(slices: list[Bar], *, title: str, size: int = 220) -> str:
    """A ring chart of shares with a legend on the right."""
    import math

    slices = [s for s in slices if s.value > 0]
    total = sum((s.value for s in slices), Decimal(0)) or Decimal(1)
    cx = cy = size / 2
    r, inner = size / 2 - 6, size / 2 - 40
    width = size + 300
    height = max(size, 22 * len(slices) + 10)
    out = [
        f'<svg class="budget-chart" {_role(slices, title)} viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    angle = -math.pi / 2
    for i, s in enumerate(slices):
        frac = float(s.value / total)
        color = PALETTE[i % len(PALETTE)]
        if frac >= 0.9999:
            out.append(
                f'<circle cx="{cx}" cy="{cy}" r="{(r + inner) / 2}" fill="none" stroke="{color}" stroke-width="{r - inner}"/>'
            )
        else:
            a2 = angle + frac * 2 * math.pi
            large = 1 if frac > 0.5 else 0
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(a2), cy + r * math.sin(a2)
            x3, y3 = cx + inner * math.cos(a2), cy + inner * math.sin(a2)
            x4, y4 = cx + inner * math.cos(angle), cy + inner * math.sin(angle)
            path = (
                f"M{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f} L{x3:.2f},{y3:.2f} "
                f"A{inner},{inner} 0 {large} 0 {x4:.2f},{y4:.2f} Z"
            )
            seg = (
                f'<path d="{path}" fill="{color}"><title>{escape(s.label)} {_wan(s.value, 2)}</title></path>'
            )
            name = f"{escape(s.label)} {_wan(s.value, 2)}"
            out.append(f'<a href="{escape(s.link)}" aria-label="{name}">{seg}</a>' if s.link else seg)
            angle = a2
        ly = 14 + i * 22
        pct = frac * 100
        out.append(f'<rect x="{size + 16}" y="{ly - 10}" width="12" height="12" fill="{color}"/>')
        label = _short(s.label, 22)
        out.append(
            f'<text x="{size + 34}" y="{ly}" font-size="12" fill="#24292f">{escape(label)} '
            + escape(_("%(amount)s（%(share)s%%）") % {"amount": fmt_wan(s.value), "share": f"{pct:.1f}"})
            + "</text>"
        )
    out.append(
        f'<text x="{cx}" y="{cy + 5}" font-size="15" text-anchor="middle" fill="#24292f">{fmt_wan(total)}</text>'
        f'<text x="{cx}" y="{cy + 22}" font-size="11" text-anchor="middle" fill="#57606a">{escape(_("万元"))}</text>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308
