import threading

import pytest
from django.db import connection

from center.core.audit import audit_chain_verify, audit_log
from center.core.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_keep_one_unbroken_chain():
    """Real threads, real connections: appends serialise on the chain head, so no fork and no gap."""
    workers, per_worker = 6, 10
    errors = []
    barrier = threading.Barrier(workers)

    def work(n):
        try:
            barrier.wait()
            for i in range(per_worker):
                audit_log("test.parallel.write", extra={"worker": n, "i": i})
        except Exception as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == workers * per_worker
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(
        range(1, workers * per_worker + 1)
    )
    assert audit_chain_verify() is None
