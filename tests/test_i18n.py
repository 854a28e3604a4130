"""Chinese first, English complete: every translatable string has an English translation, and the
compiled catalogues shipped in the repository match their sources."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def _catalogues(base: Path) -> list[Path]:
    return sorted(p for p in base.rglob("locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def test_every_string_is_translated(tmp_path):
    # Re-extract in a copy of the sources, so that strings added since the last makemessages count too.
    for name in ("center", "config", "locale"):
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static", "data")
        )
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    untranslated = []
    for po_path in _catalogues(tmp_path):
        po = polib.pofile(str(po_path))
        untranslated += [f"{po_path.relative_to(tmp_path)}: {e.msgid!r}" for e in po if not e.translated()]
    assert untranslated == []


def test_compiled_catalogues_match_their_sources(tmp_path):
    for po_path in _catalogues(ROOT):
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} missing: run compilemessages"
        fresh = tmp_path / "fresh.mo"
        polib.pofile(str(po_path)).save_as_mofile(str(fresh))
        with mo_path.open("rb") as shipped, fresh.open("rb") as rebuilt:
            assert _messages(shipped) == _messages(rebuilt), f"{mo_path} is stale: run compilemessages"


def _messages(fp) -> dict:
    catalog = dict(gettext.GNUTranslations(fp)._catalog)
    catalog.pop("", None)  # the header differs between compilers; the messages must not
    return catalog


def test_same_chinese_word_in_two_areas_keeps_each_meaning():
    # One merged catalogue serves every app: "活动" is the events area ("Events") and, with its own
    # context, the application type ("Event"). Without the context one translation replaced the other.
    from django.utils import translation
    from django.utils.translation import gettext

    from center.control.enums import ApplicationType

    with translation.override("en"):
        assert gettext("活动") == "Events"
        assert str(ApplicationType.EVENT.label) == "Event"


def test_no_source_string_is_translated_two_ways():
    # Django merges every app's catalogue into one (LOCALE_PATHS first, then the apps in order), so a Chinese
    # string translated differently in two catalogues shows one of the translations everywhere. Where the
    # meaning differs, the string carries a context (pgettext / `translate … context`); otherwise one wording.
    seen: dict[tuple, dict[str, list[str]]] = {}
    for po_path in _catalogues(ROOT):
        for e in polib.pofile(str(po_path)):
            if e.translated():
                where = seen.setdefault((e.msgctxt, e.msgid), {})
                where.setdefault(e.msgstr, []).append(str(po_path.relative_to(ROOT)))
    disagreements = {key: where for key, where in seen.items() if len(where) > 1}
    assert disagreements == {}


def test_contexts_keep_the_meaning_of_each_place():
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("en"):
        assert gettext("通过") == "Pass" and pgettext("registration", "通过") == "Approve"
        assert gettext("删除") == "Delete" and pgettext("change", "删除") == "Removed"
        assert gettext("截止日期") == "Deadline" and pgettext("date range", "截止日期") == "To"
        assert gettext("启用") == "Active" and pgettext("action", "启用") == "Enable"


def test_templates_keep_chinese_punctuation_inside_translations():
    # "状态：{{ x }}" with the colon outside the msgid showed "Status：Draft" in English. Punctuation next to a
    # tag or a variable belongs in the translated string (or is itself `{% translate "：" %}`).
    import re

    blocks = re.compile(r"\{% blocktranslate.*?\{% endblocktranslate %\}", re.S)
    beside_tag = re.compile(r"[%}]\}[：（），；]|[：（），；]\{[%{]")
    found = []
    for path in sorted((ROOT / "center").rglob("*.html")):
        text = blocks.sub("{% blocktranslate %}", path.read_text())
        found += [f"{path.relative_to(ROOT)}: …{m.group(0)}…" for m in beside_tag.finditer(text)]
    assert found == []
