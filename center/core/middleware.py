from .context import RequestInfo, reset_request_info, set_request_info


def client_ip(request) -> str | None:
    # Behind the reverse proxy (prod) django-axes' ipware settings decide; REMOTE_ADDR is the proxy-free truth.
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR")


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
