"""Words for the experts area's audit codes (center/core/labels.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.labels import register

from .enums import RelationKind

register(
    entities={
        "experts.expert": pgettext_lazy("audit entity", "专家"),
        "experts.activity": pgettext_lazy("audit entity", "专委会活动"),
        "experts.application": pgettext_lazy("audit entity", "入库申请"),
        "experts.call": pgettext_lazy("audit entity", "专家征集"),
        "experts.organisation": pgettext_lazy("audit entity", "单位"),
        "experts.relation": pgettext_lazy("audit entity", "关联关系"),
        # target types (model labels) the codes' entities do not already name
        "experts.committeeactivity": pgettext_lazy("audit entity", "专委会活动"),
        "experts.expertapplication": pgettext_lazy("audit entity", "入库申请"),
        "experts.recruitmentcall": pgettext_lazy("audit entity", "专家征集"),
    },
    verbs={
        "admit": pgettext_lazy("audit verb", "入库"),
        "suspend": pgettext_lazy("audit verb", "暂停"),
        "decline": pgettext_lazy("audit verb", "不予入库"),
    },
    actions={
        "experts.expert.withdraw": _("专家退出"),
        "experts.expert.revealed": _("查看专家完整信息"),
        "experts.expert.profile_confirmed": _("专家确认信息"),
        "experts.application.pass_first": _("入库申请初审通过"),
        "experts.application.decline_first": _("入库申请初审不通过"),
        "experts.application.admit": _("入库申请通过"),
        "experts.application.decline": _("入库申请不通过"),
    },
    fields={
        "expert": pgettext_lazy("audit field", "专家"),
        "experts": pgettext_lazy("audit field", "专家"),
        "call": pgettext_lazy("audit field", "专家征集"),
        "disciplines": pgettext_lazy("audit field", "学科"),
        "credit_score": pgettext_lazy("audit field", "信用分"),
    },
    values={"kind": RelationKind.choices},
)
