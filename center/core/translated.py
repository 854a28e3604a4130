"""The `name_en` convention for reference and configuration data (docs/architecture.md, "Words").

A model whose rows are shown to readers of both languages (a discipline, a department, a flow, a step, a
standard, a catalogue entry, a review criterion) keeps its Chinese `name` and an English `name_en` (blank
until someone fills it in). `display_name(language)` picks by language and falls back to the Chinese name;
`str(obj)` is the display name in the active language, so forms, selects and plain `{{ obj }}` read right on
English pages; templates may say `{{ obj|loc:"name" }}` (center/core/templatetags/display.py).
"""

from django.utils.translation import get_language


def is_english(language: str | None = None) -> bool:
    return (language if language is not None else (get_language() or "")).startswith("en")


def pick(language: str | None, zh: str, en: str) -> str:
    """The English text on English pages when there is one, else the Chinese."""
    return en if en and is_english(language) else zh


class TranslatedName:
    def display_name(self, language: str | None = None) -> str:
        return pick(language, self.name, getattr(self, "name_en", ""))
