from django import template

from center.core.money import format_yuan
from center.core.templatetags.display import loc
from center.events.selectors import PUBLIC_STATUS
from center.events.selectors import public_status as status_of

register = template.Library()


register.filter("loc", loc)  # core's builtins, kept here for the templates that load this library
register.filter("yuan", format_yuan)


@register.filter
def state_badge(state: str) -> str:
    return {
        "planned": "text-bg-secondary",
        "approved": "text-bg-info",
        "published": "text-bg-primary",
        "registration_open": "text-bg-success",
        "registration_closed": "text-bg-warning",
        "held": "text-bg-dark",
        "reported": "text-bg-dark",
        "closed": "text-bg-light border",
        "cancelled": "text-bg-danger",
        "confirmed": "text-bg-success",
        "waitlisted": "text-bg-warning",
        "pending": "text-bg-info",
        "rejected": "text-bg-danger",
        "submitted": "text-bg-info",
        "selected": "text-bg-success",
        "not_selected": "text-bg-secondary",
    }.get(state, "text-bg-light border")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def criterion_label(code: str) -> str:
    from center.events.enums import ROADSHOW_CRITERIA

    return next((str(label) for c, label, _w in ROADSHOW_CRITERIA if c == code), code)


@register.simple_tag
def public_status(event) -> dict:
    """{% public_status e as st %}: the state a visitor is shown (即将举行 / 报名中 / 报名截止 / 已结束)."""
    key = status_of(event)
    label, badge = PUBLIC_STATUS[key]
    return {"key": key, "label": str(label), "badge": badge}
