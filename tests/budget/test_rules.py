"""The budget's rules: one predicate for the service, the page's buttons and the API."""

import inspect

import pytest
from django.urls import reverse

from center.budget import rules, services
from center.budget.enums import BudgetState
from center.budget.models import Budget
from center.core.errors import ForbiddenError

pytestmark = pytest.mark.django_db


def test_the_api_takes_its_policies_from_rules_not_views():
    from center.api import budget as api

    source = inspect.getsource(api)
    assert "budget.views" not in source and "budget.rules import" in source
    assert api.BUDGET_READERS is rules.BUDGET_READERS


def test_workflow_buttons_follow_the_verb_rules(client_for, draft_budget):
    Budget.objects.filter(pk=draft_budget.pk).update(state=BudgetState.REVIEW)
    url = reverse("budget:overview", args=[draft_budget.pk])
    finance = client_for("finance").get(url).content.decode()
    director = client_for("director").get(url).content.decode()
    assert 'value="return"' in finance and 'value="submit_first"' not in finance
    assert 'value="submit_first"' in director and 'value="return"' not in director
    assert 'value="consolidate"' not in finance + director  # not from review


def test_project_rules_answer_page_and_service_alike(client_for, draft_budget, org):
    project = draft_budget.projects.get(name="科技智库与交流")
    project.state = "draft"
    project.save()
    project.budget = draft_budget
    assert rules.can_edit_project(org["head_exp"], project)
    assert not rules.can_edit_project(org["head_inn"], project)
    assert rules.can_submit_project(org["head_exp"], project)
    assert not rules.can_submit_project(org["staff_exp"], project)
    with pytest.raises(ForbiddenError, match="只有本部门负责人"):
        services.project_submit(actor=org["staff_exp"], project=project)
    page = client_for("head_exp").get(reverse("budget:project", args=[draft_budget.pk, project.pk]))
    assert "提交财务" in page.content.decode()


def test_the_check_is_run_by_its_readers_only(draft_budget, org):
    with pytest.raises(ForbiddenError):
        services.budget_check(actor=org["head_exp"], budget=draft_budget)
    run, _result = services.budget_check(actor=org["auditor"], budget=draft_budget)
    assert run.pk
