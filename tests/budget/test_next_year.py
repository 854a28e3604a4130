"""Prepare next year from this one: everything carried over, amounts optionally scaled, projects back to their
departments; the 2023 text has no broken sentences."""

from decimal import Decimal

import pytest

from center.budget import services
from center.budget.enums import ProjectState
from center.budget.models import Budget
from center.budget.narrative import all_paragraphs, compose
from center.budget.selectors import budget_data
from center.core.errors import ApplicationError, ConflictError, ForbiddenError

pytestmark = pytest.mark.django_db

BROKEN = ("主要包括：。", "截至，", "万元，\n", "：。", "，。", "。。")


def _text(budget) -> str:
    return "\n".join(all_paragraphs(compose(budget_data(budget))))


def test_prepare_2023_carries_everything_over(budget, org):
    b23 = services.budget_prepare_next(actor=org["finance"], source=budget)
    assert b23.fiscal_year.year == 2023 and b23.state == "draft"
    d22, d23 = budget_data(budget), budget_data(b23)
    assert d23.total() == d22.total() and sum(d23.income.values()) == d23.total()
    assert [p.name for p in d23.projects] == [p.name for p in d22.projects]
    for p22, p23 in zip(d22.projects, d23.projects, strict=True):
        assert p23.department_id == p22.department_id and p23.department_id is not None
        assert p23.state == ProjectState.DRAFT  # back to the department step
        assert (p23.performance_summary, p23.overall_goal, p23.purpose) == (
            p22.performance_summary,
            p22.overall_goal,
            p22.purpose,
        )
        assert p23.previous_year_amount == d22.project_amount(p22)
    assert len(d23.indicators) == len(d22.indicators)
    assert len(d23.procurements) == len(d22.procurements)
    assert d23.staffing.institution_filled == d22.staffing.institution_filled
    assert d23.three_public.reception == d22.three_public.reception
    assert d23.narrative.functions == d22.narrative.functions and d23.narrative.glossary
    assert d23.narrative.change_reasons == []
    assert d23.assets.as_of.startswith("2022")
    text = _text(b23)
    for bad in BROKEN:
        assert bad not in text, bad
    assert "因公出国（境）费用2023年预算数0万元。为进一步规范" in text  # the 三公 note carried over
    assert "各单位2023年因公出国" in text.replace(" ", "")
    assert b23.versions.count() >= 2


def test_scaled_by_a_percentage_keeps_income_equal_to_expenditure(budget, org):
    b23 = services.budget_prepare_next(actor=org["finance"], source=budget, scale="5")
    d22, d23 = budget_data(budget), budget_data(b23)
    assert abs(d23.total() - d22.total() * Decimal("1.05")) < Decimal("1.00") * len(d22.lines)
    assert sum(d23.income.values()) == d23.total()
    assert d23.three_public.reception == (d22.three_public.reception * Decimal("1.05")).quantize(
        Decimal("0.01")
    )


def test_empty_inputs_word_the_text_properly(budget, org):
    b23 = services.budget_prepare_next(actor=org["finance"], source=budget)
    from center.budget.models import AssetFigures, Narrative, ThreePublicBudget

    # inputs left empty (a new unit, or texts cleared to be rewritten)
    Narrative.objects.filter(budget=b23).update(personnel_content="", public_content="", family_content="")
    AssetFigures.objects.filter(budget=b23).update(as_of="")
    ThreePublicBudget.objects.filter(budget=b23).update(overseas_note="")
    text = _text(b23)
    for bad in BROKEN + ("2023年预算数0万元，\n",):
        assert bad not in text + "\n", bad
    assert "（一）人员支出1,114万元。" in text
    assert "1.因公出国（境）费用。2023年预算数0万元。" in text


def test_prepare_is_refused_twice_and_for_others(budget, org):
    with pytest.raises(ForbiddenError):
        services.budget_prepare_next(actor=org["director"], source=budget)
    services.budget_prepare_next(actor=org["finance"], source=budget)
    with pytest.raises(ConflictError):
        services.budget_prepare_next(actor=org["finance"], source=budget)
    assert Budget.objects.filter(fiscal_year__year=2023).count() == 1


@pytest.mark.parametrize("scale", ["abc", "150", "-80", "1.234"])
def test_bad_scale_is_refused(budget, org, scale):
    with pytest.raises(ApplicationError):
        services.budget_prepare_next(actor=org["finance"], source=budget, scale=scale)
    assert not Budget.objects.filter(fiscal_year__year=2023).exists()


def test_a_later_year_is_prepared_from_the_latest_closed_one(budget, org):
    """2026 prepared straight from 2022 (the demo's story): the catalogue copied from 2022, the texts that
    name the year moved to 2026, the audit entry says from which year."""
    from center.budget.models import FiscalYear
    from center.core.models import AuditEntry

    b26 = services.budget_prepare_next(actor=org["finance"], source=budget, scale="8", year=2026)
    assert b26.fiscal_year.year == 2026 and FiscalYear.objects.get(year=2026).copied_from.year == 2022
    assert not Budget.objects.filter(fiscal_year__year__in=[2023, 2024, 2025]).exists()
    d22, d26 = budget_data(budget), budget_data(b26)
    assert abs(d26.total() - d22.total() * Decimal("1.08")) < 100  # each line scaled and rounded
    assert "2026年" in d26.three_public.overseas_note and "2022年" not in d26.three_public.overseas_note
    assert d26.assets.as_of.startswith(str(int(d22.assets.as_of[:4]) + 4))
    extra = AuditEntry.objects.get(action="budget.budget.prepare_next").extra
    assert (extra["from_year"], extra["year"]) == (2022, 2026)


@pytest.mark.parametrize("year", ["2022", "2021", "2033", "abc"])
def test_a_target_year_not_after_the_source_or_too_far_is_refused(budget, org, year):
    with pytest.raises(ApplicationError):
        services.budget_prepare_next(actor=org["finance"], source=budget, year=year)
    assert Budget.objects.count() == 1


def test_the_page_offers_the_years_up_to_this_one(budget, client_for):
    from django.urls import reverse
    from django.utils import timezone

    c = client_for("finance")
    url = reverse("budget:prepare_next", args=[budget.pk])
    this = timezone.localdate().year
    html = c.get(url).content.decode()
    assert f'<option value="{this}">' in html and '<option value="2023">' in html
    r = c.post(url, {"scale": "0", "year": str(this)})
    assert r.status_code == 302 and Budget.objects.filter(fiscal_year__year=this).exists()
    assert f'<option value="{this}">' not in c.get(url).content.decode()
