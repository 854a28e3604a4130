"""Faults under load, over real HTTP against gunicorn (loopback only, bounded): a worker killed with SIGKILL
in the middle of a burst of freezes, and (PostgreSQL) every database connection cut for a moment. Clients
retry what was not acknowledged with the same Idempotency-Key, as the API asks. Afterwards every
acknowledged request has exactly one effect, retries added none, and the ledger and the audit chain hold."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from center.accounts.services import api_token_create
from center.control.ledger import ledger_check
from center.control.models import Application
from center.core.audit import audit_chain_verify
from center.core.models import IdempotentRequest
from tests.conftest import requires_postgres
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]
CLIENTS, PER_CLIENT = 4, 12


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server():
    """gunicorn (3 sync workers) on the test database."""
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(ROOT)}
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(db["NAME"])
    port = _port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            "3",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.2)
    proc.base = f"http://127.0.0.1:{port}"
    for _ in range(6):  # every worker loads the application before the burst
        with contextlib.suppress(OSError):
            urllib.request.urlopen(proc.base + "/api/v1/openapi.json", timeout=30).close()  # noqa: S310 (loopback http)
    yield proc
    proc.terminate()
    proc.wait(timeout=30)


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def _burst(server, token: str, quota_id: int, fault, retries: list) -> dict[str, int]:
    """CLIENTS threads each send PER_CLIENT freezes with their own keys, retrying a key until it is
    acknowledged (each retry is noted in `retries`); `fault()` runs twice while they do. Returns
    {key: application id}."""
    acknowledged: dict[str, int] = {}
    problems: list[str] = []
    progress = threading.Condition()

    def client(i):
        for n in range(PER_CLIENT):
            key = f"fault-{i}-{n}-{os.getpid()}"
            body = json.dumps(
                {
                    "app_type": "event",
                    "title": f"故障 {i}-{n}",
                    "year": YEAR,
                    "lines": [{"quota_id": quota_id, "amount": "10.00"}],
                }
            ).encode()
            for _attempt in range(30):
                req = urllib.request.Request(  # noqa: S310 (loopback http)
                    server.base + "/api/v1/control/applications",
                    data=body,
                    method="POST",
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": key,
                    },
                )
                try:
                    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 (loopback http)
                        with progress:
                            acknowledged[key] = json.loads(resp.read())["id"]
                            progress.notify_all()
                        break
                except urllib.error.HTTPError as exc:
                    if exc.code < 500 and exc.code != 409:
                        problems.append(f"{key}: {exc.code} {exc.read()[:200]!r}")
                        break
                    retries.append(exc.code)
                except OSError as exc:
                    retries.append(repr(exc))  # the connection died with the worker: send the same key again
                time.sleep(0.2)
            else:
                problems.append(f"{key}: never acknowledged")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    total = CLIENTS * PER_CLIENT
    for share in (3, 3 * 2):  # the faults strike a quarter and half-way through, while requests are running
        with progress:
            progress.wait_for(lambda s=share: len(acknowledged) * 12 >= total * s, timeout=60)
        fault()
    for t in threads:
        t.join()
    assert problems == []
    return acknowledged


def _check_exactly_once(acknowledged: dict[str, int]) -> None:
    assert len(acknowledged) == CLIENTS * PER_CLIENT
    ids = set(acknowledged.values())
    assert len(ids) == len(acknowledged)  # one application per key
    assert Application.objects.filter(title__startswith="故障").count() == len(acknowledged)
    assert set(Application.objects.filter(title__startswith="故障").values_list("pk", flat=True)) == ids
    assert IdempotentRequest.objects.filter(key__startswith="fault-").count() == len(acknowledged)
    assert ledger_check() == []
    assert audit_chain_verify() is None


def _setup(org):
    quota = quotas_ready(org, week=Decimal("100000.00"))["30227"]
    return api_token_create(actor=org["staff_inn"], name="fault", days=1)[1], quota


def test_workers_killed_mid_burst_lose_nothing_acknowledged(org, server):
    token, quota = _setup(org)

    killed = []

    def kill_the_workers():
        # Every worker at once: with four clients sending without pause to three workers, requests are in
        # flight (one worker alone may be caught between two requests).
        workers = _workers(server.pid)
        for pid in workers:
            os.kill(pid, signal.SIGKILL)
        killed.append(workers)

    retries = []
    acknowledged = _burst(server, token, quota.pk, kill_the_workers, retries)
    assert len(killed) == 2 and all(killed)
    assert retries  # requests in flight died with their worker and were sent again
    _check_exactly_once(acknowledged)
    quota.refresh_from_db()
    assert quota.frozen == Decimal("10.00") * len(acknowledged)


@requires_postgres()
def test_database_connections_cut_mid_burst_lose_nothing_acknowledged(org, server):
    token, quota = _setup(org)
    name = connection.settings_dict["NAME"]

    cut = []

    def cut_connections():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            cut.extend(row[0] for row in cursor.fetchall())

    acknowledged = _burst(server, token, quota.pk, cut_connections, [])
    assert any(cut)  # the server's connections were cut
    _check_exactly_once(acknowledged)
    quota.refresh_from_db()
    assert quota.frozen == Decimal("10.00") * len(acknowledged)
