from django.db import models
from django.utils.translation import gettext_lazy as _


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


# Allowed state changes (one service per transition; tests enumerate this table).
STATE_TRANSITIONS = {
    ExpertState.APPLICANT: {ExpertState.ADMITTED, ExpertState.WITHDRAWN},
    ExpertState.ADMITTED: {ExpertState.SUSPENDED, ExpertState.WITHDRAWN},
    ExpertState.SUSPENDED: {ExpertState.ADMITTED, ExpertState.WITHDRAWN},
    ExpertState.WITHDRAWN: set(),
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


class ActivityKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询大会")
    EXCHANGE = "exchange", _("学术交流")
    SURVEY = "survey", _("实地调研")
