"""audit_verify reads one consistent snapshot: a writer appending meanwhile never raises a false alarm."""

import threading

import pytest
from django.db import connection

from center.core.audit import append, audit_chain_verify, audit_log
from center.core.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_verify_while_a_writer_appends_gives_no_false_alarm():
    append([AuditEntry(action="test.prefill", extra={"i": i}) for i in range(400)])
    stop = threading.Event()
    written, errors = [], []

    def writer():
        try:
            while not stop.is_set():
                written.append(audit_log("test.concurrent.write", extra={"n": len(written)}).seq)
        except Exception as exc:  # noqa: BLE001 (asserted below)
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        problems = []
        for _ in range(15):
            problem = audit_chain_verify()
            if problem is not None:
                problems.append(problem)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(written) > 0, "the writer never wrote: the test proves nothing"
    assert problems == []
    assert audit_chain_verify() is None
