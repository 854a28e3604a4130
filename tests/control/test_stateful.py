"""Property-based (stateful) test: random sequences of submit / approve / reject / withdraw / reimburse+pay
against one quota, checked after every step against a ten-line model of the balances."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from center.control import approvals, services
from center.control.ledger import ledger_check
from center.control.models import Quota
from center.core.errors import ApplicationError
from tests.control.factories import YEAR, quotas_ready

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TOTAL = Decimal("10000.00")


class QuotaMachine(RuleBasedStateMachine):
    apps = Bundle("apps")

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # every example runs in a savepoint that teardown rolls back
        self.quota = Quota.objects.get(pk=self.quota_id)
        self.frozen = Decimal(0)
        self.executed = Decimal(0)
        self.state: dict[int, tuple[str, Decimal]] = {}
        self.invoice = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _approve_chain(self, app, act, key):
        for _ in range(5):
            app.refresh_from_db()
            task = next(
                (t for t in approvals.chain_tasks(app, approvals.current_round(app)) if t.state == "pending"),
                None,
            )
            if task is None:
                return
            act(actor=task.assignee, task_id=task.pk, action="approve", **{key: app.pk})

    @rule(target=apps, amount=st.integers(min_value=1, max_value=4000))
    def submit(self, amount):
        amount = Decimal(amount)
        try:
            app = services.application_submit(
                actor=self.org["staff_inn"],
                app_type="event",
                title="随机",
                year=YEAR,
                lines=[(self.quota.pk, amount)],
            )
        except ApplicationError:
            assert amount > TOTAL - self.frozen - self.executed
            return None
        assert amount <= TOTAL - self.frozen - self.executed
        self.frozen += amount
        self.state[app.pk] = ("pending", amount)
        return app.pk

    @rule(app_id=apps)
    def approve(self, app_id):
        if app_id is None or self.state[app_id][0] != "pending":
            return
        app = services.Application.objects.get(pk=app_id)
        self._approve_chain(app, services.application_act, "application_id")
        self.state[app_id] = ("approved", self.state[app_id][1])

    @rule(app_id=apps, withdraw=st.booleans())
    def cancel(self, app_id, withdraw):
        if app_id is None or self.state[app_id][0] != "pending":
            return
        if withdraw:
            services.application_withdraw(actor=self.org["staff_inn"], application_id=app_id)
        else:
            app = services.Application.objects.get(pk=app_id)
            task = approvals.task_for_actor(app, self.org["head_inn"])
            services.application_act(
                actor=self.org["head_inn"],
                application_id=app_id,
                task_id=task.pk,
                action="reject",
                comment="不同意",
            )
        self.frozen -= self.state[app_id][1]
        self.state[app_id] = ("closed", Decimal(0))

    @rule(app_id=apps, share=st.integers(min_value=1, max_value=100))
    def reimburse_and_pay(self, app_id, share):
        if app_id is None or self.state[app_id][0] != "approved":
            return
        applied = self.state[app_id][1]
        spent = max(Decimal("0.01"), (applied * share / 100).quantize(Decimal("0.01")))
        self.invoice += 1
        r = services.reimbursement_submit(
            actor=self.org["staff_inn"],
            title="报销",
            application_id=app_id,
            lines=[(self.quota.pk, spent)],
            invoices=[
                {
                    "code": "044001900111",
                    "number": f"{80000000 + self.invoice}",
                    "amount": spent,
                    "issued_on": date(YEAR, 1, 2),
                    "file_name": "f.pdf",
                    "file_data": PDF,
                }
            ],
        )
        self._approve_chain(r, services.reimbursement_act, "reimbursement_id")
        services.payment_record(actor=self.org["cashier"], reimbursement_id=r.pk, method="bank")
        self.frozen -= applied
        self.executed += spent
        self.state[app_id] = ("closed", Decimal(0))

    @invariant()
    def balances_match_the_model(self):
        q = Quota.objects.get(pk=self.quota.pk)
        assert (q.frozen, q.executed) == (self.frozen, self.executed)
        assert q.available == TOTAL - self.frozen - self.executed >= 0
        assert ledger_check([q.pk]) == []


@pytest.mark.django_db
def test_random_operation_sequences_keep_the_ledger_right(org):
    QuotaMachine.org = org
    QuotaMachine.quota_id = quotas_ready(org, week=TOTAL)["30227"].pk
    run_state_machine_as_test(
        QuotaMachine,
        settings=settings(
            max_examples=15, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
