"""Which source an indicator most likely has, from its name and place in the framework: the proposal the
binding page pre-selects, the demo applies, and the events form falls back on for an indicator not bound
yet. Pure functions (no queries): the caller passes the event types and the budget's other indicators."""

import re

from .enums import SourceKind

_DERIVED_SUFFIXES = (("完成率", SourceKind.COMPLETION), ("及时性", SourceKind.TIMELINESS))
_NOISE = re.compile(r"举办|组织开展|组织|开展|主题|的")


def _norm(name: str) -> str:
    return _NOISE.sub("", name or "").strip()


def base_name(name: str) -> str | None:
    """The quantity indicator a 完成率 / 及时性 indicator is derived from ("举办海智交流活动完成率" → "举办海智交流活动")."""
    for suffix, _kind in _DERIVED_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


def matching_event_types(name: str, event_types: list[tuple[str, str]]) -> list[str]:
    """Codes of the event types the indicator's name speaks of ("举办创新周主题活动" → the 创新周主题活动 type)."""
    n = _norm(name)
    return [code for code, type_name in event_types if _norm(type_name) and _norm(type_name) in n]


def suggest(indicator, event_types: list[tuple[str, str]]) -> tuple[str, list[str]]:
    """(source kind, event type codes) proposed for a budget `PerformanceIndicator`."""
    name = indicator.name or ""
    for suffix, kind in _DERIVED_SUFFIXES:
        if name.endswith(suffix):
            return kind, []
    if "执行率" in name:
        return SourceKind.EXECUTION, []
    if "满意" in name:
        return SourceKind.SATISFACTION, []
    if indicator.kind == "qualitative":
        return SourceKind.RATING, []
    if "征集专家" in name or "专家征集" in name:
        return SourceKind.CALLS, []
    if "评审" in name:
        return SourceKind.REVIEWS, []
    types = matching_event_types(name, event_types)
    if types or "活动" in name or "研讨会" in name:
        return SourceKind.EVENTS, types
    if "维护" in name:
        return SourceKind.MAINTENANCE, []
    if "建设" in name or "平台" in name or "系统" in name:
        return SourceKind.MILESTONES, []
    if "购买" in name or "采购" in name or "设备" in name or "资产" in name:
        return SourceKind.PROCUREMENT, []
    return SourceKind.MANUAL, []


def find_base(indicator, siblings):
    """The quantity indicator of the same project a 完成率 / 及时性 `indicator` derives from, or None. Exact
    name first, then a quantity indicator whose name starts with the stem ("建设运维中心信息平台完成率" →
    "建设运维中心信息平台数量")."""
    stem = base_name(indicator.name or "")
    if not stem:
        return None
    pool = [
        s
        for s in siblings
        if s.pk != indicator.pk
        and s.project_id == indicator.project_id
        and s.kind == "quantitative"
        and base_name(s.name or "") is None
    ]
    exact = [s for s in pool if s.name == stem]
    if exact:
        return exact[0]
    loose = [s for s in pool if s.name.startswith(stem) or stem.startswith(s.name)]
    return loose[0] if loose else None
