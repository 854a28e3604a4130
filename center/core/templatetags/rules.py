"""`{% allowed "area.rule" obj as name %}`: show a button from the same rule the service enforces."""

from django import template

from center.core.rules import allowed as rule_allows

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context, name: str, obj=None) -> bool:
    return rule_allows(name, context["request"].user, obj)
