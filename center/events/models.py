"""Events (issue 6): plan and budget link, public registration with a waiting list, QR check-in,
satisfaction survey, roadshows and the report. No business logic here: see services/ (a package by sub-domain)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from center.core.crypto import EncryptedTextField
from center.core.locks import LockRank

from .enums import (
    ACTIVE_REGISTRATION_STATES,
    EventState,
    FieldKind,
    OutcomeKind,
    QuestionKind,
    RegistrationState,
    RoadshowApplicationState,
    RoadshowStage,
    SurveyState,
)

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class EventType(models.Model):
    """The editable list of kinds of event (创新周主题活动, 海智交流活动, 学术研讨会 …)."""

    lock_rank = LockRank.MASTER

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    is_roadshow = models.BooleanField(_("路演类"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.display_name(get_language() or "")

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class Event(models.Model):
    lock_rank = LockRank.SUBJECT
    type = models.ForeignKey(EventType, verbose_name=_("活动类型"), on_delete=models.PROTECT)
    title = models.CharField(_("活动名称"), max_length=200)
    title_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    summary = models.TextField(_("活动简介"), blank=True)
    summary_en = models.TextField(_("英文简介"), blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("主办部门"), on_delete=models.PROTECT, related_name="events"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("event", "经办人"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    venue_en = models.CharField(_("英文地点"), max_length=300, blank=True)
    online_url = models.URLField(_("线上链接"), blank=True)
    capacity = models.PositiveIntegerField(_("名额"))
    co_organisers = models.TextField(
        _("协办单位"), blank=True, help_text=_("每行一个，如港澳合作方、海智工作站")
    )
    requires_approval = models.BooleanField(_("报名需审核"), default=False)
    registration_closes_at = models.DateTimeField(_("报名截止时间"), null=True, blank=True)
    # The check-in window (services.checkin_window): blank = the event's day(s), from 00:00 of the first day
    # to 24:00 of the last.
    checkin_opens_hours = models.PositiveSmallIntegerField(
        _("签到提前开放（小时）"),
        null=True,
        blank=True,
        help_text=_("开始前多少小时开放签到；留空则活动当天 0 点开放。"),
    )
    checkin_closes_hours = models.PositiveSmallIntegerField(
        _("签到延后关闭（小时）"),
        null=True,
        blank=True,
        help_text=_("结束后多少小时关闭签到；留空则活动结束当天 24 点关闭。"),
    )
    # Budget links are nullable: events work before (or without) a loaded budget.
    budget_item = models.ForeignKey(
        "budget.ProjectItem",
        verbose_name=_("经费来源（预算明细）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    indicators = models.ManyToManyField(
        "budget.PerformanceIndicator", verbose_name=_("计入绩效指标"), blank=True, related_name="events"
    )
    planned_cost = models.DecimalField(_("计划经费（元）"), default=Decimal(0), **AMOUNT)
    # Reference of the prior application (事前申请) in the budget-control area that froze the quota.
    application_ref = models.CharField(_("事前申请编号"), max_length=64, blank=True)
    state = models.CharField(_("状态"), max_length=30, choices=EventState.choices, default=EventState.PLANNED)
    # Seats taken by confirmed registrations: updated under the event row lock, never above capacity.
    confirmed_count = models.PositiveIntegerField(_("已确认人数"), default=0)
    checked_in_count = models.PositiveIntegerField(_("已签到人数"), default=0)
    satisfaction_rate = models.DecimalField(
        _("满意度（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    satisfaction_basis = models.PositiveIntegerField(_("满意度样本数"), default=0)
    report_summary = models.TextField(_("活动总结"), blank=True)
    report_outcomes = models.TextField(_("活动成效"), blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["state", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="event_capacity_positive"),
            # The last line of defence: a seat count above capacity cannot be committed.
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")), name="event_capacity_never_exceeded"
            ),
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_period_valid"),
            models.CheckConstraint(condition=Q(planned_cost__gte=0), name="event_planned_cost_nonneg"),
        ]

    def __str__(self) -> str:
        return self.title

    def display_title(self, language: str) -> str:
        return self.title_en if language == "en" and self.title_en else self.title

    def display_summary(self, language: str) -> str:
        return self.summary_en if language == "en" and self.summary_en else self.summary

    def display_venue(self, language: str) -> str:
        return self.venue_en if language == "en" and self.venue_en else self.venue

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def co_organiser_list(self) -> list[str]:
        return [line.strip() for line in self.co_organisers.splitlines() if line.strip()]


class FormField(models.Model):
    """A registration-form field the organiser configures (name, e-mail and phone are always asked)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="form_fields")
    key = models.SlugField(_("字段代码"), max_length=40)
    label = models.CharField(pgettext_lazy("form field", "标题"), max_length=200)
    label_en = models.CharField(_("英文标题"), max_length=300, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=FieldKind.choices)
    required = models.BooleanField(_("必填"), default=False)
    choices = models.TextField(_("选项"), blank=True, help_text=_("单选/多选：每行一个选项"))
    help_text = models.CharField(_("说明"), max_length=300, blank=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event_id", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "key"], name="event_form_field_key_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]

    def display_label(self, language: str) -> str:
        return self.label_en if language == "en" and self.label_en else self.label


_ACTIVE = Q(state__in=sorted(ACTIVE_REGISTRATION_STATES))


class Registration(models.Model):
    """One person's registration. No account: the unguessable `token` is the ticket and the manage link."""

    lock_rank = LockRank.DOCUMENT

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    token = models.CharField(max_length=64, unique=True)  # secrets.token_urlsafe: the QR code and the link
    code = models.CharField(_("签到码"), max_length=12)  # short code to type at the door, unique per event
    name = models.CharField(_("姓名"), max_length=100)
    email = models.EmailField(_("电子邮箱"), max_length=200)
    email_index = models.CharField(max_length=200)  # lower-cased e-mail, for duplicate detection
    phone = EncryptedTextField(_("手机号"))
    phone_index = models.CharField(max_length=64)  # blind index of the normalised number
    organisation = models.CharField(_("单位"), max_length=200, blank=True)
    answers = models.JSONField(_("报名表答案"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=RegistrationState.choices)
    language = models.CharField(max_length=10, default="zh-hans")
    walk_in = models.BooleanField(_("现场报名"), default=False)
    # The registrant's consent to the use of their personal data (the statement `consent_version` names).
    consented_at = models.DateTimeField(_("同意个人信息使用的时间"), null=True, blank=True)
    consent_version = models.CharField(_("个人信息使用说明版本"), max_length=20, blank=True)
    # Personal data erased once the retention period after the event ended has passed.
    erased_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["event", "state", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="registration_code_unique_per_event"),
            # Duplicate detection enforced by the database too (a race between two tabs cannot slip through).
            models.UniqueConstraint(
                fields=["event", "email_index"], condition=_ACTIVE, name="registration_email_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["event", "phone_index"], condition=_ACTIVE, name="registration_phone_once_per_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.event_id}"


class RegistrationFile(models.Model):
    """A file uploaded with a registration or roadshow application (anonymous: no core Attachment owner)."""

    registration = models.ForeignKey(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    application = models.ForeignKey(
        "RoadshowApplication", null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    field_key = models.CharField(max_length=40)
    original_name = models.CharField(_("文件名"), max_length=200)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Survey(models.Model):
    """The satisfaction survey of an event. Rule: see `satisfaction_threshold` and docs/events-model.md."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="survey")
    state = models.CharField(_("状态"), max_length=10, choices=SurveyState.choices, default=SurveyState.DRAFT)
    intro = models.TextField(_("说明"), blank=True)
    # Satisfaction rate = answers to the satisfaction questions rated ≥ threshold / all such answers.
    satisfaction_threshold = models.PositiveSmallIntegerField(_("满意阈值（分）"), default=4)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.event} · survey"


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("类型"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    text_en = models.CharField(_("英文题目"), max_length=400, blank=True)
    choices = models.TextField(_("选项"), blank=True, help_text=_("单选/多选：每行一个选项"))
    scale_max = models.PositiveSmallIntegerField(_("满分"), default=5)
    required = models.BooleanField(_("必答"), default=True)
    counts_for_satisfaction = models.BooleanField(_("计入满意度"), default=False)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["survey_id", "sort", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def choice_list(self) -> list[str]:
        return [c.strip() for c in self.choices.splitlines() if c.strip()]

    def display_text(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text


class SurveyResponse(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="survey_responses")
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "registration"], name="survey_one_answer_per_attendee")
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.registration_id}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"


class EventCostLine(models.Model):
    """Planned and actual cost by line, recorded with the report (cost vs plan)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="cost_lines")
    name = models.CharField(_("费用项目"), max_length=100)
    planned = models.DecimalField(_("计划（元）"), default=Decimal(0), **AMOUNT)
    actual = models.DecimalField(_("实际（元）"), default=Decimal(0), **AMOUNT)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["event_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(planned__gte=0) & Q(actual__gte=0), name="event_cost_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name


class EventPhoto(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="photos")
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or f"photo {self.pk}"


class RoadshowApplication(models.Model):
    """A project team's application to present at a roadshow (路演)."""

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="roadshow_applications")
    token = models.CharField(max_length=64, unique=True)
    project_name = models.CharField(_("项目名称"), max_length=200)
    organisation = models.CharField(_("申报单位/团队"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=100)
    email = models.EmailField(_("电子邮箱"), max_length=200)
    phone = EncryptedTextField(_("手机号"))
    summary = models.TextField(_("项目简介"))
    stage = models.CharField(_("项目阶段"), max_length=20, choices=RoadshowStage.choices)
    funding_sought = models.DecimalField(_("融资需求（元）"), default=Decimal(0), **AMOUNT)
    team = models.TextField(_("团队介绍"))
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=RoadshowApplicationState.choices,
        default=RoadshowApplicationState.SUBMITTED,
    )
    score = models.DecimalField(_("平均得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    score_count = models.PositiveSmallIntegerField(_("评分人数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(funding_sought__gte=0), name="roadshow_funding_nonneg"),
        ]

    def __str__(self) -> str:
        return self.project_name


class RoadshowScore(models.Model):
    """One scorer's weighted score sheet for one application (criteria in enums.ROADSHOW_CRITERIA)."""

    application = models.ForeignKey(RoadshowApplication, on_delete=models.CASCADE, related_name="scores")
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    marks = models.JSONField(default=dict)  # criterion code -> 0..100
    total = models.DecimalField(max_digits=6, decimal_places=2)
    comment = models.TextField(_("评语"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "scorer"], name="roadshow_score_once_per_scorer")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.scorer_id}: {self.total}"


class RoadshowInvestor(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="investors")
    name = models.CharField(_("投资人"), max_length=100)
    organisation = models.CharField(_("投资机构"), max_length=200)
    focus = models.CharField(_("关注领域"), max_length=200, blank=True)
    attended = models.BooleanField(_("已到场"), default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class RoadshowOutcome(models.Model):
    """A follow-up matching outcome (meeting held, funding reached …) with date, evidence and owner."""

    application = models.ForeignKey(RoadshowApplication, on_delete=models.CASCADE, related_name="outcomes")
    investor = models.ForeignKey(
        RoadshowInvestor, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes"
    )
    kind = models.CharField(_("成果类型"), max_length=30, choices=OutcomeKind.choices)
    occurred_on = models.DateField(_("日期"))
    amount = models.DecimalField(_("金额（元）"), null=True, blank=True, **AMOUNT)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"
