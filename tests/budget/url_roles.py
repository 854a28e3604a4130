"""URL × role expectations of the budget area (merged into tests/url_roles.py; format documented there).

The department budget is the unit's: every business role reads it (department scope narrows only which
projects someone may edit); finance prepares and records, the director approves; the system admin and
external accounts see nothing of budgets.
"""

READERS = {"director", "deputy", "dept_head", "finance", "cashier", "auditor", "staff"}
ACTORS = {"finance", "director"}
EDITORS = {"finance"}
CHECKERS = {"finance", "director", "auditor"}


def _r(roles, kwargs=None):
    spec = {"audience": "staff", "roles": roles}
    if kwargs:
        spec["kwargs"] = kwargs
    return spec


EXPECTATIONS: dict[str, dict] = {
    "budget:list": _r(READERS),
    "budget:overview": _r(READERS, "budget"),
    "budget:disclosure": _r(READERS, "budget"),
    "budget:table": _r(READERS, "budget_table"),
    "budget:drill": _r(READERS, "budget"),
    # 科技智库与交流 is drafted by 专家服务部 (EXP): its head, its deputy (deputy1), its staff and unit-wide readers.
    "budget:project": {
        **_r(READERS, "exp_project"),
        "sees": {"head_exp", "deputy1", "staff_exp", "director", "finance", "cashier", "auditor"},
    },
    # POST only (GET answers 405); the POST itself refuses other departments with 404 (tests/budget/test_views.py).
    "budget:project_line_add": _r(READERS, "exp_project"),
    "budget:project_submit": _r(READERS, "exp_project"),
    "budget:project_indicator_add": _r(READERS, "exp_project"),
    "budget:project_create": _r(READERS, "budget"),
    # A basic line: every reader of the budget sees it (and its history); only finance may change it.
    "budget:line_edit": _r(READERS, "basic_line"),
    "budget:line_delete": _r(READERS, "basic_line"),  # POST only; the service refuses all but finance
    "budget:prepare_next": _r(EDITORS, "budget"),
    "budget:details": _r(EDITORS, "budget"),
    "budget:check": _r(CHECKERS, "budget"),
    "budget:versions": _r(READERS, "budget"),
    "budget:version": _r(READERS, "budget_version"),
    "budget:workflow": _r(ACTORS, "budget"),
    "budget:export_xlsx": _r(READERS, "budget"),
    "budget:export_pdf": _r(READERS, "budget"),
    "budget:export_fdp": _r(READERS, "budget"),
    "budget:export_template": _r(READERS, "budget"),
    "budget:import": _r(EDITORS, "budget"),
    "budget:catalogue": _r(READERS, "catalogue_year"),
    "budget:catalogue_copy": _r(EDITORS, "catalogue_year"),
    "budget:catalogue_entry": _r(EDITORS, "catalogue_year"),
    "budget:create": _r(EDITORS),
    "budget:public_disclosure": {"audience": "public", "kwargs": "published_budget"},
    # 信息公开 › 部门预算 and the downloads of a published disclosure: anyone (404 for an unpublished one).
    "budget:public_list": {"audience": "public"},
    "budget:public_pdf": {"audience": "public", "kwargs": "published_budget"},
    "budget:public_xlsx": {"audience": "public", "kwargs": "published_budget"},
    "budget:public_json": {"audience": "public", "kwargs": "published_budget"},
    "budget:public_fdp": {"audience": "public", "kwargs": "published_budget"},
}


def objects(org) -> dict[str, dict]:
    """The demo's 2022 budget (published) and a published budget of another year for the public pages."""
    import io

    from center.accounts.models import Unit
    from center.budget import demo
    from center.budget.enums import BudgetState
    from center.budget.models import Budget, FiscalYear

    demo.seed(io.StringIO())
    budget = Budget.objects.get(unit__code="SZSTEC", fiscal_year__year=2022)
    fy, _ = FiscalYear.objects.get_or_create(year=2030)
    # A published budget: state set directly (this fixture tests access rules, not the workflow).
    published, _ = Budget.objects.get_or_create(
        unit=Unit.objects.get(code="SZSTEC"), fiscal_year=fy, defaults={"state": BudgetState.PUBLISHED}
    )
    return {
        "budget": {"pk": budget.pk},
        "budget_table": {"pk": budget.pk, "number": 3},
        "exp_project": {"pk": budget.pk, "project_id": budget.projects.get(name="科技智库与交流").pk},
        "budget_version": {"pk": budget.pk, "number": 1},
        "basic_line": {
            "pk": budget.pk,
            "line_id": budget.lines.filter(kind="basic").order_by("pk").first().pk,
        },
        "catalogue_year": {"year": 2022},
        "published_budget": {"pk": published.pk},
    }
