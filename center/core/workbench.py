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
