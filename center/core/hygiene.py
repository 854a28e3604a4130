"""Input hygiene and error shapes, each in one place for every page and every API call.

`InputHygieneMiddleware` refuses text that no person types before any view sees it: a NUL, any other
control character but tab, CR and LF (C0, DEL, C1), or a lone UTF-16 surrogate (which a JSON body can carry as
`"\\ud800"` and no database can store). It looks at the path, every query-string key and value, every form
field (not uploaded file contents) and every key and string of a JSON body. The answer is a 400: the friendly
error page for pages, `{"message", "extra": {"field": …}}` for the API. Without it such text reaches the
database, which refuses it (PostgreSQL: "text fields cannot contain NUL") with a 500.

`ErrorShapeMiddleware` (outermost of ours) makes every API error answer `{"message", "extra"}` with its
status whoever produced it (Django's 404 for an unknown path, a 405, a 500 page, a middleware's refusal), and
turns "the database cannot be reached" into a 503 — JSON for the API, a friendly page drawn without touching
the database for pages — instead of a 500 or a traceback.
"""

import json
import logging
import re
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# C0 controls but tab (09), LF (0A) and CR (0D); DEL; C1 controls; UTF-16 surrogates (never valid alone).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refused_text(text: str) -> bool:
    """True when `text` holds a character no form or client should send (see the module docstring)."""
    return _REFUSED.search(text) is not None


def _printable(name: str) -> str:
    return _REFUSED.sub("", name)[:100]


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def _in_pairs(pairs) -> str | None:
    for key, values in pairs:
        if refused_text(key):
            return _printable(key)
        for value in values:
            if isinstance(value, str) and refused_text(value):
                return _printable(key)
    return None


def _in_json(value, path: str = "") -> str | None:
    """The dotted path of the first refused key or string in a parsed JSON document, or None."""
    if isinstance(value, str):
        return path if refused_text(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if refused_text(key):
                return _printable(where)
            found = _in_json(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _in_json(item, f"{path}.{i}" if path else str(i))
            if found is not None:
                return found
    return None


class MalformedBody(ValueError):
    """An API request's body is not JSON (the API reads every body that is not a form as JSON)."""


def _json_body(request):
    """The parsed JSON body: of a JSON request, and of any API request that is not a form."""
    if request.content_type in FORM_TYPES or not request.body:
        return None
    api = is_api(request)
    if request.content_type != "application/json" and not api:
        return None
    try:
        return json.loads(request.body)
    except ValueError as exc:
        # An operation that takes no body would otherwise ignore it and answer as if nothing was sent
        # (a 404 for a missing object): a malformed body is refused here, the same for every operation.
        # A DELETE's body has no meaning (HTTP leaves it undefined; some clients send junk): ignored.
        if api and request.method != "DELETE":
            raise MalformedBody from exc
        return None  # a page's own script: the view answers


def refused_field(request) -> str | None:
    """Where the request carries refused text ("path", a parameter or field name), or None."""
    if refused_text(request.path_info):
        return "path"
    found = _in_pairs(request.GET.lists())
    if found is None and request.method == "POST":
        found = _in_pairs(request.POST.lists())
    if found is None and request.method in ("POST", "PUT", "PATCH", "DELETE"):
        found = _in_json(_json_body(request))
    return found


class InputHygieneMiddleware:
    """Refuse control characters and lone surrogates in the path, query string, form fields and JSON body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            field = refused_field(request)
        except MultiPartParserError:
            return bad_request(request, _("请求格式无效。"), "")
        except MalformedBody:
            return bad_request(request, _("请求体不是有效的 JSON。"), "")
        if field is not None:
            return bad_request(request, _("请求中含有无法识别的字符（如控制字符），请删除后重试。"), field)
        return self.get_response(request)


def bad_request(request, message: str, field: str):
    if is_api(request):
        return JsonResponse({"message": message, "extra": {"field": field} if field else {}}, status=400)
    return render(request, "errors/400.html", {"message": message}, status=400)


# --- error shapes and the database outage ------------------------------------------------------------------


def database_down(exc: BaseException | None) -> bool:
    """The database cannot be reached or dropped the connection (not a lost lock race: that is "busy")."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    from .services import is_lock_failure

    return not (isinstance(exc, OperationalError) and is_lock_failure(exc))


def _note_exception(sender, request=None, **kwargs):
    """Remember what broke a request: a 500 drawn by Django for a database outage becomes a 503."""
    if request is not None:
        request._center_exception = sys.exc_info()[1]


got_request_exception.connect(_note_exception, dispatch_uid="center.core.hygiene.note_exception")


def status_message(status: int) -> str:
    messages = {
        400: _("请求无效，请检查后重试。"),
        401: _("需要登录或有效的 API 令牌。"),
        403: _("您无权执行此操作。"),
        404: _("接口或对象不存在。"),
        405: _("此接口不支持该请求方法。"),
        409: _("数据已被他人修改或正在处理中，请刷新后重试。"),
        413: _("请求内容过大。"),
        415: _("不支持的请求内容类型。"),
        422: _("请求数据无效。"),
        429: _("请求过于频繁，请稍后重试。"),
        503: _("系统暂时无法访问数据库，请稍后重试。"),
    }
    if status in messages:
        return messages[status]
    return _("系统出现错误，已记录。请稍后重试。") if status >= 500 else messages[400]


def unavailable(request):
    """503 while the database cannot be reached: nothing here may touch it (no session, user or menu)."""
    message = status_message(503)
    if is_api(request):
        response = JsonResponse({"message": message, "extra": {"retry": True}}, status=503)
    else:
        html = render_to_string("errors/503.html", {"message": message, "request": request})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response


_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def api_error_shape(response):
    """An API error response in the one shape `{"message", "extra"}`, with its status and its headers."""
    body = None
    if response.get("Content-Type", "").startswith("application/json") and not response.streaming:
        try:
            body = json.loads(response.content or b"null")
        except ValueError:
            body = None
    if isinstance(body, dict) and "message" in body and "extra" in body:
        return response  # already ours
    extra = {}
    message = status_message(response.status_code)
    if isinstance(body, dict) and "detail" in body:
        detail = body["detail"]
        if isinstance(detail, list):
            extra = {"errors": detail}
    shaped = JsonResponse({"message": message, "extra": extra}, status=response.status_code)
    for header in _KEPT_HEADERS:
        if header in response:
            shaped[header] = response[header]
    return shaped


class ErrorShapeMiddleware:
    """API errors as `{"message", "extra"}` whoever answered; a database outage as a 503 (see module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            response = self.get_response(request)
        except Exception as exc:
            # Django's own 500 page failed too (it draws the menu, which reads the database).
            if not database_down(exc):
                raise
            logger.error("database unreachable: %s", exc)
            return unavailable(request)
        if response.status_code >= 500 and database_down(getattr(request, "_center_exception", None)):
            return unavailable(request)
        if response.status_code >= 400 and is_api(request):
            return api_error_shape(response)
        return response

    def process_exception(self, request, exception):
        if database_down(exception):
            logger.error("database unreachable: %s", exception)
            return unavailable(request)
        return None
