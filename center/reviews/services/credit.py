"""Experts' credit: events and the score they add up to (suspension below the level), staff ratings."""

from django.utils.translation import gettext as _

from center.core.audit import audit_log
from center.core.errors import ApplicationError, ConflictError, NotFoundError
from center.core.locks import lock_one
from center.core.services import service
from center.experts.enums import ExpertState
from center.experts.models import Expert
from center.experts.services import expert_apply_state

from ..enums import (
    CreditKind,
)
from ..models import (
    Assignment,
    CreditEvent,
)
from .common import _require_writer, credit_config


def _lock_expert(expert_id: int) -> Expert:
    expert = lock_one(Expert.objects.filter(pk=expert_id))
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    return expert


@service
def credit_event_add(
    *, actor, expert_id: int, kind: str, points: int, round_id=None, note: str = ""
) -> CreditEvent:
    """Record a credit event and recompute the score (100 + Σ points, within 0–100); below the configured
    level an admitted expert is suspended."""
    return _credit(
        _lock_expert(expert_id), actor=actor, kind=kind, points=points, round_id=round_id, note=note
    )


def _credit(expert: Expert, *, actor, kind: str, points: int, round_id=None, note: str = "") -> CreditEvent:
    """credit_event_add for an expert the caller has already locked (first, before any round or task)."""
    ev = CreditEvent.objects.create(
        expert_id=expert.pk,
        kind=kind,
        points=points,
        round_id=round_id,
        note=note[:200],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    total = 100 + sum(expert.credit_events.values_list("points", flat=True))
    old = expert.credit_score
    expert.credit_score = max(0, min(100, total))
    expert.save(update_fields=["credit_score", "updated_at"])
    audit_log(
        "reviews.credit.changed",
        actor=actor,
        target=expert,
        changes={"credit_score": [old, expert.credit_score]},
        extra={"kind": kind, "points": points},
    )
    if expert.credit_score < credit_config()["suspend_below"] and expert.state == ExpertState.ADMITTED:
        expert_apply_state(
            expert,
            actor=actor,
            state=ExpertState.SUSPENDED,
            reason=_("信用分 %(s)s 低于 %(t)s")
            % {"s": expert.credit_score, "t": credit_config()["suspend_below"]},
        )
    return ev


@service
def assignment_rate(*, actor, assignment_id: int, rating: int, note: str = "") -> Assignment:
    """Staff rate an expert's work on a round (1–5); 1 or 2 costs credit."""
    _require_writer(actor)
    expert_id = Assignment.objects.filter(pk=assignment_id).values_list("expert_id", flat=True).first()
    # A low rating costs credit: the expert (master data) is locked before the assignment (a task).
    expert = _lock_expert(expert_id) if expert_id else None
    a = lock_one(Assignment.objects.select_related("group__round").filter(pk=assignment_id))
    if a is None:
        raise NotFoundError(_("评审任务不存在。"))
    if not 1 <= int(rating) <= 5:
        raise ApplicationError(_("评价须为 1–5。"), {"field": "rating"})
    if a.rating is not None:
        raise ConflictError(_("已评价过。"))
    a.rating, a.rating_note = int(rating), note.strip()[:200]
    a.save(update_fields=["rating", "rating_note"])
    if a.rating <= 2:
        _credit(
            expert,
            actor=actor,
            kind=CreditKind.RATING,
            points=credit_config()["rating_low"],
            round_id=a.group.round_id,
            note=note,
        )
    audit_log(
        "reviews.assignment.rated",
        actor=actor,
        target=a.group,
        extra={"expert": a.expert_id, "rating": a.rating},
    )
    return a
