"""Review rounds: applications, groups with draw rules, the verifiable draw, scoring, results, notices, fees.

See docs/experts-model.md for the picture and the invariants.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.crypto import EncryptedTextField
from center.core.locks import LockRank
from center.core.translated import TranslatedName
from center.experts.enums import TitleLevel
from center.experts.models import Discipline, Expert, Organisation

from .enums import (
    Aggregation,
    AvoidanceKind,
    CreditKind,
    DisciplineMatch,
    DrawState,
    FlagDecision,
    FlagKind,
    FlagState,
    FormalState,
    NoticeState,
    ObjectionState,
    PartyRole,
    PickRole,
    PickState,
    RoundKind,
    RoundState,
    SeedSource,
    SheetState,
)

MONEY = {"max_digits": 16, "decimal_places": 2}


class ReviewRound(models.Model):
    """评审活动."""

    lock_rank = LockRank.SUBJECT

    code = models.CharField(_("编号"), max_length=30, unique=True)
    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=RoundKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    budget_item_ref = models.CharField(_("经费来源（预算项目）"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=RoundState.choices, default=RoundState.DRAFT)
    blind = models.BooleanField(_("匿名评审（隐藏申报者身份）"), default=False)
    aggregation = models.CharField(
        _("汇总方式"), max_length=10, choices=Aggregation.choices, default=Aggregation.MEAN
    )
    spread_threshold = models.DecimalField(
        _("极差预警阈值"), max_digits=6, decimal_places=2, default=Decimal(25)
    )
    outlier_z = models.DecimalField(
        _("偏离预警阈值（稳健 z 值）"), max_digits=4, decimal_places=2, default=Decimal("3.5")
    )
    min_review_seconds = models.PositiveIntegerField(_("最短合理评审用时（秒）"), default=180)
    invite_hours = models.PositiveIntegerField(_("邀请答复时限（小时）"), default=48)
    scoring_deadline = models.DateTimeField(_("评分截止时间"), null=True, blank=True)
    fee_per_sheet = models.DecimalField(_("评审费（元/份）"), default=Decimal(300), **MONEY)
    fee_base = models.DecimalField(_("基本劳务费（元/人）"), default=Decimal(0), **MONEY)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def locked(self) -> bool:
        return self.state in (RoundState.APPROVED, RoundState.PUBLISHED)


class Criterion(TranslatedName, models.Model):
    """One line of the round's score sheet: a weighted score within a range, or a yes/no veto item."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("评分项"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2, default=Decimal(1))
    min_score = models.DecimalField(_("最低分"), max_digits=6, decimal_places=2, default=Decimal(0))
    max_score = models.DecimalField(_("最高分"), max_digits=6, decimal_places=2, default=Decimal(100))
    comment_required = models.BooleanField(_("必须填写意见"), default=False)
    is_veto = models.BooleanField(_("否决项"), default=False)

    class Meta:
        ordering = ["round", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_score__gt=models.F("min_score")), name="criterion_range_valid"
            )
        ]

    def __str__(self) -> str:
        return self.display_name()


class ReviewGroup(models.Model):
    """A panel: its draw rules (size, discipline, title, region mix, organisation share) and avoidance rules."""

    lock_rank = LockRank.SUBJECT

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("组名"), max_length=100)
    discipline = models.ForeignKey(
        Discipline, verbose_name=_("评审学科"), null=True, blank=True, on_delete=models.PROTECT
    )
    discipline_match = models.CharField(
        _("学科匹配"), max_length=10, choices=DisciplineMatch.choices, default=DisciplineMatch.SUBTREE
    )
    size = models.PositiveSmallIntegerField(_("正选人数"), default=7)
    backups = models.PositiveSmallIntegerField(_("备选人数"), default=3)
    min_title_level = models.PositiveSmallIntegerField(
        _("最低职称"), choices=TitleLevel.choices, default=TitleLevel.ASSOCIATE
    )
    max_per_org = models.PositiveSmallIntegerField(_("同一单位最多人数"), default=2)
    min_non_local = models.PositiveSmallIntegerField(_("深圳以外专家至少"), default=0)
    min_international = models.PositiveSmallIntegerField(_("港澳及海外专家至少"), default=0)

    class Meta:
        ordering = ["round", "id"]

    def __str__(self) -> str:
        return f"{self.round.code} · {self.name}"


class AvoidanceRule(models.Model):
    group = models.ForeignKey(ReviewGroup, on_delete=models.CASCADE, related_name="avoidance_rules")
    kind = models.CharField(_("回避规则"), max_length=20, choices=AvoidanceKind.choices)
    param = models.PositiveIntegerField(_("参数"), default=0)

    class Meta:
        ordering = ["group", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "kind"], name="avoidance_rule_unique")]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class Application(models.Model):
    """A project or nomination under review (申报项目)."""

    lock_rank = LockRank.DOCUMENT

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="applications")
    group = models.ForeignKey(
        ReviewGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    code = models.CharField(_("申报编号"), max_length=30)
    title = models.CharField(_("项目名称"), max_length=200)
    discipline = models.ForeignKey(
        Discipline, verbose_name=_("所属学科"), null=True, blank=True, on_delete=models.PROTECT
    )
    summary = models.TextField(pgettext_lazy("project", "摘要"), blank=True)
    documents = models.ManyToManyField("core.Attachment", blank=True, related_name="+")
    formal_state = models.CharField(
        _("形式审查"), max_length=10, choices=FormalState.choices, default=FormalState.PENDING
    )
    formal_note = models.CharField(_("形式审查意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["round", "code"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="application_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ApplicationParty(models.Model):
    """An applicant or co-applicant: an organisation, a person, or both; `expert` when the person is in the pool."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(pgettext_lazy("party", "角色"), max_length=15, choices=PartyRole.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT)
    person_name = models.CharField(_("姓名"), max_length=50, blank=True)
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["application", "role", "id"]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class Draw(models.Model):
    """One verifiable draw for a group. Pool and parameters are hashed before the seed is known.

    `record` holds everything needed to re-run the draw (parameters, pool, seed parts, result);
    `exclusions` maps rule code -> {"ids": [expert ids], "details": [one per id, or empty]} for every expert
    left out of the pool (the first rule that applied, in eligibility.RULE_ORDER).
    """

    lock_rank = LockRank.DOCUMENT

    group = models.ForeignKey(ReviewGroup, on_delete=models.PROTECT, related_name="draws")
    state = models.CharField(
        _("状态"), max_length=12, choices=DrawState.choices, default=DrawState.POOL_FIXED
    )
    as_of = models.DateTimeField(_("规则计算时点"))
    params = models.JSONField(default=dict)
    pool = models.JSONField(default=list)  # [[expert_id, employer_id, region], …] sorted by id
    pool_hash = models.CharField(_("候选池哈希"), max_length=64)
    exclusions = models.JSONField(default=dict)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    fixed_at = models.DateTimeField(_("固定时间"))
    seed_source = models.CharField(_("种子来源"), max_length=10, choices=SeedSource.choices, blank=True)
    seed_parts = models.JSONField(default=dict)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    seeded_at = models.DateTimeField(null=True, blank=True)
    result_hash = models.CharField(max_length=64, blank=True)
    void_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-fixed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group"], condition=~Q(state="void"), name="draw_one_live_per_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.pool_hash[:12]}"


class DrawPick(models.Model):
    """A ranked expert of a draw: main panel or backup; carries the invitation's state."""

    lock_rank = LockRank.TASK

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="picks")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="picks")
    rank = models.PositiveSmallIntegerField(_("名次"))
    role = models.CharField(_("类别"), max_length=10, choices=PickRole.choices)
    key = models.CharField(max_length=64)  # HMAC-SHA256(seed, pool_hash:expert_id), the sort key
    state = models.CharField(
        _("邀请状态"), max_length=10, choices=PickState.choices, default=PickState.WAITING
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(_("答复期限"), null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["draw", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "rank"], name="pick_rank_unique"),
            models.UniqueConstraint(fields=["draw", "expert"], name="pick_expert_unique"),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class Assignment(models.Model):
    """An expert serving on a group (an accepted pick): pledge and conflict declaration before any application."""

    lock_rank = LockRank.TASK

    group = models.ForeignKey(ReviewGroup, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    pick = models.OneToOneField(
        DrawPick, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignment"
    )
    weight = models.DecimalField(_("专家权重"), max_digits=4, decimal_places=2, default=Decimal(1))
    pledge_signed_at = models.DateTimeField(_("签署承诺时间"), null=True, blank=True)
    conflicts_declared_at = models.DateTimeField(_("利益冲突声明时间"), null=True, blank=True)
    conflict_note = models.CharField(_("利益冲突说明"), max_length=300, blank=True)
    conflict_applications = models.ManyToManyField(Application, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    rating = models.PositiveSmallIntegerField(_("工作评价"), null=True, blank=True)  # 1..5 by staff
    rating_note = models.CharField(_("评价说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["group", "id"]
        constraints = [models.UniqueConstraint(fields=["group", "expert"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"

    @property
    def ready(self) -> bool:
        return bool(self.pledge_signed_at and self.conflicts_declared_at)


class ScoreSheet(models.Model):
    lock_rank = LockRank.TASK  # one expert's sheet for one application: part of the assignment

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="sheets")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="sheets")
    state = models.CharField(_("状态"), max_length=10, choices=SheetState.choices, default=SheetState.DRAFT)
    opened_at = models.DateTimeField(_("首次打开"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    draft_saved_at = models.DateTimeField(_("草稿保存时间"), null=True, blank=True)
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    vetoed = models.BooleanField(_("触发否决项"), default=False)
    comment = models.TextField(_("总体意见"), blank=True)
    excluded = models.BooleanField(_("不计入汇总"), default=False)

    class Meta:
        ordering = ["application", "assignment"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "application"], name="sheet_unique"),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=6, decimal_places=2)  # veto items: 1 = vetoed, 0 = not
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="score_unique")]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class ApplicationResult(models.Model):
    """The aggregate of an application, written when results are computed; frozen once the round is approved."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="result")
    score = models.DecimalField(_("汇总得分"), max_digits=8, decimal_places=2, null=True)
    rank = models.PositiveSmallIntegerField(_("排名"), null=True)
    n_sheets = models.PositiveSmallIntegerField(default=0)
    spread = models.DecimalField(max_digits=8, decimal_places=2, null=True)
    vetoed = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class Flag(models.Model):
    lock_rank = LockRank.DOCUMENT
    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("类型"), max_length=10, choices=FlagKind.choices)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.CASCADE)
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT)
    detail = models.JSONField(default=dict)
    state = models.CharField(_("状态"), max_length=10, choices=FlagState.choices, default=FlagState.OPEN)
    decision = models.CharField(_("处理决定"), max_length=10, choices=FlagDecision.choices, blank=True)
    note = models.CharField(_("处理说明"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "state", "id"]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class PublicNotice(models.Model):
    """公示: a frozen snapshot of the results; a re-published version supersedes, never deletes, the earlier one."""

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="notices")
    version = models.PositiveSmallIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("说明"), blank=True)
    rows = models.JSONField(default=list)
    state = models.CharField(
        _("状态"), max_length=12, choices=NoticeState.choices, default=NoticeState.CURRENT
    )
    published_at = models.DateTimeField(_("发布时间"))
    objection_until = models.DateTimeField(_("异议截止"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    change_note = models.CharField(_("更正说明"), max_length=300, blank=True)

    class Meta:
        ordering = ["-published_at", "-version"]
        constraints = [models.UniqueConstraint(fields=["round", "version"], name="notice_version_unique")]

    def __str__(self) -> str:
        return self.title


class Objection(models.Model):
    lock_rank = LockRank.DOCUMENT
    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="objections")
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL)
    name = models.CharField(_("提出人"), max_length=50)
    contact_phone = EncryptedTextField(_("联系电话"))
    content = models.TextField(_("异议内容"))
    state = models.CharField(
        _("状态"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class CreditEvent(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="credit_events")
    round = models.ForeignKey(ReviewRound, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=10, choices=CreditKind.choices)
    points = models.SmallIntegerField(_("分值"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"


class ExpertFee(models.Model):
    """One expert's fee for a round: gross, 劳务报酬 income tax withheld, net."""

    lock_rank = LockRank.TASK

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="fees")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="fees")
    sheets = models.PositiveSmallIntegerField(_("评审份数"))
    gross = models.DecimalField(_("应发"), **MONEY)
    tax = models.DecimalField(_("代扣个人所得税"), **MONEY)
    net = models.DecimalField(_("实发"), **MONEY)
    budget_item_ref = models.CharField(_("预算项目"), max_length=100, blank=True)
    spending_ref = models.CharField(_("支出申请编号"), max_length=50, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "expert"]
        constraints = [models.UniqueConstraint(fields=["round", "expert"], name="fee_unique")]

    def __str__(self) -> str:
        return f"{type(self).__name__}#{self.pk}"
