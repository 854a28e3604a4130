"""Who may do what in budget control: the page/API policies and the object rules.

The policies (`center.core.permissions.Policy`) say which roles reach a page or an API route and with what
scope; the pages (views.py, config_views.py) and the API (center/api/control*.py) import them from here. The
object rules (`@rule`, center/core/rules.py) answer for one document: the services `require(...)` them, the
document page shows its buttons from the same functions (`{% allowed "control.…" doc %}` or a context value
computed from them), so a button is shown exactly when the action would be accepted by these rules.
"""

from django.utils.translation import gettext_lazy as _

from center.accounts.enums import Role
from center.core.enums import Scope
from center.core.permissions import staff
from center.core.rules import rule

from . import approvals
from .enums import DocState

# ------------------------------------------------------------------------------------------------ policies

# Business users of budget control; the system admin is not one of them.
CONTROL_USERS = staff(
    "control-users",
    {
        Role.STAFF: Scope.OWN,
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.FINANCE: Scope.UNIT,
        Role.DIRECTOR: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
        Role.CASHIER: Scope.UNIT,
    },
)
MONITOR_READERS = staff(
    "control-monitor",
    {
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.FINANCE: Scope.UNIT,
        Role.DIRECTOR: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
    },
)
APPLICANTS = staff(
    "control-applicants",
    {
        Role.STAFF: Scope.OWN,
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.FINANCE: Scope.UNIT,
        Role.DIRECTOR: Scope.UNIT,
    },
)
CASHIERS = staff("control-cashiers", {Role.CASHIER: Scope.UNIT})
ADJUSTERS = staff(
    "control-adjustments", {Role.FINANCE: Scope.UNIT, Role.DIRECTOR: Scope.UNIT, Role.AUDITOR: Scope.UNIT}
)
CONFIG_READERS = staff(
    "control-config",
    {
        Role.FINANCE: Scope.UNIT,
        Role.DIRECTOR: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
    },
)
# Business rules (三重一大 threshold, standards, flows, quota levels) are finance's: the system admin manages
# accounts only (separation of duties, docs/architecture.md rule 2).
CONFIG_EDITORS = staff("control-config-edit", {Role.FINANCE: Scope.UNIT})
LEVEL_SETTERS = staff("control-quota-level", {Role.FINANCE: Scope.UNIT})

# ------------------------------------------------------------------------------------------- object rules

CANCELLABLE = (DocState.PENDING, DocState.RETURNED, DocState.APPROVED)
OPEN = (DocState.REJECTED, DocState.WITHDRAWN)  # documents in these states no longer count against anything


def _applicant(actor, doc) -> bool:
    return doc is not None and doc.applicant_id == actor.pk


# "Not yours" reads like "missing" (hide=True): the services have always answered so.
is_applicant = rule("control.applicant", _("单据不存在。"), hide=True)(_applicant)


@rule("control.withdraw", _("已有审批人同意，不能撤回；请联系当前审批人退回。"))
def may_withdraw(actor, doc) -> bool:
    """The applicant, before anyone approved in the current round."""
    return (
        _applicant(actor, doc)
        and doc.state in (DocState.PENDING, DocState.RETURNED)
        and (doc.state != DocState.PENDING or approvals.withdraw_allowed(doc))
    )


@rule("control.cancel_party", _("事前申请不存在。"), hide=True)
def is_cancel_party(actor, app) -> bool:
    """The applicant, or the head of the applicant's department."""
    return app.applicant_id == actor.pk or (
        actor.has_role(Role.DEPT_HEAD) and actor.department_id == app.department_id
    )


def money_against(app) -> bool:
    """A claim or an advance against the application that is neither withdrawn nor rejected."""
    active = [DocState.PENDING, DocState.RETURNED, DocState.APPROVED, DocState.PAID]
    return (
        app.reimbursements.filter(state__in=active).exists() or app.advances.filter(state__in=active).exists()
    )


@rule("control.cancel", _("该申请已有报销或借款，不能作废；请先撤回或驳回相关单据。"))
def may_cancel(actor, app) -> bool:
    """The applicant or their department head, while nothing is claimed or advanced."""
    return app.state in CANCELLABLE and is_cancel_party(actor, app) and not money_against(app)


@rule("control.resubmit", _("单据当前状态不能重新提交。"))
def may_resubmit(actor, app) -> bool:
    return _applicant(actor, app) and app.state == DocState.RETURNED


@rule("control.attach_minutes", _("单据当前状态不能补充附件。"))
def may_attach_minutes(actor, app) -> bool:
    return _applicant(actor, app) and app.state in (DocState.PENDING, DocState.RETURNED)


@rule("control.reimburse", _("事前申请尚未批准或已办结，不能据以报销。"))
def may_reimburse(actor, app) -> bool:
    return (
        _applicant(actor, app)
        and app.state == DocState.APPROVED
        and not app.reimbursements.exclude(state__in=OPEN).exists()
    )


@rule("control.advance", _("事前申请尚未批准或已办结，不能借款。"))
def may_advance(actor, app) -> bool:
    return (
        _applicant(actor, app)
        and app.state == DocState.APPROVED
        and not app.advances.exclude(state__in=OPEN).exists()
    )


@rule("control.act", _("该单据不在您的待审批范围内（或委托已过期）。"))
def may_act(actor, doc) -> bool:
    """A pending task of the current round that the actor holds or acts on as a delegate."""
    return doc.state == DocState.PENDING and approvals.task_for_actor(doc, actor) is not None


@rule("control.chase", _("只有申请人或申请部门负责人可以催办。"))
def may_chase(actor, doc) -> bool:
    """催办: the applicant, or the head of the document's department, while the document is in approval."""
    return doc.state == DocState.PENDING and (
        _applicant(actor, doc)
        or (actor.has_role(Role.DEPT_HEAD) and actor.department_id == doc.department_id)
    )


@rule("control.cashier", _("只有出纳可以登记支付。"))
def is_cashier(actor, doc=None) -> bool:
    return actor.has_role(Role.CASHIER)


@rule("control.pay", _("审批人或申请人不能兼任本单的付款人（不相容岗位）。"))
def may_pay(actor, doc) -> bool:
    """A cashier who neither applied for nor approved the document, once it is approved (claims, advances)."""
    return (
        doc._meta.model_name != "application"
        and is_cashier(actor)
        and doc.state == DocState.APPROVED
        and actor.pk != doc.applicant_id
        and actor.pk not in approvals.approvers_of(doc)
    )
