"""Every URL pattern × every role: declared, and answering as the Center's rules say (default deny)."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from center.api.urls import api
from tests.url_roles import EXPECTATIONS
from tests.url_walk import ACCOUNTS, allowed, build_objects, url_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(org):
    return build_objects(org)


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            yield from _walk(p.url_patterns, prefix + ns)
        elif isinstance(p, URLPattern):
            yield (prefix + p.name if p.name else None), p


def _named_page_patterns():
    for name, pattern in _walk(get_resolver().url_patterns):
        if name and name.startswith("api:") and name != "api:api-root":
            continue  # API operations are checked per operation below
        yield name, pattern


def test_every_url_declares_an_access_policy():
    undeclared = [
        str(p.pattern)
        for _name, p in _walk(get_resolver().url_patterns)
        if not hasattr(p.callback, "access_policy")
    ]
    assert undeclared == []


def test_every_page_has_an_expectation():
    names = {("api_docs" if name in {"api:openapi-view"} else name) for name, _p in _named_page_patterns()}
    names.discard("api:openapi-json")
    names.discard("api:api-root")
    names.discard(None)
    missing = sorted(names - set(EXPECTATIONS))
    assert missing == [], f"pages without a line in tests/url_roles.py: {missing}"


def test_every_api_operation_declares_a_policy():
    missing = []
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                if not hasattr(op.view_func, "access_policy"):
                    missing.append(f"{op.methods} {path}")
    assert missing == []


def test_url_matrix(org, objects):
    """Every URL as every account (and anonymously). One test over all accounts: the objects of every area
    are built once (GET requests change no business data, so one walk cannot affect the next)."""
    failures = []
    for account in [None, *ACCOUNTS]:
        failures += _walk_as(org, objects, account)
    assert failures == []


def _walk_as(org, objects, account) -> list[str]:
    user = org[account] if account else None
    client = Client()
    if user:
        client.force_login(user)
    failures = []
    for name, spec in EXPECTATIONS.items():
        url = url_for(name, spec, objects)
        response = client.get(url)
        code = response.status_code
        if allowed(spec, user):
            sees = spec.get("sees")
            if sees is not None and account not in sees:
                ok = code == 404
                expected = "404 (another department's object)"
            else:
                ok = code not in (401, 403, 404) and not (
                    code == 302 and "/accounts/login/" in response.get("Location", "")
                )
                expected = "allowed"
        elif user is None:
            ok = code == 302 and "/accounts/login/" in response["Location"]
            expected = "redirect to login"
        else:
            ok = code == 403
            expected = "403"
        if not ok:
            failures.append(f"{name} as {account or 'anonymous'}: got {code}, expected {expected}")
        elif code == 200 and response.get("Content-Type", "").startswith("text/html"):
            problem = _page_problem(response.content.decode())
            if problem:
                failures.append(f"{name} as {account or 'anonymous'}: {problem}")
    return failures


def _page_problem(html: str) -> str:
    """A page that renders but is broken: no title, or markup inside it (a template block left open)."""
    if "<title>" not in html:
        return "no <title>"
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    if "<" in title or not title.strip():
        return f"broken <title>: {title[:80]!r}"
    return ""


def test_denied_access_is_audited(client_for):
    from center.core.models import AuditEntry

    client_for("expert").get(reverse("core:workbench"))  # allowed: signed in
    response = client_for("expert").get(reverse("core:audit_list"))
    assert response.status_code == 403
    entry = AuditEntry.objects.filter(action="security.access.denied").first()
    assert entry.actor.username == "expert" and entry.extra["path"] == "/audit/"
