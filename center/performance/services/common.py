"""Shared pieces of the performance services: locks and the "locked by an approved evaluation" check."""

from django.utils.translation import gettext as _

from center.budget.models import Budget, PerformanceIndicator
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.files import attachment_create
from center.core.locks import lock_one

from ..enums import EvaluationState
from ..models import Evaluation


def lock_budget(budget_id: int) -> Budget:
    """Every write of this area about a budget takes its row first (rank: subject), so a value and the
    approval of the evaluation it would change never interleave."""
    budget = lock_one(Budget.objects.filter(pk=budget_id).select_related("fiscal_year"))
    if budget is None:
        raise NotFoundError(_("预算不存在。"))
    return budget


def get_indicator(indicator_id) -> PerformanceIndicator:
    try:
        pk = int(indicator_id)
    except (TypeError, ValueError):
        raise NotFoundError(_("绩效指标不存在。")) from None
    ind = PerformanceIndicator.objects.select_related("project", "budget").filter(pk=pk).first()
    if ind is None:
        raise NotFoundError(_("绩效指标不存在。"))
    return ind


def refuse_if_locked(indicator: PerformanceIndicator) -> None:
    """A value, record or source of an indicator that an approved self-evaluation covers is frozen."""
    q = Evaluation.objects.filter(budget_id=indicator.budget_id, state=EvaluationState.APPROVED)
    locked = q.filter(project__isnull=True).exists() or (
        indicator.project_id is not None and q.filter(project_id=indicator.project_id).exists()
    )
    if locked:
        raise ConflictError(
            _("“%(n)s”所在的绩效自评已审定并锁定，不能再修改其数据。") % {"n": indicator.display_name()},
            {"indicator": indicator.pk},
        )


def store_evidence(actor, files) -> list:
    """Upload the evidence files [(name, bytes)] through core's checked store; refuse when there is none."""
    files = [f for f in (files or []) if f]
    if not files:
        raise ApplicationError(_("请上传至少一份证明材料（PDF、图片、Word 或 Excel）。"), {"field": "files"})
    return [attachment_create(actor=actor, name=name, data=data) for name, data in files]


def clean_note(note: str, field: str = "note") -> str:
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("请填写说明（数据口径、来源和证明材料的内容）。"), {"field": field})
    if len(note) > 2000:
        raise ApplicationError(_("说明不能超过 2000 字。"), {"field": field})
    return note
