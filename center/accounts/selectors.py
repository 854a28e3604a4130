from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from center.core.errors import NotFoundError

from .enums import AccountKind
from .models import Delegation, Department, User, UserRole


def departments():
    return Department.objects.select_related("unit", "deputy").order_by("sort")


def locked_usernames_q():
    """Accounts django-axes holds locked now: at or over the failure limit within the cool-off period."""
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    )


def user_list_for(actor, *, department: str | None = None, q: str = "", kind: str = ""):
    """Accounts as the system admin sees them: identity, roles, last sign-in, second factor and lockout; staff
    and external accounts (experts, organisation contacts) alike. No business data."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    qs = (
        User.objects.select_related("department")
        .prefetch_related(Prefetch("roles", queryset=UserRole.objects.order_by("role")))
        .annotate(
            two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
            locked=Exists(locked_usernames_q().filter(username=OuterRef("username"))),
        )
        .order_by("-kind", "department__sort", "username")  # staff first, then external accounts
    )
    if kind in AccountKind.values:
        qs = qs.filter(kind=kind)
    if department and department.isdigit():
        qs = qs.filter(department_id=int(department))
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(email__icontains=q))
    return qs


def user_get_for(actor, pk: int, *, staff_only: bool = False) -> User:
    """One account for the system admin (any kind; `staff_only` for the staff editing page)."""
    qs = User.objects.filter(pk=pk).select_related("department")
    if staff_only:
        qs = qs.filter(kind=AccountKind.STAFF)
    user = qs.first()
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    user.is_locked = locked_usernames_q().filter(username=user.username).exists()
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


# --- for the internal-control evaluation (center/assessment): separation of incompatible posts ------------


def role_holders() -> dict[str, int]:
    """Active staff accounts holding each role."""
    counts: dict[str, int] = {}
    rows = UserRole.objects.filter(user__is_active=True, user__kind=AccountKind.STAFF).values_list(
        "role", flat=True
    )
    for role in rows:
        counts[role] = counts.get(role, 0) + 1
    return counts


def incompatible_role_holders() -> list[tuple[User, str]]:
    """Active accounts whose roles one person may never hold together (the rule `user_set_roles` enforces),
    with the reason; empty when the posts are separated as they should be."""
    from center.core.errors import ApplicationError

    from .services import check_role_combination

    found = []
    users = User.objects.filter(is_active=True, kind=AccountKind.STAFF).prefetch_related("roles")
    for user in users.order_by("id"):
        try:
            check_role_combination({r.role for r in user.roles.all()})
        except ApplicationError as exc:
            found.append((user, exc.message))
    return found


def delegations_in_year(year: int) -> int:
    """Delegations whose period overlaps the calendar year."""
    from datetime import datetime

    from django.utils import timezone

    start = timezone.make_aware(datetime(year, 1, 1))
    end = timezone.make_aware(datetime(year + 1, 1, 1))
    return Delegation.objects.filter(starts_at__lt=end, ends_at__gt=start).count()
