"""Control configuration as data: the year's parameters, spending standards, approval flows and a quota's
control level — who may change them, what is refused, and that a change is what new documents follow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from center.control import approvals, configuration, services
from center.control.enums import ControlLevel
from center.control.models import ApprovalFlow, ApprovalTask, ControlSettings, SpendingStandard
from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.core.models import AuditEntry
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db

SETTINGS = {
    "collective_threshold": "300000",
    "small_reimbursement_threshold": "1000",
    "over_reimbursement_pct": "10",
    "application_valid_days": "30",
    "reminder_hours": "24",
    "warn_thresholds": "90，70",
    "progress_margin_pct": "5",
}


@pytest.fixture
def q(org):
    return quotas_ready(org)


def _apply(org, q, amount="3000.00", **kw):
    app_type = kw.pop("app_type", "meeting")
    return services.application_submit(
        actor=org["staff_inn"],
        app_type=app_type,
        title="学术研讨会",
        year=YEAR,
        # a meeting is charged to 会议费 (the type's configured economic codes)
        lines=[(q["30215" if app_type == "meeting" else "30227"].pk, amount)],
        **kw,
    )


def test_settings_update_is_audited_and_new_applications_follow_it(org, q):
    obj = configuration.settings_update(actor=org["finance"], year=YEAR, **SETTINGS)
    assert obj.warn_thresholds == "70,90"  # normalised: sorted, full-width comma accepted
    entry = AuditEntry.objects.filter(action="control.settings.updated").get()
    assert entry.changes["application_valid_days"] == [90, 30]
    app = _apply(org, q)
    assert app.valid_until == timezone.localdate() + timedelta(days=30)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("warn_thresholds", "80,abc"),
        ("warn_thresholds", "80,80"),
        ("warn_thresholds", "120"),
        ("collective_threshold", "-1"),
        ("collective_threshold", "1e30"),
        ("over_reimbursement_pct", "101"),
        ("application_valid_days", "0"),
        ("reminder_hours", "2.5"),
        ("small_reimbursement_threshold", "10.001"),
    ],
)
def test_settings_bad_values_are_refused_and_change_nothing(org, field, value):
    before = services.settings_for(YEAR)
    with pytest.raises(ApplicationError) as exc:
        configuration.settings_update(actor=org["finance"], year=YEAR, **{**SETTINGS, field: value})
    assert exc.value.extra["field"] == field
    after = ControlSettings.objects.get(year=YEAR)
    assert (after.warn_thresholds, after.collective_threshold) == (
        before.warn_thresholds,
        before.collective_threshold,
    )
    assert not AuditEntry.objects.filter(action="control.settings.updated").exists()


@pytest.mark.parametrize("who", ["sysadmin", "director", "auditor", "staff_inn", "head_inn", "cashier"])
def test_only_finance_changes_configuration(org, who):
    with pytest.raises(ForbiddenError):
        configuration.settings_update(actor=org[who], year=YEAR, **SETTINGS)
    with pytest.raises(ForbiddenError):
        configuration.standard_save(
            actor=org[who], year=YEAR, app_type="meeting", name="会议费", limit_per_person_day="550"
        )
    configuration.standard_save(
        actor=org["finance"], year=YEAR, app_type="meeting", name="会议费", limit_per_person_day="550"
    )


def test_a_standard_blocks_then_asks_for_justification_once_relaxed(org, q):
    std = configuration.standard_save(
        actor=org["finance"], year=YEAR, app_type="meeting", name="会议费", limit_per_person_day="500"
    )
    details = {"attendees": 2, "days": 2}  # limit 2 × 2 × 500 = 2,000
    with pytest.raises(ApplicationError, match="超出费用标准"):
        _apply(org, q, details=details)
    configuration.standard_save(
        actor=org["finance"],
        standard_id=std.pk,
        year=YEAR,
        app_type="meeting",
        name="会议费",
        limit_per_person_day="500",
        block_excess=False,
    )
    with pytest.raises(ApplicationError) as exc:
        _apply(org, q, details=details)
    assert exc.value.extra["field"] == "justification"
    assert _apply(org, q, details=details, justification="外地专家差旅").pk
    changes = AuditEntry.objects.get(action="control.standard.updated").changes
    assert changes == {"block_excess": [True, False]}


def test_standard_duplicates_bad_amounts_and_copy(org):
    make = configuration.standard_save
    make(
        actor=org["finance"],
        year=YEAR,
        app_type="travel",
        city="北京",
        name="北京住宿",
        limit_per_person_day="500",
    )
    with pytest.raises(ConflictError):
        make(
            actor=org["finance"],
            year=YEAR,
            app_type="travel",
            city="北京",
            name="重复",
            limit_per_person_day="1",
        )
    for bad in ("0", "-5", "abc", "1.234", "100000000"):
        with pytest.raises(ApplicationError):
            make(actor=org["finance"], year=YEAR, app_type="travel", name="x", limit_per_person_day=bad)
    with pytest.raises(ApplicationError):
        make(actor=org["finance"], year=YEAR, app_type="banquet", name="x", limit_per_person_day="1")
    make(actor=org["finance"], year=YEAR, app_type="meeting", name="会议", limit_per_person_day="550")
    make(
        actor=org["finance"],
        year=YEAR + 1,
        app_type="meeting",
        name="会议（已定）",
        limit_per_person_day="600",
    )
    assert configuration.standards_copy(actor=org["finance"], from_year=YEAR, to_year=YEAR + 1) == 1
    next_year = {s.app_type: s for s in SpendingStandard.objects.filter(year=YEAR + 1)}
    assert next_year["meeting"].limit_per_person_day == Decimal("600.00")  # kept, not overwritten
    assert next_year["travel"].city == "北京"
    with pytest.raises(ApplicationError):
        configuration.standards_copy(actor=org["finance"], from_year=YEAR, to_year=YEAR)


def _steps(*rules):
    return [{"name": f"环节{i}", "rule": r, "kind": "single"} for i, r in enumerate(rules, start=1)]


def test_a_new_flow_with_named_people_routes_new_documents(org, q):
    flow = configuration.flow_save(
        actor=org["finance"],
        name="会议事前申请",
        doc_type="application",
        app_types=["meeting"],
        priority=1,
        steps=[
            {
                "name": "指定审核",
                "rule": "users",
                "kind": "any",
                "user_ids": [org["auditor"].pk, org["deputy1"].pk],
            },
            {"name": "财务审核", "rule": "finance", "kind": "single"},
        ],
    )
    app = _apply(org, q)
    tasks = list(approvals.chain_tasks(app))
    assert [t.step_name for t in tasks] == ["指定审核", "指定审核", "财务审核"]
    assert {t.assignee.username for t in tasks[:2]} == {"auditor", "deputy1"}
    # an event application is not a meeting: it keeps the default flow
    other = _apply(org, q, app_type="event")
    assert "指定审核" not in {t.step_name for t in approvals.chain_tasks(other)}
    # editing the flow leaves the running chain as it was
    configuration.flow_save(
        actor=org["finance"],
        flow_id=flow.pk,
        name="会议事前申请",
        doc_type="application",
        app_types=["meeting"],
        priority=1,
        steps=_steps("director"),
    )
    assert [t.step_name for t in approvals.chain_tasks(app)] == ["指定审核", "指定审核", "财务审核"]
    assert [t.step_name for t in approvals.chain_tasks(_apply(org, q))] == ["环节1"]
    updated = AuditEntry.objects.get(action="control.flow.updated")
    assert updated.changes["steps"][1] == ["1. 环节1 [director/single]"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"steps": []}, "steps"),
        ({"steps": _steps("nobody")}, "steps"),
        ({"steps": [{"name": "x", "rule": "users", "kind": "single", "user_ids": []}]}, "steps"),
        ({"steps": [{"name": "", "rule": "finance", "kind": "single"}]}, "steps"),
        ({"steps": _steps(*["finance"] * 11)}, "steps"),
        ({"doc_type": "invoice"}, "doc_type"),
        ({"app_types": ["banquet"]}, "app_types"),
        ({"min_amount": "5000", "max_amount": "5000"}, "max_amount"),
        ({"min_amount": "-1"}, "min_amount"),
        ({"name": " "}, "name"),
        ({"department_id": 999999}, "department"),
    ],
)
def test_bad_flows_are_refused_and_nothing_is_stored(org, kwargs, field):
    args = {"name": "新流程", "doc_type": "application", "steps": _steps("finance"), **kwargs}
    count = ApprovalFlow.objects.count()
    with pytest.raises(ApplicationError) as exc:
        configuration.flow_save(actor=org["finance"], **args)
    assert exc.value.extra.get("field") == field
    assert ApprovalFlow.objects.count() == count


def test_a_named_approver_must_be_active_staff(org):
    org["staff_gen"].is_active = False
    org["staff_gen"].save()
    for user in (org["staff_gen"], org["expert"], org["sysadmin"]):
        with pytest.raises(ApplicationError, match="在职"):
            configuration.flow_save(
                actor=org["finance"],
                name="x",
                doc_type="application",
                steps=[{"name": "x", "rule": "users", "kind": "single", "user_ids": [user.pk]}],
            )


def test_config_pages_for_editors_and_readers(org, q):
    finance = Client()
    finance.force_login(org["finance"])
    page = finance.get(reverse("control:config") + f"?year={YEAR}")
    assert page.status_code == 200
    assert reverse("control:flow_new").encode() in page.content
    form = {
        "name": "培训申请",
        "doc_type": "application",
        "app_types": ["training"],
        "min_amount": "0",
        "priority": "5",
        "active": "on",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-0-name": "部门负责人",
        "steps-0-rule": "dept_head",
        "steps-0-kind": "single",
        "steps-1-name": "指定复核",
        "steps-1-rule": "users",
        "steps-1-kind": "all",
        "steps-1-users": [str(org["auditor"].pk)],
        "steps-2-name": "",
        "idempotency_key": "flow-new-0001",
    }
    response = finance.post(reverse("control:flow_new"), form)
    again = finance.post(reverse("control:flow_new"), form)  # a double click: the same key
    assert again.status_code == 302
    assert response.status_code == 302, response.content.decode()[:2000]
    flow = ApprovalFlow.objects.get(name="培训申请")
    assert [(s.rule, s.kind) for s in flow.steps.order_by("order")] == [
        ("dept_head", "single"),
        ("users", "all"),
    ]
    bad = finance.post(
        reverse("control:settings_save") + f"?year={YEAR}", {**SETTINGS, "warn_thresholds": "x"}
    )
    assert bad.status_code == 400
    assert "预警阈值" in bad.content.decode()
    reader = Client()
    reader.force_login(org["director"])
    page = reader.get(reverse("control:config") + f"?year={YEAR}")
    assert page.status_code == 200 and "培训申请" in page.content.decode()
    assert reverse("control:flow_new").encode() not in page.content
    assert reader.post(reverse("control:flow_new"), {}).status_code == 403


def test_finance_sets_a_quota_control_level_from_its_page(org, q):
    quota = q["30227"]
    finance = Client()
    finance.force_login(org["finance"])
    response = finance.post(reverse("control:quota_level", args=[quota.pk]), {"level": ControlLevel.RECORD})
    assert response.status_code == 302
    quota.refresh_from_db()
    assert quota.control_level == ControlLevel.RECORD
    assert AuditEntry.objects.filter(action="control.quota.level_changed").count() == 1
    finance.post(reverse("control:quota_level", args=[quota.pk]), {"level": "nonsense"})
    quota.refresh_from_db()
    assert quota.control_level == ControlLevel.RECORD
    assert ApprovalTask.objects.count() == 0


def test_finance_is_told_when_the_working_year_has_no_standards(org, q):
    from center.core.workbench import todos_for

    def titles(who):
        return [t.title for t in todos_for(org[who])]

    assert f"{YEAR} 年度尚未设置费用标准" in titles("finance")
    assert not any("费用标准" in t for t in titles("staff_inn"))
    configuration.standard_save(
        actor=org["finance"], year=YEAR, app_type="meeting", name="会议费", limit_per_person_day="550"
    )
    assert not any("费用标准" in t for t in titles("finance"))
