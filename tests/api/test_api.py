import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from center.accounts import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_for(org):
    def make(username):
        return services.api_token_create(actor=org[username], name="t", days=1)[1]

    return make


def _get(path, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(path, **headers)


def test_unauthenticated_gets_401_json(org):
    response = _get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.json()) == {"message", "extra"}


def test_me_and_departments(token_for):
    t = token_for("head_exp")
    me = _get("/api/v1/me", t).json()
    assert me["roles"] == ["dept_head"] and me["department"] == "专家服务部"
    depts = _get("/api/v1/accounts/departments", t).json()
    assert [d["code"] for d in depts] == ["GEN", "EXP", "INN", "EXC"]


def test_same_permission_rules_as_pages(token_for):
    assert _get("/api/v1/audit", token_for("auditor")).status_code == 200
    denied = _get("/api/v1/audit", token_for("staff_gen"))
    assert denied.status_code == 403 and "message" in denied.json()
    assert _get("/api/v1/accounts/departments", token_for("expert")).status_code == 403


def test_application_error_is_json_with_4xx(org, token_for):
    t = token_for("head_exp")
    now = timezone.now()
    payload = {
        "delegate_id": org["head_exp"].pk,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
        "reason": "出差",
    }
    response = Client().post(
        "/api/v1/accounts/delegations",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {t}",
    )
    assert response.status_code == 400
    assert response.json() == {"message": "不能委托给自己。", "extra": {"field": "delegate"}}


def test_validation_error_is_json_422(token_for):
    response = Client().post(
        "/api/v1/accounts/delegations",
        json.dumps({"delegate_id": "abc"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for('head_exp')}",
    )
    assert response.status_code == 422 and response.json()["message"]


def test_english_errors_on_request(org):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me")
    assert response.json()["message"] == "Sign in or send a valid API token."


def test_session_api_needs_csrf(org):
    c = Client(enforce_csrf_checks=True)
    c.force_login(org["head_exp"])
    n = org["head_exp"].notifications.create(title="测试")
    assert c.post(f"/api/v1/notifications/{n.pk}/read").status_code == 403
    assert c.get("/api/v1/notifications").status_code == 200


def test_another_users_notification_is_404(org, token_for):
    n = org["head_exp"].notifications.create(title="私人")
    response = Client().post(
        f"/api/v1/notifications/{n.pk}/read", HTTP_AUTHORIZATION=f"Bearer {token_for('head_inn')}"
    )
    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_openapi_docs_are_local(client_for):
    page = client_for("staff_gen").get("/api/v1/docs").content.decode()
    assert "cdn" not in page.lower() and "/static/ninja/" in page
    assert client_for("staff_gen").get("/api/docs").status_code == 302


def test_token_refused_once_expired_revoked_or_its_user_inactive(org, token_for):
    from center.accounts.models import ApiToken, User

    for spoil in ("expired", "revoked", "inactive"):
        token = token_for("head_exp")
        assert _get("/api/v1/me", token).status_code == 200
        obj = ApiToken.objects.get(token_hash=services._hash_token(token))
        if spoil == "expired":
            ApiToken.objects.filter(pk=obj.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        elif spoil == "revoked":
            ApiToken.objects.filter(pk=obj.pk).update(revoked_at=timezone.now())
        else:
            User.objects.filter(pk=obj.user_id).update(is_active=False)
        assert _get("/api/v1/me", token).status_code == 401, spoil
        User.objects.filter(pk=obj.user_id).update(is_active=True)
    assert _get("/api/v1/me", "szt_" + "x" * 43).status_code == 401


def test_token_use_is_recorded_at_most_every_five_minutes(org, token_for):
    from center.accounts.models import ApiToken

    token = token_for("head_exp")
    tokens = ApiToken.objects.filter(token_hash=services._hash_token(token))
    assert tokens.get().last_used_at is None
    _get("/api/v1/me", token)
    first = tokens.get().last_used_at
    assert first is not None
    _get("/api/v1/me", token)
    assert tokens.get().last_used_at == first  # no write on every request
    tokens.update(last_used_at=first - timedelta(minutes=6))
    _get("/api/v1/me", token)
    assert tokens.get().last_used_at > first


def test_token_user_comes_with_department_and_without_password(org, token_for, django_assert_num_queries):
    user = services.api_token_authenticate(token_for("head_exp"))
    assert user.pk == org["head_exp"].pk
    deputy_id = org["head_exp"].department.deputy_id
    with django_assert_num_queries(0):
        assert user.department.name == "专家服务部" and user.department.deputy_id == deputy_id
    assert "password" in user.get_deferred_fields() and "phone" in user.get_deferred_fields()
