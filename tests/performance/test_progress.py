"""Live progress: every source counts what its definition says, and the traffic light follows the written
rule (progress.STATUS_RULE)."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from center.events.enums import EventState
from center.performance import progress, services
from center.performance.enums import Rating, SourceKind, Status
from tests.performance.conftest import EVIDENCE

pytestmark = pytest.mark.django_db
END = date(2022, 12, 31)


def _row(budget, indicator, as_of=END):
    return next(r for r in progress.unit_progress(budget, as_of) if r.indicator.pk == indicator.pk)


def test_every_indicator_has_a_declared_source_and_definition(budget):
    rows = progress.unit_progress(budget, END)
    assert len(rows) == 38
    assert all(r.source and r.definition for r in rows)
    by_name = {r.indicator.name: r.source for r in rows}
    assert by_name["购买办公设备"] == SourceKind.PROCUREMENT
    assert by_name["专家委网站和专家库维护"] == SourceKind.MAINTENANCE
    assert by_name["建设运维中心内控管理系统"] == SourceKind.MILESTONES
    assert by_name["发布征集专家广告"] == SourceKind.CALLS
    assert by_name["预算执行率"] == SourceKind.EXECUTION
    assert by_name["受众满意度"] == SourceKind.SATISFACTION
    assert by_name["举办海智交流活动完成率"] == SourceKind.COMPLETION
    assert by_name["举办海智交流活动及时性"] == SourceKind.TIMELINESS
    assert by_name["海智项目工作保障情况"] == SourceKind.RATING
    # 完成率 of the platform finds its base "…信息平台数量" by the name's stem
    platform = next(r for r in rows if r.indicator.name == "建设运维中心信息平台完成率")
    assert platform.binding.base.name == "建设运维中心信息平台数量"


def test_events_of_the_declared_types_under_the_project_count(budget, ind, held_event, org):
    week = ind("举办创新周主题活动")
    services.binding_set(
        actor=org["finance"], indicator_id=week.pk, source="events", event_types=["innovation_week"]
    )
    held_event("innovation_week", "科技创新与交流", day=21)
    held_event("innovation_week", "科技创新与交流", day=23)
    held_event("innovation_week", "科技创新与交流", day=25, state=EventState.CANCELLED)  # not counted
    held_event("haizhi", "科技创新与交流")  # another type
    held_event("innovation_week", "科技智库与交流")  # another project
    row = _row(budget, week)
    assert row.actual == 2 and row.status == Status.OFF_TRACK  # the year is over, 2 of 3
    linked = held_event("haizhi", "科技智库与交流", day=30)
    linked.indicators.add(week)  # an event linked explicitly counts too
    row = _row(budget, week)
    assert row.actual == 3 and row.status == Status.MET and row.met_on == date(2022, 5, 30)
    assert [e.ref for e in row.evidence][-1] == linked.pk


def test_traffic_light_follows_time_elapsed(budget, ind, held_event, org):
    week = ind("举办创新周主题活动")
    services.binding_set(
        actor=org["finance"], indicator_id=week.pk, source="events", event_types=["innovation_week"]
    )
    held_event("innovation_week", "科技创新与交流", month=3, day=1)
    # 1 of 3 (33%) on 30 April: 33% of the year elapsed → on track
    assert _row(budget, week, date(2022, 4, 30)).status == Status.ON_TRACK
    # 1 of 3 on 31 July: 58% elapsed, 25 points behind → lagging
    row = _row(budget, week, date(2022, 7, 31))
    assert row.status == Status.LAGGING and row.expected == Decimal("58.08")
    # 1 of 3 on 30 October: 83% elapsed → off track
    assert _row(budget, week, date(2022, 10, 30)).status == Status.OFF_TRACK
    # before anything happened, nothing is expected yet
    assert _row(budget, week, date(2022, 1, 1)).status == Status.ON_TRACK


def test_completion_and_timeliness_derive_from_their_quantity(budget, ind, held_event, org):
    week = ind("举办创新周主题活动")
    services.binding_set(
        actor=org["finance"],
        indicator_id=week.pk,
        source="events",
        event_types=["innovation_week"],
        deadline=date(2022, 6, 30),
    )
    for d in (1, 2, 3):
        held_event("innovation_week", "科技创新与交流", day=d)
    completion = _row(budget, ind("举办创新周主题活动完成率"))
    assert completion.actual == 100 and completion.status == Status.MET
    timely = _row(budget, ind("举办创新周主题活动及时性"))
    assert timely.rating == Rating.ACHIEVED and timely.status == Status.MET
    # the deadline moved before the third event: met, but late → partly
    services.binding_set(
        actor=org["finance"],
        indicator_id=week.pk,
        source="events",
        event_types=["innovation_week"],
        deadline=date(2022, 5, 2),
    )
    timely = _row(budget, ind("举办创新周主题活动及时性"))
    assert timely.rating == Rating.PARTLY and timely.status == Status.LAGGING


def test_satisfaction_weighted_by_answers(budget, ind, held_event):
    held_event("seminar", "科技智库与交流", satisfaction=Decimal("80"), basis=10)
    held_event("seminar", "科技智库与交流", day=21, satisfaction=Decimal("100"), basis=30)
    row = _row(budget, ind("受众满意度"))
    assert row.actual == Decimal("95.00") and row.status == Status.MET


def test_calls_count_by_the_budget_year_not_the_calendar_year(budget, ind, org):
    from center.experts.enums import CallState
    from center.experts.models import RecruitmentCall

    def call(year, published):
        return RecruitmentCall.objects.create(
            year=year,
            title=f"{year} 年专家征集",
            criteria="—",
            deadline=date(year, 12, 31),
            state=CallState.PUBLISHED,
            published_at=timezone.make_aware(published),
            created_by=org["staff_exp"],
        )

    call(2022, datetime(2021, 12, 20))  # the 2022 call went out in December 2021: it counts for 2022
    call(2023, datetime(2022, 12, 28))  # the 2023 call went out in 2022: it does not
    RecruitmentCall.objects.create(
        year=2022, title="草稿", criteria="—", deadline=date(2022, 12, 31), created_by=org["staff_exp"]
    )  # a draft is not published
    row = _row(budget, ind("发布征集专家广告"))
    assert row.actual == 1


def test_manual_value_and_rating_with_evidence(budget, binding, ind, org):
    devices = binding("购买办公设备")
    services.value_add(
        actor=org["staff_gen"],
        binding_id=devices.pk,
        value="5",
        as_of=date(2022, 5, 1),
        note="到货 5 台",
        files=EVIDENCE,
    )
    services.value_add(
        actor=org["staff_gen"],
        binding_id=devices.pk,
        value="8",
        as_of=date(2022, 9, 1),
        note="全部到货",
        files=EVIDENCE,
    )
    row = _row(budget, ind("购买办公设备"))
    assert row.actual == 8 and row.status == Status.MET and row.met_on == date(2022, 9, 1)
    assert _row(budget, ind("购买办公设备"), date(2022, 6, 1)).actual == 5  # as it stood then
    rating = binding("海智项目工作保障情况")
    services.value_add(
        actor=org["staff_inn"],
        binding_id=rating.pk,
        rating=Rating.PARTLY,
        as_of=date(2022, 12, 1),
        note="基本保障",
        files=EVIDENCE,
    )
    row = _row(budget, ind("海智项目工作保障情况"))
    assert row.rating == Rating.PARTLY and row.status == Status.LAGGING


def test_records_count_once_accepted(budget, binding, ind, org):
    upkeep = binding("专家委网站和专家库维护")
    rec = services.record_add(actor=org["staff_gen"], binding_id=upkeep.pk, title="上半年维护")
    assert _row(budget, ind("专家委网站和专家库维护")).actual == 0
    services.record_accept(
        actor=org["head_gen"],
        record_id=rec.pk,
        accepted_on=date(2022, 6, 30),
        note="验收合格",
        files=EVIDENCE,
    )
    assert _row(budget, ind("专家委网站和专家库维护")).actual == 1


def test_execution_rate_from_the_ledger(org):
    """executed ÷ (approved + adjusted) of the project's quotas, and of all quotas for the unit."""
    from center.budget.models import PerformanceIndicator
    from center.control.ledger import post
    from center.control.models import Quota
    from center.core.locks import lock_one
    from center.core.services import service
    from tests.control.factories import quotas_ready

    quotas = quotas_ready(org)
    budget = quotas["30227"].budget
    project = quotas["30227"].project
    PerformanceIndicator.objects.create(
        budget=budget,
        project=project,
        level1="产出指标",
        level2="成本指标",
        name="预算执行率",
        kind="quantitative",
        comparator=">=",
        value="90",
        measure_unit="%",
    )
    services.bindings_suggest(actor=None, budget_id=budget.pk)

    @service
    def spend(quota_id, amount):
        q = lock_one(Quota.objects.filter(pk=quota_id))
        post(q, "freeze", amount)
        q.refresh_from_db()
        post(q, "execute", amount)

    spend(quotas["30227"].pk, Decimal("1600000.00"))
    spend(quotas["30201_basic"].pk, Decimal("10000.00"))
    ex = progress.execution_figures(budget, project)
    assert ex.budgeted == Decimal("3200000.00") and ex.executed == Decimal("1600000.00") and ex.rate == 50
    unit = progress.execution_figures(budget)
    assert unit.budgeted == Decimal("3270000.00") and unit.executed == Decimal("1610000.00")
    row = progress.project_progress(project)[0]
    assert row.source == SourceKind.EXECUTION and row.actual == Decimal("50.00")


def test_queries_do_not_grow_with_indicators(budget, held_event):
    held_event("seminar", "科技智库与交流")
    with CaptureQueriesContext(connection) as ctx:
        progress.unit_progress(budget, END)
    assert len(ctx) <= 12
