import ipaddress

from django.conf import settings
from django.utils.cache import patch_cache_control

from .context import RequestInfo, reset_request_info, set_request_info


def client_ip(request) -> str | None:
    """The client's address, the one place that decides it (the audit trail and django-axes'
    AXES_CLIENT_IP_CALLABLE both call it).

    Without a reverse proxy (TRUSTED_PROXY_COUNT = 0) it is REMOTE_ADDR. Behind N trusted proxies, each of
    which appends the address it received the request from to X-Forwarded-For (nginx:
    `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`), the chain X-Forwarded-For + REMOTE_ADDR
    ends with N addresses written by our proxies; the one before them is the client. Entries further left were
    sent by the client itself and are never believed, so a forged header cannot choose the address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if hops <= 0:
        return _normalised(remote) or remote
    forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    chain = [*forwarded, remote]
    # Fewer entries than proxies: the request skipped some of them (e.g. a local health check); take the
    # outermost address there is.
    candidate = chain[-(hops + 1)] if len(chain) > hops else chain[0]
    return _normalised(candidate) or _normalised(remote) or remote


def _normalised(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


# Browser features no page needs are switched off everywhere; the check-in page may use the camera (QR codes).
PERMISSIONS_DENIED = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_ALLOWED_ON = {"events:checkin": {"camera"}}
# Public pages reached through a personal link (a registrant's ticket): personal, so never stored either.
PERSONAL_PUBLIC_VIEWS = {"events:ticket", "events:ticket_cancel", "events:survey"}


def permissions_policy(view_name: str | None) -> str:
    allowed = PERMISSIONS_ALLOWED_ON.get(view_name or "", set())
    return ", ".join(f"{f}=(self)" if f in allowed else f"{f}=()" for f in PERMISSIONS_DENIED)


class ResponseHeadersMiddleware:
    """Headers every response carries (placed first, so static files and error pages get them too):

    - `Permissions-Policy` denying camera, microphone, geolocation, payment, USB… (the camera only on the
      event check-in page, for the QR scanner);
    - `Cache-Control: private, no-store` on what belongs to one person: pages and API answers for a signed-in
      user, files sent as downloads, pages of a personal link. Public pages keep their cacheability.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view_name = match.view_name if match else None
        response.setdefault("Permissions-Policy", permissions_policy(view_name))
        user = getattr(request, "user", None)
        # An error answer is never cached, and asking who the user is could need the database that just
        # failed (a 503 during an outage): so the status is looked at first.
        if (
            response.status_code >= 500
            or response.has_header("Content-Disposition")
            or view_name in PERSONAL_PUBLIC_VIEWS
            or (user is not None and user.is_authenticated)
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


class RequestContextMiddleware:
    """Makes the client IP and path available to the audit trail for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_info(
            RequestInfo(
                ip=client_ip(request),
                path=request.path[:300],
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            )
        )
        from .services import flush_refusals, reset_refusals

        reset_refusals()
        try:
            response = self.get_response(request)
            flush_refusals()  # refusals recorded inside transactions that have now ended
            return response
        finally:
            reset_request_info(token)


class ApplicationErrorMiddleware:
    """A domain refusal that escapes a page view becomes a friendly page with the right status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        from .errors import ApplicationError, NotFoundError

        if isinstance(exception, NotFoundError):
            raise Http404(exception.message)
        if isinstance(exception, ApplicationError):
            return error_page(request, exception)
        return None


def error_page(request, exc):
    """The friendly page of a domain refusal, with its status (409 for a conflict, 403, 400…)."""
    from django.shortcuts import render

    return render(request, "errors/400.html", {"message": exc.message}, status=exc.status_code)
