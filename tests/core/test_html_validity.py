"""The main pages of every area are well-formed HTML that assistive technology can rely on.

No Java here, so not the Nu HTML Checker: html5lib (the WHATWG parsing algorithm) reports every parse error, and
the tree is checked for what the checker found on these pages and what screen readers depend on:
- block content (div, p, lists, tables, headings) inside phrasing elements (span, label, button, small, …);
- `inputmode` values outside the HTML list;
- htmx attributes written as `hx-*` (not valid HTML) instead of `data-hx-*`;
- ids: unique, and every `aria-describedby` / `aria-labelledby` / `aria-controls` / `label[for]` points to one;
- headings that jump down more than one level (h1 → h3).
Same pages, roles and languages as the axe run (tests/e2e/test_accessibility.py).
"""

import io

import html5lib
import pytest
from django.core.management import call_command
from django.test import Client

from center.accounts.models import User
from tests.e2e.test_accessibility import LANGUAGES, page_plan

INPUTMODES = {"none", "text", "decimal", "numeric", "tel", "search", "email", "url"}
PHRASING = {"span", "label", "button", "small", "strong", "em", "b", "i", "code", "abbr", "time", "legend"}
BLOCK = {"div", "p", "ul", "ol", "dl", "table", "section", "article", "form", "fieldset", "h1", "h2", "h3", "h4",
         "h5", "h6", "header", "footer", "nav", "aside", "main", "blockquote", "pre", "hr", "figure"}  # fmt: skip
ID_REFS = ("aria-describedby", "aria-labelledby", "aria-controls")
NS = "{http://www.w3.org/1999/xhtml}"
# html5lib (2020) still reports a bare "&" before a space ("S&T Center"), which today's HTML standard allows
# (only "&name;"-like text is an ambiguous ampersand).
TOLERATED = {"expected-named-entity"}


def problems(html: str) -> list[str]:
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=True)
    root = parser.parse(html)
    found = [
        f"parse error line {line}:{col}: {code} {vars or ''}"
        for (line, col), code, vars in parser.errors
        if code not in TOLERATED
    ]
    elements = list(root.iter())
    tag = lambda el: el.tag.replace(NS, "") if isinstance(el.tag, str) else ""  # noqa: E731
    ids: dict[str, int] = {}
    for el in elements:
        if el.get("id"):
            ids[el.get("id")] = ids.get(el.get("id"), 0) + 1
    found += [f'duplicate id="{i}" ({n} times)' for i, n in ids.items() if n > 1]
    parents = {child: el for el in elements for child in el}
    last_heading = 0
    for el in elements:
        name = tag(el)
        snippet = f"<{name} {' '.join(f'{k}={v!r}' for k, v in list(el.attrib.items())[:3])}>"
        if name in BLOCK:
            p = parents.get(el)
            while p is not None and tag(p) not in PHRASING and tag(p) not in BLOCK | {"a", "td", "th", "li"}:
                p = parents.get(p)
            if p is not None and tag(p) in PHRASING:
                found.append(f"{snippet} inside <{tag(p)}> (block content in a phrasing element)")
        if el.get("inputmode") is not None and el.get("inputmode") not in INPUTMODES:
            found.append(f'{snippet}: inputmode="{el.get("inputmode")}" is not an HTML value')
        found += [f"{snippet}: attribute {a} (write data-{a})" for a in el.attrib if a.startswith("hx-")]
        for attr in ID_REFS:
            for ref in (el.get(attr) or "").split():
                if ref not in ids:
                    found.append(f'{snippet}: {attr}="{ref}" names no element')
        if name == "label" and el.get("for") and el.get("for") not in ids:
            found.append(f'{snippet}: for="{el.get("for")}" names no element')
        if len(name) == 2 and name[0] == "h" and name[1].isdigit() and _inside(el, "main", parents, tag):
            level = int(name[1])
            if last_heading and level > last_heading + 1:
                found.append(f"<{name}> after <h{last_heading}> (heading levels skipped)")
            last_heading = level
    return found


def _inside(el, name: str, parents: dict, tag) -> bool:
    while el is not None:
        if tag(el) == name:
            return True
        el = parents.get(el)
    return False


def test_the_checks_can_fail():
    bad = (
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>a</h1><h3>b</h3>'
        '<span><div>x</div></span><input inputmode="latin" aria-describedby="nowhere" hx-get="/">'
        '<p id="d"></p><p id="d"></p><label for="gone">l</label></b></main></body></html>'
    )
    text = "\n".join(problems(bad))
    for expected in (
        "skipped",
        "inside <span>",
        "inputmode",
        "nowhere",
        "hx-get",
        "duplicate id",
        "gone",
        "parse",
    ):
        assert expected in text, (expected, text)
    good = '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>a</h1></main></body></html>'
    assert problems(good) == []


@pytest.mark.django_db
def test_main_pages_are_valid_html(org):
    call_command("demo_seed", stdout=io.StringIO())
    report = []
    for lang in LANGUAGES:
        for username, pages in page_plan():
            client = Client()
            client.cookies["django_language"] = lang
            if username:
                client.force_login(User.objects.get(username=username))
            for what, path in pages:
                response = client.get(path)
                assert response.status_code == 200, (
                    f"{what} {path} ({username}, {lang}): {response.status_code}"
                )
                report += [f"{what} ({path}, {lang}): {p}" for p in problems(response.content.decode())]
    assert not report, "HTML problems on the main pages:\n" + "\n".join(report)


@pytest.mark.django_db
def test_a_refused_form_ties_its_errors_to_the_fields(org):
    """The shared form template gives each error and help text the id the field's aria-describedby names."""
    from datetime import timedelta

    from django.utils import timezone

    from center.events import services
    from center.events.enums import EventState
    from center.events.models import Event, EventType

    start = timezone.now() + timedelta(days=3)
    event = services.event_create(
        actor=org["staff_exc"],
        type=EventType.objects.get_or_create(code="seminar", defaults={"name": "学术研讨会"})[0],
        title="深港澳青年科学家研讨会",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=30,
    )
    Event.objects.filter(pk=event.pk).update(state=EventState.REGISTRATION_OPEN)
    html = Client().post(f"/events/{event.pk}/", {"name": "", "email": "not-an-address"}).content.decode()
    assert 'aria-invalid="true" aria-describedby="id_name_error"' in html
    assert 'id="id_name_error"' in html and 'id="id_email_error"' in html
    assert problems(html) == []
