"""Bad input on every page: a hostile query string on every URL, and every POST form of every page sent back
with hostile values in each of its fields, as an account the URL × role table allows. Whatever the page does
with it (a message on the form, a refusal page, a redirect), it never answers with a server error."""

import uuid
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client

from tests.url_roles import EXPECTATIONS
from tests.url_walk import ACCOUNTS, allowed, build_objects, url_for

pytestmark = pytest.mark.django_db

# Query parameters the list pages read (paging, filters, comparisons, search), all given nonsense.
HOSTILE_QUERY = {
    "page": "abc",
    "a": "x",
    "b": "-1",
    "year": "1e309",
    "q": "\u202e%_'\"",
    "sort": "__class__",
    "state": "zzz",
    "kind": "zzz",
    "type": "-7",
    "department": "abc",
    "dept": "99999999999999999999",
    "format": "../../etc/passwd",
}
# Each form is sent twice: once with text where numbers are expected, once with numbers no field accepts.
HOSTILE_VALUES = ["abc<b>", "-99999999999999999999.999"]
KEEP = {"csrfmiddlewaretoken", "idempotency_key"}
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")


class _PostForms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = None
            if (a.get("method") or "").lower() == "post":
                self._form = {"action": a.get("action") or "", "fields": {}}
                self.forms.append(self._form)
        elif (
            self._form is not None
            and tag in ("input", "select", "textarea", "button")
            and a.get("name")
            and (a.get("type") or "").lower() != "file"
        ):
            self._form["fields"].setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _accounts_for(spec, org):
    """Everyone who may open the page on its object (a reader and a writer see different forms)."""
    if spec["audience"] == "public":
        return [None]
    sees = spec.get("sees")
    return [a for a in ACCOUNTS if (sees is None or a in sees) and allowed(spec, org[a])]


def test_no_page_answers_hostile_input_with_a_server_error(org):
    objects = build_objects(org)
    clients: dict = {}
    failures, tried = [], set()
    for name, spec in EXPECTATIONS.items():
        url = url_for(name, spec, objects)
        for n, account in enumerate(_accounts_for(spec, org)):
            client = clients.get(account)
            if client is None:
                client = clients[account] = Client(raise_request_exception=False)
                if account:
                    client.force_login(org[account])
            if n == 0:
                response = client.get(url, HOSTILE_QUERY)
                if response.status_code >= 500:
                    failures.append(f"GET {url}?… as {account or 'anonymous'}: {response.status_code}")
            page = client.get(url)
            if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
                continue
            parser = _PostForms()
            parser.feed(page.content.decode())
            forms = []
            for form in parser.forms:
                signature = (form["action"] or url, tuple(sorted(form["fields"])))
                if signature not in tried:
                    tried.add(signature)
                    forms.append(form)
            # Whatever a form manages to change (a deactivated account, a withdrawn document) is undone before
            # the next page, so every page is tried on the same objects.
            with transaction.atomic():
                failures += _post_forms(client, forms, url, account)
                transaction.set_rollback(True)
    assert failures == []


def _post_forms(client, forms, url, account) -> list[str]:
    failures = []
    for n, form in enumerate(forms):
        action = form["action"] or url
        if urlsplit(action).netloc or action.startswith(SKIP_ACTIONS):
            continue
        for value in HOSTILE_VALUES:
            data = {k: (v if k in KEEP else value) for k, v in form["fields"].items()}
            data["idempotency_key"] = f"hostile-{n}-{HOSTILE_VALUES.index(value)}-{uuid.uuid4().hex}"
            answer = client.post(action, data)
            if answer.status_code >= 500:
                failures.append(
                    f"POST {action} (form of {url}) as {account or 'anonymous'} with {value!r}: {answer.status_code}"
                )
    return failures
