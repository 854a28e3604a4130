"""Issue 13, defect 7: a department spends its own quotas; another department's project quota only with that
department head's review (归口审核). Its money is not touched before that review: the lines on it are frozen
when the chain, the review included, has approved (docs/control-model.md, "Rules checked on submission")."""

from decimal import Decimal

import pytest
from django.urls import reverse

from center.accounts.services import api_token_create
from center.control import approvals, services
from center.control.enums import DocState
from center.control.ledger import ledger_check
from center.control.models import Application, LedgerEntry, Quota
from center.core.errors import ApplicationError
from tests.control.factories import YEAR, approve_all, invoice, quotas_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(org):
    return quotas_ready(org)  # the project quotas belong to 科技创新服务部 (INN)


def _apply(org, quota, who, amount="3000.00"):
    return services.application_submit(
        actor=org[who], app_type="event", title="借用项目指标", year=YEAR, lines=[(quota.pk, amount)]
    )


def _frozen(quota) -> Decimal:
    return Quota.objects.get(pk=quota.pk).frozen


def test_own_department_quota_is_frozen_at_submission(org, q):
    week = q["30227"]
    app = _apply(org, week, "staff_inn")
    assert _frozen(week) == Decimal("3000.00") and app.lines.get().frozen == Decimal("3000.00")
    assert "项目指标归口部门审核" not in [t.step_name for t in approvals.chain_tasks(app)]


def test_another_departments_project_quota_is_frozen_only_after_its_heads_review(org, q):
    week = q["30227"]
    app = _apply(org, week, "staff_exp")  # 专家服务部 staff on 科技创新服务部's project quota
    steps = [(t.step_name, t.assignee.username) for t in approvals.chain_tasks(app)]
    assert ("项目指标归口部门审核", "head_inn") in steps
    # submitted: that department's money is untouched
    assert _frozen(week) == 0 and app.lines.get().frozen == 0
    assert not LedgerEntry.objects.filter(doc_type="application", doc_id=app.pk).exists()
    app = approve_all(org, app)  # the review, then the rest of the chain
    assert app.state == DocState.APPROVED
    assert _frozen(week) == Decimal("3000.00") and app.lines.get().frozen == Decimal("3000.00")
    # and it is used like any approved application: withdrawing is over, cancelling releases it
    services.application_cancel(actor=org["staff_exp"], application_id=app.pk, reason="取消")
    assert _frozen(week) == 0
    assert ledger_check() == []


def test_the_owning_head_refuses_and_nothing_was_ever_frozen(org, q):
    week = q["30227"]
    app = _apply(org, week, "staff_exp")
    first = approvals.task_for_actor(app, org["head_exp"])
    services.application_act(actor=org["head_exp"], application_id=app.pk, task_id=first.pk, action="approve")
    review = approvals.task_for_actor(app, org["head_inn"])
    assert review.step_name == "项目指标归口部门审核"
    services.application_act(
        actor=org["head_inn"],
        application_id=app.pk,
        task_id=review.pk,
        action="reject",
        comment="本部门另有安排",
    )
    app.refresh_from_db()
    assert app.state == DocState.REJECTED and _frozen(week) == 0
    assert not LedgerEntry.objects.filter(doc_type="application", doc_id=app.pk).exists()


def test_refused_when_the_other_departments_quota_has_not_enough(org, q):
    week = q["30227"]
    with pytest.raises(ApplicationError, match="可用余额不足"):
        _apply(org, week, "staff_exp", amount="9999999.00")
    assert Application.objects.count() == 0


def test_final_approval_refused_when_the_quota_ran_out_meanwhile(org):
    q = quotas_ready(org, week=Decimal("5000.00"))
    week = q["30227"]
    app = _apply(org, week, "staff_exp", amount="4000.00")
    _apply(org, week, "staff_inn", amount="2000.00")  # INN's own use takes what is left first
    with pytest.raises(ApplicationError, match="可用余额不足"):
        approve_all(org, app)
    app.refresh_from_db()
    assert app.state == DocState.PENDING and app.lines.get().frozen == 0  # the final step is still open
    assert _frozen(week) == Decimal("2000.00") and ledger_check() == []


def test_a_claim_without_application_on_another_departments_project_quota_is_refused(org, q):
    with pytest.raises(ApplicationError, match="须先提交事前申请"):
        services.reimbursement_submit(
            actor=org["staff_exp"],
            title="小额",
            year=YEAR,
            lines=[(q["30227"].pk, "100.00")],
            invoices=invoice(org, who="staff_exp", amount="100.00"),
        )
    assert _frozen(q["30227"]) == 0


def test_resubmission_after_a_return_keeps_the_other_departments_money_untouched(org, q):
    week = q["30227"]
    app = _apply(org, week, "staff_exp")
    task = approvals.task_for_actor(app, org["head_exp"])
    services.application_act(
        actor=org["head_exp"], application_id=app.pk, task_id=task.pk, action="return", comment="补充"
    )
    services.application_resubmit(actor=org["staff_exp"], application_id=app.pk)
    app.refresh_from_db()
    assert app.state == DocState.PENDING and _frozen(week) == 0 and app.lines.get().frozen == 0
    assert approve_all(org, app).state == DocState.APPROVED and _frozen(week) == Decimal("3000.00")


def test_api_allows_it_without_freezing_and_the_page_does_not_offer_it(org, q, client_for):
    from django.test import Client

    week = q["30227"]
    token = api_token_create(actor=org["staff_exp"], name="t", days=1)[1]
    r = Client().post(
        "/api/v1/control/applications",
        {
            "app_type": "event",
            "title": "API",
            "year": YEAR,
            "lines": [{"quota_id": week.pk, "amount": "500.00"}],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 201, r.content
    assert r.json()["lines"] == [{"quota_id": week.pk, "amount": "500.00", "frozen": "0.00"}]
    assert _frozen(week) == 0
    # the page lists the applicant's own quotas (and the shared basic ones) only: another one is refused
    c = client_for("staff_exp")
    page = c.post(
        reverse("control:application_new") + f"?year={YEAR}",
        {
            "idempotency_key": "o" * 16,
            "app_type": "event",
            "title": "页面",
            "quota": week.pk,
            "amount": "500.00",
        },
    )
    assert page.status_code == 200 and Application.objects.count() == 1
