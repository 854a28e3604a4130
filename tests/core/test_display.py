"""One way to show an amount, a date and a translated name (center/core/templatetags/display.py), and the audit
page in words (center/core/labels.py)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from center.core.audit import audit_log
from center.core.money import format_yuan


def render(text: str, **context) -> str:
    return Template(text).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234567.8"), "1,234,567.80"),
        ("93000", "93,000.00"),
        (0, "0.00"),
        (Decimal("0.005"), "0.01"),
        (None, "—"),
        ("", "—"),
    ],
)
def test_amounts_have_separators_and_two_places(value, shown):
    assert format_yuan(value) == shown
    assert render("{{ v|yuan }}", v=value) == shown  # a builtin: no {% load %} needed


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_have_one_format_in_each_language(language):
    moment = datetime(2022, 3, 5, 6, 30, tzinfo=UTC)  # 14:30 in Shenzhen
    with translation.override(language):
        assert render("{{ d|day }}", d=date(2022, 3, 5)) == "2022-03-05"
        assert (
            render("{{ d }}", d=date(2022, 3, 5)) == "2022-03-05"
        )  # the formats module, not Django's default
        assert render("{{ m|moment }}", m=moment) == "2022-03-05 14:30"
        assert render("{{ m|day }}", m=moment) == "2022-03-05"
        assert render("{{ x|day }}", x=None) == "—"


@pytest.mark.django_db
def test_names_follow_the_page_language(org):
    dept = org["head_exp"].department
    dept.name_en = "Expert Services Department"
    with translation.override("en"):
        assert render("{{ d|loc }}", d=dept) == "Expert Services Department"
        assert str(dept) == "Expert Services Department"
    with translation.override("zh-hans"):
        assert render("{{ d|loc }}", d=dept) == dept.name
    dept.name_en = ""
    with translation.override("en"):
        assert render("{{ d|loc }}", d=dept) == dept.name  # nothing in English yet: the Chinese name


@pytest.mark.django_db
def test_the_audit_page_speaks_in_words(org, client_for):
    user = org["staff_exp"]
    audit_log(
        "accounts.user.updated",
        actor=org["sysadmin"],
        target=user,
        changes={"is_active": [True, False], "roles": [["staff"], ["staff", "auditor"]]},
        extra={"amount": "93000"},
    )
    audit_log("security.login.succeeded", actor=user, target=user)
    c = client_for("auditor")
    page = c.get(reverse("core:audit_list")).content.decode()
    assert "登录成功" in page and "修改账号" in page
    assert f'{user.full_name}</span><span class="text-muted">（账号）' in page
    assert "accounts.user#" not in page and f"(accounts.user#{user.pk})" not in page
    assert "启用" in page and "是</span> → <span>否" in page  # field label and values in words
    assert "经办人、内控专员/审计员" in page  # role codes shown by their names
    assert "93,000.00" in page
    c.cookies["django_language"] = "en"
    page = c.get(reverse("core:audit_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Signed in" in page and "Account updated" in page and "(Account)" in page
