"""The budget's state machines: every (state, verb) pair is either allowed (to the table's target, audited as
`budget.<entity>.<verb>`, with a new version for the budget) or refused with a ConflictError and no change."""

import pytest

from center.accounts.models import Unit
from center.budget import checks, services
from center.budget.enums import BUDGET, PROJECT, VERB_STEP, BudgetState, ProjectState
from center.budget.models import (
    Budget,
    EconomicCode,
    ExpenditureLine,
    FunctionalCode,
    IncomeSource,
    Project,
)
from center.core.errors import ConflictError
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db

YEAR = 2030
TINY_CATALOGUE = {
    "year": YEAR,
    "functional": [
        {"code": "206", "name": "科学技术支出"},
        {"code": "20605", "name": "科技条件与服务"},
        {"code": "2060599", "name": "其他科技条件与服务支出"},
    ],
    "economic": [{"code": "302", "name": "商品和服务支出"}, {"code": "30227", "name": "委托业务费"}],
    "income_sources": [
        {"code": "gov", "name": "政府预算拨款", "parent": None},
        {"code": "gpb", "name": "一般公共预算拨款", "parent": "gov"},
        {"code": "gpb.duty", "name": "履职类项目拨款", "parent": "gpb"},
    ],
    "procurement_kinds": [{"code": "goods", "name": "货物"}],
}
ACTORS = {"submit_first": "director", "submit_second": "director"}  # the other verbs: finance
KWARGS = {
    "return": {"reason": "补充材料"},
    "record_control": {"total": "1000"},
    "record_approval": {"doc_no": "深财预〔2030〕1号"},
}


@pytest.fixture
def empty_budget(org):
    """A budget without content in a small catalogue of its own (cheap enough for every pair)."""
    services.catalogue_load(actor=None, data=TINY_CATALOGUE)
    unit = Unit.objects.get(code="SZSTEC")
    return services.budget_create(actor=org["finance"], unit=unit, year=YEAR)


@pytest.mark.parametrize(("state", "verb"), [(s, v) for s in BudgetState.values for v in BUDGET.verbs])
def test_budget_transition_table(empty_budget, org, monkeypatch, state, verb):
    monkeypatch.setattr(checks, "run_checks", lambda budget, data=None: checks.CheckResult())
    Budget.objects.filter(pk=empty_budget.pk).update(state=state)
    budget = Budget.objects.get(pk=empty_budget.pk)
    service = services.BUDGET_SERVICES[verb]
    actor = org[ACTORS.get(verb, "finance")]
    if BUDGET.allows(budget, verb):
        service(actor=actor, budget=budget, **KWARGS.get(verb, {}))
        budget.refresh_from_db()
        assert budget.state == BUDGET.target(verb)
        entry = AuditEntry.objects.get(action=f"budget.budget.{verb}", target_id=str(budget.pk))
        assert entry.changes["state"] == [state, BUDGET.target(verb)]
        assert budget.versions.order_by("-number").first().step == VERB_STEP[verb]
    else:
        versions = budget.versions.count()
        with pytest.raises(ConflictError):
            service(actor=actor, budget=budget, **KWARGS.get(verb, {}))
        budget.refresh_from_db()
        assert budget.state == state
        assert budget.versions.count() == versions
        assert not AuditEntry.objects.filter(action=f"budget.budget.{verb}").exists()


def test_every_verb_has_one_service_and_a_version_step():
    assert set(services.BUDGET_SERVICES) == set(BUDGET.verbs) == set(VERB_STEP)
    assert set(services.PROJECT_SERVICES) == set(PROJECT.verbs)


@pytest.mark.parametrize(("state", "verb"), [(s, v) for s in ProjectState.values for v in PROJECT.verbs])
def test_project_transition_table(empty_budget, org, state, verb):
    project = Project.objects.create(budget=empty_budget, name="项目", state=state)
    fy = empty_budget.fiscal_year
    ExpenditureLine.objects.create(
        budget=empty_budget,
        kind="project",
        project=project,
        functional=FunctionalCode.objects.get(fiscal_year=fy, code="2060599"),
        economic=EconomicCode.objects.get(fiscal_year=fy, code="30227"),
        source=IncomeSource.objects.get(fiscal_year=fy, code="gpb.duty"),
        amount="10.00",
    )
    service = services.PROJECT_SERVICES[verb]
    if PROJECT.allows(project, verb):
        service(actor=org["finance"], project=project)
        project.refresh_from_db()
        assert project.state == PROJECT.target(verb)
        assert AuditEntry.objects.filter(action=f"budget.project.{verb}", target_id=str(project.pk)).exists()
    else:
        with pytest.raises(ConflictError):
            service(actor=org["finance"], project=project)
        project.refresh_from_db()
        assert project.state == state


def test_return_reopens_every_project(empty_budget, org):
    Project.objects.create(budget=empty_budget, name="项目", state=ProjectState.SUBMITTED)
    budget = services.budget_consolidate(actor=org["finance"], budget=empty_budget)
    budget = services.budget_return(actor=org["finance"], budget=budget, reason="补充材料")
    assert set(budget.projects.values_list("state", flat=True)) == {ProjectState.DRAFT}
    entry = AuditEntry.objects.get(action="budget.budget.return", target_id=str(budget.pk))
    assert entry.extra["note"] == "补充材料"
