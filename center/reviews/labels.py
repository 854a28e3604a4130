"""Words for the reviews area's audit codes (center/core/labels.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.labels import register

from .enums import FlagDecision, RoundKind

register(
    entities={
        "reviews.round": pgettext_lazy("audit entity", "评审轮次"),
        "reviews.group": pgettext_lazy("audit entity", "评审组"),
        "reviews.application": pgettext_lazy("audit entity", "申报项目"),
        "reviews.assignment": pgettext_lazy("audit entity", "评审任务"),
        "reviews.credit": pgettext_lazy("audit entity", "专家信用"),
        "reviews.criterion": pgettext_lazy("audit entity", "评分项"),
        "reviews.document": pgettext_lazy("audit entity", "申报材料"),
        "reviews.draw": pgettext_lazy("audit entity", "专家抽取"),
        "reviews.fees": pgettext_lazy("audit entity", "评审费"),
        "reviews.flag": pgettext_lazy("audit entity", "评分异常"),
        "reviews.notice": pgettext_lazy("audit entity", "公示"),
        "reviews.objection": pgettext_lazy("audit entity", "异议"),
        "reviews.pick": pgettext_lazy("audit entity", "抽中专家"),
        "reviews.sheet": pgettext_lazy("audit entity", "评分表"),
        # target types (model labels) the codes' entities do not already name
        "reviews.reviewround": pgettext_lazy("audit entity", "评审轮次"),
        "reviews.reviewgroup": pgettext_lazy("audit entity", "评审组"),
        "reviews.publicnotice": pgettext_lazy("audit entity", "公示"),
        "reviews.scoresheet": pgettext_lazy("audit entity", "评分表"),
        "reviews.drawpick": pgettext_lazy("audit entity", "抽中专家"),
    },
    verbs={
        "resolve": pgettext_lazy("audit verb", "处理"),
        "answer": pgettext_lazy("audit verb", "答复"),
        "supersede": pgettext_lazy("audit verb", "更正"),
        "void": pgettext_lazy("audit verb", "作废"),
    },
    actions={
        "reviews.round.start_scoring": _("评审开始评分"),
        "reviews.round.approve": _("确认评审结果"),
        "reviews.round.publish": _("公示评审结果"),
        "reviews.round.computed": _("计算评审结果"),
        "reviews.group.rules_changed": _("修改抽取规则"),
        "reviews.application.formal_checked": _("形式审查"),
        "reviews.application.document_added": _("添加申报材料"),
        "reviews.assignment.pledged": _("专家签署承诺"),
        "reviews.assignment.rated": _("评价专家"),
        "reviews.draw.pool_fixed": _("锁定候选专家库"),
        "reviews.draw.seed": _("抽取专家"),
        "reviews.draw.seed_part_entered": _("录入抽取种子"),
        "reviews.fees.computed": _("计算评审费"),
        "reviews.fees.funding_requested": _("申请评审费经费"),
        "reviews.pick.invite": _("邀请专家"),
        "reviews.pick.accept": _("专家接受邀请"),
        "reviews.pick.decline": _("专家谢绝邀请"),
        "reviews.pick.expire": _("邀请过期"),
        "reviews.sheet.opened": _("打开评分表"),
        "reviews.credit.changed": _("变更专家信用"),
    },
    fields={
        "application": pgettext_lazy("audit field", "申报项目"),
        "applications": pgettext_lazy("audit field", "申报项目"),
        "criterion": pgettext_lazy("audit field", "评分项"),
        "criterion_en": pgettext_lazy("audit field", "评分项英文名称"),
        "draw": pgettext_lazy("audit field", "抽取"),
        "rank": pgettext_lazy("audit field", "顺位"),
        "conflicts": pgettext_lazy("audit field", "回避冲突"),
        "vetoed": pgettext_lazy("audit field", "否决"),
        "round": pgettext_lazy("audit field", "评审轮次"),
        "notice": pgettext_lazy("audit field", "公示"),
        "objection": pgettext_lazy("audit field", "异议"),
        "pool_hash": pgettext_lazy("audit field", "候选库摘要"),
        "result_hash": pgettext_lazy("audit field", "结果摘要"),
        "seed": pgettext_lazy("audit field", "种子"),
        "part": pgettext_lazy("audit field", "种子部分"),
        "eligible": pgettext_lazy("audit field", "符合条件人数"),
        "excluded": pgettext_lazy("audit field", "回避人数"),
        "gross": pgettext_lazy("audit field", "应发金额"),
        "days": pgettext_lazy("audit field", "天数"),
        "weight": pgettext_lazy("audit field", "权重"),
    },
    values={"kind": RoundKind.choices, "decision": FlagDecision.choices},
)
