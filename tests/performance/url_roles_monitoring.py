"""URL × role expectations of the mid-year monitoring (双监控) (merged into tests/url_roles.py; format there).

The director, finance and the auditor read every report; department staff and heads read their department's,
a deputy those of the departments they oversee (others get 404). Department staff and heads (finance for the
unit's report) post the statements; the department head, finance and the director move a report on; finance
opens a round and sets its dates. The cashier and the system admin see nothing of it."""

READERS = {"director", "deputy", "dept_head", "finance", "auditor", "staff"}
FILLERS = {"finance", "dept_head", "staff"}
DECIDERS = {"finance", "dept_head", "director"}
# 科技智库与交流 is 专家服务部's (EXP): its staff and head, its deputy (deputy1) and the unit-wide readers.
EXP_SEES = {"staff_exp", "head_exp", "deputy1", "director", "finance", "auditor"}


def _r(roles, kwargs=None, sees=None):
    spec = {"audience": "staff", "roles": roles}
    if kwargs:
        spec["kwargs"] = kwargs
    if sees:
        spec["sees"] = sees
    return spec


EXPECTATIONS: dict[str, dict] = {
    "performance:monitoring": _r(READERS),
    "performance:monitoring_open": _r({"finance"}),  # POST only
    "performance:monitoring_round": _r(READERS, "mon_round"),
    "performance:monitoring_round_edit": _r({"finance"}, "mon_round"),  # POST only
    "performance:monitoring_report": _r(READERS, "mon_report", EXP_SEES),
    "performance:monitoring_pdf": _r(READERS, "mon_report", EXP_SEES),
    "performance:monitoring_xlsx": _r(READERS, "mon_report", EXP_SEES),
    # POST only (GET answers 405); the POST refuses other departments with 404 (tests/performance/test_monitoring.py)
    "performance:monitoring_statements": _r(FILLERS, "mon_report"),
    "performance:monitoring_action": _r(DECIDERS, "mon_report_verb"),
}


def objects(org) -> dict[str, dict]:
    """The 2022 monitoring round (the seed's 2022 budget is loaded by the budget area's objects)."""
    from center.budget.models import Budget
    from center.performance.models_monitoring import MonitoringReport
    from center.performance.services import monitoring

    budget = Budget.objects.get(unit__code="SZSTEC", fiscal_year__year=2022)
    rnd = monitoring.round_open(actor=org["finance"], budget_id=budget.pk)
    report = MonitoringReport.objects.get(round=rnd, project__name="科技智库与交流")
    return {
        "mon_round": {"pk": rnd.pk},
        "mon_report": {"pk": report.pk},
        "mon_report_verb": {"pk": report.pk, "verb": "head_review"},
    }
