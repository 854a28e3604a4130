"""`manage.py scale_seed` at a tiny factor: what it builds holds together (ledger and audit chain verify), has
the sizes asked for, and the same seed builds the same data."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

FACTOR = 0.01


def _built() -> dict:
    from center.budget.models import Budget
    from center.control.models import Application, LedgerEntry, Payment
    from center.events.models import Event, Registration
    from center.experts.models import Expert
    from center.reviews.models import Draw, ReviewRound

    return {
        "budget years": sorted(Budget.objects.values_list("fiscal_year__year", flat=True)),
        "ledger entries": LedgerEntry.objects.count(),
        "applications": Application.objects.count(),
        "payments": Payment.objects.count(),
        "experts": Expert.objects.count(),
        "rounds": ReviewRound.objects.count(),
        "draws": Draw.objects.count(),
        "events": Event.objects.count(),
        "registrations": Registration.objects.count(),
    }


def test_scale_seed_builds_a_consistent_year_of_the_requested_size():
    from center.control.ledger import ledger_check
    from center.core.audit import audit_chain_check

    call_command("demo_seed", stdout=io.StringIO())
    demo = _built()
    out = io.StringIO()
    call_command("scale_seed", factor=FACTOR, stdout=out)
    built = _built()

    assert ledger_check() == []
    assert audit_chain_check().problem is None
    assert built["budget years"] == [2022, 2023, 2024, 2025, 2026]
    # ~100,000 ledger entries per 1× (the demo's included: at this tiny factor the demo's two years alone may
    # exceed the target, so the bound on what the generator adds is separate), 20,000 experts, 200 rounds,
    # 50,000 registrations
    assert built["ledger entries"] >= 0.9 * 100_000 * FACTOR
    assert built["ledger entries"] - demo["ledger entries"] <= 1.3 * 100_000 * FACTOR
    assert built["experts"] - demo["experts"] == 20_000 * FACTOR
    assert built["rounds"] - demo["rounds"] == 200 * FACTOR
    assert built["draws"] > demo["draws"]
    assert built["registrations"] - demo["registrations"] == pytest.approx(50_000 * FACTOR, rel=0.25)
    assert built["events"] - demo["events"] >= 2
    assert built["payments"] > demo["payments"]
    assert "Scale data ×0.01 ready" in out.getvalue()


def test_scale_seed_refuses_a_factor_out_of_range():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("scale_seed", factor=0, stdout=io.StringIO())
