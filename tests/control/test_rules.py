"""One rule answers the service, the page's button and the API (center/control/rules.py): wherever a rule says
yes the service accepts, wherever it says no the service refuses, and the page shows the button accordingly."""

import pytest
from django.urls import reverse

from center.control import approvals, rules, services
from center.control.enums import DocState
from center.core.errors import ApplicationError
from tests.control.factories import YEAR, approve_all, claim, quotas_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(org):
    return quotas_ready(org)


def _apply(org, q):
    return services.application_submit(
        actor=org["staff_inn"], app_type="event", title="规则", year=YEAR, lines=[(q["30227"].pk, "1000.00")]
    )


def _accepts(call) -> bool:
    try:
        call()
    except ApplicationError:
        return False
    return True


def test_the_api_and_pages_read_the_policies_from_rules():
    import center.api.control as api
    import center.api.control_config as api_config
    from center.control import config_views, views

    assert api.CONTROL_USERS is rules.CONTROL_USERS is views.CONTROL_USERS
    assert api_config.CONFIG_EDITORS is rules.CONFIG_EDITORS is config_views.CONFIG_EDITORS


@pytest.mark.parametrize("who", ["staff_inn", "staff_exp", "head_inn"])
@pytest.mark.parametrize("stage", ["pending", "half_approved", "approved"])
def test_withdraw_rule_agrees_with_the_service(org, q, who, stage):
    app = _apply(org, q)
    if stage == "half_approved":
        task = approvals.task_for_actor(app, org["head_inn"])
        services.application_act(
            actor=org["head_inn"], application_id=app.pk, task_id=task.pk, action="approve"
        )
    elif stage == "approved":
        approve_all(org, app)
    app.refresh_from_db()
    predicted = rules.may_withdraw(org[who], app)
    assert predicted == (who == "staff_inn" and stage == "pending")
    assert _accepts(lambda: services.application_withdraw(actor=org[who], application_id=app.pk)) == predicted


@pytest.mark.parametrize("who", ["staff_inn", "head_inn", "staff_exp", "finance"])
@pytest.mark.parametrize("claimed", [False, True])
def test_cancel_rule_agrees_with_the_service(org, q, who, claimed):
    app = approve_all(org, _apply(org, q))
    if claimed:
        claim(org, app, q["30227"], "800.00")
    predicted = rules.may_cancel(org[who], app)
    assert predicted == (who in ("staff_inn", "head_inn") and not claimed)
    call = lambda: services.application_cancel(actor=org[who], application_id=app.pk, reason="取消")  # noqa: E731
    assert _accepts(call) == predicted


@pytest.mark.parametrize("who", ["cashier", "finance", "staff_inn"])
def test_pay_rule_agrees_with_the_service_and_the_button(org, q, client_for, who):
    app = approve_all(org, _apply(org, q))
    r = approve_all(org, claim(org, app, q["30227"], "900.00"), services.reimbursement_act)
    assert r.state == DocState.APPROVED
    predicted = rules.may_pay(org[who], r)
    assert predicted == (who == "cashier")
    if who == "cashier":
        page = client_for(who).get(reverse("control:reimbursement_detail", args=[r.pk])).content.decode()
        assert reverse("control:reimbursement_pay", args=[r.pk]) in page
    assert (
        _accepts(lambda: services.payment_record(actor=org[who], reimbursement_id=r.pk, method="bank"))
        == predicted
    )


def test_the_withdraw_button_follows_the_rule(org, q, client_for):
    app = _apply(org, q)
    c = client_for("staff_inn")
    url = reverse("control:application_withdraw", args=[app.pk])
    assert url in c.get(reverse("control:application_detail", args=[app.pk])).content.decode()
    task = approvals.task_for_actor(app, org["head_inn"])
    services.application_act(actor=org["head_inn"], application_id=app.pk, task_id=task.pk, action="approve")
    assert not rules.may_withdraw(org["staff_inn"], app)
    assert url not in c.get(reverse("control:application_detail", args=[app.pk])).content.decode()
