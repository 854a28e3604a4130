"""States, source kinds and the self-evaluation's state machine (rule 14: transitions as data)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.statemachine import Machine


class SourceKind(models.TextChoices):
    """Where an indicator's actual value comes from. The written definition of each is `SOURCE_DEFINITIONS`."""

    EVENTS = "events", _("活动举办场数")
    SATISFACTION = "satisfaction", _("活动受众满意度")
    CALLS = "calls", _("专家征集发布批次")
    REVIEWS = "reviews", _("评审组织轮次")
    EXECUTION = "execution", _("预算执行率")
    MAINTENANCE = "maintenance", _("维护记录验收次数")
    MILESTONES = "milestones", _("建设里程碑验收数")
    PROCUREMENT = "procurement", _("采购验收/资产入账数量")
    COMPLETION = "completion", _("完成率（由数量指标推算）")
    TIMELINESS = "timeliness", _("及时性（由数量指标及期限推算）")
    MANUAL = "manual", _("手工填报（须附证明）")
    RATING = "rating", _("定性评价（须附证明）")


# Sources an event may be linked to (an event counts towards such an indicator, nothing else).
EVENT_SOURCES = frozenset({SourceKind.EVENTS, SourceKind.SATISFACTION})
# Sources whose value is typed with evidence (ManualValue rows).
MANUAL_SOURCES = frozenset({SourceKind.MANUAL, SourceKind.PROCUREMENT, SourceKind.RATING})
# Sources counted from accepted records of this area (Milestone rows).
RECORD_SOURCES = frozenset({SourceKind.MAINTENANCE, SourceKind.MILESTONES})
# Sources derived from another (quantity) indicator of the same budget.
DERIVED_SOURCES = frozenset({SourceKind.COMPLETION, SourceKind.TIMELINESS})
# Sources whose actual is a percentage (compared with the target as is, not scaled by time).
RATE_SOURCES = frozenset({SourceKind.SATISFACTION, SourceKind.EXECUTION, SourceKind.COMPLETION})
# Qualitative sources: a rating (达成 / 部分达成 / 未达成) rather than a number.
RATED_SOURCES = frozenset({SourceKind.RATING, SourceKind.TIMELINESS})

SOURCE_DEFINITIONS = {
    SourceKind.EVENTS: _(
        "预算年度内已举办（已举办、已总结或已关闭，取消的不计）的活动场数：活动的经费来源为本项目的预算明细"
        "且类型属于所列类型，或活动明确计入本指标。"
    ),
    SourceKind.SATISFACTION: _(
        "预算年度内已举办活动的满意度调查结果，按答卷数加权平均：活动的经费来源为本项目的预算明细（单位整体"
        "指标：全部活动），或活动明确计入本指标。"
    ),
    SourceKind.CALLS: _("以预算年度为年度、已发布（含已截止）的专家征集公告批次数，不按日历年统计。"),
    SourceKind.REVIEWS: _("以预算年度为年度、已开始评审（评审中、结果已锁定或已公示）的评审轮次数。"),
    SourceKind.EXECUTION: _(
        "预算执行率 = 指标台账中已执行数 ÷ 调整后预算数（批复数 + 调剂数）×100%；项目指标按本项目的额度"
        "计算，单位整体指标按全部额度计算。"
    ),
    SourceKind.MAINTENANCE: _("预算年度内已验收的维护记录次数（在本模块登记并验收）。"),
    SourceKind.MILESTONES: _(
        "预算年度内已验收的建设里程碑（系统、平台上线或交付）数量（在本模块登记并验收）。"
    ),
    SourceKind.PROCUREMENT: _(
        "已验收的采购数量或新建资产卡片数；采购模块上线前由经办人填报并附验收单等证明。"
    ),
    SourceKind.COMPLETION: _("完成率 = 所依据数量指标的实际值 ÷ 目标值 ×100%（最高 100%），不单独填报。"),
    SourceKind.TIMELINESS: _(
        "及时性：所依据数量指标在期限前达到目标为“及时”（达成）；期限后才达到为部分达成；期限已过仍未达到为"
        "未达成；期限未到时按进度显示。"
    ),
    SourceKind.MANUAL: _("经办人填报的数值，须附说明和证明材料，记录填报人和时间；以最近一次填报为准。"),
    SourceKind.RATING: _("定性评价：达成、部分达成或未达成，须附说明和证明材料，记录评价人和时间。"),
}


class Rating(models.TextChoices):
    ACHIEVED = "achieved", pgettext_lazy("rating", "达成")
    PARTLY = "partly", pgettext_lazy("rating", "部分达成")
    NOT = "not", pgettext_lazy("rating", "未达成")


class Status(models.TextChoices):
    """The traffic light of an indicator's progress (see progress.py for the rule)."""

    MET = "met", pgettext_lazy("traffic light", "已达成")
    ON_TRACK = "on_track", pgettext_lazy("traffic light", "正常")
    LAGGING = "lagging", pgettext_lazy("traffic light", "滞后")
    OFF_TRACK = "off_track", pgettext_lazy("traffic light", "严重滞后")
    NO_DATA = "no_data", pgettext_lazy("traffic light", "暂无数据")


STATUS_COLOURS = {
    Status.MET: "success",
    Status.ON_TRACK: "success",
    Status.LAGGING: "warning",
    Status.OFF_TRACK: "danger",
    Status.NO_DATA: "secondary",
}


class RecordState(models.TextChoices):
    PLANNED = "planned", _("待验收")
    ACCEPTED = "accepted", _("已验收")


class RecordKind(models.TextChoices):
    MAINTENANCE = "maintenance", _("维护记录")
    MILESTONE = "milestone", _("建设里程碑")


class Category(models.TextChoices):
    """The four parts of a self-evaluation score (财预〔2020〕10号)."""

    EXECUTION = "execution", _("预算执行率")
    OUTPUT = "output", _("产出指标")
    BENEFIT = "benefit", _("效益指标")
    SATISFACTION = "satisfaction", _("满意度指标")


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审定")
    RETURNED = "returned", pgettext_lazy("evaluation", "已退回")
    APPROVED = "approved", _("已审定")


EVALUATION = Machine(
    "performance.evaluation",
    {
        "submit": ({EvaluationState.DRAFT, EvaluationState.RETURNED}, EvaluationState.SUBMITTED),
        "return": ({EvaluationState.SUBMITTED}, EvaluationState.RETURNED),
        "approve": ({EvaluationState.SUBMITTED}, EvaluationState.APPROVED),
    },
)
EVALUATION_VERB_LABELS = {
    "submit": _("提交审定"),
    "return": pgettext_lazy("action", "退回修改"),
    "approve": _("审定"),
}
EDITABLE_EVALUATION_STATES = frozenset({EvaluationState.DRAFT, EvaluationState.RETURNED})
