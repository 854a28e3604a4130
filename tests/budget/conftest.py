import io

import pytest

from center.budget import demo
from center.budget.models import Budget


@pytest.fixture
def budget(org):
    """The seed's 2022 budget, loaded through the services, approved (二下) and published (warnings confirmed);
    the demo's current year is left out (tests prepare 2023 themselves; tests/budget/test_demo.py runs the whole
    demo)."""
    demo.seed(io.StringIO(), with_current=False)
    return Budget.objects.select_related("fiscal_year", "unit").get(
        unit__code="SZSTEC", fiscal_year__year=2022
    )


@pytest.fixture
def approved_budget(budget):
    """The demo's 2022 budget as it stood before publication (二下): for the publishing tests."""
    from center.budget.enums import BudgetState

    Budget.objects.filter(pk=budget.pk).update(state=BudgetState.APPROVED, published_at=None)
    return Budget.objects.select_related("fiscal_year", "unit").get(pk=budget.pk)


@pytest.fixture
def draft_budget(budget, org):
    """A 2023 budget in draft, loaded with the same content as the demo (catalogue copied from 2022)."""
    from center.budget import services
    from center.budget.demo import load_json, payload_2022

    services.catalogue_copy_year(actor=org["finance"], from_year=2022, to_year=2023)
    b = services.budget_create(actor=org["finance"], unit=budget.unit, year=2023)
    payload = payload_2022(load_json("budget_2022.json"))
    payload.pop("published")
    services.budget_load(actor=org["finance"], budget=b, payload=payload)
    return Budget.objects.select_related("fiscal_year", "unit").get(pk=b.pk)
