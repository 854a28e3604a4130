from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from center.core.errors import ApplicationError
from center.core.hygiene import status_message
from center.core.permissions import DELEGATED, SIGNED_IN, access

from . import accounts, control, control_config, core, events
from . import budget as budget_api
from . import experts as experts_api
from .auth import StaffOrExternalSession, TokenAuth

api = NinjaAPI(
    title="深圳市科技交流服务中心平台 API",
    version="1",
    description="内控、业务平台与专家库的 JSON 接口。认证：会话 Cookie（含 CSRF）或 `Authorization: Bearer <令牌>`。",
    auth=[TokenAuth(), StaffOrExternalSession()],
    urls_namespace="api",
    docs_decorator=access(SIGNED_IN),
)
api.add_router("/", core.router)
api.add_router("/accounts", accounts.router)
api.add_router("/budget", budget_api.router)
api.add_router("/control", control.router)
api.add_router("/control/config", control_config.router)
api.add_router("/events", events.router)
api.add_router("/experts", experts_api.router)


def _error(request, message: str, status: int, extra: dict | None = None):
    return api.create_response(request, {"message": message, "extra": extra or {}}, status=status)


@api.exception_handler(ApplicationError)
def _application_error(request, exc: ApplicationError):
    return _error(request, exc.message, exc.status_code, exc.extra)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, _("您无权执行此操作。"), 403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, _("对象不存在。"), 404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, _("需要登录或有效的 API 令牌。"), 401)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    status = exc.status_code
    if status == 400:
        message = _("请求体不是有效的 JSON。")  # ninja answers 400 only when it cannot parse the body
    elif status == 403 and "csrf" in str(exc).lower():
        message = _("CSRF 校验失败，请刷新页面后重试。")
    else:
        message = status_message(status)
    return _error(request, message, status)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    return _error(request, _("请求数据无效。"), 422, {"errors": exc.errors})


def _mark_delegated(patterns):
    """The API's URL entry points defer to each operation's own `api_access` policy."""
    for p in patterns:
        if hasattr(p, "url_patterns"):
            _mark_delegated(p.url_patterns)
        elif getattr(p.callback, "access_policy", None) is None:
            p.callback.access_policy = DELEGATED
    return patterns


urls = api.urls
_mark_delegated(urls[0])
