"""Words for the performance area's audit codes (center/core/labels.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.labels import register

from .enums import Rating, SourceKind

register(
    entities={
        "performance.binding": pgettext_lazy("audit entity", "指标数据来源"),
        "performance.value": pgettext_lazy("audit entity", "指标填报值"),
        "performance.record": pgettext_lazy("audit entity", "维护记录或建设里程碑"),
        "performance.rule": pgettext_lazy("audit entity", "绩效评分规则"),
        "performance.evaluation": pgettext_lazy("audit entity", "绩效自评"),
        # target types (model labels) the codes' entities do not already name
        "performance.indicatorbinding": pgettext_lazy("audit entity", "指标数据来源"),
        "performance.manualvalue": pgettext_lazy("audit entity", "指标填报值"),
        "performance.scorerule": pgettext_lazy("audit entity", "绩效评分规则"),
        "performance.evaluationline": pgettext_lazy("audit entity", "自评指标行"),
    },
    verbs={
        "accepted": pgettext_lazy("audit verb", "验收"),
        "scored": pgettext_lazy("audit verb", "评分"),
        "suggested": pgettext_lazy("audit verb", "按建议设置"),
        "line_set": pgettext_lazy("audit verb", "调整评分行"),
        "set": pgettext_lazy("audit verb", "设置"),
    },
    actions={
        "performance.binding.set": _("设置指标数据来源"),
        "performance.binding.suggested": _("按建议设置指标数据来源"),
        "performance.value.created": _("填报指标值"),
        "performance.record.created": _("登记维护记录或建设里程碑"),
        "performance.record.accepted": _("验收维护记录或建设里程碑"),
        "performance.rule.saved": _("保存绩效评分规则"),
        "performance.evaluation.created": _("创建绩效自评"),
        "performance.evaluation.scored": _("重新计算绩效自评得分"),
        "performance.evaluation.line_set": _("调整绩效自评指标行"),
        "performance.evaluation.updated": _("修改绩效自评说明"),
        "performance.evaluation.submit": _("提交绩效自评"),
        "performance.evaluation.return": _("退回绩效自评"),
        "performance.evaluation.approve": _("审定绩效自评"),
    },
    fields={
        "source": pgettext_lazy("audit field", "数据来源"),
        "event_types": pgettext_lazy("audit field", "活动类型"),
        "base": pgettext_lazy("audit field", "依据的数量指标"),
        "deadline": pgettext_lazy("audit field", "完成期限"),
        "bound": pgettext_lazy("audit field", "设置数量"),
        "as_of": pgettext_lazy("audit field", "截至日期"),
        "files": pgettext_lazy("audit field", "证明材料数"),
        "accepted_on": pgettext_lazy("audit field", "验收日期"),
        "indicator": pgettext_lazy("audit field", "绩效指标"),
        "score": pgettext_lazy("audit field", "总分"),
        "grade": pgettext_lazy("audit field", "等级"),
        "applicable": pgettext_lazy("audit field", "适用"),
        "rating_pct": pgettext_lazy("audit field", "评价得分比例"),
        "line": pgettext_lazy("audit field", "指标行"),
        "comment": pgettext_lazy("audit field", "意见"),
        "execution_explanation": pgettext_lazy("audit field", "执行率偏低原因说明"),
        "conclusion": pgettext_lazy("audit field", "自评结论"),
        "problems": pgettext_lazy("audit field", "存在问题及改进措施"),
        "execution_weight": pgettext_lazy("audit field", "预算执行率分值"),
        "output_weight": pgettext_lazy("audit field", "产出指标分值"),
        "benefit_weight": pgettext_lazy("audit field", "效益指标分值"),
        "satisfaction_weight": pgettext_lazy("audit field", "满意度指标分值"),
        "achieved_min": pgettext_lazy("audit field", "达成下限"),
        "partly_min": pgettext_lazy("audit field", "部分达成下限"),
        "excellent_min": pgettext_lazy("audit field", "优等分数线"),
        "good_min": pgettext_lazy("audit field", "良等分数线"),
        "fair_min": pgettext_lazy("audit field", "中等分数线"),
        "explain_below": pgettext_lazy("audit field", "须说明的执行率界限"),
    },
    values={
        "source": SourceKind.choices,
        "rating": Rating.choices,
    },
)

# --------------------------------------------------------------------------- the mid-year monitoring (双监控)

from .monitoring_enums import Cause, Likelihood  # noqa: E402

register(
    entities={
        "performance.monitoring": pgettext_lazy("audit entity", "绩效监控表"),
        "performance.monitoring_round": pgettext_lazy("audit entity", "绩效运行监控"),
        "performance.monitoringreport": pgettext_lazy("audit entity", "绩效监控表"),
        "performance.monitoringround": pgettext_lazy("audit entity", "绩效运行监控"),
    },
    verbs={
        "opened": pgettext_lazy("audit verb", "开启"),
        "statements_saved": pgettext_lazy("audit verb", "填写偏差说明"),
        "head_review": pgettext_lazy("audit verb", "部门负责人审核"),
        "finance_review": pgettext_lazy("audit verb", "财务审核"),
    },
    actions={
        "performance.monitoring_round.opened": _("开启绩效运行监控"),
        "performance.monitoring_round.updated": _("修改绩效运行监控期间或报送期限"),
        "performance.monitoring.statements_saved": _("填写绩效监控偏差说明"),
        "performance.monitoring.head_review": _("部门负责人审核绩效监控表"),
        "performance.monitoring.finance_review": _("财务审核绩效监控表"),
        "performance.monitoring.submit": _("审定并报送绩效监控表"),
        "performance.monitoring.return": _("退回绩效监控表"),
    },
    fields={
        "period_end": pgettext_lazy("audit field", "监控截止日期"),
        "due_on": pgettext_lazy("audit field", "报送期限"),
        "reports": pgettext_lazy("audit field", "监控表数量"),
        "rows": pgettext_lazy("audit field", "说明的指标"),
        "causes": pgettext_lazy("audit field", "偏差原因"),
        "likelihood": pgettext_lazy("audit field", "完成目标可能性"),
    },
    values={
        "causes": Cause.choices,
        "likelihood": Likelihood.choices,
    },
)
