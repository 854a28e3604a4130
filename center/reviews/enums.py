from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.statemachine import Machine


class RoundKind(models.TextChoices):
    YOUTH_AWARD = "youth_award", _("青年科技奖")
    SOFT_TOPIC = "soft_topic", _("软课题")
    WORKSTATION = "workstation", _("院士专家工作站")
    SOCIETY_ACADEMIC = "society_academic", _("学会学术项目")
    SOCIETY_POPSCI = "society_popsci", _("学会科普项目")
    OTHER = "other", _("其他评审")


class RoundState(models.TextChoices):
    DRAFT = "draft", _("筹备")
    SCORING = "scoring", _("评审中")
    APPROVED = "approved", _("结果已锁定")
    PUBLISHED = "published", _("已公示")


class Aggregation(models.TextChoices):
    MEAN = "mean", _("平均分")
    MEDIAN = "median", _("中位数")
    TRIMMED = "trimmed", _("去掉最高最低分后平均")


class FormalState(models.TextChoices):
    PENDING = "pending", _("待形式审查")
    PASSED = "passed", _("形式审查通过")
    FAILED = "failed", _("形式审查不通过")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申报单位/申报人")
    CO_APPLICANT = "co_applicant", _("合作单位/合作者")


class DisciplineMatch(models.TextChoices):
    SUBTREE = "subtree", _("本学科及其下级学科")
    EXACT = "exact", _("同一学科")
    ANY = "any", _("不限学科")


class AvoidanceKind(models.TextChoices):
    """Typed avoidance rules; `param` is the window or limit, in the unit named by PARAM_UNITS."""

    SAME_EMPLOYER = "same_employer", _("同单位回避")
    FORMER_EMPLOYER = "former_employer", _("曾任职单位回避")
    DECLARED_RELATION = "declared_relation", _("申报的亲属/师生/合作关系回避")
    CO_APPLICANT = "co_applicant", _("本人为申报人或合作者")
    REVIEWED_APPLICANT = "reviewed_applicant", _("近期评审过同一申报单位")
    ANNUAL_CAP = "annual_cap", _("年度评审次数上限")
    COOL_OFF = "cool_off", _("两次抽取间隔")
    LOW_CREDIT = "low_credit", _("信用分过低")


PARAM_UNITS = {
    AvoidanceKind.SAME_EMPLOYER: "",
    AvoidanceKind.FORMER_EMPLOYER: "years",
    AvoidanceKind.DECLARED_RELATION: "years",
    AvoidanceKind.CO_APPLICANT: "",
    AvoidanceKind.REVIEWED_APPLICANT: "months",
    AvoidanceKind.ANNUAL_CAP: "count",
    AvoidanceKind.COOL_OFF: "days",
    AvoidanceKind.LOW_CREDIT: "points",
}
DEFAULT_PARAMS = {
    AvoidanceKind.SAME_EMPLOYER: 0,
    AvoidanceKind.FORMER_EMPLOYER: 3,
    AvoidanceKind.DECLARED_RELATION: 3,
    AvoidanceKind.CO_APPLICANT: 0,
    AvoidanceKind.REVIEWED_APPLICANT: 12,
    AvoidanceKind.ANNUAL_CAP: 10,
    AvoidanceKind.COOL_OFF: 14,
    AvoidanceKind.LOW_CREDIT: 60,
}


class DrawState(models.TextChoices):
    POOL_FIXED = "pool_fixed", _("候选池已固定，待录入随机种子")
    DRAWN = "drawn", _("已抽取")
    VOID = "void", _("已作废")


class SeedSource(models.TextChoices):
    PUBLIC = "public", _("公开来源（如彩票开奖号码）")
    TWO_STAFF = "two_staff", _("两名工作人员分别录入")


class PickRole(models.TextChoices):
    MAIN = "main", _("正选")
    BACKUP = "backup", _("备选")


class PickState(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("pick status", "候补")
    INVITED = "invited", _("已邀请")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")
    EXPIRED = "expired", _("逾期未答复")


class SheetState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class FlagKind(models.TextChoices):
    SPREAD = "spread", _("专家意见分歧大（极差）")
    OUTLIER = "outlier", _("专家评分偏离专家组")
    IDENTICAL = "identical", _("不同专家评分完全相同")
    TOO_FAST = "too_fast", _("评审用时过短")
    VETO = "veto", _("否决项")


class FlagState(models.TextChoices):
    OPEN = "open", _("待处理")
    RESOLVED = "resolved", _("已处理")


class FlagDecision(models.TextChoices):
    KEEP = "keep", _("保留评分")
    EXCLUDE = "exclude", _("剔除该专家评分")


class NoticeState(models.TextChoices):
    CURRENT = "current", _("公示中")
    SUPERSEDED = "superseded", _("已被新版本替代")


class CreditKind(models.TextChoices):
    NO_SHOW = "no_show", _("接受邀请后未参加")
    LATE = "late", _("逾期提交评审意见")
    FLAGGED = "flagged", _("评分被认定异常并剔除")
    DECLINED_LATE = "expired", _("邀请逾期未答复")
    RATING = "rating", _("工作人员评价")
    MANUAL = "manual", _("人工调整")


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")


# The lifecycles of the review area: transitions as data, one service per verb (reviews.services), the audit
# code "<prefix>.<verb>"; tests/reviews/test_transitions.py enumerates every (state, verb) of each machine.
ROUND = Machine(
    "reviews.round",
    {
        "start_scoring": ({RoundState.DRAFT}, RoundState.SCORING),  # the first draw's seed
        "approve": ({RoundState.SCORING}, RoundState.APPROVED),  # results locked
        "publish": (
            {RoundState.APPROVED, RoundState.PUBLISHED},
            RoundState.PUBLISHED,
        ),  # 公示, or a new version
    },
)
DRAW = Machine(
    "reviews.draw",
    {
        "seed": ({DrawState.POOL_FIXED}, DrawState.DRAWN),
        "void": ({DrawState.POOL_FIXED}, DrawState.VOID),
    },
)
INVITATION = Machine(
    "reviews.pick",
    {
        "invite": ({PickState.WAITING}, PickState.INVITED),
        "accept": ({PickState.INVITED}, PickState.ACCEPTED),
        "decline": ({PickState.INVITED}, PickState.DECLINED),
        "expire": ({PickState.INVITED}, PickState.EXPIRED),
    },
)
SHEET = Machine("reviews.sheet", {"submit": ({SheetState.DRAFT}, SheetState.SUBMITTED)})
FLAG = Machine("reviews.flag", {"resolve": ({FlagState.OPEN}, FlagState.RESOLVED)})
NOTICE = Machine("reviews.notice", {"supersede": ({NoticeState.CURRENT}, NoticeState.SUPERSEDED)})
OBJECTION = Machine("reviews.objection", {"answer": ({ObjectionState.OPEN}, ObjectionState.ANSWERED)})
