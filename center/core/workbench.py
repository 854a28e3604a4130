"""The workbench (工作台) gathers to-dos from every area through registered providers."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Todo:
    title: str
    link: str
    kind: str = "info"  # info | warning | danger
    count: int | None = None


_providers: list[Callable[[object], list[Todo]]] = []


def register_todo_provider(func: Callable[[object], list[Todo]]):
    _providers.append(func)
    return func


def todos_for(user) -> list[Todo]:
    items: list[Todo] = []
    for provider in _providers:
        items.extend(provider(user))
    return items


# The four tabs of "my work" (待办 / 已办 / 我发起的 / 办结). Each area registers one provider that answers, for a
# user and a tab, the rows it owns; core merges and orders them (it knows no area).
TODO, DONE, STARTED, FINISHED = "todo", "done", "started", "finished"
TABS = (TODO, DONE, STARTED, FINISHED)


@dataclass(frozen=True)
class WorkItem:
    """One row of a workbench tab: a document, an event, a task, linked to its page."""

    title: str
    link: str
    when: object = None  # datetime: when it arrived (待办), was acted on (已办), submitted or finished
    number: str = ""  # the document number, if any
    kind: str = ""  # what it is, in words (事前申请, 报销单, 活动…)
    step: str = ""  # the current step (我发起的) or the action taken (已办) or the outcome (办结)
    holder: str = ""  # who holds it now (我发起的), on whose behalf (待办)
    note: str = ""  # a short remark: the opinion, the amount
    area: str = ""  # the area that answered (the approvals inbox lists the other areas' approvals)
    approval: bool = False  # 待办 rows that are approvals (listed in 待我审批 as well)


_work_providers: list[Callable[..., list[WorkItem]]] = []


def register_work_provider(func: Callable[..., list[WorkItem]]):
    """`func(user, tab)` answers the area's rows of a tab. A provider that also has `func.count(user, tab)`
    (the number of its rows, by COUNT queries) is called as `func(user, tab, limit=n)` and then answers at
    least its newest n rows of the tab (all when n is None): the workbench counts and pages without building
    every row (its lists grow with the years)."""
    _work_providers.append(func)
    return func


def _sort_key(item: WorkItem):
    return item.when.timestamp() if item.when is not None else 0.0


def work_for(user, tab: str, limit: int | None = None) -> list[WorkItem]:
    """The rows of one tab, newest first (待办: oldest first, what waits longest comes first); with `limit`,
    at least the first `limit` of them (what a page up to that row needs)."""
    items: list[WorkItem] = []
    for provider in _work_providers:
        if hasattr(provider, "count"):
            items.extend(provider(user, tab, limit=limit))
        else:
            items.extend(provider(user, tab))
    items.sort(key=_sort_key, reverse=tab != TODO)
    return items


def work_counts(user) -> dict[str, int]:
    counts = dict.fromkeys(TABS, 0)
    for provider in _work_providers:
        counter = getattr(provider, "count", None)
        for tab in TABS:
            counts[tab] += counter(user, tab) if counter else len(provider(user, tab))
    return counts


class WorkRows:
    """A tab's rows for a Paginator: counted by the providers' counters, built only up to the page shown."""

    def __init__(self, user, tab: str, total: int):
        self.user, self.tab, self.total = user, tab, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key):
        stop = key.stop if isinstance(key, slice) else key + 1
        return work_for(self.user, self.tab, limit=stop)[key]
