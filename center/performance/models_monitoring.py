"""The mid-year monitoring (绩效运行监控, "双监控") of a budget year: a round (the period it covers and the
deadline), one report per project and one for the unit, and the department's statements about the
indicators (and the spending) that lag at the period's end. The figures themselves are not stored while a
report is being prepared (they are computed from the data as of the period's end: monitoring.py); the
director's submission freezes them with the statements in `MonitoringReport.snapshot`.

Imported by models.py (one line) so Django finds the models in this app.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from center.core.locks import LockRank

from .monitoring_enums import Likelihood, ReportState


class MonitoringRound(models.Model):
    """A year's monitoring round (default: January–July, due 31 August). Locked after its budget (rank:
    document)."""

    lock_rank = LockRank.DOCUMENT

    budget = models.OneToOneField(
        "budget.Budget", on_delete=models.PROTECT, related_name="monitoring_round", verbose_name=_("预算")
    )
    period_end = models.DateField(_("监控截止日期"))  # the period runs from 1 January to this day
    due_on = models.DateField(_("报送期限"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("绩效运行监控")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gt=models.F("period_end")), name="monitoring_due_after_end"
            ),
        ]

    def __str__(self) -> str:
        return str(_("%(y)d 年绩效运行监控") % {"y": self.period_end.year})

    @property
    def year(self) -> int:
        return self.period_end.year


class MonitoringReport(models.Model):
    """The monitoring table (项目支出绩效目标执行监控表) of one project (`project` set) or of the unit (`project`
    null), prepared by `department`. `snapshot` is what the director submitted: the figures and statements as
    they were, never recomputed."""

    lock_rank = LockRank.DOCUMENT

    round = models.ForeignKey(MonitoringRound, on_delete=models.CASCADE, related_name="reports")
    project = models.ForeignKey(
        "budget.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("填报部门")
    )
    state = models.CharField(_("状态"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    head_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    head_reviewed_at = models.DateTimeField(null=True, blank=True)
    finance_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finance_reviewed_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.CharField(_("退回意见"), max_length=300, blank=True)
    snapshot = models.JSONField(_("报送时的监控表"), null=True, blank=True)

    class Meta:
        verbose_name = _("绩效监控表")
        ordering = ["round", models.F("project__task_sort").asc(nulls_last=True), "project__sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="monitoring_one_report_per_project"),
            models.UniqueConstraint(
                fields=["round"], condition=Q(project__isnull=True), name="monitoring_one_unit_report"
            ),
            models.CheckConstraint(
                condition=~Q(state=ReportState.SUBMITTED)
                | Q(snapshot__isnull=False, submitted_at__isnull=False),
                name="monitoring_submitted_has_snapshot",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_name()

    def subject_name(self) -> str:
        return self.project.display_name() if self.project_id else str(_("单位整体"))

    @property
    def frozen(self) -> bool:
        return self.state == ReportState.SUBMITTED


class MonitoringStatement(models.Model):
    """What the department says about one lagging indicator (`indicator` set) or about the spending
    (`indicator` null): the causes of the deviation, the likelihood of completing the target, the full-year
    forecast, and the explanation with the corrective action."""

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="statements")
    indicator = models.ForeignKey(
        "budget.PerformanceIndicator", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    causes = models.JSONField(_("偏差原因"), default=list, blank=True)  # Cause values
    likelihood = models.CharField(_("完成目标可能性"), max_length=12, choices=Likelihood.choices, blank=True)
    forecast = models.CharField(_("全年预计完成值"), max_length=60, blank=True)
    action = models.TextField(_("原因说明和改进措施"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("偏差说明")
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="monitoring_one_statement_per_indicator"
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(indicator__isnull=True),
                name="monitoring_one_spending_statement",
            ),
        ]

    def __str__(self) -> str:
        return self.indicator.display_name() if self.indicator_id else str(_("预算执行"))
