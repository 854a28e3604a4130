"""Bad input refused with a clear message and nothing changed; who may do what; the self-evaluation's
state machine walked for every (state, verb); an approved evaluation is locked and audited."""

from datetime import date
from decimal import Decimal

import pytest

from center.core.errors import ApplicationError, ConflictError, ForbiddenError
from center.core.models import Attachment, AuditEntry
from center.performance import services
from center.performance.enums import EVALUATION, EvaluationState, Rating
from center.performance.models import Evaluation, IndicatorBinding, ManualValue, Record, ScoreRule
from tests.performance.conftest import EVIDENCE

pytestmark = pytest.mark.django_db


def _counts():
    return (
        ManualValue.objects.count(),
        Attachment.objects.count(),
        Record.objects.count(),
        ScoreRule.objects.count(),
        AuditEntry.objects.count(),
    )


def test_manual_value_without_evidence_is_refused_and_nothing_changes(binding, org):
    devices = binding("购买办公设备")
    before = _counts()
    with pytest.raises(ApplicationError, match="证明材料"):
        services.value_add(
            actor=org["staff_gen"],
            binding_id=devices.pk,
            value="8",
            as_of=date(2022, 6, 1),
            note="到货",
            files=[],
        )
    with pytest.raises(ApplicationError, match="说明"):
        services.value_add(
            actor=org["staff_gen"],
            binding_id=devices.pk,
            value="8",
            as_of=date(2022, 6, 1),
            note=" ",
            files=EVIDENCE,
        )
    assert _counts() == before


def test_a_file_that_is_not_what_it_says_is_refused(binding, org):
    before = _counts()
    with pytest.raises(ApplicationError):
        services.value_add(
            actor=org["staff_gen"],
            binding_id=binding("购买办公设备").pk,
            value="8",
            as_of=date(2022, 6, 1),
            note="到货",
            files=[("验收单.pdf", b"not a pdf")],
        )
    assert _counts() == before


def test_computed_sources_take_no_typed_value(binding, org):
    with pytest.raises(ApplicationError, match="由系统计算"):
        services.value_add(
            actor=org["finance"],
            binding_id=binding("受众满意度").pk,
            value="99",
            as_of=date(2022, 6, 1),
            note="—",
            files=EVIDENCE,
        )
    with pytest.raises(ApplicationError, match="由系统计算"):
        services.value_add(
            actor=org["finance"],
            binding_id=binding("举办海智交流活动完成率").pk,
            value="100",
            as_of=date(2022, 6, 1),
            note="—",
            files=EVIDENCE,
        )


def test_a_rating_needs_a_rating(binding, org):
    with pytest.raises(ApplicationError, match="评价"):
        services.value_add(
            actor=org["staff_inn"],
            binding_id=binding("海智项目工作保障情况").pk,
            as_of=date(2022, 6, 1),
            note="—",
            files=EVIDENCE,
        )


def test_only_the_projects_department_or_finance_enters(binding, org):
    devices = binding("购买办公设备")  # 办公设备采购: 综合部
    with pytest.raises(ForbiddenError):
        services.value_add(
            actor=org["staff_exp"],
            binding_id=devices.pk,
            value="8",
            as_of=date(2022, 6, 1),
            note="—",
            files=EVIDENCE,
        )
    with pytest.raises(ForbiddenError):
        services.value_add(
            actor=org["auditor"],
            binding_id=devices.pk,
            value="8",
            as_of=date(2022, 6, 1),
            note="—",
            files=EVIDENCE,
        )
    services.value_add(
        actor=org["finance"],
        binding_id=devices.pk,
        value="8",
        as_of=date(2022, 6, 1),
        note="—",
        files=EVIDENCE,
    )


def test_binding_to_a_source_that_does_not_exist_is_refused(ind, org):
    week = ind("举办创新周主题活动")
    before = IndicatorBinding.objects.get(indicator=week).source
    with pytest.raises(ApplicationError, match="不存在"):
        services.binding_set(actor=org["finance"], indicator_id=week.pk, source="procurement_area")
    with pytest.raises(ApplicationError, match="活动类型不存在"):
        services.binding_set(
            actor=org["finance"], indicator_id=week.pk, source="events", event_types=["nope"]
        )
    with pytest.raises(ApplicationError, match="依据"):
        services.binding_set(
            actor=org["finance"], indicator_id=ind("举办创新周主题活动完成率").pk, source="completion"
        )
    with pytest.raises(ApplicationError, match="定性"):
        services.binding_set(
            actor=org["finance"], indicator_id=ind("海智项目工作保障情况").pk, source="events"
        )
    assert IndicatorBinding.objects.get(indicator=week).source == before


def test_a_base_of_another_project_is_refused(ind, org):
    with pytest.raises(ApplicationError, match="同一项目"):
        services.binding_set(
            actor=org["finance"],
            indicator_id=ind("举办创新周主题活动完成率").pk,
            source="completion",
            base_id=ind("组织开展学术研讨会").pk,
        )


def test_binding_away_from_events_refused_while_events_count(ind, held_event, org):
    week = ind("举办创新周主题活动")
    held_event("innovation_week", "科技创新与交流").indicators.add(week)
    with pytest.raises(ConflictError, match="活动"):
        services.binding_set(actor=org["finance"], indicator_id=week.pk, source="manual")


def test_department_head_binds_own_projects_only(ind, org):
    services.binding_set(actor=org["head_exp"], indicator_id=ind("组织开展学术研讨会").pk, source="manual")
    with pytest.raises(ForbiddenError):
        services.binding_set(
            actor=org["head_exp"], indicator_id=ind("举办创新周主题活动").pk, source="manual"
        )
    with pytest.raises(ForbiddenError):
        services.binding_set(actor=org["head_exp"], indicator_id=ind("预算执行率").pk, source="manual")


def test_record_accepted_by_someone_else_with_evidence(binding, org):
    rec = services.record_add(
        actor=org["staff_gen"], binding_id=binding("专家委网站和专家库维护").pk, title="维护"
    )
    with pytest.raises(ForbiddenError):  # not by the person who registered it
        services.record_accept(
            actor=org["staff_gen"], record_id=rec.pk, accepted_on=date(2022, 6, 1), note="ok", files=EVIDENCE
        )
    with pytest.raises(ApplicationError, match="证明材料"):
        services.record_accept(
            actor=org["head_gen"], record_id=rec.pk, accepted_on=date(2022, 6, 1), note="ok", files=[]
        )
    services.record_accept(
        actor=org["head_gen"], record_id=rec.pk, accepted_on=date(2022, 6, 1), note="ok", files=EVIDENCE
    )
    with pytest.raises(ConflictError):
        services.record_accept(
            actor=org["head_gen"], record_id=rec.pk, accepted_on=date(2022, 6, 1), note="ok", files=EVIDENCE
        )
    with pytest.raises(ApplicationError, match="维护记录或建设里程碑"):
        services.record_add(actor=org["finance"], binding_id=binding("购买办公设备").pk, title="x")


def test_score_rule_weights_must_add_up(org):
    before = _counts()
    with pytest.raises(ApplicationError, match="100") as exc:
        services.rule_save(actor=org["finance"], year=2022, output_weight="45")
    assert "95" in exc.value.message
    assert _counts() == before
    with pytest.raises(ForbiddenError):
        services.rule_save(actor=org["director"], year=2022, output_weight="50")
    services.rule_save(actor=org["finance"], year=2022, output_weight="45", benefit_weight="35")
    assert services.rule_for_year(2022).benefit_weight == 35


def _evaluation(budget, org):
    return services.evaluation_open(actor=org["finance"], budget_id=budget.pk)


def test_unit_evaluation_scored_with_every_indicator_and_the_execution_line(budget, org):
    ev = _evaluation(budget, org)
    lines = list(ev.lines.all())
    assert len(lines) == 39  # the execution line + 38 indicators of 表11
    assert ev.score is not None and ev.grade in {"优", "良", "中", "差"}
    assert all(ln.how for ln in lines)
    assert sum(ln.points for ln in lines) == 100


def test_the_machine_submit_return_approve_and_lock(budget, binding, org):
    ev = _evaluation(budget, org)
    services.evaluation_submit(actor=org["finance"], evaluation_id=ev.pk)
    with pytest.raises(ConflictError):  # a second submission
        services.evaluation_submit(actor=org["finance"], evaluation_id=ev.pk)
    with pytest.raises(ApplicationError, match="退回意见"):
        services.evaluation_return(actor=org["director"], evaluation_id=ev.pk, comment="")
    services.evaluation_return(actor=org["director"], evaluation_id=ev.pk, comment="请补充说明")
    services.evaluation_update(actor=org["finance"], evaluation_id=ev.pk, conclusion="按计划完成")
    services.evaluation_submit(actor=org["finance"], evaluation_id=ev.pk)
    with pytest.raises(ForbiddenError):
        services.evaluation_approve(actor=org["finance"], evaluation_id=ev.pk)
    ev = services.evaluation_approve(actor=org["director"], evaluation_id=ev.pk)
    assert ev.state == EvaluationState.APPROVED
    assert AuditEntry.objects.filter(action="performance.evaluation.approve").count() == 1
    # locked: nothing about its indicators may change any more
    before = _counts()
    with pytest.raises(ConflictError, match="锁定"):
        services.value_add(
            actor=org["finance"],
            binding_id=binding("购买办公设备").pk,
            value="8",
            as_of=date(2022, 6, 1),
            note="—",
            files=EVIDENCE,
        )
    with pytest.raises(ConflictError, match="锁定"):
        services.binding_set(
            actor=org["finance"], indicator_id=binding("购买办公设备").indicator_id, source="manual"
        )
    with pytest.raises(ApplicationError):
        services.evaluation_score(actor=org["finance"], evaluation_id=ev.pk)
    with pytest.raises(ApplicationError):
        services.evaluation_update(actor=org["finance"], evaluation_id=ev.pk, conclusion="改")
    assert _counts() == before


def test_execution_below_the_line_requires_an_explanation(org):
    from center.budget.models import PerformanceIndicator
    from tests.control.factories import quotas_ready

    quotas = quotas_ready(org)
    budget = quotas["30227"].budget
    PerformanceIndicator.objects.create(
        budget=budget,
        project=None,
        level1="满意度指标",
        level2="服务对象满意度指标",
        name="受众满意度",
        kind="quantitative",
        comparator=">=",
        value="90",
        measure_unit="%",
    )
    ev = services.evaluation_open(actor=org["finance"], budget_id=budget.pk)
    assert ev.execution_rate == 0
    with pytest.raises(ApplicationError, match="说明原因"):
        services.evaluation_submit(actor=org["finance"], evaluation_id=ev.pk)
    assert Evaluation.objects.get(pk=ev.pk).state == EvaluationState.DRAFT
    services.evaluation_update(actor=org["finance"], evaluation_id=ev.pk, execution_explanation="年初未执行")
    assert (
        services.evaluation_submit(actor=org["finance"], evaluation_id=ev.pk).state
        == EvaluationState.SUBMITTED
    )


def test_not_applicable_needs_a_reason_and_rescales(budget, org):
    ev = _evaluation(budget, org)
    sat = ev.lines.get(indicator__name="受众满意度")
    with pytest.raises(ApplicationError, match="原因"):
        services.evaluation_line_set(
            actor=org["finance"], evaluation_id=ev.pk, line_id=sat.pk, applicable=False
        )
    ev = services.evaluation_line_set(
        actor=org["finance"], evaluation_id=ev.pk, line_id=sat.pk, applicable=False, reason="本年未开展问卷"
    )
    lines = list(ev.lines.all())
    assert sum(ln.points for ln in lines if ln.applicable) == 90
    raw = sum(ln.score for ln in lines if ln.applicable)
    assert ev.score == (raw / 90 * 100).quantize(Decimal("0.01"))


def test_qualitative_percentage_must_lie_in_its_band(budget, binding, org):
    services.value_add(
        actor=org["staff_inn"],
        binding_id=binding("海智项目工作保障情况").pk,
        rating=Rating.PARTLY,
        as_of=date(2022, 12, 1),
        note="基本保障",
        files=EVIDENCE,
    )
    ev = _evaluation(budget, org)
    line = ev.lines.get(indicator__name="海智项目工作保障情况")
    with pytest.raises(ApplicationError, match="60%–80%"):
        services.evaluation_line_set(
            actor=org["finance"], evaluation_id=ev.pk, line_id=line.pk, applicable=True, rating_pct="90"
        )
    services.evaluation_line_set(
        actor=org["finance"], evaluation_id=ev.pk, line_id=line.pk, applicable=True, rating_pct="75"
    )
    line.refresh_from_db()
    assert line.rating_pct == 75 and line.score == (line.points * Decimal("0.75")).quantize(Decimal("0.01"))


def test_project_evaluation_by_its_department_not_another(budget, org):
    from center.budget.models import Project

    seminars = Project.objects.get(budget=budget, name="科技智库与交流")  # 专家服务部
    with pytest.raises(ForbiddenError):
        services.evaluation_open(actor=org["staff_inn"], budget_id=budget.pk, project_id=seminars.pk)
    ev = services.evaluation_open(actor=org["staff_exp"], budget_id=budget.pk, project_id=seminars.pk)
    assert {ln.indicator.project_id for ln in ev.lines.exclude(indicator=None)} == {seminars.pk}
    with pytest.raises(ForbiddenError):  # the unit's evaluation is finance's
        services.evaluation_open(actor=org["staff_exp"], budget_id=budget.pk)


@pytest.mark.parametrize("state", EvaluationState.values)
@pytest.mark.parametrize("verb", EVALUATION.verbs)
def test_machine_every_state_and_verb(budget, org, state, verb):
    ev = _evaluation(budget, org)
    ev.execution_explanation = "说明"
    ev.save()
    Evaluation.objects.filter(pk=ev.pk).update(state=state, submitted_by=org["finance"])
    call = {
        "submit": lambda: services.evaluation_submit(actor=org["finance"], evaluation_id=ev.pk),
        "return": lambda: services.evaluation_return(
            actor=org["director"], evaluation_id=ev.pk, comment="改"
        ),
        "approve": lambda: services.evaluation_approve(actor=org["director"], evaluation_id=ev.pk),
    }[verb]
    allowed = state in EVALUATION.sources[verb]
    if allowed:
        assert call().state == EVALUATION.target(verb)
    else:
        with pytest.raises(ApplicationError):
            call()
        assert Evaluation.objects.get(pk=ev.pk).state == state
