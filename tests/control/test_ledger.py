from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from center.control import services
from center.control.enums import ControlLevel, EntryKind
from center.control.ledger import Doc, clean_amount, ledger_check, lock_quotas, post
from center.control.models import LedgerEntry, Quota
from center.core.errors import ApplicationError
from tests.control.factories import quotas_ready

pytestmark = pytest.mark.django_db


def test_quotas_issued_from_the_approved_budget(org):
    q = quotas_ready(org)
    assert set(q) == {"30227", "30215", "30226", "30201_basic", "30217_basic"}
    week = q["30227"]
    assert (week.approved, week.available, week.department.code) == (
        Decimal("2500000.00"),
        Decimal("2500000.00"),
        "INN",
    )
    assert q["30201_basic"].department.code == "GEN"
    assert (
        q["30217_basic"].control_level == ControlLevel.HARD and q["30215"].control_level == ControlLevel.HARD
    )
    assert week.control_level == ControlLevel.WARN
    assert LedgerEntry.objects.filter(kind=EntryKind.ISSUE).count() == 5
    assert ledger_check() == []


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.001", "1e30", "NaN", "Infinity", None, ""])
def test_bad_amounts_are_refused(bad):
    with pytest.raises(ApplicationError):
        clean_amount(bad)


def test_freeze_beyond_available_is_refused_and_changes_nothing(org):
    q = quotas_ready(org, reception=Decimal("100.00"))["30217_basic"]
    with transaction.atomic():
        post(lock_quotas([q.pk])[q.pk], EntryKind.FREEZE, Decimal("60.00"), doc=Doc("test"))
    with pytest.raises(ApplicationError, match="可用余额不足"), transaction.atomic():
        post(lock_quotas([q.pk])[q.pk], EntryKind.FREEZE, Decimal("40.01"), doc=Doc("test"))
    q.refresh_from_db()
    assert (q.frozen, q.available) == (Decimal("60.00"), Decimal("40.00"))
    assert ledger_check() == []


def test_database_refuses_negative_available_even_without_the_service(org):
    q = quotas_ready(org)["30201_basic"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.filter(pk=q.pk).update(frozen=q.approved + 1, available=-1)


def test_database_refuses_balances_that_do_not_add_up(org):
    q = quotas_ready(org)["30201_basic"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.filter(pk=q.pk).update(frozen=10)


def test_ledger_check_reports_a_tampered_balance(org):
    q = quotas_ready(org)["30201_basic"]
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE control_quota SET approved = approved + 5, available = available + 5 WHERE id = %s",
            [q.pk],
        )
    problems = ledger_check()
    assert [(p.quota_id, p.field) for p in problems] == [(q.pk, "approved"), (q.pk, "available")]


def test_entries_are_immutable(org):
    entry = LedgerEntry.objects.filter(quota=quotas_ready(org)["30201_basic"]).first()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_reversal_undoes_an_entry(org):
    q = quotas_ready(org)["30201_basic"]
    with transaction.atomic():
        locked = lock_quotas([q.pk])[q.pk]
        freeze = post(locked, EntryKind.FREEZE, Decimal("10.00"))
        post(locked, EntryKind.REVERSE, Decimal("10.00"), reverses=freeze)
    q.refresh_from_db()
    assert q.frozen == 0 and q.available == q.approved
    assert ledger_check() == []


def test_adjustment_rules(org):
    q = quotas_ready(org)
    with pytest.raises(ApplicationError, match="基本支出与项目支出"):
        services.adjustment_create(
            actor=org["finance"],
            from_quota_id=q["30201_basic"].pk,
            to_quota_id=q["30227"].pk,
            amount="10",
            reason="x",
            doc_no="TJ-1",
        )
    adj = services.adjustment_create(
        actor=org["finance"],
        from_quota_id=q["30227"].pk,
        to_quota_id=q["30226"].pk,
        amount="1000.00",
        reason="活动调整",
        doc_no="TJ-2",
    )
    assert not adj.needs_bureau  # same project
    with pytest.raises(ApplicationError):
        services.adjustment_approve(actor=org["finance"], adjustment_id=adj.pk)  # not the director
    services.adjustment_approve(actor=org["director"], adjustment_id=adj.pk)
    src, dst = (Quota.objects.get(pk=x.pk) for x in (q["30227"], q["30226"]))
    assert (src.adjusted, dst.adjusted) == (Decimal("-1000.00"), Decimal("1000.00"))
    assert src.available == Decimal("2499000.00") and dst.available == Decimal("601000.00")
    to_reception = services.adjustment_create(
        actor=org["finance"],
        from_quota_id=q["30201_basic"].pk,
        to_quota_id=q["30217_basic"].pk,
        amount="100",
        reason="接待增加",
        doc_no="TJ-3",
    )
    assert to_reception.needs_bureau  # any increase of 三公
    with pytest.raises(ApplicationError, match="财政局"):
        services.adjustment_approve(actor=org["director"], adjustment_id=to_reception.pk)
    services.adjustment_approve(
        actor=org["director"], adjustment_id=to_reception.pk, bureau_doc_no="深财〔2022〕88号"
    )
    assert ledger_check() == []
