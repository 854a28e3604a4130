"""Seeds the database of bench/control_mixed.py (run with DATABASE_URL and PYTHONPATH set to the code tree
under test): the demo organisation, an approved budget with the default approval flows, ten hot quotas of
科技创新服务部's project, and API tokens for the applicant, its approvers and the cashier. Prints JSON."""

import json
import sys
from decimal import Decimal

import django

django.setup()

from django.db import transaction  # noqa: E402

from center.accounts import demo  # noqa: E402
from center.accounts.models import User  # noqa: E402
from center.accounts.services import api_token_create  # noqa: E402
from center.control import ledger  # noqa: E402
from center.control.enums import EntryKind  # noqa: E402
from center.control.models import Quota  # noqa: E402
from tests.control.factories import quotas_ready  # noqa: E402


class _Quiet:
    def write(self, *a, **k):
        pass


hot_count = int(sys.argv[1]) if len(sys.argv) > 1 else 10
demo.seed(_Quiet())
org = {u.username: u for u in User.objects.all()}
q = quotas_ready(org, week=Decimal("900000000.00"))
first = q["30227"]
hot = [first.pk]
amount = first.approved
with transaction.atomic():  # a seed script, not application code: it issues the copies through the ledger
    for _ in range(hot_count - 1):
        copy = Quota.objects.get(pk=first.pk)
        copy.pk, copy.source_line = None, None
        copy.approved = copy.adjusted = copy.frozen = copy.executed = copy.available = Decimal(0)
        copy.save()
        ledger.post(ledger.lock_quotas([copy.pk])[copy.pk], EntryKind.ISSUE, amount, note="bench")
        hot.append(copy.pk)
assert not ledger.ledger_check(hot), "the hot quotas must start consistent"
tokens = {
    name: [api_token_create(actor=org[name], name=f"bench{i}", days=1)[1] for i in range(2)]
    for name in ("staff_inn", "head_inn", "finance", "cashier", "deputy1", "deputy2", "director")
}
print(json.dumps({"hot": hot, "tokens": tokens}))
