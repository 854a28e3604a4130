"""Seeds the benchmark database (called by control_dashboard.py with DATABASE_URL set)."""

import hashlib
import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from center.accounts import demo  # noqa: E402
from center.accounts.models import User  # noqa: E402
from center.accounts.services import api_token_create  # noqa: E402
from center.control.models import Quota  # noqa: E402
from tests.control.factories import quotas_ready  # noqa: E402


class _Quiet:
    def write(self, *a, **k):
        pass


demo.seed(_Quiet())
org = {u.username: u for u in User.objects.all()}
q = quotas_ready(org, week=Decimal("900000000.00"))
hot = q["30227"]
# 1,000 quotas of the same department's project: copies of the hot one (a bench shape, not real data).
spread = [hot.pk]
template = Quota.objects.get(pk=hot.pk)
for _ in range(999):
    template.pk = None
    template.source_line = None
    template.save()
    spread.append(template.pk)
tokens = [api_token_create(actor=org["staff_inn"], name=f"bench{i}", days=1)[1] for i in range(4)]
token_hash = hashlib.sha256(tokens[0].encode()).hexdigest()
print(
    json.dumps(
        {
            "hot": [hot.pk],
            "spread": spread,
            "tokens": tokens,
            "token_hash": token_hash,
            "user_id": org["staff_inn"].pk,
        }
    )
)
