"""The yearly internal-control evaluation (内部控制基础性评价) and its item scores.

The sheet itself (items, points, what is computed) is data: center/assessment/data/basic_2016.json. An
evaluation keeps, per item, either a hand score with its evidence (note, attachments, who, when) or — from
submission on — the frozen result of the computed checks, so an approved evaluation never moves.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from center.core.locks import LockRank

from .enums import EvaluationState

POINTS = {"max_digits": 6, "decimal_places": 2}


class Evaluation(models.Model):
    lock_rank = LockRank.SUBJECT

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=EvaluationState.choices, default=EvaluationState.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    # Frozen at submission (the computed items and the totals as the director saw them); empty while a draft.
    snapshot = models.JSONField(_("提交时的计算结果"), default=dict, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("内部控制评价")

    def __str__(self) -> str:
        return str(_("%(year)s年度内部控制基础性评价") % {"year": self.year})


class ItemScore(models.Model):
    """A hand score of one evaluation point, with its evidence."""

    lock_rank = LockRank.DOCUMENT

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    code = models.CharField(_("评价要点"), max_length=10)
    score = models.DecimalField(_("得分"), **POINTS)
    note = models.TextField(_("评分依据"))
    attachments = models.ManyToManyField("core.Attachment", verbose_name=_("证明材料"), related_name="+")
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scored_at = models.DateTimeField(_("评分时间"))

    class Meta:
        ordering = ["evaluation", "id"]
        verbose_name = _("评价要点得分")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "code"], name="assessment_item_once"),
            models.CheckConstraint(condition=Q(score__gte=0), name="assessment_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation.year} {self.code}"
