"""The draft yearly internal-control report (内部控制报告, 财会〔2017〕1号), written from the evaluation: the
basic-evaluation result in the reference layout of 财会〔2016〕11号 附件, the points lost and why, the
controls the system evidences from its own records, the special notes (items not applicable, modules not yet
in the system) and the next steps."""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from center.core.translated import pick

from .enums import EvaluationState
from .sheet import sheet


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # first row: the header


@dataclass
class Report:
    title: str
    unit: str
    status: str
    sections: list[Section]


def _n(value) -> str:
    """Points as printed: 4, 3.5, 2.75."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _unit_name() -> str:
    from center.accounts.models import Unit

    unit = Unit.objects.order_by("pk").first()
    if unit is None:
        return ""
    return pick(get_language() or "", unit.name, unit.name_en)


def compose(evaluation, scored, modules) -> Report:
    t = scored.totals
    s = sheet()
    words = s.words()
    unit = _unit_name()
    status = (
        _("已由单位负责人审定。")
        if evaluation.state == EvaluationState.APPROVED
        else _("草稿：评价尚未审定，数字可能变化。")
    )

    result = Section(_("一、内部控制基础性评价结果"))
    result.paragraphs.append(
        _(
            "根据《行政事业单位内部控制基础性评价指标评分表》中列明的评价指标和评价要点，本单位单位层面内部控制"
            "基础性评价得分为 %(u)s 分，业务层面内部控制基础性评价得分为 %(b)s 分，共计 %(r)s 分。"
        )
        % {"u": _n(t.unit), "b": _n(t.business), "r": _n(t.raw)}
    )
    if t.dropped_points:
        result.paragraphs.append(
            _("因存在不适用指标（共 %(d)s 分），换算后的得分为 %(s)s 分（%(r)s ÷ %(a)s × 100）。")
            % {"d": _n(t.dropped_points), "s": _n(t.rescaled), "r": _n(t.raw), "a": _n(t.applicable_points)}
        )
    if t.unscored:
        result.paragraphs.append(_("尚有 %(n)s 个要点未评分，按 0 分计入。") % {"n": t.unscored})
    result.table.append([_("层面"), _("评价指标"), _("分值"), _("评价得分")])
    levels = {lv.code: lv for lv in s.levels}
    for ind in scored.indicators:
        i = ind.indicator
        result.table.append(
            [
                levels[i.level].display_name(),
                f"{i.code}. {i.display_name()}",
                _n(i.points),
                _n(ind.score) if ind.applicable else _("不适用"),
            ]
        )
    result.table.append([_("评价总分"), "", "100", _n(t.raw)])
    result.table.append([_("换算后得分"), "", "100", _n(t.rescaled)])

    lost = Section(_("二、存在扣分情况的指标"))
    for row in scored.rows:
        if not row.item.applicable or row.score is None or row.lost <= 0:
            continue
        if row.item.computed:
            reasons = _("；").join(c.explanation for c in row.checks if c.score < c.points)
        else:
            reasons = row.hand.note if row.hand else _("未评分")
        lost.table.append([row.item.code, row.item.display_name(), _n(row.lost), reasons])
    unscored = [r for r in scored.rows if r.item.applicable and not r.item.computed and r.hand is None]
    for row in unscored:
        lost.table.append([row.item.code, row.item.display_name(), _n(row.item.points), _("未评分")])
    if lost.table:
        lost.table.insert(0, [_("要点"), _("评价要点"), _("扣分"), _("扣分原因")])
    else:
        lost.paragraphs.append(_("无扣分指标。"))

    evidence = Section(_("三、系统记录的控制情况"))
    evidence.paragraphs.append(
        _("以下各项由内控管理系统根据本年度的业务记录计算，未经人工填写；证据可在系统中逐项查阅。")
    )
    for row in scored.rows:
        for c in row.checks:
            evidence.paragraphs.append(
                _("%(code)s %(title)s：%(text)s")
                % {"code": row.item.code, "title": c.title, "text": c.explanation}
            )

    special = Section(_("四、特别说明"))
    special.paragraphs.append(words["na_reason"])
    missing = [pick(None, m["name"], m["name_en"]) for m, ok in modules if not ok]
    if missing:
        special.paragraphs.append(
            _("内控管理系统尚未覆盖%(names)s业务，相关要点依手工提供的材料评分，信息系统覆盖要点按比例扣分。")
            % {"names": _("、").join(missing)}
        )
    special.paragraphs.append(words["source"])

    steps = Section(_("五、下一步工作"))
    improvements = []
    for row in scored.rows:
        for c in row.checks:
            if c.improvement and c.improvement not in improvements:
                improvements.append(c.improvement)
    for row in scored.rows:
        if row.item.applicable and not row.item.computed and row.lost > 0:
            improvements.append(
                _("完善“%(name)s”（%(code)s）。") % {"name": row.item.display_name(), "code": row.item.code}
            )
    steps.paragraphs += [f"{n}. {text}" for n, text in enumerate(improvements, 1)] or [_("保持现有控制。")]

    return Report(
        title=_("%(unit)s%(year)s年度内部控制报告") % {"unit": unit, "year": evaluation.year},
        unit=unit,
        status=status,
        sections=[result, lost, evidence, special, steps],
    )
