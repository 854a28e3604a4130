"""Budget performance management (issue 15): what each 表11 indicator is measured by, the records and values
that measure it, the scoring rules and the year-end self-evaluation. No business logic here: see services/,
progress.py (live actual vs target) and scoring.py (the self-evaluation's rules).

The targets themselves are the budget area's `PerformanceIndicator` rows (表11): this area binds to them
one-to-one and never copies them.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.locks import LockRank

from .enums import (
    SOURCE_DEFINITIONS,
    Category,
    EvaluationState,
    Rating,
    RecordKind,
    RecordState,
    SourceKind,
)

PCT = {"max_digits": 7, "decimal_places": 2}
VALUE = {"max_digits": 14, "decimal_places": 2}


class IndicatorBinding(models.Model):
    """A 三级 indicator's declared source: where its actual value comes from, with the source's parameters.
    Locked after its budget (rank: document)."""

    lock_rank = LockRank.DOCUMENT

    indicator = models.OneToOneField(
        "budget.PerformanceIndicator",
        on_delete=models.CASCADE,
        related_name="binding",
        verbose_name=pgettext_lazy("performance", "绩效指标"),
    )
    source = models.CharField(_("数据来源"), max_length=20, choices=SourceKind.choices)
    # events: the event type codes counted (blank: only events linked to the indicator explicitly)
    event_types = models.JSONField(_("活动类型"), default=list, blank=True)
    # completion / timeliness: the quantity indicator they are derived from
    base = models.ForeignKey(
        "budget.PerformanceIndicator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived_bindings",
        verbose_name=_("依据的数量指标"),
    )
    deadline = models.DateField(_("完成期限"), null=True, blank=True)  # blank: 31 December of the budget year
    note = models.TextField(_("口径补充说明"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("指标数据来源")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=SourceKind.values), name="performance_binding_source_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.display_name()} ← {self.get_source_display()}"

    @property
    def definition(self) -> str:
        return str(SOURCE_DEFINITIONS.get(self.source, ""))


class ManualValue(models.Model):
    """A typed value (or a qualitative rating) with its evidence: a note, attachments, who, when. Immutable:
    a correction is a newer row; the latest (by `as_of`, then id) counts."""

    binding = models.ForeignKey(IndicatorBinding, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("数值"), null=True, blank=True, **VALUE)
    rating = models.CharField(_("评价"), max_length=10, choices=Rating.choices, blank=True)
    as_of = models.DateField(_("截至日期"))
    note = models.TextField(_("说明"))
    attachments = models.ManyToManyField("core.Attachment", related_name="+", verbose_name=_("证明材料"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    entered_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("指标填报值")
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(rating=""), name="performance_value_has_value_or_rating"
            ),
        ]

    def __str__(self) -> str:
        return str(self.value if self.value is not None else self.get_rating_display())


class Record(models.Model):
    """A maintenance record or a platform/system building milestone, counted once accepted (验收)."""

    lock_rank = LockRank.DOCUMENT

    binding = models.ForeignKey(IndicatorBinding, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(_("类型"), max_length=20, choices=RecordKind.choices)
    title = models.CharField(_("内容"), max_length=200)
    due_on = models.DateField(_("计划完成日期"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=RecordState.choices, default=RecordState.PLANNED
    )
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acceptance_note = models.TextField(_("验收意见"), blank=True)
    attachments = models.ManyToManyField("core.Attachment", blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("维护记录或建设里程碑")
        constraints = [
            models.CheckConstraint(
                condition=Q(state=RecordState.PLANNED) | Q(accepted_on__isnull=False),
                name="performance_record_accepted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ScoreRule(models.Model):
    """The self-evaluation's scoring rules for a year, as data. Defaults: 财预〔2020〕10号."""

    lock_rank = LockRank.MASTER

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    execution_weight = models.DecimalField(_("预算执行率分值"), default=Decimal(10), **PCT)
    output_weight = models.DecimalField(_("产出指标分值"), default=Decimal(50), **PCT)
    benefit_weight = models.DecimalField(_("效益指标分值"), default=Decimal(30), **PCT)
    satisfaction_weight = models.DecimalField(_("满意度指标分值"), default=Decimal(10), **PCT)
    # qualitative bands, as % of an indicator's points: achieved [achieved_min, 100], partly
    # [partly_min, achieved_min), not achieved [0, partly_min)
    achieved_min = models.DecimalField(_("达成下限（%）"), default=Decimal(80), **PCT)
    partly_min = models.DecimalField(_("部分达成下限（%）"), default=Decimal(60), **PCT)
    excellent_min = models.DecimalField(_("优（≥）"), default=Decimal(90), **PCT)
    good_min = models.DecimalField(_("良（≥）"), default=Decimal(80), **PCT)
    fair_min = models.DecimalField(_("中（≥）"), default=Decimal(60), **PCT)
    explain_below = models.DecimalField(_("执行率低于此值须说明（%）"), default=Decimal(90), **PCT)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评分规则")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    execution_weight__gte=0,
                    output_weight__gte=0,
                    benefit_weight__gte=0,
                    satisfaction_weight__gte=0,
                ),
                name="performance_rule_weights_nonneg",
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def weights(self) -> dict[str, Decimal]:
        return {
            Category.EXECUTION: self.execution_weight,
            Category.OUTPUT: self.output_weight,
            Category.BENEFIT: self.benefit_weight,
            Category.SATISFACTION: self.satisfaction_weight,
        }


class Evaluation(models.Model):
    """The year-end self-evaluation (绩效自评) of a project (`project` set) or of the unit (`project` null)."""

    lock_rank = LockRank.DOCUMENT

    budget = models.ForeignKey("budget.Budget", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        "budget.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=EvaluationState.choices, default=EvaluationState.DRAFT
    )
    rule = models.JSONField(_("采用的评分规则"), default=dict)  # the ScoreRule's values when last scored
    budgeted = models.DecimalField(_("调整后预算数（元）"), null=True, blank=True, **VALUE)
    executed = models.DecimalField(_("执行数（元）"), null=True, blank=True, **VALUE)
    execution_rate = models.DecimalField(_("预算执行率（%）"), null=True, blank=True, **PCT)
    execution_explanation = models.TextField(_("执行率偏低原因说明"), blank=True)
    conclusion = models.TextField(_("自评结论"), blank=True)
    problems = models.TextField(_("存在问题及改进措施"), blank=True)
    score = models.DecimalField(_("总分"), null=True, blank=True, **PCT)
    grade = models.CharField(_("等级"), max_length=4, blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.CharField(_("退回意见"), max_length=300, blank=True)

    class Meta:
        ordering = ["budget", "project__task_sort", "id"]
        verbose_name = _("绩效自评")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "project"], name="performance_one_evaluation_per_project"
            ),
            models.UniqueConstraint(
                fields=["budget"], condition=Q(project__isnull=True), name="performance_one_unit_evaluation"
            ),
        ]

    def __str__(self) -> str:
        return self.subject_name()

    def subject_name(self) -> str:
        return self.project.display_name() if self.project_id else str(_("单位整体"))

    @property
    def locked(self) -> bool:
        return self.state == EvaluationState.APPROVED


class EvaluationLine(models.Model):
    """One scored row of a self-evaluation: the execution rate or an indicator, with how it was computed."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(
        "budget.PerformanceIndicator", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    applicable = models.BooleanField(_("适用"), default=True)
    not_applicable_reason = models.CharField(_("不适用原因"), max_length=200, blank=True)
    rating = models.CharField(_("评价"), max_length=10, choices=Rating.choices, blank=True)
    rating_pct = models.DecimalField(_("评价得分比例（%）"), null=True, blank=True, **PCT)
    points = models.DecimalField(_("分值"), default=Decimal(0), **PCT)
    target_display = models.CharField(_("目标值"), max_length=60, blank=True)
    actual = models.DecimalField(_("实际值"), null=True, blank=True, **VALUE)
    actual_display = models.CharField(_("实际完成值"), max_length=60, blank=True)
    score = models.DecimalField(_("得分"), null=True, blank=True, **PCT)
    how = models.TextField(_("计算方法"), blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["evaluation", "sort", "id"]
        verbose_name = _("自评指标行")

    def __str__(self) -> str:
        return self.indicator.display_name() if self.indicator_id else str(Category.EXECUTION.label)


from .models_monitoring import MonitoringReport, MonitoringRound, MonitoringStatement  # noqa: E402,F401 (双监控)
