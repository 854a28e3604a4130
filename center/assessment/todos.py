from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from center.core.workbench import TODO, Todo, WorkItem, register_todo_provider, register_work_provider

from .enums import EvaluationState
from .models import Evaluation
from .rules import may_decide, may_prepare


def _waiting(user) -> list[tuple[Evaluation, str]]:
    """Evaluations waiting for this user: drafts for finance, submitted ones for the director."""
    if not getattr(user, "is_staff_account", False):
        return []
    found = []
    if may_prepare(user):
        found += [(e, _("编制评分")) for e in Evaluation.objects.filter(state=EvaluationState.DRAFT)]
    found += [
        (e, _("审定"))
        for e in Evaluation.objects.filter(state=EvaluationState.SUBMITTED).select_related("submitted_by")
        if may_decide(user, e)
    ]
    return found


@register_todo_provider
def assessment_todos(user) -> list[Todo]:
    return [
        Todo(str(e), reverse("assessment:detail", args=[e.pk]), "info")
        for e, _step in _waiting(user)
        if e.state == EvaluationState.SUBMITTED
    ]


@register_work_provider
def assessment_work(user, tab: str) -> list[WorkItem]:
    if tab != TODO:
        return []
    return [
        WorkItem(
            title=str(e),
            link=reverse("assessment:detail", args=[e.pk]),
            when=e.submitted_at or e.created_at,
            kind=pgettext("kind of work", "内部控制评价"),
            step=step,
            area="assessment",
            approval=e.state == EvaluationState.SUBMITTED,
        )
        for e, step in _waiting(user)
    ]
