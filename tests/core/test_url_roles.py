"""Every URL pattern × every role: declared, and answering as the Center's rules say (default deny)."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from center.api.urls import api
from center.core.files import attachment_create
from tests.url_roles import AREA_OBJECT_FACTORIES, EXPECTATIONS

pytestmark = pytest.mark.django_db

# One account per role, plus both kinds of external account and the anonymous visitor.
ACCOUNTS = [
    "director",
    "deputy1",
    "head_gen",
    "head_exp",
    "finance",
    "cashier",
    "auditor",
    "staff_gen",
    "staff_exp",
    "sysadmin",
    "expert",
    "orgcontact",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


def _allowed(spec, user) -> bool:
    audience = spec["audience"]
    if audience == "public":
        return True
    if user is None:
        return False
    if audience == "signed_in":
        return True
    if audience == "external":
        return user.is_external
    if not user.is_staff_account:
        return False
    roles = spec.get("roles")
    return roles is None or bool(user.role_codes & roles)


@pytest.fixture
def objects(org):
    exp_attachment = attachment_create(actor=org["staff_exp"], name="会议纪要.pdf", data=PDF)
    found = {
        "exp_attachment": {"pk": exp_attachment.pk},
        "any_pk": {"pk": 999999},
        "staff_user": {"pk": org["staff_gen"].pk},
        "uid_token": {"uidb64": "MQ", "token": "not-a-token"},  # a stale one-time link
    }
    for factory in AREA_OBJECT_FACTORIES:
        found.update(factory(org))
    return found


def _reverse(name, spec, objects):
    if name == "api_docs":
        return reverse("api:openapi-view")
    return reverse(name, kwargs=objects[spec["kwargs"]] if "kwargs" in spec else None)


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
        url = _reverse(name, spec, objects)
        response = client.get(url)
        code = response.status_code
        if _allowed(spec, user):
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
