"""Who may do what in the events area: the page/API policies (roles and scopes) and the object rules.

One predicate answers the service (`require(rule, actor, obj)`), the page's button (`{% allowed "events.…"
obj as … %}` or the view asking the same rule) and the API (which imports its policies from here, never from
views.py). The states in which an action is possible stay in the services and the state machines
(enums.py): a rule says whether this person may act on this object.
"""

from django.utils.translation import gettext_lazy as _

from center.accounts.enums import Role
from center.core.enums import Scope
from center.core.permissions import staff
from center.core.rules import rule

from .enums import APPROVER_VERBS, EDITABLE_STATES, EVENT, PROMOTING_STATES, REGISTRATION

# --- page and API policies ---------------------------------------------------------------------------

# Read: organiser department (staff see their department's events), heads and deputies their
# departments, director and auditor everything. The system admin sees nothing of events.
EVENT_READERS = staff(
    "events-read",
    {
        Role.STAFF: Scope.OWN,
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.DIRECTOR: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
    },
)
# Plan and edit: the organiser department's staff and head.
EVENT_EDITORS = staff("events-edit", {Role.STAFF: Scope.OWN, Role.DEPT_HEAD: Scope.DEPARTMENT})
# Transitions: organisers, plus approvers (head, deputy, director) for "approve".
EVENT_ACTORS = staff(
    "events-act",
    {
        Role.STAFF: Scope.OWN,
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.DIRECTOR: Scope.UNIT,
    },
)
# Check-in: any staff of the organiser department (and its head).
CHECKIN = staff("events-checkin", {Role.STAFF: Scope.OWN, Role.DEPT_HEAD: Scope.DEPARTMENT})
TYPE_ADMIN = staff("events-types", {Role.DIRECTOR: Scope.UNIT, Role.DEPT_HEAD: Scope.DEPARTMENT})


# --- object rules ------------------------------------------------------------------------------------


def _staff(actor) -> bool:
    return actor is not None and getattr(actor, "is_staff_account", False)


def is_organiser(actor, event) -> bool:
    """Staff of the organiser department, its head and the deputy overseeing it."""
    if not _staff(actor):
        return False
    if event.department_id in actor.scoped_department_ids:
        return True
    return actor.department_id == event.department_id and actor.has_role(Role.STAFF, Role.DEPT_HEAD)


def can_approve(actor, event) -> bool:
    """Heads and deputies of the organiser department, the director; never the event's own owner."""
    if not _staff(actor):
        return False
    if actor.pk == event.owner_id:
        return False  # applicant and approver are different people
    if actor.has_role(Role.DIRECTOR):
        return True
    return actor.has_role(Role.DEPT_HEAD, Role.DEPUTY) and event.department_id in actor.scoped_department_ids


@rule("events.create", _("只有部门经办人或部门负责人可以创建活动。"))
def may_create(actor, _obj=None) -> bool:
    return _staff(actor) and actor.has_role(Role.STAFF, Role.DEPT_HEAD) and bool(actor.department_id)


@rule("events.manage_types", _("只有部门负责人或单位负责人可以维护活动类型。"))
def may_manage_types(actor, _obj=None) -> bool:
    return _staff(actor) and actor.has_role(Role.DIRECTOR, Role.DEPT_HEAD)


@rule("events.organise", _("只有主办部门可以操作此活动。"))
def may_organise(actor, event) -> bool:
    """Edit the event, its registration form, survey, report and roadshow; move it through its lifecycle."""
    return is_organiser(actor, event)


@rule("events.approve", _("您不能批准此活动（须为主办部门负责人、分管领导或单位负责人，且不是经办人本人）。"))
def may_approve(actor, event) -> bool:
    return can_approve(actor, event)


@rule("events.edit", _("只有主办部门可以修改此活动，且活动尚未举办或取消。"))
def may_edit(actor, event) -> bool:
    """The button: organiser, and the event still editable."""
    return is_organiser(actor, event) and event.state in EDITABLE_STATES


@rule("events.cancel", _("只有主办部门可以在活动举办前取消活动。"))
def may_cancel(actor, event) -> bool:
    """The button: organiser, and the event not yet held."""
    return is_organiser(actor, event) and EVENT.allows(event, "cancel")


def may_act(actor, event, verb: str) -> bool:
    """Whether `actor` may move `event` through `verb` (approvers approve, organisers do the rest)."""
    return can_approve(actor, event) if verb in APPROVER_VERBS else is_organiser(actor, event)


def rule_for(verb: str):
    return may_approve if verb in APPROVER_VERBS else may_organise


@rule("events.reveal_contacts", _("只有主办部门可以导出完整联系方式。"))
def may_reveal_contacts(actor, event) -> bool:
    """Export the registration list with full contacts (recorded in the audit trail)."""
    return is_organiser(actor, event)


@rule("events.checkin", _("只有主办部门职工可以签到。"))
def may_check_in(actor, event) -> bool:
    return is_organiser(actor, event)


@rule("events.walk_in", _("只有主办部门职工可以办理现场报名。"))
def may_walk_in(actor, event) -> bool:
    return is_organiser(actor, event)


@rule("events.score_roadshow", _("只有主办部门或单位负责人可以评分。"))
def may_score_roadshow(actor, event) -> bool:
    return is_organiser(actor, event) or (_staff(actor) and actor.has_role(Role.DIRECTOR))


@rule("events.decide_roadshow", _("只有主办部门负责人、分管领导或单位负责人可以确定入选项目。"))
def may_decide_roadshow(actor, event) -> bool:
    return can_approve(actor, event) or (
        _staff(actor) and actor.has_role(Role.DEPT_HEAD) and is_organiser(actor, event)
    )


@rule("events.cancel_registration", _("此报名不能再取消。"))
def may_cancel_registration(_actor, reg) -> bool:
    """The ticket's holder (the link is the credential): an active, not checked-in registration of an event
    not yet held or cancelled."""
    return (
        REGISTRATION.allows(reg, "cancel") and not reg.checked_in_at and reg.event.state in PROMOTING_STATES
    )
