"""`{% once_key %}`: the hidden one-time key that makes a form's POST take effect once (see FormOnceMiddleware)."""

from django import template
from django.utils.html import format_html

from center.core.idempotency import new_key

register = template.Library()


@register.simple_tag
def once_key():
    return format_html('<input type="hidden" name="idempotency_key" value="{}">', new_key())
