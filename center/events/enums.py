"""States and choices of the events area. Every lifecycle is a state machine (center.core.statemachine):
the event's (`TRANSITIONS` → `EVENT`, one service per verb: `services.event_<verb>`), a registration's, a
survey's and a roadshow application's. The audit action of a transition is `events.<entity>.<verb>`, and
tests enumerate every allowed and refused (state, verb) pair of every machine (`MACHINES`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.statemachine import Machine


class EventState(models.TextChoices):
    PLANNED = "planned", _("计划中")
    SUBMITTED = "submitted", pgettext_lazy("event state", "待审批")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已发布")
    REGISTRATION_OPEN = "registration_open", _("报名中")
    REGISTRATION_CLOSED = "registration_closed", _("报名截止")
    HELD = "held", _("已举办")
    REPORTED = "reported", _("已总结")
    CLOSED = "closed", _("已关闭")
    CANCELLED = "cancelled", _("已取消")


S = EventState
# verb -> (allowed starting states, resulting state)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.PLANNED}), S.SUBMITTED),
    "approve": (frozenset({S.SUBMITTED}), S.APPROVED),
    "publish": (frozenset({S.APPROVED}), S.PUBLISHED),
    "open_registration": (frozenset({S.PUBLISHED, S.REGISTRATION_CLOSED}), S.REGISTRATION_OPEN),
    "close_registration": (frozenset({S.REGISTRATION_OPEN}), S.REGISTRATION_CLOSED),
    "mark_held": (frozenset({S.PUBLISHED, S.REGISTRATION_OPEN, S.REGISTRATION_CLOSED}), S.HELD),
    "report": (frozenset({S.HELD}), S.REPORTED),
    "close": (frozenset({S.REPORTED}), S.CLOSED),
    # Cancelled from any state before the event is held.
    "cancel": (
        frozenset(
            {S.PLANNED, S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.REGISTRATION_OPEN, S.REGISTRATION_CLOSED}
        ),
        S.CANCELLED,
    ),
}
EVENT = Machine("events.event", TRANSITIONS)
TRANSITION_LABELS = {
    "submit": _("提交审批"),
    "approve": _("批准"),
    "publish": pgettext_lazy("action", "发布"),
    "open_registration": _("开放报名"),
    "close_registration": _("截止报名"),
    "mark_held": _("标记为已举办"),
    "report": _("提交总结"),
    "close": _("关闭"),
    "cancel": _("取消活动"),
}
# Verbs reserved to approvers (heads, deputies, director); the others belong to the organiser department.
APPROVER_VERBS = {"approve"}

PUBLIC_STATES = frozenset(
    {S.PUBLISHED, S.REGISTRATION_OPEN, S.REGISTRATION_CLOSED, S.HELD, S.REPORTED, S.CLOSED}
)
EDITABLE_STATES = frozenset(
    {S.PLANNED, S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.REGISTRATION_OPEN, S.REGISTRATION_CLOSED}
)
CHECKIN_STATES = frozenset({S.REGISTRATION_OPEN, S.REGISTRATION_CLOSED, S.HELD})
# States in which registrations may still be cancelled and the waiting list moves up when seats free.
PROMOTING_STATES = frozenset({S.PUBLISHED, S.REGISTRATION_OPEN, S.REGISTRATION_CLOSED})
# Events that count towards a performance indicator: held (and after), never cancelled.
COUNTED_STATES = frozenset({S.HELD, S.REPORTED, S.CLOSED})


class RegistrationState(models.TextChoices):
    PENDING = "pending", _("待审核")
    CONFIRMED = "confirmed", _("已确认")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")
    REJECTED = "rejected", _("未通过")


# A person holds at most one registration per event in these states (duplicate detection).
ACTIVE_REGISTRATION_STATES = frozenset(
    {RegistrationState.PENDING, RegistrationState.CONFIRMED, RegistrationState.WAITLISTED}
)
R = RegistrationState
# Created confirmed (a free seat), waitlisted (full) or pending (approval required); then:
REGISTRATION = Machine(
    "events.registration",
    {
        "approve": ({R.PENDING}, R.CONFIRMED),  # approved with a free seat
        "waitlist": ({R.PENDING}, R.WAITLISTED),  # approved when full
        "reject": ({R.PENDING}, R.REJECTED),
        "promote": ({R.WAITLISTED}, R.CONFIRMED),  # a seat freed: the oldest waiting move up
        "cancel": (ACTIVE_REGISTRATION_STATES, R.CANCELLED),  # by the registrant, from the ticket link
    },
)


class FieldKind(models.TextChoices):
    TEXT = "text", _("单行文本")
    TEXTAREA = "textarea", _("多行文本")
    CHOICE = "choice", _("单选")
    MULTICHOICE = "multichoice", _("多选")
    FILE = "file", _("文件")
    CONSENT = "consent", _("同意条款")


class QuestionKind(models.TextChoices):
    RATING = "rating", _("评分")
    CHOICE = "choice", _("单选")
    MULTICHOICE = "multichoice", _("多选")
    TEXT = "text", _("文字")


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("收集中")
    CLOSED = "closed", _("已结束")


SURVEY = Machine(
    "events.survey",
    {
        "open": ({SurveyState.DRAFT}, SurveyState.OPEN),  # sent to the attendees after the event
        "close": ({SurveyState.OPEN}, SurveyState.CLOSED),  # the satisfaction rate is stored
    },
)


class RoadshowStage(models.TextChoices):
    IDEA = "idea", _("创意")
    PROTOTYPE = "prototype", _("原型/研发")
    EARLY_REVENUE = "early_revenue", _("初创营收")
    GROWTH = "growth", _("成长扩张")


class RoadshowApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    SELECTED = "selected", _("入选")
    NOT_SELECTED = "not_selected", _("未入选")
    WITHDRAWN = "withdrawn", _("已撤回")


RA = RoadshowApplicationState
ROADSHOW_APPLICATION = Machine(
    "events.roadshow_application",
    {
        "select": ({RA.SUBMITTED}, RA.SELECTED),
        "decline": ({RA.SUBMITTED}, RA.NOT_SELECTED),
    },
)
MACHINES = [EVENT, REGISTRATION, SURVEY, ROADSHOW_APPLICATION]


class OutcomeKind(models.TextChoices):
    MEETING = "meeting", _("对接洽谈")
    INTENTION = "intention", _("投资意向/保密协议")
    TERM_SHEET = "term_sheet", _("投资条款书")
    INVESTMENT_SIGNED = "investment_signed", _("签署投资协议")
    FUNDING_RECEIVED = "funding_received", _("资金到位")
    TECH_CONTRACT = "tech_contract", _("技术合同")
    COMPANY_SETTLED = "company_settled", _("企业落户深圳")


# The roadshow score sheet (科创中国 practice: team / technology / market / finance), weights sum to 100.
ROADSHOW_CRITERIA = [
    ("team", _("团队"), 30),
    ("technology", _("技术"), 30),
    ("market", _("市场"), 25),
    ("finance", _("财务与融资"), 15),
]
