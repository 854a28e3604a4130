"""A matter dated in another year than its quota is refused with a clear message, nothing changed: prior
applications (their dates), claims (their invoices), events (their days, through center.control.funding),
review fees (the review's days) and the API."""

import base64
from datetime import date
from decimal import Decimal

import pytest

from center.control import services
from center.control.ledger import ledger_check
from center.control.models import Application, Quota, Reimbursement
from center.core.errors import ApplicationError
from tests.control.factories import PDF, YEAR, approve_all, quotas_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(org):
    return quotas_ready(org)


def _approved(org, q):
    app = services.application_submit(
        actor=org["staff_inn"],
        app_type="event",
        title="路演",
        year=YEAR,
        lines=[(q["30227"].pk, "3000.00")],
        details={"start_date": f"{YEAR}-05-01", "end_date": f"{YEAR}-05-01"},
    )
    return approve_all(org, app)


def _invoice(day, number="00077777", amount="3000.00"):
    return [
        {
            "code": "044001900111",
            "number": number,
            "amount": amount,
            "issued_on": day,
            "file_name": "发票.pdf",
            "file_data": PDF,
        }
    ]


def test_an_application_dated_in_another_year_is_refused(org, q):
    with pytest.raises(ApplicationError, match=f"不在所用指标的预算年度（{YEAR} 年）"):
        services.application_submit(
            actor=org["staff_inn"],
            app_type="event",
            title="明年的活动",
            year=YEAR,
            lines=[(q["30227"].pk, "3000.00")],
            details={"start_date": f"{YEAR + 1}-01-05"},
        )
    assert not Application.objects.exists() and Quota.objects.get(pk=q["30227"].pk).frozen == 0


def test_a_claim_with_an_invoice_of_another_year_is_refused(org, q):
    app = _approved(org, q)
    for day in (date(YEAR + 1, 1, 3), date(YEAR - 1, 12, 30)):
        with pytest.raises(ApplicationError, match=f"开票日期 {day.isoformat()} 不在所用指标的预算年度"):
            services.reimbursement_submit(
                actor=org["staff_inn"],
                title="报销",
                application_id=app.pk,
                lines=[(q["30227"].pk, "3000.00")],
                invoices=_invoice(day),
            )
    # without an application too (a small claim on a basic quota)
    with pytest.raises(ApplicationError, match="开票日期"):
        services.reimbursement_submit(
            actor=org["staff_gen"],
            title="办公用品",
            year=YEAR,
            lines=[(q["30201_basic"].pk, "200.00")],
            invoices=_invoice(date(YEAR + 1, 1, 3), number="00088888", amount="200.00"),
        )
    assert not Reimbursement.objects.exists()
    # the same claim dated in the year passes
    r = services.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "3000.00")],
        invoices=_invoice(date(YEAR, 5, 2)),
    )
    assert r.state == "pending"
    assert ledger_check() == []


def test_a_resubmitted_claim_checks_its_new_invoices(org, q):
    app = _approved(org, q)
    r = services.reimbursement_submit(
        actor=org["staff_inn"],
        title="报销",
        application_id=app.pk,
        lines=[(q["30227"].pk, "3000.00")],
        invoices=_invoice(date(YEAR, 5, 2)),
    )
    from center.control import approvals

    task = approvals.task_for_actor(r, org["head_inn"])
    services.reimbursement_act(
        actor=org["head_inn"], reimbursement_id=r.pk, task_id=task.pk, action="return", comment="发票有误"
    )
    with pytest.raises(ApplicationError, match="开票日期"):
        services.reimbursement_resubmit(
            actor=org["staff_inn"],
            reimbursement_id=r.pk,
            keep_invoice_ids=[],
            invoices=_invoice(date(YEAR + 1, 2, 1), number="00099999"),
        )
    r.refresh_from_db()
    assert r.state == "returned" and r.invoices.count() == 1


def test_the_api_refuses_an_invoice_of_another_year(org, q):
    import json

    from django.test import Client

    from center.accounts.services import api_token_create

    app = _approved(org, q)
    token = api_token_create(actor=org["staff_inn"], name="t", days=1)[1]
    payload = {
        "title": "API 报销",
        "application_id": app.pk,
        "lines": [{"quota_id": q["30227"].pk, "amount": "3000.00"}],
        "invoices": [
            {
                "code": "044001900111",
                "number": "00066666",
                "amount": "3000.00",
                "issued_on": f"{YEAR + 1}-01-10",
                "file_name": "发票.pdf",
                "file_base64": base64.b64encode(PDF).decode(),
            }
        ],
    }
    r = Client().post(
        "/api/v1/control/reimbursements",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 400 and "开票日期" in r.json()["message"]
    assert not Reimbursement.objects.exists()


def test_event_funding_carries_the_event_days(org, q):
    """An event held across the year's end is not paid from one year's quota (its application's dates are
    the event's); one within the year is."""
    from datetime import datetime

    from django.utils import timezone

    from center.budget.models import ProjectItem
    from center.events.models import Event, EventType

    item = ProjectItem.objects.get(project__budget__fiscal_year__year=YEAR, name="创新周")
    etype = EventType.objects.create(code="t", name="测试活动")

    def event(start, end):
        return Event(
            type=etype,
            title="跨年活动",
            owner=org["staff_inn"],
            department=org["staff_inn"].department,
            starts_at=timezone.make_aware(start),
            ends_at=timezone.make_aware(end),
            venue="深圳",
            capacity=50,
            budget_item=item,
            planned_cost=Decimal("20000"),
        )

    from center.events.services.funding import event_request_funding

    across = event(datetime(YEAR, 12, 31, 9), datetime(YEAR + 1, 1, 1, 17))
    with pytest.raises(ApplicationError, match=f"事项日期 {YEAR + 1}-01-01"):
        event_request_funding(actor=org["staff_inn"], event=across)
    assert not Application.objects.exists()
    within = event(datetime(YEAR, 12, 30, 9), datetime(YEAR, 12, 30, 17))
    number = event_request_funding(actor=org["staff_inn"], event=within)
    app = Application.objects.get(number=number)
    assert app.year == YEAR and app.details["end_date"] == f"{YEAR}-12-30"
