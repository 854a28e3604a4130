"""Words for the internal-control evaluation's audit codes (center/core/labels.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.labels import register

register(
    entities={
        "assessment.evaluation": pgettext_lazy("audit entity", "内部控制评价"),
        "assessment.itemscore": pgettext_lazy("audit entity", "评价要点得分"),
    },
    actions={
        "assessment.evaluation.created": _("创建内部控制评价"),
        "assessment.evaluation.submit": _("提交内部控制评价"),
        "assessment.evaluation.return": _("退回内部控制评价"),
        "assessment.evaluation.approve": _("审定内部控制评价"),
        "assessment.itemscore.saved": _("手工评分"),
    },
    fields={"rescaled": pgettext_lazy("audit field", "换算后得分")},
)
