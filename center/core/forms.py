from django import forms
from django.core.exceptions import ValidationError

from .errors import ApplicationError
from .money import MAX_AMOUNT, parse_amount


def int_or(value, default=0):
    """A whole number typed or posted by someone (an id from a hidden field, a year, a count), or `default` for
    anything that is not one: hostile or stale input is refused by the service that gets the default."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class AmountField(forms.DecimalField):
    """A money amount in yuan, parsed by `center.core.money.parse_amount`: plain ASCII digits, an optional point,
    at most two decimals, never negative. Surrounding spaces are dropped first, as for every text box."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_AMOUNT)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = value.strip(" \t\r\n")
            if value in self.empty_values:
                return None
        try:
            return parse_amount(value)
        except ApplicationError as exc:
            raise ValidationError(exc.message, code="invalid") from None


def _is_money(field) -> bool:
    """The shape of every amount column and field of the project: DecimalField(max_digits=16, decimal_places=2)."""
    return type(field) is forms.DecimalField and field.max_digits == 16 and field.decimal_places == 2


class BootstrapMixin:
    """Gives every widget its Bootstrap 5 class, so templates render fields with one include; and makes every
    money field (a `DecimalField` of the amount shape, declared or generated from a model) an `AmountField`, so
    each amount typed into any form goes through the one parser of `center.core.money`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if _is_money(field):
                # the same field with the strict parser (AmountField only overrides `to_python`)
                field.__class__ = AmountField
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            if isinstance(w, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(w, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            w.attrs["class"] = (w.attrs.get("class", "") + " " + css).strip()
