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


def delegations_given(user):
    return Delegation.objects.filter(delegator=user).select_related("delegate")[:50]


def delegations_received(user):
    return Delegation.objects.filter(delegate=user).select_related("delegator")[:50]
