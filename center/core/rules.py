"""Object rules: one predicate answers the service, the template's button and the API.

An area's `rules.py` holds its page/API policies (`center.core.permissions.Policy`) and its object
predicates, declared with `@rule`:

    @rule("control.withdraw", _("只有申请人可以在审批前撤回。"))
    def can_withdraw(actor, doc) -> bool: ...

Services call `require(can_withdraw, actor, doc)` (a `ForbiddenError` with the rule's message, or a
`NotFoundError` for rules declared with `hide=True`: "not yours" looks like "missing"); templates ask
`{% allowed "control.withdraw" doc as may_withdraw %}` (center.core.templatetags.rules); the API imports the
policies from the area's `rules.py`, never from `views.py`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .enums import Role, Scope
from .errors import ForbiddenError, NotFoundError
from .permissions import staff

REGISTRY: dict[str, "Rule"] = {}

# The platform's own page policies (the audit trail, business documents shared by several areas).
AUDIT_READERS = staff("audit-readers", {Role.AUDITOR: Scope.UNIT, Role.DIRECTOR: Scope.UNIT})
# Business documents: the system admin is deliberately absent (separation of system and business duties).
DOCUMENT_READERS = staff(
    "document-readers",
    {
        Role.STAFF: Scope.OWN,
        Role.CASHIER: Scope.OWN,
        Role.DEPT_HEAD: Scope.DEPARTMENT,
        Role.DEPUTY: Scope.DEPARTMENT,
        Role.FINANCE: Scope.UNIT,
        Role.DIRECTOR: Scope.UNIT,
        Role.AUDITOR: Scope.UNIT,
    },
)


@dataclass(frozen=True)
class Rule:
    name: str
    test: Callable[..., bool]
    message: str
    hide: bool = False

    def __call__(self, actor, obj=None) -> bool:
        return bool(self.test(actor, obj))


def rule(name: str, message: str, *, hide: bool = False):
    """Declare an object rule under a dotted name (area.verb) that templates can ask for."""

    def declare(test: Callable[..., bool]) -> Rule:
        if name in REGISTRY:
            raise ValueError(f"rule {name} declared twice")
        REGISTRY[name] = Rule(name, test, message, hide)
        return REGISTRY[name]

    return declare


def require(rule_: Rule, actor, obj=None) -> None:
    """Refuse unless the rule holds for (actor, obj)."""
    if not rule_(actor, obj):
        raise (NotFoundError if rule_.hide else ForbiddenError)(str(rule_.message))


def allowed(name: str, actor, obj=None) -> bool:
    return REGISTRY[name](actor, obj)
