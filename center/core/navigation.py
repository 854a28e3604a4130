"""The staff sidebar: each area registers its entries; the shell shows those the user may open."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    icon: str
    order: int = 100


_providers: list[Callable[[object], list[NavItem]]] = []


def register_nav(func: Callable[[object], list[NavItem]]):
    """Register `func(user) -> [NavItem]`; it must return only entries the user's policy allows."""
    _providers.append(func)
    return func


def nav_for(user) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    items = [item for provider in _providers for item in provider(user)]
    return sorted(items, key=lambda i: i.order)
