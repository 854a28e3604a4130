from contextvars import ContextVar

from django import template
from django.utils.translation import gettext

from center.control.models import ApprovalStepDef
from center.core.context import current_request_info
from center.core.money import format_yuan
from center.core.translated import is_english

register = template.Library()


register.filter("yuan", format_yuan)  # the one amount display (center.core.money)


@register.filter
def pct(value) -> str:
    return f"{float(value or 0):.1f}%"


@register.filter
def bar(value) -> int:
    """A percentage clamped to 0–100, for the width classes of progress bars."""
    return max(0, min(100, int(round(float(value or 0)))))


@register.filter
def step_label(task_or_name) -> str:
    """An approval step's name in the reader's language. Tasks keep the Chinese name of their step (the
    record); English pages show the step definition's `name_en`, or the catalogue's words for the steps the
    chain adds itself (归口审核, 超申请金额审批)."""
    name = getattr(task_or_name, "step_name", task_or_name) or ""
    if not is_english():
        return name
    return _step_names_en().get(name) or gettext(name)


# (the request it was read for, step name → English): read once per request, not once per row.
_names_en: ContextVar[tuple] = ContextVar("control_step_names_en", default=(None, None))


def _step_names_en() -> dict[str, str]:
    """Every step definition's English name by its Chinese name (the first definition that has one), read in
    one query per request (a page lists many tasks); outside a request, read on each call."""
    info = current_request_info()
    seen, names = _names_en.get()
    if names is not None and seen is info and info.path:
        return names
    names = {}
    for name, name_en in ApprovalStepDef.objects.exclude(name_en="").values_list("name", "name_en"):
        names.setdefault(name, name_en)
    _names_en.set((info, names))
    return names
