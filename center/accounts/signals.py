"""Security events from django.contrib.auth and django-axes go to the audit trail (等级保护: who, when, outcome)."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from center.core.audit import audit_log
from center.core.enums import AuditOutcome


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session["login_at"] = timezone.now().timestamp()
    audit_log("security.login.succeeded", actor=user, target=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_log("security.logout", actor=user, target=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=username).first()
    audit_log(
        "security.login.failed",
        actor=None,
        target=known,
        target_repr=username,
        outcome=AuditOutcome.FAILED,
        extra={"username": username},
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_log(
        "security.login.locked_out",
        target_repr=str(username)[:150],
        outcome=AuditOutcome.DENIED,
        extra={"username": str(username)[:150], "lock_ip": ip_address},
    )
