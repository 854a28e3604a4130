"""Words for the events area's audit codes (center/core/labels.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.labels import register

from .enums import QuestionKind

register(
    entities={
        "events.event": pgettext_lazy("audit entity", "活动"),
        "events.event_type": pgettext_lazy("audit entity", "活动类型"),
        "events.cost_line": pgettext_lazy("audit entity", "活动费用"),
        "events.form_field": pgettext_lazy("audit entity", "报名表字段"),
        "events.investor": pgettext_lazy("audit entity", "投资人"),
        "events.photo": pgettext_lazy("audit entity", "活动照片"),
        "events.registration": pgettext_lazy("audit entity", "报名"),
        "events.registrations": pgettext_lazy("audit entity", "报名名单"),
        "events.report": pgettext_lazy("audit entity", "活动总结"),
        "events.roadshow_application": pgettext_lazy("audit entity", "路演报名"),
        "events.roadshow_outcome": pgettext_lazy("audit entity", "路演成果"),
        "events.survey": pgettext_lazy("audit entity", "满意度问卷"),
        "events.ticket": pgettext_lazy("audit entity", "入场码"),
        "events.upload": pgettext_lazy("audit entity", "报名材料"),
        # target types (model labels) the codes' entities do not already name
        "events.roadshowapplication": pgettext_lazy("audit entity", "路演报名"),
        "events.eventtype": pgettext_lazy("audit entity", "活动类型"),
        "events.surveyquestion": pgettext_lazy("audit entity", "满意度问卷"),
    },
    verbs={
        "answered": pgettext_lazy("audit verb", "填写"),
        "open": pgettext_lazy("audit verb", "开放"),
        "scored": pgettext_lazy("audit verb", "评分"),
        "select": pgettext_lazy("audit verb", "入选"),
    },
    actions={
        "events.event.open_registration": _("活动开放报名"),
        "events.registration.erased": _("删除超期报名个人信息"),
        "events.event.close_registration": _("活动截止报名"),
        "events.event.mark_held": _("标记活动已举办"),
        "events.event.report": _("提交活动总结"),
        "events.registration.approve": _("确认报名"),
        "events.registration.waitlist": _("报名转入候补"),
        "events.registration.promote": _("候补转为确认"),
        "events.registration.checked_in": _("签到"),
        "events.registration.walk_in": _("现场登记签到"),
        "events.roadshow_application.select": _("路演项目入选"),
        "events.roadshow_application.decline": _("路演项目未入选"),
        "events.survey.rule_set": _("设置满意度规则"),
        "events.survey.question_added": _("添加问卷题目"),
        "events.survey.question_removed": _("删除问卷题目"),
        "events.ticket.refused": _("入场码被拒绝"),
    },
    fields={
        "text": pgettext_lazy("audit field", "题目"),
        "planned": pgettext_lazy("audit field", "预算金额"),
        "actual": pgettext_lazy("audit field", "实际金额"),
        "investor": pgettext_lazy("audit field", "投资人"),
        "event": pgettext_lazy("audit field", "活动"),
        "promoted": pgettext_lazy("audit field", "候补转正"),
        "rating": pgettext_lazy("audit field", "评分"),
        "points": pgettext_lazy("audit field", "分数"),
        "marks": pgettext_lazy("audit field", "评分"),
        "full_contacts": pgettext_lazy("audit field", "含完整联系方式"),
        "contact_phone": pgettext_lazy("audit field", "联系电话"),
    },
    values={
        "kind": QuestionKind.choices,
        "reason": [
            ("other event", _("其他活动的入场码")),
            ("unknown or forged", _("无法识别或伪造的入场码")),
        ],
    },
)
