"""Text no person types: NUL, other control characters and lone surrogates are refused with a 400 in one
place (center.core.hygiene) for query strings, form posts and JSON bodies — never a 500 from the database."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from center.accounts import services as accounts
from center.api.urls import api
from center.core.hygiene import refused_text
from tests.url_roles import EXPECTATIONS
from tests.url_walk import ACCOUNTS, allowed, build_objects, url_for

pytestmark = pytest.mark.django_db

# Every query parameter a page or API operation reads (grep "request.GET" and the API's query arguments):
# each is sent with a NUL so that a page which passes one on to the database would fail without the guard.
QUERY_PARAMS = (
    "q",
    "state",
    "department",
    "expert",
    "year",
    "month",
    "view",
    "type",
    "kind",
    "near",
    "mine",
    "part",
    "action",
    "actor",
    "target",
    "outcome",
    "since",
    "until",
    "discipline",
    "title_level",
    "region",
    "status",
    "available",
    "contacts",
    "field",
    "application",
    "functional",
    "economic",
    "project",
    "source",
    "source_group",
    "gov",
    "page",
    "unread",
    "limit",
)
NUL_QUERY = "&".join(f"{p}=%00" for p in QUERY_PARAMS)
# The search and filter pages (the ones that gave a 500 on PostgreSQL); the walk below must include them.
SEARCH_PAGES = {
    "accounts:user_list",
    "core:audit_list",
    "core:audit_export",
    "experts:expert_list",
    "events:manage_list",
    "events:registrations",
    "control:application_list",
    "control:quota_list",
    "budget:drill",
    "reviews:draw_detail",
}


@pytest.mark.parametrize(
    "text",
    ["a\x00b", "\x01", "\x07bell", "\x1b[31m", "\x7f", "\x85", "lone \ud800", "\udfff", "x\x0bx", "\x0c"],
)
def test_control_characters_and_lone_surrogates_are_refused(text):
    assert refused_text(text)


@pytest.mark.parametrize("text", ["", "普通文本", "tab\tnew\nline\r\n", "emoji 😀", "１００", "a%00b"])
def test_ordinary_text_passes(text):
    assert not refused_text(text)


def _pages():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + (f"{p.namespace}:" if p.namespace else ""))
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + p.name

    names = set(walk(get_resolver().url_patterns))
    return sorted(n for n in EXPECTATIONS if n in names or n == "api_docs")


def test_every_page_refuses_a_nul_in_its_query_string_with_400(org):
    objects = build_objects(org)
    clients: dict = {}
    walked, failures = set(), []
    for name in _pages():
        spec = EXPECTATIONS[name]
        account = next((a for a in ACCOUNTS if allowed(spec, org[a]) and a in spec.get("sees", {a})), None)
        if spec["audience"] == "public":
            account = None
        if account not in clients:
            clients[account] = Client()
            if account:
                clients[account].force_login(org[account])
        url = url_for(name, spec, objects)
        response = clients[account].get(f"{url}?{NUL_QUERY}")
        walked.add(name)
        text = response.json()["message"] if url.startswith("/api/") else response.content.decode()
        if response.status_code != 400 or "请求中含有无法识别的字符" not in text:
            failures.append(f"{name} as {account}: {response.status_code}")
    assert walked >= SEARCH_PAGES
    assert failures == []


def _api_get_paths():
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            if "{" in path:
                continue
            for op in path_view.operations:
                if "GET" in op.methods:
                    yield "/api/v1" + (prefix.rstrip("/") + "/" + path.lstrip("/")).replace("//", "/")


def test_every_api_get_refuses_a_nul_in_its_query_string_with_400_json(org):
    token = accounts.api_token_create(actor=org["director"], name="t", days=1)[1]
    paths = sorted(set(_api_get_paths()))
    assert {"/api/v1/audit", "/api/v1/events/", "/api/v1/experts/search"} <= set(paths)
    for path in paths:
        response = Client().get(f"{path}?{NUL_QUERY}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 400, path
        body = response.json()
        assert set(body) == {"message", "extra"} and body["extra"] == {"field": "q"}, path


@pytest.mark.parametrize("reason", ["a\u0000b", "\ud800", "x\udc00y", "\u001b"])
def test_api_json_text_with_nul_or_lone_surrogate_is_400_json(org, reason):
    token = accounts.api_token_create(actor=org["head_exp"], name="t", days=1)[1]
    now = timezone.now()
    body = json.dumps(
        {
            "delegate_id": org["head_inn"].pk,
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(days=1)).isoformat(),
            "reason": reason,
        }
    )
    assert "\\u" in body  # sent as JSON escapes, as a client library would
    response = Client().post(
        "/api/v1/accounts/delegations",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json() == {
        "message": "请求中含有无法识别的字符（如控制字符），请删除后重试。",
        "extra": {"field": "reason"},
    }
    assert not org["head_exp"].delegations_given.exists()


def test_api_json_keys_and_nested_values_are_checked_too(org):
    token = accounts.api_token_create(actor=org["director"], name="t", days=1)[1]
    for body in ('{"a\\u0000": 1}', '{"items": [{"name": "ok"}, {"name": "\\ud83d"}]}'):
        response = Client().post(
            "/api/v1/experts/draws/verify",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 400 and set(response.json()) == {"message", "extra"}


def test_a_form_post_with_a_nul_is_a_friendly_400_page(org, client_for):
    c = client_for("head_exp")
    now = timezone.localtime()
    response = c.post(
        reverse("accounts:delegations"),
        {
            "delegate": org["head_inn"].pk,
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "出差\x00",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请求中含有无法识别的字符" in page and "<title>" in page
    assert not org["head_exp"].delegations_given.exists()


def test_english_message_on_request(org):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/?next=%00")
    assert response.status_code == 400
    assert "The request contains characters that cannot be accepted" in response.content.decode()


def test_tabs_and_newlines_in_text_still_pass(org, client_for):
    response = client_for("auditor").get(reverse("core:audit_list") + "?q=a%09b%0D%0Ac")
    assert response.status_code == 200
