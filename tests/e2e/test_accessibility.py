"""WCAG 2.1 A/AA over the main pages of every area, as the right demo roles, in Chinese and English.

axe-core (tests/e2e/vendor/axe-core, served from disk: no CDN) runs in each page; any critical or serious
violation fails the test, and every one found is printed (page, language, rule, element, why). The pages run
on the demo data (`demo_seed`), the data a new user of the Center first sees.

The page's CSP forbids inline script, and Playwright injects axe as an inline script: the context of the axe run
(only it) bypasses CSP.
"""

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"critical", "serious"}
LANGUAGES = ["zh-hans", "en"]


def page_plan() -> list[tuple[str | None, list[tuple[str, str]]]]:
    """[(username or None for a visitor, [(what, path), …]), …] over the demo data."""
    from django.contrib.contenttypes.models import ContentType

    from center.assessment.models import Evaluation
    from center.budget.models import Budget
    from center.control.models import Application, ApprovalTask
    from center.events.models import Event
    from center.experts.models import RecruitmentCall
    from center.reviews.models import PublicNotice, ReviewRound, ScoreSheet

    budget = Budget.objects.order_by("-pk").first()
    evaluation = Evaluation.objects.order_by("pk").first()
    task = (
        ApprovalTask.objects.filter(
            state="pending", content_type=ContentType.objects.get_for_model(Application)
        )
        .select_related("assignee")
        .order_by("pk")
        .first()
    )
    event = Event.objects.filter(state="registration_open").order_by("pk").first()
    call = RecruitmentCall.objects.filter(state="published").order_by("pk").first()
    notice = PublicNotice.objects.order_by("-pk").first()
    rnd = ReviewRound.objects.order_by("pk").first()
    sheet = ScoreSheet.objects.select_related("assignment__expert__user").order_by("pk").first()
    # The scoring sheet as an expert sees it before submitting (the demo's sheets are all submitted).
    ScoreSheet.objects.filter(pk=sheet.pk).update(state="draft")
    # Experts drawn by the demo get their account through the invitation's set-password link; this one has
    # followed it.
    expert_user = sheet.assignment.expert.user
    expert_user.set_password("Center#2026")
    expert_user.is_active = True
    expert_user.save(update_fields=["password", "is_active"])
    return [
        (
            None,
            [
                ("home", "/"),
                ("login", "/accounts/login/"),
                ("public events", "/events/"),
                ("public event + registration form", f"/events/{event.pk}/"),
                ("public calendar", "/events/calendar/"),
                ("public recruitment call", f"/experts/public/calls/{call.pk}/"),
                ("public notice", f"/reviews/public/notices/{notice.pk}/"),
            ],
        ),
        (
            "staff_exp",
            [
                ("workbench", "/workbench/"),
                ("notifications", "/notifications/"),
                ("documents", "/control/documents/"),
                ("application form", "/control/applications/new/"),
                ("expert list", "/experts/"),
                ("review rounds", "/reviews/"),
                ("review round", f"/reviews/{rnd.pk}/"),
            ],
        ),
        (
            task.assignee.username,
            [
                ("approvals inbox", "/control/approvals/"),
                ("document with approval form", f"/control/applications/{task.object_id}/"),
            ],
        ),
        (
            "finance",
            [
                ("budget list", "/budget/"),
                ("budget overview", f"/budget/{budget.pk}/"),
                ("表7", f"/budget/{budget.pk}/tables/7/"),
                ("budget check", f"/budget/{budget.pk}/check/"),
                ("quota list", "/control/quotas/"),
                ("internal-control evaluations", "/assessment/"),
                ("internal-control evaluation", f"/assessment/{evaluation.pk}/"),
                ("hand score form", f"/assessment/{evaluation.pk}/items/1.3/"),
                ("internal-control report", f"/assessment/{evaluation.pk}/report/"),
            ],
        ),
        ("auditor", [("audit list", "/audit/")]),
        ("sysadmin", [("account list", "/accounts/users/")]),
        (
            "staff_exc",
            [
                ("event list", "/events/manage/"),
                ("event page", f"/events/manage/{event.pk}/"),
                ("check-in", f"/events/manage/{event.pk}/checkin/"),
                ("calendar", "/events/manage/calendar/"),
            ],
        ),
        ("expert", [("expert portal", "/experts/portal/")]),
        (sheet.assignment.expert.user.username, [("scoring sheet", f"/reviews/portal/sheets/{sheet.pk}/")]),
    ]


def axe_run(page) -> list[dict]:
    """The page's WCAG 2.1 A/AA violations as axe reports them."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
             const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
             return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
               nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                                        summary: n.failureSummary}))}));
           }""",
        WCAG_TAGS,
    )
    return result


def describe(where: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']} — {v['help']} ({len(v['nodes'])} elements)")
        for n in v["nodes"][:4]:
            why = " ".join((n["summary"] or "").split())[:300]
            lines.append(f"    {n['target']}  {n['html']}\n      {why}")
    return "\n".join(lines)


SQUEEZED_CELLS = """() => Array.from(document.querySelectorAll("main table td, main table th")).filter((c) => {
    // A cell narrower than three characters whose text runs over three lines or more.
    const st = getComputedStyle(c);
    const width = c.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    if (c.innerText.trim().length < 3 || width >= 3 * parseFloat(st.fontSize)) return false;
    const range = document.createRange();
    range.selectNodeContents(c);
    const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
    return lines.size >= 3;
  }).map((c) => c.innerText.trim().slice(0, 40))"""


def scan(chromium, base: str, plan, languages=LANGUAGES, width: int = 1280) -> tuple[list[str], int]:
    """Run axe over every planned page; answers (failing reports, pages checked). On a phone (width < 768) a
    table cell narrower than two and a half characters (Chinese broken one character per line) fails too."""
    failures, checked = [], 0
    host = base.split("//", 1)[1].split("/")[0].split(":")[0]
    for lang in languages:
        for username, pages in plan:
            context = chromium.new_context(
                viewport={"width": width, "height": 844 if width < 768 else 800},
                bypass_csp=True,
                locale="zh-CN",
            )
            context.add_cookies([{"name": "django_language", "value": lang, "domain": host, "path": "/"}])
            pg = context.new_page()
            pg.set_default_timeout(30000)
            pg.base = base
            if username:
                login(pg, username)
                assert "/accounts/login/" not in pg.url, f"{username} could not sign in"
            for what, path in pages:
                response = pg.goto(base + path)
                where = f"{what} ({path}, {username or 'visitor'}, {lang})"
                assert response.status < 400, f"{where} answered {response.status}"
                pg.wait_for_load_state("networkidle")
                expected = "en" if lang == "en" else "zh-CN"
                assert pg.locator("html").get_attribute("lang") == expected, where
                bad = [v for v in axe_run(pg) if v["impact"] in FAILING_IMPACTS]
                if bad:
                    failures.append(describe(where, bad))
                squeezed = pg.evaluate(SQUEEZED_CELLS) if width < 768 else []
                if squeezed:
                    failures.append(
                        f"{where}: {len(squeezed)} table cells squeezed on a phone: {squeezed[:5]}"
                    )
                checked += 1
            context.close()
    return failures, checked


def test_main_pages_have_no_serious_accessibility_violations(chromium, live_server, org):
    call_command("demo_seed", stdout=io.StringIO())
    plan = page_plan()
    failures, checked = scan(chromium, live_server.url, plan)
    assert checked == 2 * sum(len(pages) for _, pages in plan)
    report = "\n".join(failures)
    print(report)
    assert not failures, (
        f"axe found critical/serious WCAG 2.1 A/AA violations on {len(failures)} pages:\n{report}"
    )


def test_lists_on_a_phone_scroll_instead_of_squeezing(chromium, live_server, org):
    """390 px: the list pages of every area keep their cells readable (the table scrolls sideways, its first
    column stays) and every box that scrolls is reachable by keyboard (axe's scrollable-region-focusable)."""
    call_command("demo_seed", stdout=io.StringIO())
    lists = {"documents", "expert list", "review round", "quota list", "audit list", "account list",
             "event list", "approvals inbox", "budget check"}  # fmt: skip
    plan = [(u, [p for p in pages if p[0] in lists]) for u, pages in page_plan()]
    plan = [(u, pages) for u, pages in plan if pages]
    failures, checked = scan(chromium, live_server.url, plan, ["zh-hans", "en"], width=390)
    assert checked == 2 * len(lists)
    report = "\n".join(failures)
    print(report)
    assert not failures, f"Phone-width problems on {len(failures)} pages:\n{report}"


def test_axe_finds_what_it_should(chromium, live_server):
    """The check can fail: a page with low-contrast text and an unnamed button is reported."""
    context = chromium.new_context(bypass_csp=True)
    pg = context.new_page()
    pg.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<p style="color:#aaa;background:#fff">faint text</p><button><svg></svg></button></main></body></html>'
    )
    found = {v["id"]: v["impact"] for v in axe_run(pg)}
    context.close()
    assert found.get("color-contrast") == "serious", json.dumps(found)
    assert found.get("button-name") == "critical", json.dumps(found)
