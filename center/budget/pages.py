"""What the public budget pages depend on (center.core.pagecache): the published budgets (a published budget's
figures are frozen; publishing or withdrawing one is a save of the budget)."""

from center.core.pagecache import depends_on

PUBLISHED = "budget.public"


def register() -> None:
    from .models import Budget, PublishedDisclosure

    depends_on(Budget, lambda _budget: [PUBLISHED])
    depends_on(PublishedDisclosure, lambda _row: [PUBLISHED])
