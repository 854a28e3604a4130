"""The expert pool: disciplines, organisations, experts and their declared ties, recruitment calls.

Personal data (ID numbers, phones, bank accounts) is encrypted at rest; equality and uniqueness go through
keyed blind indexes (`*_index`), so the plain text is never stored. See docs/experts-model.md.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.crypto import EncryptedTextField
from center.core.locks import LockRank
from center.core.translated import TranslatedName

from .enums import (
    ActivityKind,
    CallState,
    ExpertState,
    Gender,
    IdType,
    Region,
    RelationKind,
    TitleLevel,
    VettingState,
)
from .identity import org_name_key


class Discipline(TranslatedName, models.Model):
    """A node of the discipline tree (GB/T 13745 学科分类与代码). `path` makes a subtree one prefix query."""

    code = models.CharField(_("学科代码"), max_length=12, unique=True)
    name = models.CharField(_("学科名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=120, db_index=True)  # "520/52020/" — ancestors' codes, then own

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name()}"

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Organisation(TranslatedName, models.Model):
    """An employer or applicant organisation; keyed by 统一社会信用代码 where it has one (checked, unique)."""

    name = models.CharField(pgettext_lazy("organisation", "单位名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    region = models.CharField(_("地区"), max_length=2, choices=Region.choices, default=Region.SHENZHEN)
    # The name's comparison form (`identity.org_name_key`): how a typed name is matched to an existing unit.
    name_key = models.CharField(max_length=120, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="organisation_credit_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = org_name_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class Expert(models.Model):
    lock_rank = LockRank.MASTER
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="expert"
    )
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("拼音"), max_length=100, blank=True)
    name_en = models.CharField(_("英文名"), max_length=100, blank=True)
    name_traditional = models.CharField(_("繁体姓名"), max_length=50, blank=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"))
    id_type = models.CharField(_("证件类型"), max_length=10, choices=IdType.choices)
    id_number = EncryptedTextField(_("证件号码"))
    id_number_index = models.CharField(max_length=64, unique=True)  # blind index of (type, number)
    phone = EncryptedTextField(_("手机号"))
    phone_index = models.CharField(max_length=64, db_index=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    employer = models.ForeignKey(
        Organisation, verbose_name=_("工作单位"), on_delete=models.PROTECT, related_name="experts"
    )
    title = models.CharField(_("职称"), max_length=50)
    title_level = models.PositiveSmallIntegerField(_("职称级别"), choices=TitleLevel.choices)
    disciplines = models.ManyToManyField(Discipline, through="ExpertDiscipline", related_name="experts")
    keywords = models.CharField(_("研究方向关键词"), max_length=300, blank=True)
    region = models.CharField(_("地区"), max_length=2, choices=Region.choices)
    languages = models.CharField(_("工作语言"), max_length=100, default="zh")
    bank_name = models.CharField(_("开户银行"), max_length=100, blank=True)
    bank_account = EncryptedTextField(_("银行账号"), blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ExpertState.choices, default=ExpertState.APPLICANT
    )
    credit_score = models.SmallIntegerField(_("信用分"), default=100)
    profile_confirmed_at = models.DateTimeField(_("信息确认时间"), null=True, blank=True)
    # Lower-cased name forms, keywords, title and employer: one column for substring search (Chinese too).
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "phone_index"], name="expert_name_phone_unique"),
        ]
        indexes = [
            # Covers the draw's scan of the whole pool (id is implicit): no need to read the wide rows.
            models.Index(
                fields=["state", "title_level", "employer", "region", "credit_score"],
                name="expert_draw_cover",
            ),
            models.Index(fields=["region"]),
        ]

    def __str__(self) -> str:
        return self.name


class ExpertDiscipline(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="expert_disciplines")
    discipline = models.ForeignKey(Discipline, on_delete=models.PROTECT, related_name="+")
    primary = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["expert", "discipline"], name="expert_discipline_unique")
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class ExpertRelation(models.Model):
    """A declared tie: to a person (another expert, or a name) or to an organisation, with its dates."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(_("关系类型"), max_length=20, choices=RelationKind.choices)
    other_expert = models.ForeignKey(
        Expert, null=True, blank=True, on_delete=models.CASCADE, related_name="relations_to"
    )
    other_name = models.CharField(_("对方姓名"), max_length=50, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)  # empty: still holds
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class ExpertStateChange(models.Model):
    """The history of an expert's state (admitted, suspended, …) with who and why."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="state_history")
    from_state = models.CharField(max_length=10, choices=ExpertState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=ExpertState.choices)
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class RecruitmentCall(models.Model):
    """征集批次: published on the public site with its criteria and deadline."""

    lock_rank = LockRank.SUBJECT

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    criteria = models.TextField(_("征集条件"))
    disciplines = models.ManyToManyField(Discipline, blank=True, verbose_name=_("征集学科"))
    deadline = models.DateField(_("截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=CallState.choices, default=CallState.DRAFT)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class ExpertApplication(models.Model):
    """An expert's application to a call, vetted in two steps: first check, then review."""

    lock_rank = LockRank.DOCUMENT

    call = models.ForeignKey(RecruitmentCall, on_delete=models.PROTECT, related_name="applications")
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="applications")
    state = models.CharField(
        _("状态"), max_length=15, choices=VettingState.choices, default=VettingState.SUBMITTED
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    first_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_at = models.DateTimeField(null=True, blank=True)
    first_note = models.CharField(_("初审意见"), max_length=300, blank=True)
    review_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("复审意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["call", "expert"], name="expert_application_unique")]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class CommitteeActivity(models.Model):
    """Expert committee activities: consultation conferences, academic exchanges, field surveys."""

    kind = models.CharField(_("类型"), max_length=15, choices=ActivityKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    date = models.DateField(_("日期"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    summary = models.TextField(_("纪要"), blank=True)
    experts = models.ManyToManyField(
        Expert, blank=True, related_name="activities", verbose_name=_("参加专家")
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("关联活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_activities",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title
