import base64
import json

import pytest
from django.test import Client

from center.accounts.services import api_token_create
from center.control import config_cache
from center.control.ledger import ledger_check
from center.control.models import Application, Quota
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def q(org):
    return quotas_ready(org)


@pytest.fixture
def call(org):
    tokens = {}

    def do(user, method, path, payload=None, key=None):
        if user not in tokens:
            tokens[user] = api_token_create(actor=org[user], name="t", days=1)[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[user]}"}
        if key:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        c = Client()
        if method == "get":
            return c.get("/api/v1/control" + path, **headers)
        return c.post(
            "/api/v1/control" + path, json.dumps(payload or {}), content_type="application/json", **headers
        )

    return do


def _submit(call, q, key=None, amount="1000.00", user="staff_inn"):
    return call(
        user,
        "post",
        "/applications",
        {
            "app_type": "event",
            "title": "API 申请",
            "year": YEAR,
            "lines": [{"quota_id": q["30227"].pk, "amount": amount}],
        },
        key=key,
    )


def test_walk_through_the_api(call, q):
    r = _submit(call, q)
    assert r.status_code == 201
    doc = r.json()
    assert doc["state"] == "pending" and doc["tasks"][0]["assignee"] == "head_inn"
    for user in ("head_inn", "finance"):
        r = call(user, "post", f"/applications/{doc['id']}/actions", {"action": "approve", "comment": "同意"})
        assert r.status_code == 200, r.json()
    assert r.json()["state"] == "approved"
    reim = call(
        "staff_inn",
        "post",
        "/reimbursements",
        {
            "title": "API 报销",
            "application_id": doc["id"],
            "lines": [{"quota_id": q["30227"].pk, "amount": "900.00"}],
            "invoices": [
                {
                    "code": "044001900111",
                    "number": "70000001",
                    "amount": "900.00",
                    "issued_on": f"{YEAR}-03-01",
                    "file_name": "f.pdf",
                    "file_base64": base64.b64encode(PDF).decode(),
                }
            ],
        },
    )
    assert reim.status_code == 201, reim.json()
    rid = reim.json()["id"]
    for user in ("head_inn", "finance"):
        assert call(user, "post", f"/reimbursements/{rid}/actions", {"action": "approve"}).status_code == 200
    paid = call(
        "cashier",
        "post",
        f"/reimbursements/{rid}/payment",
        {"method": "bank", "reference": "X1"},
        key="pay-once-0001",
    )
    assert paid.json()["state"] == "paid"
    again = call(
        "cashier",
        "post",
        f"/reimbursements/{rid}/payment",
        {"method": "bank", "reference": "X1"},
        key="pay-once-0001",
    )
    assert again.status_code == 200 and again.json() == paid.json()  # the retry gets the first answer
    assert (
        call("cashier", "post", f"/reimbursements/{rid}/payment", {"method": "bank"}).status_code == 409
    )  # a new request: refused
    balances = call("finance", "get", f"/quotas?year={YEAR}").json()
    week = next(b for b in balances if b["id"] == q["30227"].pk)
    assert week["executed"] == "900.00" and week["frozen"] == "0.00"
    assert ledger_check() == []


def test_idempotency_key_gives_exactly_one_effect(call, q):
    first = _submit(call, q, key="retry-key-0001")
    second = _submit(call, q, key="retry-key-0001")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Application.objects.count() == 1
    assert Quota.objects.get(pk=q["30227"].pk).frozen == 1000
    reused = _submit(call, q, key="retry-key-0001", amount="2000.00")
    assert reused.status_code == 409 and reused.json()["extra"]["field"] == "Idempotency-Key"


def test_api_refusals(call, q):
    assert _submit(call, q, amount="-1").status_code == 400
    assert _submit(call, q, amount="abc").status_code == 400
    assert _submit(call, q, amount="99999999").status_code == 400
    assert (
        call(
            "staff_inn",
            "post",
            "/applications",
            {"app_type": "event", "title": "x", "year": YEAR, "lines": [{"quota_id": 424242, "amount": "1"}]},
        ).status_code
        == 404
    )
    doc = _submit(call, q).json()
    # approving a document not assigned to you
    r = call("head_exp", "post", f"/applications/{doc['id']}/actions", {"action": "approve"})
    assert r.status_code in (403, 404) and "message" in r.json()
    # another department's document is invisible
    assert call("staff_exc", "get", f"/applications/{doc['id']}").status_code == 404
    # the system admin has no business access at all
    assert call("sysadmin", "get", "/quotas").status_code == 403


def test_a_freeze_through_the_api_runs_a_fixed_number_of_statements(call, q, django_assert_max_num_queries):
    """The freeze is the hot path of bench/control_mixed.py: a lazy load creeping into it shows here first.

    Pinned to what the ORM version issues (decision 0003), 20 on a warm configuration cache: the token and
    its roles (2), the unit's savepoint and its release (2), the configuration version (1, replacing the
    year settings, standards, flows, steps and named approvers that the hand-written version read each time),
    the quotas with their codes and departments (1), the application insert, its number and its line (3),
    the approvers (1), the tasks and the notification (2), the quota lock, its update and the ledger entry
    (3, ledger.py's own SQL), the audit head, entry and head update (3), and the answer's lines and tasks (2).
    """
    config_cache.settings_for(YEAR)  # in production the year's settings exist (made once: a config change)
    assert _submit(call, q, amount="1.00").status_code == 201  # first call: token use recorded, caches warm
    with django_assert_max_num_queries(20):
        assert _submit(call, q, amount="1.00").status_code == 201
