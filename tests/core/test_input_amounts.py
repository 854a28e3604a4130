"""One parser for every amount someone sends (center.core.money.parse_amount): plain ASCII digits, an optional
point, at most two decimals, never negative. Used by the ledger's clean_amount, by every money form field and
by the API (amount strings go to the services' clean_amount; schemas can type them `Amount`)."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from ninja import Schema
from pydantic import ValidationError as SchemaError

from center.accounts.services import api_token_create
from center.control.forms import ApplicationForm, SpendingStandardForm
from center.control.ledger import clean_amount
from center.core.errors import ApplicationError
from center.core.forms import AmountField
from center.core.money import Amount, parse_amount
from tests.control.factories import YEAR, quotas_ready

FORMAT = "金额须为数字"
REJECTED = [
    ("１００", FORMAT),  # full-width digits
    ("１.５", FORMAT),
    ("1.５", FORMAT),
    ("٣", FORMAT),  # Arabic-Indic
    ("۱۲", FORMAT),  # Extended Arabic-Indic
    ("१००", FORMAT),  # Devanagari
    ("1e5", FORMAT),
    ("1E5", FORMAT),
    ("1e-2", FORMAT),
    ("1_000", FORMAT),
    ("1,000", FORMAT),
    ("1 000", FORMAT),
    (" 1 ", FORMAT),
    ("1\n", FORMAT),
    ("+1", FORMAT),
    ("-1", "不能为负数"),
    ("-0.01", "不能为负数"),
    ("--1", FORMAT),
    (".5", FORMAT),
    ("5.", FORMAT),
    ("1.2.3", FORMAT),
    ("0x10", FORMAT),
    ("NaN", FORMAT),
    ("Infinity", FORMAT),
    ("abc", FORMAT),
    ("", FORMAT),
    ("１", FORMAT),
    ("1.001", "最多保留两位小数"),
    ("1.500", "最多保留两位小数"),
    ("100000000000000", "金额过大"),
    ("9" * 400, "金额过大"),
    (None, FORMAT),
    (True, FORMAT),
    (1e16, FORMAT),  # a JSON number written with an exponent
    (float("nan"), FORMAT),
    (-5, "不能为负数"),
    (Decimal("NaN"), FORMAT),
    (Decimal("0.001"), "最多保留两位小数"),
    ([1], FORMAT),
]
ACCEPTED = [
    ("0", "0.00"),
    ("1", "1.00"),
    ("1.5", "1.50"),
    ("1200.50", "1200.50"),
    ("007", "7.00"),
    ("99999999999999.99", "99999999999999.99"),
    (1200, "1200.00"),
    (1200.5, "1200.50"),
    (0.1, "0.10"),
    (Decimal("3.1"), "3.10"),
    (Decimal("3.100"), "3.10"),
]


@pytest.mark.parametrize(("value", "message"), REJECTED)
def test_parse_amount_refuses(value, message):
    with pytest.raises(ApplicationError, match=message) as caught:
        parse_amount(value, field="price")
    assert caught.value.extra == {"field": "price"}


@pytest.mark.parametrize(("value", "expected"), ACCEPTED)
def test_parse_amount_accepts_plain_amounts(value, expected):
    assert parse_amount(value) == Decimal(expected)
    assert str(parse_amount(value)) == expected


@pytest.mark.parametrize(("value", "message"), REJECTED)
def test_ledger_clean_amount_uses_the_parser(value, message):
    with pytest.raises(ApplicationError, match="大于零" if message == "不能为负数" else message):
        clean_amount(value)


def test_ledger_clean_amount_still_wants_more_than_zero():
    with pytest.raises(ApplicationError, match="必须大于零"):
        clean_amount("0")
    assert clean_amount("0.01") == Decimal("0.01")


@pytest.mark.parametrize(
    ("value", "message"),
    # a form drops the spaces around what was typed into a box (as for every text field), nothing else
    [r for r in REJECTED if isinstance(r[0], str) and r[0].strip() and r[0] == r[0].strip()],
)
def test_a_money_form_field_refuses(value, message):
    form = ApplicationForm(data={"app_type": "event", "title": "x", "amount": value})
    assert isinstance(form.fields["amount"], AmountField)
    assert not form.is_valid()
    assert "amount" in form.errors


def test_a_money_form_field_accepts_plain_amounts_and_surrounding_spaces():
    for typed, amount in (("100", "100.00"), ("100.5", "100.50"), (" 100.50 ", "100.50"), ("1\n", "1.00")):
        form = ApplicationForm(data={"app_type": "event", "title": "x", "amount": typed})
        form.is_valid()
        assert "amount" not in form.errors and str(form.cleaned_data["amount"]) == amount
    form = ApplicationForm(data={"app_type": "event", "title": "x", "amount": "0"})
    assert not form.is_valid() and "amount" in form.errors  # the field's own minimum still applies


def test_model_form_money_fields_use_the_parser_and_other_decimals_are_left_alone():
    form = SpendingStandardForm(data={"limit_per_person_day": "１００"})
    assert isinstance(form.fields["limit_per_person_day"], AmountField)
    assert not form.is_valid() and FORMAT in str(form.errors["limit_per_person_day"])
    from center.control.forms import ControlSettingsForm

    settings_form = ControlSettingsForm()
    assert isinstance(settings_form.fields["collective_threshold"], AmountField)
    assert not isinstance(settings_form.fields["over_reimbursement_pct"], AmountField)  # a percentage


class _PriceIn(Schema):
    amount: Amount


@pytest.mark.parametrize(("value", "message"), [r for r in REJECTED if not isinstance(r[0], list)])
def test_api_schema_amount_type_refuses(value, message):
    with pytest.raises(SchemaError, match=message):
        _PriceIn(amount=value)


def test_api_schema_amount_type_accepts_and_documents_a_string():
    assert _PriceIn(amount="1200.5").amount == Decimal("1200.50")
    assert _PriceIn.model_json_schema()["properties"]["amount"]["type"] == "string"


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["１００", "٣", "1e5", "1_000", " 1 ", "-1", "1.001"])
def test_an_api_amount_goes_through_the_parser(org, amount):
    q = quotas_ready(org)
    token = api_token_create(actor=org["staff_inn"], name="t", days=1)[1]
    response = Client().post(
        "/api/v1/control/applications",
        json.dumps(
            {
                "app_type": "event",
                "title": "API 申请",
                "year": YEAR,
                "lines": [{"quota_id": q["30227"].pk, "amount": amount}],
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json()["extra"] == {"field": "amount"}
