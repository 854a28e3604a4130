from ninja.security import APIKeyHeader, SessionAuth

from center.accounts.services import api_token_authenticate


class TokenAuth(APIKeyHeader):
    """`Authorization: Bearer szt_…` personal tokens (see the profile page)."""

    param_name = "Authorization"

    def authenticate(self, request, key):
        if not key or not key.startswith("Bearer "):
            return None
        user = api_token_authenticate(key.removeprefix("Bearer ").strip())
        if user is not None:
            request.user = user
        return user


class StaffOrExternalSession(SessionAuth):
    """Session cookie with CSRF, for pages' own HTMX/JS calls; refused until the second factor is done."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and hasattr(user, "is_verified"):
            from django_otp import user_has_device

            if user_has_device(user, confirmed=True) and not user.is_verified():
                return None
        return user
