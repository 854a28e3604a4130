"""The hand-written SQL helpers store and read values exactly as the ORM does, on SQLite and PostgreSQL."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from center.accounts.models import User
from center.control.models import Application
from center.core import sql

pytestmark = pytest.mark.django_db


def _application(org, title, amount, details):
    staff = org["staff_inn"]
    return Application(
        number=f"T-{title}",
        year=2022,
        title=title,
        applicant=staff,
        department=staff.department,
        amount=amount,
        app_type="meeting",
        details=details,
        submitted_at=timezone.now() - timedelta(hours=1),
        valid_until=date(2022, 12, 31),
    )


def test_insert_many_sets_each_id_and_reads_back_as_the_orm_stored_it(org):
    a = _application(org, "甲", Decimal("1234567.89"), {"city": "深圳", "attendees": 30, "nested": [1, "二"]})
    b = _application(org, "乙", Decimal("0.01"), {})
    sql.insert(a, b)
    assert a.pk and b.pk and a.pk != b.pk
    assert a.created_at is not None  # auto_now_add filled as save() does
    for obj in (a, b):
        stored = Application.objects.get(pk=obj.pk)
        for field in ("number", "title", "amount", "details", "submitted_at", "valid_until", "created_at"):
            assert getattr(stored, field) == getattr(obj, field), field
        assert stored.department_id == obj.department_id and stored.state == "pending"
        assert not obj._state.adding


def test_insert_encrypts_personal_data_like_save(org):
    user = User(
        username="sqlinsert",
        full_name="王五",
        kind="staff",
        department=org["staff_inn"].department,
        phone="13800138000",
        password="!",
    )
    sql.insert(user)
    (stored_phone,) = sql.row("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
    assert "13800138000" not in stored_phone  # ciphertext at rest
    assert User.objects.get(pk=user.pk).phone == "13800138000"


def test_attach_sets_the_related_object_without_a_query(org, django_assert_num_queries):
    staff = User.objects.get(pk=org["staff_inn"].pk)
    dept = org["staff_inn"].department
    sql.attach(staff, "department", name="临时名称", deputy_id=dept.deputy_id)
    with django_assert_num_queries(0):
        assert staff.department.pk == dept.pk and staff.department.name == "临时名称"
    with django_assert_num_queries(1):  # a column not read is deferred and loads on first use
        assert staff.department.code == dept.code


@pytest.mark.parametrize(
    "value, expected",
    [(Decimal("12.30"), "12.30"), (12.3, "12.30"), (900000000, "900000000.00"), (0.1 + 0.2, "0.30")],
)
def test_money_reads_amounts_as_two_place_decimals(value, expected):
    assert str(sql.money(value)) == expected


def test_amount_columns_read_back_as_decimals(org):
    a = _application(org, "丙", Decimal("99999.99"), {})
    sql.insert(a)
    (amount,) = sql.row("SELECT amount FROM control_application WHERE id = %s", [a.pk])
    assert sql.money(amount) == Decimal("99999.99")
    assert sql.locking() == (" FOR UPDATE" if connection.vendor == "postgresql" else "")
