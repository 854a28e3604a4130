"""Who is acting and from where, for the audit trail, without threading the request everywhere."""

from contextvars import ContextVar
from dataclasses import dataclass, field


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


@dataclass
class Unit:
    """The state of one unit of work (the outermost `@service` call, or a request run once): the audit
    entries it will append at its end, the row locks it took (recorded when the order check is on) and what
    to undo outside the database if it rolls back (files it stored), and the cached public pages its commit
    makes stale (center.core.pagecache)."""

    audit: list = field(default_factory=list)
    locks: list = field(default_factory=list)
    on_rollback: list = field(default_factory=list)
    page_tags: set = field(default_factory=set)


_unit: ContextVar[Unit | None] = ContextVar("center_unit", default=None)


def current_unit() -> Unit | None:
    return _unit.get()


def enter_unit(unit: Unit):
    return _unit.set(unit)


def leave_unit(token) -> None:
    _unit.reset(token)
