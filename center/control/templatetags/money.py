from django import template
from django.utils.translation import gettext

from center.control.models import ApprovalStepDef
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
    en = (
        ApprovalStepDef.objects.filter(name=name)
        .exclude(name_en="")
        .values_list("name_en", flat=True)
        .first()
    )
    return en or gettext(name)
