from django.db import models
from django.utils.translation import gettext_lazy as _

from center.core.statemachine import Machine


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class IdType(models.TextChoices):
    MAINLAND = "mainland", _("居民身份证")
    HK = "hk", _("香港身份证")
    MACAU = "macau", _("澳门身份证")
    PASSPORT = "passport", _("护照")


class TitleLevel(models.IntegerChoices):
    """Ordered, so that "minimum title" is a comparison."""

    OTHER = 1, _("其他")
    INTERMEDIATE = 2, _("中级")
    ASSOCIATE = 3, _("副高")
    SENIOR = 4, _("正高")


class Region(models.TextChoices):
    SHENZHEN = "sz", _("深圳")
    GUANGDONG = "gd", _("广东其他地市")
    HONG_KONG = "hk", _("香港")
    MACAU = "mo", _("澳门")
    MAINLAND = "cn", _("内地其他省市")
    OVERSEAS = "os", _("海外")


INTERNATIONAL_REGIONS = {Region.HONG_KONG, Region.MACAU, Region.OVERSEAS}


class ExpertState(models.TextChoices):
    APPLICANT = "applicant", _("申请中")
    ADMITTED = "admitted", _("已入库")
    SUSPENDED = "suspended", _("暂停")
    WITHDRAWN = "withdrawn", _("已退出")


# An expert's lifecycle: one service per verb (experts.services), audit code experts.expert.<verb>;
# tests/experts/test_transitions.py enumerates every (state, verb).
EXPERT = Machine(
    "experts.expert",
    {
        "admit": ({ExpertState.APPLICANT, ExpertState.SUSPENDED}, ExpertState.ADMITTED),
        "suspend": ({ExpertState.ADMITTED}, ExpertState.SUSPENDED),
        "withdraw": (
            {ExpertState.APPLICANT, ExpertState.ADMITTED, ExpertState.SUSPENDED},
            ExpertState.WITHDRAWN,
        ),
    },
)
# The states each state may move to (the staff page offers these).
STATE_TRANSITIONS = {
    s: {EXPERT.target(v) for v in EXPERT.verbs if s in EXPERT.sources[v]} for s in ExpertState
}


class RelationKind(models.TextChoices):
    RELATIVE = "relative", _("近亲属")
    TEACHER_STUDENT = "teacher_student", _("师生")
    COAUTHOR = "coauthor", _("合作者/共同作者")
    FORMER_EMPLOYER = "former_employer", _("曾任职单位")
    OTHER = "other", _("其他利害关系")


class CallState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已截止")


class VettingState(models.TextChoices):
    SUBMITTED = "submitted", _("待初审")
    FIRST_PASSED = "first_passed", _("初审通过，待复审")
    ADMITTED = "admitted", _("已入库")
    DECLINED = "declined", _("未通过")


# A recruitment call: drafted, then published on the public site (audit experts.call.<verb>).
CALL = Machine("experts.call", {"publish": ({CallState.DRAFT}, CallState.PUBLISHED)})

# An application to a call, vetted in two steps by two different people (audit experts.application.<verb>).
VETTING = Machine(
    "experts.application",
    {
        "pass_first": ({VettingState.SUBMITTED}, VettingState.FIRST_PASSED),
        "decline_first": ({VettingState.SUBMITTED}, VettingState.DECLINED),
        "admit": ({VettingState.FIRST_PASSED}, VettingState.ADMITTED),
        "decline": ({VettingState.FIRST_PASSED}, VettingState.DECLINED),
    },
)


class ActivityKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询大会")
    EXCHANGE = "exchange", _("学术交流")
    SURVEY = "survey", _("实地调研")
