from django.db import models
from django.utils.translation import gettext_lazy as _

from center.core.statemachine import Machine


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交待审定")
    APPROVED = "approved", _("已审定")


S = EvaluationState

# The yearly internal-control evaluation: finance prepares and submits, the director approves (locked from
# then on) or sends it back. The audit code is `assessment.evaluation.<verb>` (center.core.statemachine).
EVALUATION = Machine(
    "assessment.evaluation",
    {
        "submit": ({S.DRAFT}, S.SUBMITTED),
        "return": ({S.SUBMITTED}, S.DRAFT),
        "approve": ({S.SUBMITTED}, S.APPROVED),
    },
)


class CheckOutcome(models.TextChoices):
    MET = "met", _("符合")
    PARTLY = "partly", _("部分符合")
    NOT_MET = "not_met", _("不符合")
