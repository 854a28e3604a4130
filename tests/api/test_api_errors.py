"""Every API error answers `{"message", "extra"}` with its status, whoever produced it; a database outage is a
503 (JSON for the API, a friendly page for pages), never a 500."""

import json
import socket

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.test import Client

from center.accounts import services
from tests.conftest import requires_postgres

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(org):
    return services.api_token_create(actor=org["director"], name="t", days=1)[1]


def _shaped(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "extra"} and body["message"], body
    return body


def test_unknown_api_path_is_404_json(token):
    for path in ("/api/v1/nothing", "/api/v1/control/nothing/else", "/api/v2/me"):
        body = _shaped(Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}"), 404)
        assert body["message"] == "接口或对象不存在。"
    _shaped(Client().get("/api/v1/nothing"), 404)  # unknown path, anonymous: still JSON


def test_wrong_method_is_405_json_with_allow(token):
    response = Client().get("/api/v1/accounts/delegations/1/revoke", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert _shaped(response, 405)["message"] == "此接口不支持该请求方法。"
    assert "POST" in response["Allow"]
    _shaped(Client().delete("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}"), 405)


def test_401_and_403_are_json(org, token):
    _shaped(Client().get("/api/v1/me"), 401)
    _shaped(Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer szt_wrong"), 401)
    _shaped(Client().get("/api/v1/me", HTTP_AUTHORIZATION="Basic abc"), 401)
    staff = services.api_token_create(actor=org["staff_gen"], name="t", days=1)[1]
    _shaped(Client().get("/api/v1/audit", HTTP_AUTHORIZATION=f"Bearer {staff}"), 403)
    c = Client(enforce_csrf_checks=True)
    c.force_login(org["head_exp"])
    n = org["head_exp"].notifications.create(title="测试")
    body = _shaped(c.post(f"/api/v1/notifications/{n.pk}/read"), 403)
    assert "CSRF" in body["message"]


def test_422_validation_error_lists_the_errors(token):
    response = Client().post(
        "/api/v1/accounts/delegations",
        json.dumps({"delegate_id": "abc"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    body = _shaped(response, 422)
    assert body["extra"]["errors"] and body["message"] == "请求数据无效。"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/delegations",
        "/api/v1/accounts/delegations/999999/revoke",
        "/api/v1/control/applications",
        "/api/v1/control/applications/999999/actions",
        "/api/v1/experts/draws/verify",
        "/api/v1/notifications/999999/read",
    ],
)
@pytest.mark.parametrize("body", ["{bad", '{"a": 1', "\x00", "[1, 2", '"\\ud800'])
def test_malformed_json_is_400_never_404(token, path, body):
    response = Client().post(
        path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code in (400, 422)
    _shaped(response, response.status_code)


def test_a_delete_body_is_ignored_whatever_it_holds(org, token):
    """HTTP gives a DELETE body no meaning (some clients send junk, Django's test client sends "None")."""
    response = Client().delete(
        "/api/v1/control/config/standards/999999",
        "None",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code in (403, 404)


def test_a_malformed_body_says_so(token):
    response = Client().post(
        "/api/v1/accounts/delegations",
        "{bad",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert _shaped(response, 400)["message"] == "请求体不是有效的 JSON。"


def test_an_unexpected_error_is_500_json_for_the_api_and_the_page_for_pages(settings, org):
    settings.ROOT_URLCONF = "tests.api.boom_urls"
    c = Client(raise_request_exception=False)
    body = _shaped(c.get("/api/v1/boom"), 500)
    assert body == {"message": "系统出现错误，已记录。请稍后重试。", "extra": {}}
    page = c.get("/boom/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def _database_gone(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly")


def test_database_outage_is_503_json_for_the_api(token):
    c = Client(raise_request_exception=False)
    with connection.execute_wrapper(_database_gone):
        response = c.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    body = _shaped(response, 503)
    assert body == {"message": "系统暂时无法访问数据库，请稍后重试。", "extra": {"retry": True}}
    assert response["Retry-After"] == "30"


def test_database_outage_is_a_friendly_503_page(org):
    c = Client(raise_request_exception=False)
    c.force_login(org["staff_gen"])
    with connection.execute_wrapper(_database_gone):
        response = c.get("/")
        workbench = c.get("/workbench/")
    for r in (response, workbench):
        assert r.status_code == 503 and r["Content-Type"].startswith("text/html")
        assert "系统暂时无法访问数据库" in r.content.decode() and "<title>" in r.content.decode()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@requires_postgres()
@pytest.mark.django_db(transaction=True)
def test_database_server_unreachable_is_503_not_500():
    """The real thing on PostgreSQL: the connection is closed and pointed at a port nobody listens on."""
    user = get_user_model().objects.create(username="u1", full_name="某人")
    c = Client(raise_request_exception=False)
    c.force_login(user)
    saved = connection.settings_dict["HOST"], connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", _closed_port()
    try:
        api = Client(raise_request_exception=False).get("/api/v1/me", HTTP_AUTHORIZATION="Bearer szt_x")
        page = c.get("/workbench/")
    finally:
        connection.close()
        connection.settings_dict["HOST"], connection.settings_dict["PORT"] = saved
    _shaped(api, 503)
    assert page.status_code == 503 and "系统暂时无法访问数据库" in page.content.decode()


@pytest.mark.parametrize(
    "record, words",
    [({"pool": []}, "记录不完整：缺少"), ({"pool_hash": 5, "params": "x", "seed": None}, "记录不完整")],
)
def test_a_draw_record_that_cannot_be_read_is_explained_without_program_text(token, record, words):
    response = Client().post(
        "/api/v1/experts/draws/verify",
        json.dumps(record),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    message = response.json()["message"]
    assert words in message and "Error" not in message and "'" not in message
