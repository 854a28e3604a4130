"""One-time links sent by e-mail: verifying a sign-up's address, and setting a password (recovery, and the
activation of an invited expert's account). Both are Django's signed, expiring tokens (PASSWORD_RESET_TIMEOUT):
the password link stops working once the password changes, the verification link once the account is active."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode, urlsafe_base64_encode


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "center.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.is_active}{user.email}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()
password_token = default_token_generator  # the token Django's password-reset views check


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def uid_of(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def pk_from_uid(uidb64: str) -> int | None:
    try:
        value = force_str(urlsafe_base64_decode(uidb64))
    except (TypeError, ValueError, OverflowError):
        return None
    return int(value) if value.isdigit() else None


def safe_next(url: str | None) -> str:
    """A `next` address on this site, or "" (never an open redirect)."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None) and url.startswith("/"):
        return url
    return ""


def verification_link(user, next_url: str = "") -> str:
    path = reverse("accounts:signup_verify", args=[uid_of(user), email_verification_token.make_token(user)])
    next_url = safe_next(next_url)
    return absolute(path + ("?" + urlencode({"next": next_url}) if next_url else ""))


def set_password_link(user) -> str:
    return absolute(
        reverse("accounts:password_reset_confirm", args=[uid_of(user), password_token.make_token(user)])
    )
