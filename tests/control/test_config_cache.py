"""The configuration every submission reads comes from a per-process cache keyed by a version number that
every configuration write bumps (center/control/config_cache.py): a change made anywhere is seen by the next
submission, in every process, even when the cache was warm."""

from decimal import Decimal

import pytest
from django.db.models import F

from center.control import configuration, services
from center.control.models import ApprovalFlow, ConfigVersion, SpendingStandard
from center.core.errors import ApplicationError
from tests.control.factories import YEAR, quotas_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def q(org):
    quotas = quotas_ready(org)
    SpendingStandard.objects.create(
        year=YEAR, app_type="meeting", city="", name="会议费标准", limit_per_person_day=Decimal("500.00")
    )
    return quotas


def _meeting(org, q, amount):
    return services.application_submit(
        actor=org["staff_inn"],
        app_type="meeting",
        title="会议",
        year=YEAR,
        lines=[(q["30215"].pk, amount)],
        details={"attendees": 10, "days": 1},  # 10 × 1 × limit
    )


def _elsewhere(**standard):
    """Another process changes the configuration and bumps the number: this process's cache is not told."""
    SpendingStandard.objects.filter(app_type="meeting").update(**standard)
    ConfigVersion.objects.filter(pk=1).update(number=F("number") + 1)


def test_a_change_made_elsewhere_is_seen_by_the_next_submission_on_a_warm_cache(org, q):
    with pytest.raises(ApplicationError, match="超出费用标准"):
        _meeting(org, q, "6000.00")  # the cache is warm now: 500 a person-day
    _elsewhere(limit_per_person_day=Decimal("700.00"))
    assert _meeting(org, q, "6000.00").amount == Decimal("6000.00")  # 7,000 allowed now


def test_without_a_new_number_the_warm_cache_answers(org, q):
    """What the cache saves: a change written behind its back (no bump) is not read."""
    _meeting(org, q, "4000.00")  # the year's first submission creates its settings row (itself a change)
    _meeting(org, q, "4000.00")  # warm
    SpendingStandard.objects.filter(app_type="meeting").update(limit_per_person_day=Decimal("100.00"))
    assert _meeting(org, q, "4000.00").amount == Decimal("4000.00")
    ConfigVersion.objects.filter(pk=1).update(number=F("number") + 1)
    with pytest.raises(ApplicationError, match="超出费用标准"):
        _meeting(org, q, "4000.00")


def test_flows_and_year_settings_come_through_the_same_version(org, q):
    app = _meeting(org, q, "1000.00")
    assert app.valid_until is not None
    ApprovalFlow.objects.filter(doc_type="application").update(active=False)
    ConfigVersion.objects.filter(pk=1).update(number=F("number") + 1)
    with pytest.raises(ApplicationError, match="没有适用于该单据的审批流程"):
        _meeting(org, q, "1000.00")


def test_every_configuration_write_bumps_the_version(org, q):
    def number():
        return ConfigVersion.objects.get(pk=1).number

    _meeting(org, q, "1000.00")  # warm
    before = number()
    seen = [before]

    def moved():
        """The version moved since the last look (a write may bump it more than once: a flow and its steps)."""
        now = number()
        assert now > seen[-1]
        seen.append(now)
        return True

    std = SpendingStandard.objects.get(app_type="meeting")
    configuration.standard_save(
        actor=org["finance"],
        standard_id=std.pk,
        year=YEAR,
        app_type="meeting",
        name="会议费标准",
        limit_per_person_day="50.00",
    )
    assert moved()
    with pytest.raises(ApplicationError, match="超出费用标准"):
        _meeting(org, q, "1000.00")  # seen at once by this process too
    settings = services.settings_for(YEAR)
    configuration.settings_update(
        actor=org["finance"],
        year=YEAR,
        collective_threshold="300000",
        small_reimbursement_threshold="2000",
        over_reimbursement_pct=settings.over_reimbursement_pct,
        application_valid_days=settings.application_valid_days,
        reminder_hours=settings.reminder_hours,
        warn_thresholds=settings.warn_thresholds,
        progress_margin_pct=settings.progress_margin_pct,
    )
    assert moved()
    assert services.settings_for(YEAR).small_reimbursement_threshold == Decimal("2000.00")
    configuration.standards_copy(actor=org["finance"], from_year=YEAR, to_year=YEAR + 1)
    assert moved()
    configuration.standard_delete(actor=org["finance"], standard_id=std.pk)
    assert moved()
    flow = ApprovalFlow.objects.filter(doc_type="application").first()
    configuration.flow_save(
        actor=org["finance"],
        flow_id=flow.pk,
        name=flow.name,
        doc_type="application",
        min_amount=flow.min_amount,
        max_amount=flow.max_amount,
        priority=flow.priority,
        active=False,
        steps=[{"name": "财务审核", "rule": "finance"}],
    )
    assert moved()


def test_a_write_outside_the_configuration_services_bumps_too(org, q):
    """The version follows the rows themselves (save, delete, approver lists), so a fixture or the admin
    cannot leave a stale cache behind."""
    _meeting(org, q, "4000.00")
    _meeting(org, q, "4000.00")  # warm
    std = SpendingStandard.objects.get(app_type="meeting")
    std.limit_per_person_day = Decimal("100.00")
    std.save()
    with pytest.raises(ApplicationError, match="超出费用标准"):
        _meeting(org, q, "4000.00")


def test_a_refused_configuration_write_leaves_the_version_alone(org, q):
    before = ConfigVersion.objects.get(pk=1).number
    with pytest.raises(ApplicationError):
        configuration.standard_save(
            actor=org["finance"], year=YEAR, app_type="meeting", name="重复", limit_per_person_day="1.00"
        )  # the same year, type and city exist
    assert ConfigVersion.objects.get(pk=1).number == before
