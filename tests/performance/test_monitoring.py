"""The mid-year monitoring (双监控): the round, the pre-filled figures, the statements required for every
lagging row, the workflow (department head → finance → director), returns, the frozen snapshot, the
refusals (nothing changed), the reminders and the exports."""

import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import load_workbook

from center.budget import demo as budget_demo
from center.budget.models import Budget, PerformanceIndicator, Project
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.models import AuditEntry, Notification
from center.core.notifications import task_key_of
from center.core.workbench import TODO, todos_for, work_for
from center.performance import monitoring, progress
from center.performance import services as perf
from center.performance.models_monitoring import MonitoringReport, MonitoringRound, MonitoringStatement
from center.performance.monitoring_enums import MONITORING, Cause, Likelihood, ReportState
from center.performance.services import monitoring as services

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXP_PROJECT = "科技智库与交流"
GEN_PROJECT = "办公设备采购"


@pytest.fixture
def budget22(org):
    """The seed's 2022 budget with every indicator bound to its proposed source, its quotas issued (nothing
    spent through the ledger: the spending is behind the time line)."""
    from center.control import services as control

    budget_demo.seed(io.StringIO(), with_current=False)
    b = Budget.objects.select_related("fiscal_year", "unit").get(fiscal_year__year=2022)
    perf.bindings_suggest(actor=None, budget_id=b.pk)
    control.quotas_issue_from_budget(actor=org["finance"], budget=b)
    return b


@pytest.fixture
def rnd(org, budget22):
    return services.round_open(actor=org["finance"], budget_id=budget22.pk)


def _report(rnd, project_name=None) -> MonitoringReport:
    qs = MonitoringReport.objects.filter(round=rnd)
    if project_name is None:
        return qs.get(project__isnull=True)
    return qs.get(project__name=project_name)


def _fill_all(report, actor) -> dict:
    """A complete statement for every row that needs one."""
    data = monitoring.report_data(report)
    entries = {}
    if data["spending"]["needs_statement"]:
        entries["spending"] = {
            "causes": [Cause.FUNDS],
            "likelihood": Likelihood.POSSIBLE,
            "action": "下半年集中支付合同款，预计四季度执行率达到 95%。",
        }
    for row in data["rows"]:
        if row["needs_statement"]:
            entries[row["indicator_id"]] = {
                "causes": [Cause.STAFF, Cause.OTHER],
                "likelihood": Likelihood.CERTAIN,
                "forecast": row["target"]["zh"],
                "action": "活动集中在下半年举办，已排定计划。",
            }
    services.statements_save(actor=actor, report_id=report.pk, entries=entries)
    return entries


def _through(report, org, head="head_exp"):
    _fill_all(report, org[f"staff_{head[5:]}"])
    services.report_head_review(actor=org[head], report_id=report.pk)
    services.report_finance_review(actor=org["finance"], report_id=report.pk)
    return services.report_submit(actor=org["director"], report_id=report.pk)


# --------------------------------------------------------------------------- the round


def test_a_round_opens_with_the_default_period_and_one_report_per_project_and_the_unit(org, budget22, rnd):
    assert (rnd.period_end, rnd.due_on) == (date(2022, 7, 31), date(2022, 8, 31))
    projects = Project.objects.filter(budget=budget22, indicators__isnull=False).distinct().count()
    reports = list(MonitoringReport.objects.filter(round=rnd))
    assert len(reports) == projects + 1
    assert all(r.state == ReportState.DRAFT for r in reports)
    exp = _report(rnd, EXP_PROJECT)
    assert exp.department.code == "EXP"
    assert _report(rnd).department_id == org["finance"].department_id
    # the department was told, with the report's task key
    n = Notification.objects.get(recipient=org["staff_exp"], task_key=task_key_of(exp))
    assert "2022" in n.title and n.link.endswith(f"/monitoring/reports/{exp.pk}/")
    assert AuditEntry.objects.filter(action="performance.monitoring_round.opened").count() == 1


def test_a_second_round_for_the_year_is_refused_and_nothing_changes(org, budget22, rnd):
    with pytest.raises(ConflictError):
        services.round_open(actor=org["finance"], budget_id=budget22.pk)
    assert MonitoringRound.objects.count() == 1
    assert MonitoringReport.objects.filter(round=rnd).count() == MonitoringReport.objects.count()


@pytest.mark.parametrize(
    ("period_end", "due_on", "field"),
    [
        (date(2021, 7, 31), date(2022, 8, 31), "period_end"),  # not in the year
        (date(2022, 12, 31), date(2022, 12, 31), "period_end"),  # the year's end is the self-evaluation
        (date(2022, 7, 31), date(2022, 7, 31), "due_on"),  # not after the period
        (date(2022, 6, 30), date(2023, 1, 15), "due_on"),  # not in the year
    ],
)
def test_a_round_with_impossible_dates_is_refused(org, budget22, period_end, due_on, field):
    with pytest.raises(ApplicationError) as exc:
        services.round_open(actor=org["finance"], budget_id=budget22.pk, period_end=period_end, due_on=due_on)
    assert exc.value.extra["field"] == field
    assert not MonitoringRound.objects.exists()


def test_the_period_is_configurable_per_round_until_a_report_goes_to_review(org, budget22):
    rnd = services.round_open(
        actor=org["finance"], budget_id=budget22.pk, period_end=date(2022, 6, 30), due_on=date(2022, 7, 31)
    )
    report = _report(rnd, EXP_PROJECT)
    assert monitoring.report_data(report)["as_of"] == "2022-06-30"
    rnd = services.round_update(
        actor=org["finance"], round_id=rnd.pk, period_end=date(2022, 7, 31), due_on=date(2022, 8, 31)
    )
    report = _report(rnd, EXP_PROJECT)
    assert monitoring.report_data(report)["as_of"] == "2022-07-31"
    _fill_all(report, org["staff_exp"])
    services.report_head_review(actor=org["head_exp"], report_id=report.pk)
    with pytest.raises(ConflictError):
        services.round_update(
            actor=org["finance"], round_id=rnd.pk, period_end=date(2022, 8, 31), due_on=date(2022, 9, 30)
        )
    rnd.refresh_from_db()
    assert rnd.period_end == date(2022, 7, 31)


@pytest.mark.parametrize("who", ["staff_exp", "head_exp", "director", "auditor"])
def test_only_finance_opens_a_round(org, budget22, who):
    with pytest.raises(ForbiddenError):
        services.round_open(actor=org[who], budget_id=budget22.pk)
    assert not MonitoringRound.objects.exists()


# --------------------------------------------------------------------------- the pre-filled figures


def test_the_figures_are_those_of_live_progress_on_the_periods_last_day(org, budget22, rnd):
    report = _report(rnd, EXP_PROJECT)
    data = monitoring.report_data(report)
    rows = progress.project_progress(report.project, date(2022, 7, 31))
    assert [r["indicator_id"] for r in data["rows"]] == [r.indicator.pk for r in rows]
    assert [r["status"] for r in data["rows"]] == [r.status for r in rows]
    execution = progress.execution_figures(budget22, report.project, date(2022, 7, 31))
    assert data["spending"]["budgeted"] == str(execution.budgeted)
    assert data["spending"]["rate"] == str(execution.rate)
    # the time-elapsed line: 212 of 365 days
    assert data["spending"]["elapsed"] == str(
        progress.elapsed_pct(date(2022, 1, 1), date(2022, 12, 31), date(2022, 7, 31))
    )
    assert data["spending"]["elapsed"] == "58.08"
    # nothing spent through the ledger in this test: far behind the line, a statement is needed
    assert execution.budgeted > 0 and data["spending"]["rate"] == "0.00"
    assert data["spending"]["status"] == "off_track" and data["spending"]["needs_statement"] is True
    # the unit's report: the unit-wide indicators only
    unit = monitoring.report_data(_report(rnd))
    unit_ids = set(
        PerformanceIndicator.objects.filter(budget=budget22, project__isnull=True).values_list(
            "pk", flat=True
        )
    )
    assert {r["indicator_id"] for r in unit["rows"]} == unit_ids


def test_every_row_not_on_track_needs_a_statement(org, budget22, rnd):
    data = monitoring.report_data(_report(rnd, EXP_PROJECT))
    for row in data["rows"]:
        assert row["needs_statement"] == (row["status"] in ("lagging", "off_track", "no_data"))
    assert any(r["needs_statement"] for r in data["rows"])


# --------------------------------------------------------------------------- statements


def _lagging_id(report) -> int:
    return next(r["indicator_id"] for r in monitoring.report_data(report)["rows"] if r["needs_statement"])


@pytest.mark.parametrize("missing", ["causes", "likelihood", "action"])
def test_a_lagging_indicator_without_cause_likelihood_or_action_is_refused(org, rnd, missing):
    report = _report(rnd, EXP_PROJECT)
    ind = _lagging_id(report)
    entry = {"causes": [Cause.FUNDS], "likelihood": Likelihood.POSSIBLE, "action": "加快进度。"}
    entry[missing] = [] if missing == "causes" else ""
    other = {"causes": [Cause.OTHER], "likelihood": Likelihood.CERTAIN, "action": "按计划。"}
    with pytest.raises(ApplicationError) as exc:
        services.statements_save(
            actor=org["staff_exp"], report_id=report.pk, entries={"spending": other, ind: entry}
        )
    assert exc.value.extra["field"] == f"{ind}-{missing}"
    assert not MonitoringStatement.objects.exists()  # not even the complete one: all or nothing


def test_unknown_causes_and_likelihoods_are_refused(org, rnd):
    report = _report(rnd, EXP_PROJECT)
    ind = _lagging_id(report)
    for entry, field in (
        ({"causes": ["weather"], "likelihood": "possible", "action": "x"}, "causes"),
        ({"causes": ["funds"], "likelihood": "maybe", "action": "x"}, "likelihood"),
    ):
        with pytest.raises(ApplicationError) as exc:
            services.statements_save(actor=org["staff_exp"], report_id=report.pk, entries={ind: entry})
        assert exc.value.extra["field"] == f"{ind}-{field}"
    assert not MonitoringStatement.objects.exists()


def test_a_forged_indicator_of_another_project_is_refused(org, budget22, rnd):
    report = _report(rnd, EXP_PROJECT)
    foreign = PerformanceIndicator.objects.filter(budget=budget22).exclude(project=report.project).first()
    entry = {"causes": [Cause.FUNDS], "likelihood": Likelihood.POSSIBLE, "action": "x"}
    for key in (foreign.pk, 999999, "abc"):
        with pytest.raises(NotFoundError):
            services.statements_save(actor=org["staff_exp"], report_id=report.pk, entries={key: entry})
    with pytest.raises(NotFoundError):
        services.statements_save(actor=org["staff_exp"], report_id="12x", entries={})
    assert not MonitoringStatement.objects.exists()


@pytest.mark.parametrize("who", ["staff_inn", "head_inn", "staff_gen", "auditor", "director"])
def test_another_departments_report_is_refused(org, rnd, who):
    report = _report(rnd, EXP_PROJECT)
    entry = {"causes": [Cause.FUNDS], "likelihood": Likelihood.POSSIBLE, "action": "x"}
    with pytest.raises(ForbiddenError):
        services.statements_save(actor=org[who], report_id=report.pk, entries={"spending": entry})
    assert not MonitoringStatement.objects.exists()


def test_finance_fills_the_units_report(org, rnd):
    report = _report(rnd)
    _fill_all(report, org["finance"])
    assert monitoring.missing_statements(monitoring.report_data(report)) == []


def test_statements_are_saved_and_changes_audited(org, rnd):
    report = _report(rnd, EXP_PROJECT)
    entries = _fill_all(report, org["staff_exp"])
    assert MonitoringStatement.objects.filter(report=report).count() == len(entries)
    assert AuditEntry.objects.filter(action="performance.monitoring.statements_saved").count() == 1
    # the same again changes nothing and writes no entry
    services.statements_save(actor=org["staff_exp"], report_id=report.pk, entries=entries)
    assert AuditEntry.objects.filter(action="performance.monitoring.statements_saved").count() == 1


# --------------------------------------------------------------------------- the workflow


def test_a_review_with_a_lagging_row_unexplained_is_refused(org, rnd):
    report = _report(rnd, EXP_PROJECT)
    with pytest.raises(ApplicationError) as exc:
        services.report_head_review(actor=org["head_exp"], report_id=report.pk)
    assert exc.value.extra["missing"]
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT


def test_the_report_goes_from_the_department_head_to_finance_to_the_director_and_is_frozen(org, rnd):
    report = _report(rnd, EXP_PROJECT)
    key = task_key_of(report)
    _fill_all(report, org["staff_exp"])
    with pytest.raises(ForbiddenError):  # the head of another department
        services.report_head_review(actor=org["head_inn"], report_id=report.pk)
    with pytest.raises(ConflictError):  # finance before the department head
        services.report_finance_review(actor=org["finance"], report_id=report.pk)
    services.report_head_review(actor=org["head_exp"], report_id=report.pk)
    assert Notification.objects.filter(
        recipient=org["finance"], task_key=key, resolved_at__isnull=True
    ).exists()
    assert not Notification.objects.filter(
        recipient=org["staff_exp"], task_key=key, resolved_at__isnull=True
    ).exists()
    services.report_finance_review(actor=org["finance"], report_id=report.pk)
    for who in ("finance", "head_exp"):  # only the director submits
        with pytest.raises(ForbiddenError):
            services.report_submit(actor=org[who], report_id=report.pk)
    assert Notification.objects.filter(
        recipient=org["director"], task_key=key, resolved_at__isnull=True
    ).exists()
    services.report_submit(actor=org["director"], report_id=report.pk)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED and report.frozen
    assert report.snapshot["people"]["submitted_by"] == org["director"].full_name
    assert report.snapshot["people"]["head_reviewed_by"] == org["head_exp"].full_name
    assert not Notification.objects.filter(task_key=key, resolved_at__isnull=True).exists()
    actions = list(
        AuditEntry.objects.filter(target_id=str(report.pk), action__startswith="performance.monitoring.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "performance.monitoring.statements_saved",
        "performance.monitoring.head_review",
        "performance.monitoring.finance_review",
        "performance.monitoring.submit",
    ]


def test_finance_and_the_director_return_with_a_comment(org, rnd):
    report = _report(rnd, EXP_PROJECT)
    _fill_all(report, org["staff_exp"])
    services.report_head_review(actor=org["head_exp"], report_id=report.pk)
    with pytest.raises(ApplicationError):
        services.report_return(actor=org["finance"], report_id=report.pk, comment="  ")
    with pytest.raises(ForbiddenError):  # the director does not hold this step
        services.report_return(actor=org["director"], report_id=report.pk, comment="再核实")
    services.report_return(actor=org["finance"], report_id=report.pk, comment="执行数与台账不一致，请核实。")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.return_comment.startswith("执行数")
    n = Notification.objects.get(
        recipient=org["staff_exp"], task_key=task_key_of(report), resolved_at__isnull=True
    )
    assert n.body == "执行数与台账不一致，请核实。"
    # the department corrects and its head reviews again; the director returns too
    _fill_all(report, org["head_exp"])
    services.report_head_review(actor=org["head_exp"], report_id=report.pk)
    services.report_finance_review(actor=org["finance"], report_id=report.pk)
    services.report_return(actor=org["director"], report_id=report.pk, comment="改进措施请具体到月份。")
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED and report.return_comment == "改进措施请具体到月份。"


def test_statements_cannot_change_under_review(org, rnd):
    report = _report(rnd, EXP_PROJECT)
    entries = _fill_all(report, org["staff_exp"])
    services.report_head_review(actor=org["head_exp"], report_id=report.pk)
    changed = {k: v | {"action": "改了"} for k, v in entries.items()}
    with pytest.raises(ConflictError):
        services.statements_save(actor=org["staff_exp"], report_id=report.pk, entries=changed)
    assert not MonitoringStatement.objects.filter(action="改了").exists()


@pytest.mark.parametrize("state", list(ReportState))
@pytest.mark.parametrize("verb", MONITORING.verbs)
def test_every_state_and_verb_of_the_machine(org, rnd, state, verb):
    report = _report(rnd, EXP_PROJECT)
    _fill_all(report, org["staff_exp"])
    MonitoringReport.objects.filter(pk=report.pk).update(
        state=state, snapshot={} if state == ReportState.SUBMITTED else None, submitted_at=rnd.created_at
    )
    actor = {
        "head_review": org["head_exp"],
        "finance_review": org["finance"],
        "submit": org["director"],
        "return": org["finance"] if state == ReportState.HEAD_REVIEWED else org["director"],
    }[verb]
    call = {
        "head_review": lambda: services.report_head_review(actor=actor, report_id=report.pk),
        "finance_review": lambda: services.report_finance_review(actor=actor, report_id=report.pk),
        "submit": lambda: services.report_submit(actor=actor, report_id=report.pk),
        "return": lambda: services.report_return(actor=actor, report_id=report.pk, comment="请修改。"),
    }[verb]
    if MONITORING.allows(report.__class__(state=state), verb):
        call()
        report.refresh_from_db()
        assert report.state == MONITORING.target(verb)
    else:
        with pytest.raises(ConflictError):
            call()
        report.refresh_from_db()
        assert report.state == state


# --------------------------------------------------------------------------- the freeze


def test_the_submitted_snapshot_does_not_change_when_the_data_does(org, budget22, rnd):
    report = _report(rnd, GEN_PROJECT)
    device = PerformanceIndicator.objects.get(budget=budget22, project=report.project, name="购买办公设备")
    _through(report, org, head="head_gen")
    report.refresh_from_db()
    frozen = report.snapshot
    before = next(r for r in monitoring.report_view(report).rows if r.indicator_id == device.pk)
    assert before.actual in ("", "0 台")
    # the devices are entered afterwards, dated inside the period: the live figure changes…
    perf.value_add(
        actor=org["staff_gen"],
        binding_id=device.binding.pk,
        value="8",
        as_of=date(2022, 6, 20),
        note="办公设备 8 台已验收。",
        files=[("验收单.pdf", PDF)],
    )
    live = next(
        r for r in progress.project_progress(report.project, date(2022, 7, 31)) if r.indicator.pk == device.pk
    )
    assert live.actual == 8
    # …the submitted table does not
    report.refresh_from_db()
    assert report.snapshot == frozen
    after = next(r for r in monitoring.report_view(report).rows if r.indicator_id == device.pk)
    assert after.actual == before.actual and after.status == before.status
    # nor do the statements, whose rows are refused now
    with pytest.raises(ConflictError):
        services.statements_save(
            actor=org["staff_gen"],
            report_id=report.pk,
            entries={"spending": {"causes": ["funds"], "likelihood": "certain", "action": "x"}},
        )
    report.refresh_from_db()
    assert report.snapshot == frozen


def test_a_report_submitted_twice_is_refused_and_nothing_changes(org, rnd):
    report = _report(rnd, EXP_PROJECT)
    _through(report, org)
    report.refresh_from_db()
    snapshot, submitted_at = report.snapshot, report.submitted_at
    entries = AuditEntry.objects.count()
    with pytest.raises(ConflictError) as exc:
        services.report_submit(actor=org["director"], report_id=report.pk)
    assert "重复报送" in exc.value.message
    for fn in (services.report_head_review, services.report_finance_review):
        with pytest.raises(ConflictError):
            fn(actor=org["director"], report_id=report.pk)
    with pytest.raises(ConflictError):
        services.report_return(actor=org["director"], report_id=report.pk, comment="x")
    report.refresh_from_db()
    assert (report.snapshot, report.submitted_at) == (snapshot, submitted_at)
    assert AuditEntry.objects.count() == entries


def test_the_snapshot_reads_in_both_languages(org, rnd):
    report = _report(rnd, EXP_PROJECT)
    _through(report, org)
    report.refresh_from_db()
    with translation.override("en"):
        view = monitoring.report_view(report)
        assert view.frozen and view.rows and view.department == "Expert Services Department"
    with translation.override("zh-hans"):
        assert monitoring.report_view(report).department == "专家服务部"


# --------------------------------------------------------------------------- reminders


def test_whoever_holds_the_next_step_is_reminded_until_submission(org, rnd):
    report = _report(rnd, EXP_PROJECT)

    def reminded(who):
        return [t for t in todos_for(org[who]) if "绩效运行监控" in t.title]

    def holds(who):
        return [w for w in work_for(org[who], TODO) if w.link.endswith(f"/monitoring/reports/{report.pk}/")]

    # the 2022 period is over and its deadline passed: red
    assert reminded("staff_exp") and reminded("staff_exp")[0].kind == "danger"
    assert holds("staff_exp") and holds("head_exp") and not holds("finance") and not holds("staff_inn")
    _fill_all(report, org["staff_exp"])
    services.report_head_review(actor=org["head_exp"], report_id=report.pk)
    assert holds("finance") and holds("finance")[0].approval and not holds("staff_exp")
    services.report_finance_review(actor=org["finance"], report_id=report.pk)
    assert holds("director") and not holds("finance")
    services.report_submit(actor=org["director"], report_id=report.pk)
    assert not holds("director") and not holds("staff_exp")


# --------------------------------------------------------------------------- pages and exports


def test_pages_for_the_department_and_404_for_another(org, rnd, client_for):
    report = _report(rnd, EXP_PROJECT)
    for who in ("staff_exp", "head_exp", "finance", "director", "auditor", "deputy1"):
        r = client_for(who).get(f"/performance/monitoring/reports/{report.pk}/")
        assert r.status_code == 200, who
    for who in ("staff_inn", "head_gen", "deputy2"):
        assert client_for(who).get(f"/performance/monitoring/reports/{report.pk}/").status_code == 404, who
    page = client_for("staff_exp").get(f"/performance/monitoring/reports/{report.pk}/").content.decode()
    assert "偏差说明" in page and 'name="sspending-causes"' in page
    page = client_for("auditor").get(f"/performance/monitoring/reports/{report.pk}/").content.decode()
    assert 'name="sspending-causes"' not in page  # read only
    assert (
        client_for("auditor").post(f"/performance/monitoring/reports/{report.pk}/statements/").status_code
        == 403
    )
    rounds = client_for("staff_exp").get("/performance/monitoring/").content.decode()
    assert "2022" in rounds


def test_the_statement_form_refuses_a_lagging_row_without_cause_on_the_page(org, rnd, client_for):
    report = _report(rnd, EXP_PROJECT)
    data = monitoring.report_data(report)
    keys = ["spending"] + [str(r["indicator_id"]) for r in data["rows"] if r["needs_statement"]]
    form = {}
    for key in keys:
        form[f"s{key}-causes"] = ["funds", "other"]
        form[f"s{key}-likelihood"] = "possible"
        form[f"s{key}-action"] = "下半年集中推进。"
    url = f"/performance/monitoring/reports/{report.pk}/statements/"
    c = client_for("staff_exp")
    incomplete = {k: v for k, v in form.items() if k != f"s{keys[-1]}-causes"}
    r = c.post(url, incomplete)
    assert r.status_code == 400
    assert not MonitoringStatement.objects.exists()
    r = c.post(url, form)
    assert r.status_code == 302
    assert MonitoringStatement.objects.filter(report=report).count() == len(keys)
    assert MonitoringStatement.objects.get(report=report, indicator__isnull=True).causes == ["funds", "other"]


def test_the_whole_workflow_through_the_pages(org, rnd, client_for):
    report = _report(rnd, EXP_PROJECT)
    _fill_all(report, org["staff_exp"])
    url = f"/performance/monitoring/reports/{report.pk}/"
    assert client_for("staff_exp").post(url + "head_review/").status_code == 403  # the policy: no staff
    assert client_for("head_exp").post(url + "head_review/").status_code == 302
    assert client_for("finance").post(url + "return/", {"comment": ""}).status_code == 400
    assert client_for("finance").post(url + "finance_review/").status_code == 302
    assert client_for("director").post(url + "submit/").status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    page = client_for("auditor").get(url).content.decode()
    assert "冻结" in page
    assert client_for("director").post(url + "nonsense/").status_code == 404


def test_exports_are_a_valid_pdf_and_workbook_in_the_layout_of_the_monitoring_table(org, rnd, client_for):
    report = _report(rnd, EXP_PROJECT)
    entries = _fill_all(report, org["staff_exp"])
    # a draft prints too, marked as such
    pdf = client_for("auditor").get(f"/performance/monitoring/reports/{report.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    _through(report, org)
    pdf = client_for("staff_exp").get(f"/performance/monitoring/reports/{report.pk}/pdf/")
    assert (
        pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
        and len(pdf.content) > 5000
    )
    x = client_for("finance").get(f"/performance/monitoring/reports/{report.pk}/xlsx/")
    assert x.status_code == 200
    ws = load_workbook(io.BytesIO(x.content)).active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    for head in (
        "项目名称",
        "主管部门",
        "实施单位",
        "1-7月实际完成值",
        "全年预计完成值",
        "偏差原因分析",
        "经费保障",
        "制度保障",
        "人员保障",
        "硬件条件保障",
        "其他",
        "完成目标可能性",
        "原因说明和改进措施",
    ):
        assert head in cells, head
    assert EXP_PROJECT in cells
    assert "√" in cells  # the causes ticked
    assert any("活动集中在下半年举办" in c for c in cells)
    assert "2022年项目支出绩效目标执行监控表" in cells
    assert len(entries) >= 2


def test_the_demo_submits_the_2022_round_and_runs_twice_without_change(org, budget22):
    from center.performance.demo import seed_monitoring

    seed_monitoring(io.StringIO())
    rnd = MonitoringRound.objects.get(budget=budget22)
    reports = MonitoringReport.objects.filter(round=rnd)
    assert reports.count() > 1 and all(r.state == ReportState.SUBMITTED and r.snapshot for r in reports)
    assert all(monitoring.missing_statements(r.snapshot) == [] for r in reports)
    entries = AuditEntry.objects.count()
    seed_monitoring(io.StringIO())
    assert AuditEntry.objects.count() == entries
