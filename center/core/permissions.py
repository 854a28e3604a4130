"""Default deny: every page and API operation declares an access policy, or it is refused.

A policy says which audience may call (public, any signed-in account, staff, external) and, for
staff, which roles and with which data scope (own / department / unit). The middleware enforces
the policy before the view runs and puts the user's scope on `request.access_scope`; selectors
then filter with `scope_q`. `tests/core/test_url_roles.py` walks every URL × role.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.utils.translation import gettext as _

from .enums import AuditOutcome, Scope
from .errorpages import error_403

_SCOPE_ORDER = {Scope.OWN: 0, Scope.DEPARTMENT: 1, Scope.UNIT: 2}


@dataclass(frozen=True)
class Policy:
    name: str
    audience: str  # public | authenticated | staff | external | delegated
    roles: Mapping[str, Scope] = field(default_factory=dict)  # empty: every account of the audience
    default_scope: Scope = Scope.OWN

    def allows(self, user) -> bool:
        if self.audience == "public":
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        if self.audience == "authenticated":
            return True
        if self.audience == "external":
            return user.is_external
        if self.audience == "staff":
            if not user.is_staff_account:
                return False
            return not self.roles or bool(user.role_codes & set(self.roles))
        return False

    def scope_for(self, user) -> Scope | None:
        if not self.allows(user) or not getattr(user, "is_authenticated", False):
            return None
        if not self.roles:
            return self.default_scope
        scopes = [self.roles[r] for r in user.role_codes if r in self.roles]
        return max(scopes, key=_SCOPE_ORDER.__getitem__)


def staff(name: str, roles: Mapping[str, Scope] | None = None, default_scope: Scope = Scope.OWN) -> Policy:
    return Policy(name, "staff", dict(roles or {}), default_scope)


PUBLIC = Policy("public", "public")
SIGNED_IN = Policy("signed-in", "authenticated")
ANY_STAFF = staff("any-staff")
EXTERNAL = Policy("external", "external")
# Marks the API's URL entry points: each operation enforces its own policy (see api_access).
DELEGATED = Policy("delegated-to-operation", "delegated")


def access(policy: Policy):
    """Declare the access policy of a view function (or of `View.as_view()`)."""

    def decorate(view):
        view.access_policy = policy
        return view

    return decorate


def scope_q(
    user, scope: Scope | None, *, department_field: str = "department", owner_field: str = "owner"
) -> Q:
    """Filter for the rows a user may see at a scope; no scope means nothing.

    Unit scope is the empty Q(): use it alone in `.filter()`. Never OR it with another Q — Django drops
    an empty Q from an OR, so (Q() | x) would narrow the unit scope down to x.
    """
    if scope == Scope.UNIT:
        return Q()
    if scope == Scope.DEPARTMENT:
        return Q(**{f"{department_field}__in": user.scoped_department_ids}) | Q(**{owner_field: user})
    if scope == Scope.OWN:
        return Q(**{owner_field: user})
    return Q(pk__in=[])


def _is_api(request) -> bool:
    # The API answers in JSON; its HTML docs page behaves like any other page.
    return request.path.startswith("/api/") and not request.path.rstrip("/").endswith("/docs")


def record_denial(request, reason: str) -> None:
    from .audit import audit_log  # local import: audit needs the app registry, this module does not

    user = request.user
    if user.is_authenticated:
        audit_log(
            "security.access.denied",
            actor=user,
            outcome=AuditOutcome.DENIED,
            extra={"path": request.path[:300], "method": request.method, "reason": reason},
        )


def _forbidden_page(request, reason: str):
    record_denial(request, reason)
    if _is_api(request):
        return JsonResponse({"message": _("您无权执行此操作。"), "extra": {}}, status=403)
    return error_403(request)


class AccessPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        policy = getattr(view_func, "access_policy", None)
        if policy is None:
            # Undeclared is refused, even in debug: a page without a rule is a bug.
            return _forbidden_page(request, "undeclared")
        if policy is DELEGATED:
            return None
        user = request.user
        if policy.allows(user):
            request.access_scope = policy.scope_for(user)
            return None
        if not user.is_authenticated:
            if _is_api(request):
                return JsonResponse({"message": _("需要登录或有效的 API 令牌。"), "extra": {}}, status=401)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return _forbidden_page(request, f"policy:{policy.name}")


def api_access(policy: Policy):
    """Declare and enforce the policy of a django-ninja operation (the API twin of `access`)."""

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not policy.allows(user):
                if not user.is_authenticated:
                    from ninja.errors import AuthenticationError

                    raise AuthenticationError()
                record_denial(request, f"policy:{policy.name}")
                raise PermissionDenied(policy.name)
            request.access_scope = policy.scope_for(user)
            return func(request, *args, **kwargs)

        wrapper.access_policy = policy
        return wrapper

    return decorate
