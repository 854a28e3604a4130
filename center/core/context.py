"""Who is acting and from where, for the audit trail, without threading the request everywhere."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None = None
    path: str = ""
    user_agent: str = ""


_EMPTY = RequestInfo()
_current: ContextVar[RequestInfo] = ContextVar("center_request_info", default=_EMPTY)  # noqa: B039 (frozen)


def current_request_info() -> RequestInfo:
    return _current.get()


def set_request_info(info: RequestInfo):
    return _current.set(info)


def reset_request_info(token) -> None:
    _current.reset(token)
