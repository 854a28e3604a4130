"""Every audit action code written anywhere in the code base has words in Chinese and in English.

The codes are found in the source, not in a list kept by hand: string literals shaped like an action code
(`area.entity.verb`, passed to `audit_log`, in an `audit=` refusal, anywhere), f-strings `f"{MACHINE.prefix}.verb"`,
and every verb of every `Machine` (their `apply` writes `<prefix>.<verb>`).
"""

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.utils import translation

from center.core import labels
from center.core.statemachine import Machine

ROOT = Path(__file__).resolve().parents[2] / "center"
AREAS = ("security", "core", "accounts", "budget", "control", "experts", "reviews", "events", "performance")
CODE = re.compile(rf"^({'|'.join(AREAS)})\.[a-z_]+\.[a-z_]+$")
CJK = re.compile(r"[\u3400-\u9fff]")


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)


def written_codes() -> set[str]:
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
                codes.add(node.value)
            if isinstance(node, ast.JoinedStr) and len(node.values) == 2:
                head, tail = node.values
                if (
                    isinstance(head, ast.FormattedValue)
                    and isinstance(head.value, ast.Attribute)
                    and head.value.attr == "prefix"
                    and isinstance(head.value.value, ast.Name)
                    and isinstance(tail, ast.Constant)
                    and re.fullmatch(r"\.[a-z_]+", tail.value)
                ):
                    module = importlib.import_module(_module_name(path))
                    machine = getattr(module, head.value.value.id, None)
                    if isinstance(machine, Machine):
                        codes.add(machine.prefix + tail.value)
    for path in ROOT.glob("*/*enums.py"):  # enums.py and an area's second machine file (monitoring_enums.py)
        module = importlib.import_module(_module_name(path))
        for value in vars(module).values():
            if isinstance(value, Machine):
                codes.update(f"{value.prefix}.{verb}" for verb in value.verbs)
    return codes


def test_the_collector_finds_the_codes():
    codes = written_codes()
    # one of each way of writing a code: a literal, an audit= refusal, a machine verb, an f-string on a prefix
    assert {
        "security.login.succeeded",
        "control.payment.duplicate_refused",
        "events.event.approve",
        "events.registration.promote",
    } <= codes
    assert len(codes) > 150


def test_every_written_action_code_has_words_in_both_languages():
    missing, untranslated = [], []
    for code in sorted(written_codes()):
        if not labels.has_label(code):
            missing.append(code)
            continue
        with translation.override("zh-hans"):
            zh = labels.action_label(code)
        with translation.override("en"):
            en = labels.action_label(code)
        if not CJK.search(zh) or CJK.search(en) or not en.strip():
            untranslated.append((code, zh, en))
    assert not missing, f"action codes without a label (add them to the area's labels.py): {missing}"
    assert not untranslated, f"labels not in both languages: {untranslated}"


@pytest.mark.parametrize(
    ("code", "zh", "en"),
    [
        ("security.login.succeeded", "登录成功", "Signed in"),
        ("events.event.approve", "批准活动", "Event approved"),
    ],
)
def test_action_labels_read_as_words(code, zh, en):
    with translation.override("zh-hans"):
        assert labels.action_label(code) == zh
    with translation.override("en"):
        assert labels.action_label(code) == en


def test_an_unknown_code_is_not_shown_raw():
    with translation.override("zh-hans"):
        assert labels.action_label("nowhere.thing.done") == "其他操作"


def test_a_notification_title_is_shown_in_the_readers_language(org):
    from django.utils.translation import gettext as _

    from center.core.notifications import notify

    (n,) = notify(
        [org["finance"]],
        title=lambda: _("待审批：%(no)s %(title)s") % {"no": "SQ-1", "title": "会议"},
        email=False,
    )
    assert (n.title, n.title_en) == ("待审批：SQ-1 会议", "To approve: SQ-1 会议")
    with translation.override("en"):
        assert str(n) == "To approve: SQ-1 会议"
    with translation.override("zh-hans"):
        assert str(n) == "待审批：SQ-1 会议"
    (plain,) = notify([org["finance"]], title="纯文本", email=False)
    with translation.override("en"):
        assert str(plain) == "纯文本"  # a plain string: one language, shown as written


def test_every_target_type_written_by_the_demo_has_a_kind(db):
    """Targets show the kind of thing they are ("孙强（账号）"): every model an audited change points at is named,
    by an area's registered entity or the model's own verbose name."""
    from django.apps import apps

    unnamed = [
        m._meta.label_lower
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "budget", "control", "experts", "reviews", "events"}
        and m._meta.label_lower in TARGETS
        and not labels.entity_label(m._meta.label_lower)
    ]
    assert unnamed == []


# What the demo's audit entries point at (manage.py demo_seed, then AuditEntry target types).
TARGETS = {
    "accounts.user",
    "accounts.department",
    "accounts.unit",
    "budget.budget",
    "budget.fiscalyear",
    "control.application",
    "control.reimbursement",
    "control.quota",
    "events.event",
    "events.survey",
    "events.roadshowapplication",
    "experts.committeeactivity",
    "experts.expert",
    "experts.expertapplication",
    "experts.organisation",
    "experts.recruitmentcall",
    "reviews.application",
    "reviews.draw",
    "reviews.drawpick",
    "reviews.flag",
    "reviews.objection",
    "reviews.publicnotice",
    "reviews.reviewgroup",
    "reviews.reviewround",
    "reviews.scoresheet",
}
