"""Filters every template has (a builtin library, config/settings/base.py): one way to show an amount, a date,
a translated name.

- `{{ amount|yuan }}`: 1,234,567.80 (`center.core.money.format_yuan`).
- `{{ value|day }}`, `{{ value|moment }}`: the date (date and time) in the language's one format
  (config/formats: 2022-03-05, 2022-03-05 14:30), local time for datetimes.
- `{{ obj|loc:"name" }}`: `obj.display_name(language)`, the English name on English pages when one is filled in,
  the Chinese name otherwise (the `name_en` convention, docs/architecture.md "Words").
"""

from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.translation import get_language

from center.core.money import format_yuan

register = template.Library()
register.filter("yuan", format_yuan)


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def day(value) -> str:
    if value in (None, ""):
        return "—"
    return formats.date_format(_local(value), "DATE_FORMAT")


@register.filter
def moment(value) -> str:
    if value in (None, ""):
        return "—"
    return formats.date_format(_local(value), "DATETIME_FORMAT")


@register.filter
def loc(obj, attr: str = "name"):
    """The English variant of a field on English pages when it is filled in: {{ quota|loc:"name" }}."""
    if obj is None:
        return ""
    method = getattr(obj, f"display_{attr}", None)
    if method is not None:
        return method(get_language())
    return getattr(obj, attr, "")
