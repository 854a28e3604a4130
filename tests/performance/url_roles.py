"""URL × role expectations of the performance area (merged into tests/url_roles.py; format documented there).

Performance is the unit's: every business role but the cashier reads all of it (like the budget; the
object rules narrow who may write). Values, records and sources are posted by finance, department heads
and staff (the services then check the indicator's department); the scoring rules are finance's; the
self-evaluation is prepared by finance and the departments and approved by the director."""

READERS = {"director", "deputy", "dept_head", "finance", "auditor", "staff"}
WRITERS = {"finance", "dept_head", "staff"}
EVALUATORS = {"finance", "dept_head", "staff", "director"}


def _r(roles, kwargs=None):
    spec = {"audience": "staff", "roles": roles}
    if kwargs:
        spec["kwargs"] = kwargs
    return spec


EXPECTATIONS: dict[str, dict] = {
    "performance:home": _r(READERS),
    "performance:project": _r(READERS, "perf_project"),
    "performance:indicator": _r(READERS, "perf_indicator"),
    # POST only (GET answers 405)
    "performance:indicator_bind": _r(WRITERS, "perf_indicator"),
    "performance:indicator_value": _r(WRITERS, "perf_indicator"),
    "performance:indicator_record": _r(WRITERS, "perf_indicator"),
    "performance:record_accept": _r(WRITERS, "any_pk"),
    "performance:bindings_suggest": _r(WRITERS, "perf_year"),
    "performance:rules": _r(READERS),
    "performance:rules_save": _r({"finance"}, "perf_year"),
    "performance:evaluations": _r(READERS),
    "performance:evaluation_open": _r(EVALUATORS, "perf_year"),
    "performance:evaluation": _r(READERS, "perf_evaluation"),
    "performance:evaluation_pdf": _r(READERS, "perf_evaluation"),
    "performance:evaluation_xlsx": _r(READERS, "perf_evaluation"),
    "performance:evaluation_line": _r(EVALUATORS, "perf_evaluation_line"),
    "performance:evaluation_action": _r(EVALUATORS, "perf_evaluation_verb"),
}


def objects(org) -> dict[str, dict]:
    """The seed's 2022 budget (loaded by the budget area's objects), its indicators bound, the unit's
    self-evaluation opened."""
    from center.budget.models import Budget
    from center.performance import services

    budget = Budget.objects.get(unit__code="SZSTEC", fiscal_year__year=2022)
    services.bindings_suggest(actor=None, budget_id=budget.pk)
    ev = services.evaluation_open(actor=org["finance"], budget_id=budget.pk)
    indicator = budget.indicators.filter(name="购买办公设备").first()
    return {
        "perf_project": {"pk": indicator.project_id},
        "perf_indicator": {"pk": indicator.pk},
        "perf_year": {"year": 2022},
        "perf_evaluation": {"pk": ev.pk},
        "perf_evaluation_line": {"pk": ev.pk, "line_id": ev.lines.first().pk},
        "perf_evaluation_verb": {"pk": ev.pk, "verb": "score"},
    }
