"""Who may do what with the internal-control evaluation: finance prepares (the Center's internal-control work
sits with finance), the director approves, the auditor and the director read. Never the system admin."""

from django.utils.translation import gettext_lazy as _

from center.accounts.enums import Role
from center.core.enums import Scope
from center.core.permissions import staff
from center.core.rules import rule

from .enums import EvaluationState

READERS = staff(
    "assessment-read", {Role.FINANCE: Scope.UNIT, Role.DIRECTOR: Scope.UNIT, Role.AUDITOR: Scope.UNIT}
)
PREPARERS = staff("assessment-prepare", {Role.FINANCE: Scope.UNIT})
ACTORS = staff("assessment-act", {Role.FINANCE: Scope.UNIT, Role.DIRECTOR: Scope.UNIT})


def _staff(actor) -> bool:
    return actor is not None and getattr(actor, "is_staff_account", False)


@rule("assessment.prepare", _("只有财务审核人员可以编制内部控制评价。"))
def may_prepare(actor, _obj=None) -> bool:
    return _staff(actor) and actor.has_role(Role.FINANCE)


@rule("assessment.score", _("评价已提交或已审定，不能再修改评分。"))
def may_score(actor, evaluation) -> bool:
    return may_prepare(actor) and evaluation.state == EvaluationState.DRAFT


@rule("assessment.submit", _("只有财务审核人员可以提交草稿状态的评价。"))
def may_submit(actor, evaluation) -> bool:
    return may_prepare(actor) and evaluation.state == EvaluationState.DRAFT


@rule("assessment.decide", _("只有单位负责人可以审定或退回评价，且不能审定自己提交的评价。"))
def may_decide(actor, evaluation) -> bool:
    return (
        _staff(actor)
        and actor.has_role(Role.DIRECTOR)
        and evaluation.state == EvaluationState.SUBMITTED
        and actor.pk != evaluation.submitted_by_id
    )
