"""The OpenAPI contract: what the document promises (error answers, the Idempotency-Key header, a schema for
every answer) and a fuzzer (schemathesis) that checks the running API keeps those promises."""

import ast
import json
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from center.accounts import services
from center.api.urls import ERROR_RESPONSES, api
from center.core.idempotency import _KEY

ROOT = Path(__file__).resolve().parents[2]
ERROR_CODES = {str(s) for s in ERROR_RESPONSES}
assert {"400", "401", "403", "404", "409", "422", "503"} == ERROR_CODES
METHODS = {"get", "put", "post", "delete", "patch"}


def _document() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema()))  # as a client reads it: status codes as strings


def _operations(doc):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def _views_reading_the_key() -> set[str]:
    """operationIds of the views whose body calls `answer_once` (directly or through `_act`): the ones that read
    the Idempotency-Key header. Read from the source, so a new write cannot be forgotten in the document."""
    found = set()
    for module in ("control", "control_config"):
        tree = ast.parse((ROOT / "center" / "api" / f"{module}.py").read_text())
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or not node.decorator_list:
                continue
            called = {
                c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)
            }
            if called & {"answer_once", "_act"} and node.name not in {"answer_once", "_act"}:
                found.add(f"center_api_{module}_{node.name}")
    return found


def test_every_operation_documents_the_error_answers():
    doc = _document()
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["message", "extra"]
    assert (
        error["properties"]["message"]["type"] == "string"
        and error["properties"]["extra"]["type"] == "object"
    )
    operations = list(_operations(doc))
    assert len(operations) > 40
    for path, method, operation in operations:
        missing = ERROR_CODES - set(operation["responses"])
        assert not missing, (method, path, missing)
        for code in ERROR_CODES:
            schema = operation["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, code)


def test_every_operation_documents_its_success_answer():
    for path, method, operation in _operations(_document()):
        success = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        assert success, (method, path)
        for code, response in success.items():
            if code != "204":
                assert response["content"]["application/json"]["schema"], (method, path, code)


def test_idempotency_key_is_documented_on_exactly_the_operations_that_read_it():
    readers = _views_reading_the_key()
    assert len(readers) >= 16  # ten budget-control writes, six configuration writes
    documented = set()
    for path, method, operation in _operations(_document()):
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        if any(p["name"] == "Idempotency-Key" for p in headers):
            documented.add(operation["operationId"])
            (param,) = headers
            assert param["required"] is False
            assert param["schema"] == {"type": "string", "pattern": _KEY.pattern}, (method, path)
    assert documented == readers


@pytest.mark.django_db
@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/v1/control/applications/999999/withdraw"),
        ("put", "/api/v1/control/config/settings/2026"),
        ("post", "/api/v1/budget/999999/publish"),
        ("post", "/api/v1/events/999999/checkin"),
    ],
)
def test_a_malformed_body_is_400_never_404(org, method, path):
    token = services.api_token_create(actor=org["finance"], name="t", days=1)[1]
    response = getattr(Client(), method)(
        path, "{bad", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400, response.content[:300]
    assert set(response.json()) == {"message", "extra"}


@pytest.mark.django_db
def test_a_draw_record_that_is_not_one_is_400_not_404(org):
    """Found by the fuzzer: a well-formed JSON body that is no draw record answered 404 (as if a URL were wrong)."""
    token = services.api_token_create(actor=org["finance"], name="t", days=1)[1]
    for record in ({}, {"params": 1}, {"params": {}, "pool": "x", "pool_hash": 3}):
        response = Client().post(
            "/api/v1/experts/draws/verify",
            json.dumps(record),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 400, response.content[:300]
        assert response.json()["extra"] == {"field": "record"}


# --- the fuzzer ---------------------------------------------------------------------------------------------

MAX_EXAMPLES = 6
BUDGET_SECONDS = 150  # per database; the run stops generating when it is spent and says so
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _fuzz(operation, mode, base_url, session, statuses: Counter):
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(mode))
    def run(case):
        response = case.call_and_validate(base_url=base_url, session=session, checks=CHECKS, timeout=30)
        statuses[response.status_code] += 1

    return run


@pytest.mark.django_db(transaction=True)
def test_fuzz_the_api_against_its_document(org, live_server):
    """Every documented operation, a few generated requests each, as a finance user with broad rights: no 5xx,
    every status documented, every answer matching its schema."""
    token = services.api_token_create(actor=org["finance"], name="fuzz", days=1)[1]
    doc = _document()
    schema = schemathesis.openapi.from_dict(doc)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    failures, seen, statuses, started = [], 0, Counter(), time.monotonic()

    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            if time.monotonic() - started > BUDGET_SECONDS:
                failures.append(f"time budget spent before {operation.label}")
                break

            declared = doc["paths"][operation.path][operation.method.lower()]
            # negative data needs something to break: a parameter or a body
            modes = [GenerationMode.POSITIVE]
            if declared.get("parameters") or declared.get("requestBody"):
                modes.append(GenerationMode.NEGATIVE)
            for mode in modes:
                try:
                    _fuzz(operation, mode, live_server.url, session, statuses)()
                except Exception as exc:  # noqa: BLE001 (collect every operation's failure, then report them all)
                    failures.append(f"{operation.label} ({mode}): {str(exc)[:1500]}")
            seen += 1
    finally:
        session.close()  # the live server's thread lets its database connection go (PostgreSQL drops the db)

    print(
        f"fuzzed {seen} operations in {time.monotonic() - started:.0f}s; answers: {dict(sorted(statuses.items()))}"
    )
    assert seen > 40
    assert sum(n for code, n in statuses.items() if code < 300) > 20  # the token works: not all refusals
    assert not failures, "\n\n".join(failures)
