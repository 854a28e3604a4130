"""Bad input is refused with a specific message and nothing is half-saved; the 二上二下 workflow; versions."""

from decimal import Decimal

import pytest

from center.budget import services
from center.budget.enums import BUDGET, BudgetState
from center.budget.models import Budget, ExpenditureLine, FiscalYear, FunctionalCode
from center.budget.selectors import version_diff
from center.core.errors import ApplicationError, ConflictError, ForbiddenError

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(draft_budget):
    return draft_budget.projects.get(name="科技智库与交流")


def add(budget, actor, **over):
    kw = {"functional": "2060599", "economic": "30227", "source": "gpb.duty", "amount": "1000.00"}
    kw.update(over)
    project = kw.pop("project", budget.projects.get(name="科技智库与交流"))
    return services.line_add(actor=actor, budget=budget, project=project, **kw)


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"amount": "-5"}, "不能为负数"),
        ({"amount": "abc"}, "不是数字"),
        ({"amount": "1.234"}, "最多保留两位小数"),
        ({"amount": ""}, "不能为空"),
        ({"functional": "2069998"}, "不在2023年目录中"),
        ({"functional": "20605"}, "须填到项级"),
        ({"economic": "302"}, "须填到款级"),
        ({"economic": "30298"}, "不在2023年目录中"),
        ({"source": ""}, "缺少资金来源"),
        ({"source": "gpb"}, "是汇总项"),
    ],
)
def test_bad_line_is_refused(draft_budget, org, over, message):
    before = ExpenditureLine.objects.filter(budget=draft_budget).count()
    with pytest.raises(ApplicationError) as exc:
        add(draft_budget, org["finance"], **over)
    assert message in exc.value.message
    assert ExpenditureLine.objects.filter(budget=draft_budget).count() == before


def test_basic_line_needs_matching_economic_class(draft_budget, org):
    with pytest.raises(ApplicationError, match="301"):
        services.line_add(
            actor=org["finance"],
            budget=draft_budget,
            basic_category="personnel",
            functional="2060899",
            economic="30201",
            source="gpb.basic",
            amount="10",
        )


def test_good_line_is_added_and_audited(draft_budget, org):
    from center.core.models import AuditEntry

    line = add(draft_budget, org["finance"])
    assert line.amount == Decimal("1000.00")
    assert AuditEntry.objects.filter(action="budget.line.created").exists()


def test_locked_budget_cannot_be_edited(budget, org):
    line = budget.lines.first()
    with pytest.raises(ApplicationError, match="预算已锁定"):
        services.line_update(actor=org["finance"], line=line, amount="1")
    with pytest.raises(ApplicationError, match="预算已锁定"):
        services.line_delete(actor=org["finance"], line=line)
    with pytest.raises(ApplicationError, match="预算已锁定"):
        services.budget_load(actor=org["finance"], budget=budget, payload={})
    assert ExpenditureLine.objects.get(pk=line.pk).amount == line.amount


def test_budget_load_is_all_or_nothing(draft_budget, org):
    before = list(draft_budget.lines.values_list("amount", flat=True))
    payload = {
        "basic_lines": [
            {
                "category": "personnel",
                "functional": "2060899",
                "economic": "30101",
                "source": "gpb.basic",
                "amount": "5",
            },
            {
                "category": "personnel",
                "functional": "2060899",
                "economic": "30101",
                "source": "",
                "amount": "5",
            },
            {
                "category": "personnel",
                "functional": "999",
                "economic": "30101",
                "source": "gpb.basic",
                "amount": "-1",
            },
        ]
    }
    with pytest.raises(ApplicationError) as exc:
        services.budget_load(actor=org["finance"], budget=draft_budget, payload=payload)
    wheres = [e["where"] for e in exc.value.extra["errors"]]
    assert wheres == ["basic_lines[1]", "basic_lines[2]"]
    assert list(draft_budget.lines.values_list("amount", flat=True)) == before


def test_department_head_edits_only_own_department_drafts(draft_budget, org, project):
    project.state = "draft"
    project.save()
    services.line_add(
        actor=org["head_exp"],
        budget=draft_budget,
        project=project,
        functional="2060599",
        economic="30227",
        source="gpb.duty",
        amount="10",
    )
    with pytest.raises(ForbiddenError):
        services.line_add(
            actor=org["head_inn"],
            budget=draft_budget,
            project=project,
            functional="2060599",
            economic="30227",
            source="gpb.duty",
            amount="10",
        )
    with pytest.raises(ForbiddenError):
        services.budget_consolidate(actor=org["head_exp"], budget=draft_budget)


def test_transitions_follow_the_table(draft_budget, org):
    """Walk 二上二下 and check every service refuses a wrong starting state."""
    actors = {
        "budget_consolidate": "finance",
        "budget_return": "finance",
        "budget_submit_first": "director",
        "budget_record_control": "finance",
        "budget_submit_second": "director",
        "budget_record_approval": "finance",
    }
    kwargs = {
        "budget_return": {"reason": "补充材料"},
        "budget_record_control": {"total": "30000000"},
        "budget_record_approval": {"doc_no": "深财预〔2023〕8号"},
    }
    b = draft_budget
    path = [
        "budget_consolidate",
        "budget_return",
        "budget_consolidate",
        "budget_submit_first",
        "budget_record_control",
        "budget_submit_second",
        "budget_record_approval",
    ]
    for name in path:
        for other in set(actors) - {name}:
            if not BUDGET.allows(b, other.removeprefix("budget_")):
                with pytest.raises((ConflictError, ForbiddenError, ApplicationError)):
                    getattr(services, other)(actor=org[actors[other]], budget=b, **kwargs.get(other, {}))
        if name == "budget_consolidate":
            b.projects.update(state="submitted")
        b = getattr(services, name)(actor=org[actors[name]], budget=b, **kwargs.get(name, {}))
    assert b.state == BudgetState.APPROVED
    assert b.approval_doc_no == "深财预〔2023〕8号"
    steps = list(b.versions.order_by("number").values_list("step", flat=True))
    assert steps[-6:] == ["return", "consolidate", "submit_first", "control", "submit_second", "approval"]
    assert FiscalYear.objects.get(year=2023).catalogue_locked


def test_director_must_approve_and_control_figure_is_respected(draft_budget, org):
    b = services.budget_consolidate(actor=org["finance"], budget=draft_budget)
    with pytest.raises(ForbiddenError):
        services.budget_submit_first(actor=org["finance"], budget=b)
    b = services.budget_submit_first(actor=org["director"], budget=b)
    b = services.budget_record_control(actor=org["finance"], budget=b, total="1000")
    with pytest.raises(ApplicationError, match="超过控制数"):
        services.budget_submit_second(actor=org["director"], budget=b)
    with pytest.raises(ApplicationError, match="不是数字"):
        services.budget_record_control(actor=org["finance"], budget=b, total="x")


def test_versions_are_compared_line_by_line(draft_budget, org, project):
    line = add(draft_budget, org["finance"], amount="500.00")  # every edit between rounds is a version
    services.line_update(actor=org["finance"], line=line, amount="800.00")
    vs = list(draft_budget.versions.order_by("-number")[:3])
    assert [v.step for v in vs[:2]] == ["edit", "edit"]
    assert vs[1].note.startswith("新增预算行") and vs[0].note.startswith("修改预算行")
    d = version_diff(vs[2], vs[1])
    assert len(d.added) == 1 or len(d.changed) == 1
    d2 = version_diff(vs[1], vs[0])
    assert d2.changed and d2.changed[0]["before"] != d2.changed[0]["after"]
    assert vs[0].author == org["finance"]


def test_catalogue_copy_to_next_year(budget, org):
    fy = services.catalogue_copy_year(actor=org["finance"], from_year=2022, to_year=2024)
    src = FunctionalCode.objects.filter(fiscal_year__year=2022).count()
    assert FunctionalCode.objects.filter(fiscal_year=fy).count() == src
    child = FunctionalCode.objects.get(fiscal_year=fy, code="2060599")
    assert child.parent.code == "20605" and child.parent.fiscal_year_id == fy.pk
    with pytest.raises(ConflictError):
        services.catalogue_copy_year(actor=org["finance"], from_year=2022, to_year=2024)
    with pytest.raises(ForbiddenError):
        services.catalogue_copy_year(actor=org["head_exp"], from_year=2022, to_year=2025)
    renamed = services.catalogue_entry_save(
        actor=org["finance"], year=2024, kind="functional", code="2060999", name="改名"
    )
    assert renamed.name == "改名"
    assert FunctionalCode.objects.get(fiscal_year__year=2022, code="2060999").name == "其他科学技术支出"
    with pytest.raises(ApplicationError, match="锁定"):
        services.catalogue_entry_save(
            actor=org["finance"], year=2022, kind="functional", code="2060999", name="x"
        )


def test_budget_create_needs_a_catalogue(budget, org):
    with pytest.raises(ApplicationError, match="目录"):
        services.budget_create(actor=org["finance"], unit=budget.unit, year=2031)
    with pytest.raises(ConflictError):
        services.budget_create(actor=org["finance"], unit=budget.unit, year=2022)
    assert Budget.objects.count() == 1
