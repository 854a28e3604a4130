from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log

# Pages a signed-in user may reach before finishing a second factor or a forced password change.
_GATE_EXEMPT = {
    "accounts:login",
    "accounts:logout",
    "accounts:otp_verify",
    "accounts:two_factor_setup",
    "accounts:password_change",
    "set_language",
}


# The idle clock moves in steps of a minute: a page read within a minute of the last recorded activity
# changes nothing in the session, so it is not written (and its database row not updated) on every request.
LAST_SEEN_STEP = 60


class SessionTimeoutMiddleware:
    """Idle timeout (SESSION_COOKIE_AGE, refreshed by activity, in steps of LAST_SEEN_STEP) and an absolute
    limit from login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.get("login_at", now)
            last_seen = request.session.get("last_seen", now)
            reason = None
            if now - login_at > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "absolute"
            elif now - last_seen > settings.SESSION_COOKIE_AGE:
                reason = "idle"
            if reason:
                audit_log("security.session.expired", actor=user, target=user, extra={"reason": reason})
                logout(request)
                messages.warning(request, _("会话已超时，请重新登录。"))
                if request.path.startswith("/api/"):
                    return JsonResponse({"message": _("会话已超时，请重新登录。"), "extra": {}}, status=401)
                return redirect(settings.LOGIN_URL)
            if "last_seen" not in request.session or now - last_seen >= LAST_SEEN_STEP:
                request.session["last_seen"] = now  # a write at most once a minute, not on every page
        return self.get_response(request)


class TwoFactorMiddleware:
    """Sends a signed-in user to the second factor, to 2FA enrolment when their role requires it,
    or to the password change when an admin reset their password."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = resolve(request.path_info)
        if match.view_name in _GATE_EXEMPT:
            return None
        target = None
        from django_otp import user_has_device

        if user_has_device(user, confirmed=True) and not user.is_verified():
            target = "accounts:otp_verify"
        elif (
            settings.TWO_FACTOR_ENFORCED
            and user.has_role(*settings.TWO_FACTOR_REQUIRED_ROLES)
            and not user_has_device(user, confirmed=True)
        ):
            target = "accounts:two_factor_setup"
        elif user.must_change_password:
            target = "accounts:password_change"
        if target is None:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"message": _("请先完成身份验证步骤。"), "extra": {"next": target}}, status=403
            )
        return redirect(target)
