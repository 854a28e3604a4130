"""Two finance officers save one line at the same moment, from the same page version (real threads and
connections, SQLite and PostgreSQL): one save wins, the other is refused with a message, nothing is lost
silently and one version is added."""

import threading

import pytest
from django.db import connection

from center.budget import services
from center.budget.models import Budget, ExpenditureLine
from center.core.errors import ConflictError

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_officers_save_one_line_at_once(budget, org):
    b23 = services.budget_prepare_next(actor=org["finance"], source=budget)
    line = b23.lines.filter(kind="basic").order_by("pk").first()
    version = Budget.objects.get(pk=b23.pk).version
    start = threading.Barrier(2)
    saved, told, failures = [], [], []

    def officer(amount):
        try:
            mine = ExpenditureLine.objects.select_related("budget").get(pk=line.pk)
            start.wait()
            services.line_update(actor=org["finance"], line=mine, amount=amount, expected_version=version)
            saved.append(amount)
        except ConflictError as exc:
            told.append(exc.message)
        except Exception as exc:  # noqa: BLE001 (anything else escaping is a failure, asserted below)
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=officer, args=(a,)) for a in ("1000.00", "2000.00")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures, failures
    assert len(saved) == 1 and len(told) == 1
    assert "已被他人修改" in told[0]
    line.refresh_from_db()
    assert f"{line.amount:.2f}" == saved[0]
    assert Budget.objects.get(pk=b23.pk).version == version + 1
