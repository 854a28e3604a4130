"""English pages are in English: the main pages of every area, fetched in English (staff pages as a role that
sees them, public pages anonymously), may hold only a few Chinese characters outside the allowance.

The allowance (what may stay Chinese on an English page, because it is data as registered, not words of ours):
1. text inside an element marked `lang="zh…"` — personal names, organisation names and titles someone typed
   are marked `lang="zh-CN"` where they are printed (also what a screen reader needs to pronounce them);
2. the names of people and organisations as registered: staff and experts' names, organisations (experts'
   employers, applicant organisations), the Center's own name and its superior department's;
3. what people wrote: titles and bodies of documents, events, rounds and applications, comments, answers —
   the fields listed in FREE_TEXT, found in the database, are taken out before counting.
What remains — labels, headings, buttons, reference and configuration names (disciplines, departments, roles,
steps, flows, standards, quotas, indicators, catalogue names, criteria) — must be English: at most
`THRESHOLD` CJK characters per page (a stray punctuation-width character or a Chinese unit in a figure).
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
THRESHOLD = 12  # per page, outside the allowance
SKIP_TAGS = {"script", "style", "template"}
ATTRS = ("title", "placeholder", "aria-label", "alt")


class _Text(HTMLParser):
    """Visible text and labelling attributes, without what sits inside an element marked lang="zh…"."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.parts: list[str] = []

    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        skipped = tag in SKIP_TAGS or (a.get("lang") or "").lower().startswith("zh")
        if not skipped and not self._skipping():
            self.parts.extend(a[k] for k in ATTRS if a.get(k))
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.parts.append(a["value"])
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    # the <head>'s <title> is text too; the parser saw it as data
    return "\n".join(parser.parts)


def chinese_outside_allowance(html: str, allowed: list[str]) -> str:
    """The CJK characters of the page's text once the allowed strings (longest first) are taken out."""
    text = page_text(html)
    for s in allowed:
        if s and s in text:
            text = text.replace(s, " ")
    return "".join(CJK.findall(text))


def allowed_strings() -> list[str]:
    """Names as registered and text people wrote (see the module docstring), longest first."""
    from django.apps import apps

    out: set[str] = set()
    for label, fields in FREE_TEXT.items():
        model = apps.get_model(label)
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if isinstance(value, str) and CJK.search(value):
                    out.add(value.strip())
                    out.update(p.strip() for p in re.split(r"[\n\r]+", value) if p.strip())
    return sorted(out, key=len, reverse=True)


FREE_TEXT = {
    # people and organisations as registered
    "accounts.user": ["full_name", "position"],
    "accounts.unit": ["name", "parent_name"],
    "experts.expert": ["name", "title", "keywords"],
    "experts.organisation": ["name"],
    "experts.expertrelation": ["other_name"],
    "events.registration": ["name", "organisation"],
    "events.roadshowapplication": ["project_name", "contact_name", "company", "summary"],
    "events.roadshowinvestor": ["name", "organisation"],
    "reviews.applicationparty": ["name"],
    # what people wrote
    "control.application": ["title", "purpose"],
    "control.reimbursement": ["title"],
    "control.advance": ["title"],
    "control.approvaltask": ["comment"],
    "control.adjustment": ["reason"],
    "events.event": ["title", "summary", "venue", "co_organisers", "report_summary", "report_outcomes"],
    "events.eventcostline": ["name"],
    "events.surveyquestion": ["text"],
    "experts.recruitmentcall": ["title", "body"],
    "experts.committeeactivity": ["title"],
    "reviews.reviewgroup": ["name"],
    "reviews.application": ["title"],
    "reviews.publicnotice": ["title", "body", "change_note"],
    "reviews.flag": ["note"],
    "reviews.objection": ["name", "content", "text", "answer"],
    "reviews.reviewround": ["title", "budget_item_ref"],
    "core.notification": ["body"],
    "core.attachment": ["original_name"],
    "budget.narrative": ["unit_full_name"],
    "performance.manualvalue": ["note"],
    "performance.record": ["title", "acceptance_note"],
    "performance.indicatorbinding": ["note"],
    "performance.evaluation": ["execution_explanation", "conclusion", "problems", "return_comment"],
    "performance.monitoringstatement": ["action", "forecast"],
    "performance.monitoringreport": ["return_comment"],
    "assessment.itemscore": ["note"],
}


def _existing_fields(label: str, fields: list[str]) -> list[str]:
    from django.apps import apps

    names = {f.name for f in apps.get_model(label)._meta.get_fields()}
    return [f for f in fields if f in names]


def main_pages() -> list[tuple[str | None, str]]:
    """(user, path) of the main pages of every area; None: anonymous."""
    from center.assessment.models import Evaluation
    from center.budget.models import Budget
    from center.events.models import Event
    from center.reviews.models import ReviewRound

    budget = Budget.objects.order_by("pk").first()
    rnd = ReviewRound.objects.get(code=f"QNKJ-{timezone.localdate().year}")
    event = Event.objects.filter(state="reported").order_by("pk").first()
    from center.budget.models import PerformanceIndicator
    from center.performance.models import Evaluation as SelfEvaluation

    evaluation = Evaluation.objects.order_by("pk").first()
    self_evaluation = SelfEvaluation.objects.filter(project__isnull=True).order_by("pk").first()
    devices = PerformanceIndicator.objects.filter(name="购买办公设备").order_by("pk").first()
    upkeep = PerformanceIndicator.objects.filter(name="专家委网站和专家库维护").order_by("pk").first()
    return [
        ("finance", reverse("core:workbench")),
        ("head_exp", reverse("core:workbench")),
        ("auditor", reverse("core:audit_list")),
        ("finance", reverse("budget:list")),
        ("finance", reverse("budget:catalogue", args=[budget.fiscal_year.year])),
        ("finance", reverse("budget:overview", args=[budget.pk])),
        *[("finance", reverse("budget:table", args=[budget.pk, n])) for n in range(1, 12)],
        ("finance", reverse("control:dashboard")),
        ("finance", reverse("control:quota_list")),
        ("finance", reverse("control:config")),
        ("finance", reverse("control:application_list")),
        ("finance", reverse("control:approvals")),
        ("finance", reverse("assessment:list")),
        ("auditor", reverse("assessment:detail", args=[evaluation.pk])),
        ("director", reverse("assessment:report", args=[evaluation.pk])),
        ("staff_exp", reverse("experts:expert_list")),
        ("staff_exp", reverse("experts:call_list")),
        ("head_exp", reverse("reviews:round_list")),
        ("head_exp", reverse("reviews:round_detail", args=[rnd.pk])),
        ("staff_inn", reverse("events:manage_list")),
        ("director", reverse("events:detail", args=[event.pk])),
        ("staff_inn", reverse("events:dashboard")),
        (None, reverse("events:public_list")),
        (None, reverse("events:public_detail", args=[event.pk])),
        (None, reverse("experts:public_calls")),
        (None, reverse("reviews:public_notices")),
        ("finance", reverse("performance:home") + "?year=2022"),
        ("finance", reverse("performance:evaluations") + "?year=2022"),
        ("finance", reverse("performance:rules")),
        ("director", reverse("performance:evaluation", args=[self_evaluation.pk])),
        ("finance", reverse("performance:indicator", args=[devices.pk])),
        ("head_gen", reverse("performance:indicator", args=[upkeep.pk])),
        *_monitoring_pages(),
    ]


def _monitoring_pages() -> list[tuple[str, str]]:
    from center.performance.models_monitoring import MonitoringReport

    report = MonitoringReport.objects.filter(project__name="科技智库与交流").order_by("pk").first()
    return [
        ("finance", reverse("performance:monitoring")),
        ("finance", reverse("performance:monitoring_round", args=[report.round_id])),
        ("director", reverse("performance:monitoring_report", args=[report.pk])),
    ]


def not_yet_english() -> list[tuple[str, str]]:
    """Pages fetched (they must answer) but not yet counted, with the reason. Remove a page from here when it
    is in English. (The budget overview and the disclosure tables 表1–表11 are in English since their
    headings, row names and chart labels follow the reader's language: counted in main_pages.)"""
    return []


@pytest.mark.django_db(transaction=False)
def test_english_pages_have_no_chinese_outside_the_allowance(client, django_user_model):
    call_command("demo_seed", stdout=_Quiet())
    for label, fields in list(FREE_TEXT.items()):
        FREE_TEXT[label] = _existing_fields(label, fields)
    allowed = allowed_strings()
    users = {u.username: u for u in django_user_model.objects.all()}
    too_much = {}
    for username, path in not_yet_english():
        client.force_login(users[username])
        client.cookies["django_language"] = "en"
        assert client.get(path, HTTP_ACCEPT_LANGUAGE="en").status_code == 200, path
    for username, path in main_pages():
        client.logout()
        if username:
            client.force_login(users[username])
        client.cookies["django_language"] = "en"
        with translation.override("en"):
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, (username, path, response.status_code)
        left = chinese_outside_allowance(response.content.decode(), allowed)
        if len(left) > THRESHOLD:
            too_much[f"{username or 'anonymous'} {path}"] = f"{len(left)}: {left[:120]}"
    assert not too_much, too_much


def test_the_counter_skips_what_is_marked_and_allowed():
    html = (
        '<html><head><title>Workbench</title><script>var s="中文";</script></head><body>'
        '<h1>Quotas</h1><p>Owner: <span lang="zh-CN">孙强</span></p><p title="提示">审批</p>'
        "<p>南方科技大学</p><br><img alt='图'></body></html>"
    )
    assert chinese_outside_allowance(html, ["南方科技大学"]) == "提示审批图"


class _Quiet:
    def write(self, *args, **kwargs):
        pass
