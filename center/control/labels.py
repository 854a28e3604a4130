"""Words for the control area's audit codes (center/core/labels.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.labels import register

from .enums import ControlLevel

register(
    entities={
        "control.application": pgettext_lazy("audit entity", "事前申请"),
        "control.reimbursement": pgettext_lazy("audit entity", "报销单"),
        "control.advance": pgettext_lazy("audit entity", "借款单"),
        "control.approval": pgettext_lazy("audit entity", "审批"),
        "control.adjustment": pgettext_lazy("audit entity", "指标调整"),
        "control.flow": pgettext_lazy("audit entity", "审批流程"),
        "control.quota": pgettext_lazy("audit entity", "指标"),
        "control.settings": pgettext_lazy("audit entity", "控制参数"),
        "control.standard": pgettext_lazy("audit entity", "开支标准"),
        "control.invoice": pgettext_lazy("audit entity", "发票"),
        "control.payment": pgettext_lazy("audit entity", "支付"),
    },
    verbs={
        "clear": pgettext_lazy("audit verb", "冲销"),
        "expire": pgettext_lazy("audit verb", "过期"),
        "issued": pgettext_lazy("audit verb", "下达"),
        "warned": pgettext_lazy("audit verb", "预警"),
        "level_changed": pgettext_lazy("audit verb", "变更控制方式"),
        "minutes_attached": pgettext_lazy("audit verb", "上传会议纪要"),
    },
    actions={
        "control.application.cancel_pending": _("作废事前申请"),
        "control.application.expire": _("事前申请过期"),
        "control.approval.approved": _("审批同意"),
        "control.approval.chased": _("催办"),
        "control.approval.refused": _("审批操作被拒绝"),
        "control.quota.overrun_refused": _("超指标支出被拒绝"),
        "control.settings.type_codes_updated": _("修改申请类型可用经济科目"),
        "control.approval.rejected": _("审批驳回"),
        "control.approval.returned": _("审批退回修改"),
        "control.invoice.duplicate_refused": _("重复发票被拒绝"),
        "control.payment.duplicate_refused": _("重复支付被拒绝"),
        "control.payment.incompatible_refused": _("不相容岗位支付被拒绝"),
        "control.quota.warned": _("指标使用预警"),
        "control.quota.level_changed": _("变更指标控制方式"),
        "control.application.minutes_attached": _("上传集体决策会议纪要"),
    },
    fields={
        "control_level": pgettext_lazy("audit field", "控制方式"),
        "quotas": pgettext_lazy("audit field", "指标"),
        "used_pct": pgettext_lazy("audit field", "已使用比例（%）"),
        "threshold": pgettext_lazy("audit field", "阈值"),
        "to_step": pgettext_lazy("audit field", "退回至环节"),
        "next": pgettext_lazy("audit field", "下一环节"),
        "invoice": pgettext_lazy("audit field", "发票"),
        "decision": pgettext_lazy("audit field", "决定"),
        "over": pgettext_lazy("audit field", "超出"),
    },
    values={"control_level": ControlLevel.choices},
)
