from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from center.core.errors import NotFoundError

from .enums import AccountKind
from .models import Delegation, Department, User, UserRole


def departments():
    return Department.objects.select_related("unit", "deputy").order_by("sort")


def user_list_for(actor, *, department: str | None = None, q: str = ""):
    """Accounts as the system admin sees them: identity and roles only, no business data."""
    qs = (
        User.objects.filter(kind=AccountKind.STAFF)
        .select_related("department")
        .prefetch_related(Prefetch("roles", queryset=UserRole.objects.order_by("role")))
        .order_by("department__sort", "username")
    )
    if department and department.isdigit():
        qs = qs.filter(department_id=int(department))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return qs


def user_get_for(actor, pk: int) -> User:
    user = User.objects.filter(pk=pk, kind=AccountKind.STAFF).select_related("department").first()
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    return user


def delegate_candidates(actor) -> list[User]:
    """The active staff who may receive `actor`'s approval rights (rules.delegation_refusal), roles read once."""
    from . import rules

    people = list(
        User.objects.filter(kind=AccountKind.STAFF, is_active=True)
        .exclude(pk=actor.pk)
        .select_related("department")
        .order_by("department__sort", "full_name")
    )
    roles: dict[int, set[str]] = {}
    for user_id, role in UserRole.objects.filter(user__in=people).values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    for person in people:
        person.__dict__["role_codes"] = frozenset(roles.get(person.pk, ()))
    return [p for p in people if rules.delegation_refusal(actor, p) is None]


def delegations_given(user):
    return Delegation.objects.filter(delegator=user).select_related("delegate")[:50]


def delegations_received(user):
    return Delegation.objects.filter(delegate=user).select_related("delegator")[:50]
