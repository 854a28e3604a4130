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
from . import performance as performance_api
from .auth import StaffOrExternalSession, TokenAuth

# Every API error, whoever produces it (the handlers below, center/core/hygiene.py's middlewares), has this shape.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "message": {"type": "string", "description": "给人看的说明（按请求语言）"},
        "extra": {"type": "object", "description": "细节：出错的字段 `field`、校验错误 `errors` 等"},
    },
    "required": ["message", "extra"],
}
ERROR_RESPONSES = {
    400: "请求体不是有效的 JSON、含控制字符，或业务规则不允许",
    401: "需要登录或有效的 API 令牌",
    403: "无权执行此操作（或 CSRF 校验失败）",
    404: "接口或对象不存在",
    409: "与当前状态冲突（如已被他人处理、Idempotency-Key 已用于另一请求）",
    422: "请求数据无效（`extra.errors` 列出每一处）",
    503: "数据库暂时不可用，请稍后重试",
}
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


class CenterAPI(NinjaAPI):
    """The API with its error answers documented: every operation lists the 4xx and 503 answers it can give,
    each with the one `Error` schema (unless the operation declares that status itself)."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for item in schema["paths"].values():
            for method, operation in item.items():
                if method not in _METHODS:
                    continue
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": ref}
        return schema


api = CenterAPI(
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
api.add_router("/performance", performance_api.router)


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
