"""The control configuration over the API: the same rules, refusals and audit as the pages."""

import json

import pytest
from django.test import Client

from center.accounts.services import api_token_create
from center.control.models import ApprovalFlow, ControlSettings, SpendingStandard
from center.core.models import AuditEntry

pytestmark = pytest.mark.django_db

SETTINGS = {
    "collective_threshold": "300000.00",
    "small_reimbursement_threshold": "1000.00",
    "over_reimbursement_pct": "10",
    "application_valid_days": 30,
    "reminder_hours": 24,
    "warn_thresholds": "70,90",
    "progress_margin_pct": "5",
}


@pytest.fixture
def api(org):
    tokens = {}

    def call(user, method, path, payload=None, key=None):
        if user not in tokens:
            tokens[user] = api_token_create(actor=org[user], name="t", days=1)[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user]}"}
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        body = json.dumps(payload) if payload is not None else None
        return getattr(Client(), method)(
            "/api/v1/control/config" + path, body, content_type="application/json", **headers
        )

    return call


def test_finance_sets_the_years_parameters_once_per_key(api):
    assert api("director", "get", "/settings/2031").json()["collective_threshold"] == "300000.00"  # defaults
    assert not ControlSettings.objects.filter(year=2031).exists()  # reading stores nothing
    changed = {**SETTINGS, "collective_threshold": "500000.00"}
    first = api("finance", "put", "/settings/2031", changed, key="settings-2031-a")
    again = api("finance", "put", "/settings/2031", changed, key="settings-2031-a")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert ControlSettings.objects.get(year=2031).collective_threshold == 500000
    assert AuditEntry.objects.filter(action="control.settings.updated").count() == 1
    assert api("auditor", "get", "/settings/2031").json()["collective_threshold"] == "500000.00"


@pytest.mark.parametrize("user, method", [("director", "put"), ("auditor", "put"), ("staff_inn", "get")])
def test_readers_cannot_write_and_others_cannot_read(api, user, method):
    r = api(user, method, "/settings/2031", SETTINGS if method == "put" else None)
    assert r.status_code == 403
    assert not ControlSettings.objects.filter(year=2031).exists()


def test_a_bad_parameter_is_refused_and_changes_nothing(api):
    r = api("finance", "put", "/settings/2031", {**SETTINGS, "over_reimbursement_pct": "150"})
    assert r.status_code == 400 and r.json()["extra"]["field"] == "over_reimbursement_pct"
    assert not ControlSettings.objects.filter(year=2031).exists()


def test_spending_standards_create_refuse_duplicates_update_copy_delete(api):
    std = {"year": 2031, "app_type": "meeting", "name": "会议费", "limit_per_person_day": "550.00"}
    created = api("finance", "post", "/standards", std)
    assert created.status_code == 201 and created.json()["block_excess"] is True
    assert created.json()["name_en"] == ""
    sid = created.json()["id"]
    assert api("finance", "post", "/standards", std).status_code == 409
    r = api(
        "finance",
        "put",
        f"/standards/{sid}",
        {**std, "limit_per_person_day": "600.00", "name_en": "Meetings"},
    )
    assert r.json()["limit_per_person_day"] == "600.00" and r.json()["name_en"] == "Meetings"
    assert (
        api("finance", "put", f"/standards/{sid}", {**std, "limit_per_person_day": "-1"}).status_code == 400
    )
    assert api("finance", "post", "/standards/copy", {"from_year": 2031, "to_year": 2032}).json() == {
        "copied": 1
    }
    assert [s["year"] for s in api("auditor", "get", "/standards?year=2032").json()] == [2032]
    assert api("finance", "delete", f"/standards/{sid}").status_code == 204
    assert api("finance", "delete", f"/standards/{sid}").status_code == 404
    assert list(SpendingStandard.objects.values_list("year", flat=True)) == [2032]


def test_flows_are_configured_and_deactivated_with_their_steps(api, org):
    flow = {
        "name": "大额会议",
        "doc_type": "application",
        "app_types": ["meeting"],
        "min_amount": "50000",
        "priority": 10,
        "steps": [
            {"name": "部门负责人", "name_en": "Department head", "rule": "dept_head"},
            {
                "name": "指定复核",
                "rule": "users",
                "kind": "any",
                "user_ids": [org["auditor"].pk, org["finance"].pk],
            },
        ],
    }
    r = api("finance", "post", "/flows", flow, key="flow-create-1")
    assert r.status_code == 201
    body = r.json()
    assert [s["order"] for s in body["steps"]] == [1, 2]
    assert body["name_en"] == "" and [s["name_en"] for s in body["steps"]] == ["Department head", ""]
    assert body["steps"][1]["user_ids"] == sorted([org["auditor"].pk, org["finance"].pk])
    assert api("finance", "post", "/flows", flow, key="flow-create-1").json()["id"] == body["id"]  # retried
    off = api("finance", "put", f"/flows/{body['id']}", {**flow, "active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert ApprovalFlow.objects.filter(name="大额会议").count() == 1
    assert api("director", "get", f"/flows/{body['id']}").json()["active"] is False


@pytest.mark.parametrize(
    "change, field",
    [
        ({"steps": []}, "steps"),
        ({"steps": [{"name": "x", "rule": "nobody"}]}, "steps"),
        ({"doc_type": "invoice"}, "doc_type"),
        ({"min_amount": "100", "max_amount": "50"}, "max_amount"),
    ],
)
def test_bad_flows_are_refused_and_nothing_is_stored(api, change, field):
    flow = {"name": "坏流程", "doc_type": "application", "steps": [{"name": "主任", "rule": "director"}]}
    before = ApprovalFlow.objects.count()
    r = api("finance", "post", "/flows", {**flow, **change})
    assert r.status_code == 400 and r.json()["extra"]["field"] == field
    assert ApprovalFlow.objects.count() == before


def test_the_system_administrator_cannot_be_named_an_approver(api, org):
    flow = {
        "name": "含系统管理员",
        "doc_type": "application",
        "steps": [{"name": "复核", "rule": "users", "user_ids": [org["sysadmin"].pk]}],
    }
    assert api("finance", "post", "/flows", flow).status_code == 400


def test_the_system_administrator_cannot_edit_business_rules(api):
    """Separation of duties: the 三重一大 threshold, standards and flows are finance's, not the admin's."""
    flow = {"name": "管理员流程", "doc_type": "application", "steps": [{"name": "主任", "rule": "director"}]}
    standard = {"year": 2031, "app_type": "meeting", "name": "会议费", "limit_per_person_day": "550"}
    assert api("sysadmin", "put", "/settings/2031", SETTINGS).status_code == 403
    assert api("sysadmin", "post", "/flows", flow).status_code == 403
    assert api("sysadmin", "post", "/standards", standard).status_code == 403
    assert api("sysadmin", "get", "/settings/2031").status_code == 403
    assert not ControlSettings.objects.filter(year=2031).exists()
    assert not ApprovalFlow.objects.filter(name="管理员流程").exists()
    assert not SpendingStandard.objects.filter(year=2031).exists()
