"""The basic evaluation sheet (财会〔2016〕11号 附件1) as data: data/basic_2016.json, read once.

Levels, indicators and their evaluation points (items) with points; an item is scored by hand with evidence
(`method` "manual", the default) or computed from the system's own records (`method` "computed", with checks
that share its points: center/assessment/evidence.py). Items of a non-applicable indicator (construction) and
items marked `"applicable": false` are dropped and the total is rescaled to 100.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from center.core.translated import pick

DATA = Path(__file__).parent / "data" / "basic_2016.json"


@dataclass(frozen=True)
class Check:
    code: str
    points: Decimal
    bands: tuple = ()


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    name_en: str
    points: Decimal
    indicator: str
    level: str
    method: str = "manual"
    applicable: bool = True
    checks: tuple[Check, ...] = ()

    @property
    def computed(self) -> bool:
        return self.method == "computed"

    def display_name(self, language: str | None = None) -> str:
        return pick(language, self.name, self.name_en)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    name_en: str
    points: Decimal
    level: str
    applicable: bool
    items: tuple[Item, ...] = field(default=())

    def display_name(self, language: str | None = None) -> str:
        return pick(language, self.name, self.name_en)


@dataclass(frozen=True)
class Level:
    code: str
    name: str
    name_en: str
    points: Decimal

    def display_name(self, language: str | None = None) -> str:
        return pick(language, self.name, self.name_en)


@dataclass(frozen=True)
class Sheet:
    source: str
    source_en: str
    note: str
    note_en: str
    na_reason: str
    na_reason_en: str
    levels: tuple[Level, ...]
    indicators: tuple[Indicator, ...]
    modules: tuple[dict, ...]

    @property
    def items(self) -> list[Item]:
        return [item for ind in self.indicators for item in ind.items]

    def item(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

    @property
    def applicable_points(self) -> Decimal:
        return sum((i.points for i in self.items if i.applicable), Decimal(0))

    def words(self, language: str | None = None) -> dict[str, str]:
        return {
            "source": pick(language, self.source, self.source_en),
            "note": pick(language, self.note, self.note_en),
            "na_reason": pick(language, self.na_reason, self.na_reason_en),
        }


def _dec(value) -> Decimal:
    return Decimal(str(value))


@cache
def sheet() -> Sheet:
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    indicators = []
    for ind in raw["indicators"]:
        ind_applicable = ind.get("applicable", True)
        items = tuple(
            Item(
                code=it["code"],
                name=it["name"],
                name_en=it.get("name_en", ""),
                points=_dec(it["points"]),
                indicator=ind["code"],
                level=ind["level"],
                method=it.get("method", "manual"),
                applicable=ind_applicable and it.get("applicable", True),
                checks=tuple(
                    Check(
                        c["code"], _dec(c["points"]), tuple(tuple(map(_dec, b)) for b in c.get("bands", ()))
                    )
                    for c in it.get("checks", ())
                ),
            )
            for it in ind["items"]
        )
        if sum(i.points for i in items) != _dec(ind["points"]):
            raise ValueError(f"indicator {ind['code']}: its items do not add up to {ind['points']}")
        for i in items:
            if i.checks and sum(c.points for c in i.checks) != i.points:
                raise ValueError(f"item {i.code}: its checks do not add up to {i.points}")
        indicators.append(
            Indicator(
                ind["code"],
                ind["name"],
                ind.get("name_en", ""),
                _dec(ind["points"]),
                ind["level"],
                ind_applicable,
                items,
            )
        )
    levels = tuple(Level(lv["code"], lv["name"], lv["name_en"], _dec(lv["points"])) for lv in raw["levels"])
    if sum(i.points for i in indicators) != sum(lv.points for lv in levels):
        raise ValueError("the indicators do not add up to the levels' points")
    return Sheet(
        source=raw["source"],
        source_en=raw["source_en"],
        note=raw["note"],
        note_en=raw["note_en"],
        na_reason=raw["not_applicable_reason"],
        na_reason_en=raw["not_applicable_reason_en"],
        levels=levels,
        indicators=tuple(indicators),
        modules=tuple(raw["modules"]),
    )
