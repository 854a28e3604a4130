"""States and choices of the budget area. The lifecycles are the machines below (transitions as data): one
service per verb (`services.budget_<verb>`, `services.project_<verb>`), the audit action `budget.budget.<verb>`
/ `budget.project.<verb>`, and tests enumerate every (state, verb) pair of each machine."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from center.core.statemachine import Machine


class BudgetState(models.TextChoices):
    """The "二上二下" cycle. Only DRAFT, REVIEW and CONTROL_RECEIVED accept edits."""

    DRAFT = "draft", _("编制中")
    REVIEW = "review", _("财务审核中")
    SUBMITTED_FIRST = "submitted_first", _("一上（已报送）")
    CONTROL_RECEIVED = "control_received", _("一下（已下达控制数）")
    SUBMITTED_SECOND = "submitted_second", _("二上（已报送）")
    APPROVED = "approved", _("二下（已批复）")
    PUBLISHED = "published", _("已公开")


EDITABLE_STATES = frozenset({BudgetState.DRAFT, BudgetState.REVIEW, BudgetState.CONTROL_RECEIVED})
LOCKED_STATES = frozenset(
    {BudgetState.SUBMITTED_FIRST, BudgetState.SUBMITTED_SECOND, BudgetState.APPROVED, BudgetState.PUBLISHED}
)
APPROVED_STATES = frozenset({BudgetState.APPROVED, BudgetState.PUBLISHED})


class VersionStep(models.TextChoices):
    """What produced a BudgetVersion snapshot."""

    IMPORT = "import", _("导入")
    EDIT = "edit", _("编辑")
    CONSOLIDATE = "consolidate", _("财务汇总")
    RETURN = "return", _("退回修改")
    SUBMIT_FIRST = "submit_first", _("一上")
    CONTROL = "control", _("一下")
    SUBMIT_SECOND = "submit_second", _("二上")
    APPROVAL = "approval", _("二下批复")
    PUBLISH = "publish", _("公开")


S = BudgetState
# 二上二下: verb -> (allowed starting states, resulting state).
BUDGET = Machine(
    "budget.budget",
    {
        "consolidate": ({S.DRAFT}, S.REVIEW),  # finance consolidates the departments' projects for review
        "return": ({S.REVIEW}, S.DRAFT),  # finance sends it back to the departments (projects reopen)
        "submit_first": ({S.REVIEW}, S.SUBMITTED_FIRST),  # 一上, approved by the director
        "record_control": ({S.SUBMITTED_FIRST}, S.CONTROL_RECEIVED),  # 一下: the control figures
        "submit_second": ({S.CONTROL_RECEIVED}, S.SUBMITTED_SECOND),  # 二上, within the control figure
        "record_approval": (
            {S.SUBMITTED_SECOND},
            S.APPROVED,
        ),  # 二下: the approval; the year's catalogue locks
        "publish": ({S.APPROVED}, S.PUBLISHED),  # refused while the pre-publication check has an error
    },
)
TRANSITIONS = BUDGET.transitions
# The BudgetVersion step each verb records.
VERB_STEP = {
    "consolidate": VersionStep.CONSOLIDATE,
    "return": VersionStep.RETURN,
    "submit_first": VersionStep.SUBMIT_FIRST,
    "record_control": VersionStep.CONTROL,
    "submit_second": VersionStep.SUBMIT_SECOND,
    "record_approval": VersionStep.APPROVAL,
    "publish": VersionStep.PUBLISH,
}


class ExpenditureKind(models.TextChoices):
    BASIC = "basic", _("基本支出")
    PROJECT = "project", _("项目支出")


class BasicCategory(models.TextChoices):
    """基本支出 is 人员经费 + 公用经费 + 对个人和家庭的补助 (economic classes 301 / 302 / 303)."""

    PERSONNEL = "personnel", _("人员经费")
    PUBLIC = "public", _("公用经费")
    FAMILY = "family_subsidy", _("对个人和家庭的补助")


# Economic 类 that each basic category must use.
BASIC_CATEGORY_CLASS = {
    BasicCategory.PERSONNEL: "301",
    BasicCategory.PUBLIC: "302",
    BasicCategory.FAMILY: "303",
}


class ProjectState(models.TextChoices):
    DRAFT = "draft", _("部门编制中")
    SUBMITTED = "submitted", _("已提交财务")


# A department's project: drafted, then handed to finance. The budget's `return` sends every submitted
# project back to drafting at once (part of that verb, recorded by its audit entry).
PROJECT = Machine("budget.project", {"submit": ({ProjectState.DRAFT}, ProjectState.SUBMITTED)})


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", _("定量")
    QUALITATIVE = "qualitative", _("定性")


class Comparator(models.TextChoices):
    EQ = "=", "="
    GE = ">=", "≥"
    LE = "<=", "≤"
    GT = ">", ">"
    LT = "<", "<"


COMPARATOR_SYMBOL = {"=": "", ">=": "≥", "<=": "≤", ">": ">", "<": "<"}

# The indicator framework (一级 → 二级) in the order 表11 prints it; every 二级 row appears even when empty.
INDICATOR_FRAMEWORK: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "产出指标",
        "产出",
        [("数量指标", "数量"), ("质量指标", "质量"), ("时效指标", "时效"), ("成本指标", "成本")],
    ),
    (
        "效益指标",
        "效益",
        [
            ("经济效益指标", "经济效益"),
            ("社会效益指标", "社会效益"),
            ("可持续影响指标", "可持续影响"),
            ("生态效益指标", "生态效益"),
        ],
    ),
    ("满意度指标", "满意度", [("服务对象满意度指标", "服务对象满意度")]),
]
LEVEL1_NAMES = [l1 for l1, _short, _l2 in INDICATOR_FRAMEWORK]
LEVEL2_OF = {l2: l1 for l1, _s, l2s in INDICATOR_FRAMEWORK for l2, _short in l2s}


class Severity(models.TextChoices):
    ERROR = "error", _("错误")
    WARNING = "warning", _("警告")
    INFO = "info", _("提示")
