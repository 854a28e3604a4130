"""Department budget (部门预算): per-year catalogues, the unit budget and its lines, versions, disclosure inputs.

Money is Decimal yuan with 2 places everywhere; 万元 exists only in the display layer (`rounding.py`).
See docs/budget-model.md for the whole picture and for how the quota ledger identifies approved lines.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from center.core.locks import LockRank
from center.core.translated import TranslatedName

from .enums import (
    BasicCategory,
    BudgetState,
    Comparator,
    ExpenditureKind,
    IndicatorKind,
    ProjectState,
    Severity,
    VersionStep,
)

AMOUNT = {"max_digits": 16, "decimal_places": 2}


# --------------------------------------------------------------------------- catalogues (per year)


class FiscalYear(models.Model):
    """A budget year. Catalogues hang off it because codes change between years."""

    # Locked by the approval of a budget (二下 locks the year's catalogue) and by catalogue edits (which must
    # see `catalogue_locked` as it stands). The catalogue is configuration that every budget of the year
    # reads, so it ranks with configuration: locked before any budget (Budget is SUBJECT).
    lock_rank = LockRank.MASTER

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    catalogue_locked = models.BooleanField(_("目录已锁定"), default=False)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CatalogueEntry(TranslatedName, models.Model):
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("级次"))  # 1 类, 2 款, 3 项
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name()}"


class FunctionalCode(CatalogueEntry):
    """支出功能分类科目: 类 (3 digits) / 款 (5) / 项 (7)."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="functional_codes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="functional_code_unique"),
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="functional_code_level"),
        ]


class EconomicCode(CatalogueEntry):
    """部门预算支出经济分类科目: 类 (3 digits) / 款 (5)."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="economic_codes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="economic_code_unique"),
            models.CheckConstraint(condition=Q(level__in=[1, 2]), name="economic_code_level"),
        ]


class IncomeSource(CatalogueEntry):
    """收入来源 (资金性质): gov > gpb > gpb.basic …; only leaves carry money."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="income_sources")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_leaf = models.BooleanField(default=True)
    in_current_year_income = models.BooleanField(_("计入本年收入"), default=True)

    class Meta:
        ordering = ["fiscal_year", "sort"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="income_source_unique"),
        ]


class ProcurementKind(CatalogueEntry):
    """政府采购品目大类: goods 货物 / works 工程 / services 服务."""

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="procurement_kinds")

    class Meta:
        ordering = ["fiscal_year", "sort"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="procurement_kind_unique"),
        ]


# --------------------------------------------------------------------------- the budget


class Budget(models.Model):
    """One unit's department budget for one year. Approved (二下) = locked; later changes are adjustments."""

    lock_rank = LockRank.SUBJECT

    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="budgets")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="budgets")
    state = models.CharField(_("状态"), max_length=20, choices=BudgetState.choices, default=BudgetState.DRAFT)
    version = models.PositiveIntegerField(_("版本号"), default=0)  # number of the latest BudgetVersion
    # 一下: the finance bureau's control figures (控制数), yuan.
    control_total = models.DecimalField(_("控制数"), null=True, blank=True, **AMOUNT)
    control_basic = models.DecimalField(_("基本支出控制数"), null=True, blank=True, **AMOUNT)
    control_project = models.DecimalField(_("项目支出控制数"), null=True, blank=True, **AMOUNT)
    control_doc_no = models.CharField(_("控制数文号"), max_length=100, blank=True)
    # 二下: the approval (批复).
    approval_doc_no = models.CharField(_("批复文号"), max_length=100, blank=True)
    approved_on = models.DateField(_("批复日期"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    # Carry-over out (结转下年) shown in 表1/表6; usually 0 in a budget.
    carry_out = models.DecimalField(_("结转下年"), default=0, **AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-fiscal_year__year", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "fiscal_year"], name="budget_unit_year_unique"),
        ]

    def __str__(self) -> str:
        return gettext("%(unit)s %(year)s年部门预算") % {"unit": self.unit, "year": self.fiscal_year.year}

    @property
    def year(self) -> int:
        return self.fiscal_year.year


class BudgetVersion(models.Model):
    """An immutable snapshot of the whole budget taken at each step; versions are compared side by side."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本"))
    step = models.CharField(_("环节"), max_length=20, choices=VersionStep.choices)
    state = models.CharField(_("状态"), max_length=20, choices=BudgetState.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    snapshot = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["budget", "number"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "number"], name="budget_version_unique"),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.get_step_display()}"


class IncomeLine(models.Model):
    """Income by source (收入预算). Sources are leaves of the year's IncomeSource catalogue."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="income_lines")
    source = models.ForeignKey(IncomeSource, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额（元）"), **AMOUNT)

    class Meta:
        ordering = ["budget", "source__sort"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "source"], name="income_line_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="income_line_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.amount}"


class Project(TranslatedName, models.Model):
    """A project (项目支出), drafted by a department, with items (明细) and performance targets."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("编报部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_projects",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_projects",
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ProjectState.choices, default=ProjectState.DRAFT
    )
    sort = models.PositiveIntegerField(_("表5 顺序"), default=0)
    task_sort = models.PositiveIntegerField(_("表11 顺序"), default=0)  # 年度主要任务 / 第七部分
    purpose = models.TextField(_("用途"), blank=True)  # 第三部分（四）: "用于……"
    performance_summary = models.TextField(_("绩效目标（主要内容）"), blank=True)  # 第七部分 / 表11
    overall_goal = models.TextField(_("年度总体目标"), blank=True)  # 表11 年度总体目标
    previous_year_amount = models.DecimalField(_("上年预算（元）"), null=True, blank=True, **AMOUNT)
    change_reason = models.TextField(_("增减原因"), blank=True)
    government_investment = models.BooleanField(_("政府投资项目"), default=False)
    key_project = models.BooleanField(_("重点项目"), default=True)  # listed in 第七部分

    class Meta:
        ordering = ["budget", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "name"], name="project_name_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name()


class ProjectItem(TranslatedName, models.Model):
    """A project's item (明细): what the money is for. Its amount is the sum of its lines."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("明细名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    purpose = models.TextField(_("用途"), blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["project", "sort", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="project_item_name_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name()


class ExpenditureLine(models.Model):
    """The atom of the budget: one amount with its functional 项, economic 款 and funding source.

    A basic line has `basic_category` and no project; a project line has `project` and `item`.
    Approved budgets are locked, so the id of a line of an approved budget never changes meaning:
    the quota ledger (指标) keys on it (see `selectors.approved_lines`).
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(_("支出类型"), max_length=10, choices=ExpenditureKind.choices)
    basic_category = models.CharField(
        _("基本支出类别"), max_length=20, choices=BasicCategory.choices, blank=True
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(
        ProjectItem, null=True, blank=True, on_delete=models.CASCADE, related_name="lines"
    )
    functional = models.ForeignKey(
        FunctionalCode, verbose_name=_("功能科目（项）"), on_delete=models.PROTECT, related_name="+"
    )
    economic = models.ForeignKey(
        EconomicCode, verbose_name=_("经济科目（款）"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(
        IncomeSource, verbose_name=_("资金来源"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("金额（元）"), **AMOUNT)
    note = models.CharField(_("备注"), max_length=300, blank=True)
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["budget", "kind", "sort", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="expenditure_line_amount_nonneg"),
            models.CheckConstraint(
                condition=(
                    Q(kind="basic") & ~Q(basic_category="") & Q(project__isnull=True) & Q(item__isnull=True)
                )
                | (Q(kind="project") & Q(basic_category="") & Q(project__isnull=False)),
                name="expenditure_line_kind_consistent",
            ),
        ]
        indexes = [models.Index(fields=["budget", "kind"], name="expline_budget_kind")]

    def __str__(self) -> str:
        return f"{self.functional.code}/{self.economic.code}/{self.source.code} {self.amount}"


class ThreePublicBudget(models.Model):
    """一般公共预算“三公”经费 and the texts that explain each part (第五部分)."""

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="three_public")
    overseas = models.DecimalField(_("因公出国（境）费"), default=0, **AMOUNT)
    reception = models.DecimalField(_("公务接待费"), default=0, **AMOUNT)
    vehicle_purchase = models.DecimalField(_("公务用车购置费"), default=0, **AMOUNT)
    vehicle_running = models.DecimalField(_("公务用车运行维护费"), default=0, **AMOUNT)
    vehicles_held = models.PositiveIntegerField(_("公务用车保有量（辆）"), default=0)
    overseas_note = models.TextField(_("因公出国（境）说明"), blank=True)
    reception_purpose = models.TextField(_("公务接待用途"), blank=True)
    vehicle_note = models.TextField(_("公务用车说明"), blank=True)
    vehicle_purchase_note = models.TextField(_("购置费说明"), blank=True)
    vehicle_running_note = models.TextField(_("运行维护费说明"), blank=True)
    table_note = models.CharField(_("表8 注"), max_length=300, blank=True, default="无。")

    def __str__(self) -> str:
        return f"三公 {self.budget_id}"

    @property
    def vehicle_total(self):
        return self.vehicle_purchase + self.vehicle_running

    @property
    def total(self):
        return self.overseas + self.reception + self.vehicle_purchase + self.vehicle_running


class ProcurementBudget(models.Model):
    """政府采购预算 by kind, linked to the project that pays for it, with the share for SMEs."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="procurements")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="procurements"
    )
    kind = models.ForeignKey(ProcurementKind, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("采购内容"), max_length=200, blank=True)
    amount = models.DecimalField(_("金额（元）"), **AMOUNT)
    sme_amount = models.DecimalField(_("面向中小企业（元）"), default=0, **AMOUNT)
    small_micro_amount = models.DecimalField(_("面向小型、微型企业（元）"), default=0, **AMOUNT)

    class Meta:
        ordering = ["budget", "kind__sort", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="procurement_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(sme_amount__lte=models.F("amount"))
                & Q(small_micro_amount__lte=models.F("sme_amount")),
                name="procurement_shares_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description or self.kind_id} {self.amount}"


class Staffing(models.Model):
    """编制与实有人数 (第一部分 二)."""

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="staffing")
    admin_posts = models.PositiveIntegerField(_("行政编制数"), default=0)
    admin_filled = models.PositiveIntegerField(_("行政实有在编人数"), default=0)
    institution_posts = models.PositiveIntegerField(_("事业编制数"), default=0)
    institution_filled = models.PositiveIntegerField(_("事业实有在编人数"), default=0)
    retired_cadres = models.PositiveIntegerField(_("离休人数"), default=0)
    retirees = models.PositiveIntegerField(_("退休人数"), default=0)

    def __str__(self) -> str:
        return f"编制 {self.budget_id}"


class AssetFigures(models.Model):
    """国有资产占用情况 (第八部分 二)."""

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="assets")
    as_of = models.CharField(_("截至"), max_length=20, blank=True)  # e.g. "2021-10"
    vehicles = models.PositiveIntegerField(_("车辆（辆）"), default=0)
    general_equipment = models.PositiveIntegerField(_("单价50万元以上通用设备（台套）"), default=0)
    special_equipment = models.PositiveIntegerField(_("单价100万元以上专用设备（台套）"), default=0)
    planned_vehicles = models.PositiveIntegerField(_("计划新增车辆"), default=0)
    planned_general_equipment = models.PositiveIntegerField(_("计划新增通用设备"), default=0)
    planned_special_equipment = models.PositiveIntegerField(_("计划新增专用设备"), default=0)

    def __str__(self) -> str:
        return f"资产 {self.budget_id}"


class Narrative(models.Model):
    """The structured inputs of 第一部分–第九部分; every figure in the text comes from data, not from here."""

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="narrative")
    unit_full_name = models.CharField(_("单位全称"), max_length=100, blank=True)
    responsibilities = models.TextField(_("部门职责（沿革）"), blank=True)
    functions = models.JSONField(_("主要职能"), default=list, blank=True)  # [str]
    subordinate_units = models.PositiveIntegerField(_("下属单位数"), default=0)
    budget_level = models.CharField(_("预算级次"), max_length=30, blank=True, default="本级预算")
    departments = models.JSONField(_("内设部门"), default=list, blank=True)  # [str]
    goals = models.JSONField(_("年度主要工作目标"), default=list, blank=True)  # [{"area", "items": [str]}]
    change_reasons = models.JSONField(_("收支增减原因"), default=list, blank=True)  # [str]
    personnel_content = models.CharField(_("人员支出主要内容"), max_length=300, blank=True)
    public_content = models.CharField(_("公用支出主要内容"), max_length=300, blank=True)
    family_content = models.CharField(_("对个人和家庭补助主要内容"), max_length=300, blank=True)
    performance_unit_text = models.TextField(_("绩效管理单位范围说明"), blank=True)
    performance_project_text = models.TextField(_("绩效管理项目情况说明"), blank=True)
    key_projects_remark = models.CharField(_("第七部分备注"), max_length=300, blank=True, default="无。")
    operating_costs = models.DecimalField(_("机关运行经费（元）"), default=0, **AMOUNT)
    operating_costs_note = models.CharField(_("机关运行经费说明"), max_length=300, blank=True)
    other_notes = models.TextField(_("其他需要说明的情况"), blank=True)
    basic_task_content = models.CharField(_("表11 基本支出主要内容"), max_length=300, blank=True)
    glossary = models.JSONField(_("名词解释"), default=list, blank=True)  # [{"term", "definition"}]

    def __str__(self) -> str:
        return f"文字部分 {self.budget_id}"


class ComparisonFigure(models.Model):
    """Previous-year figures stated by the source when no previous-year Budget exists (e.g. the seed's 2021).

    Keys: income_total, expenditure_total, basic_total, project_total, operating_costs,
    three_public.overseas / .reception / .vehicle_purchase / .vehicle_running, project:<name>.
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="comparison_figures")
    key = models.CharField(max_length=150)
    amount = models.DecimalField(_("上年金额（元）"), **AMOUNT)
    derived = models.BooleanField(_("推算得出"), default=False)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        ordering = ["budget", "key"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "key"], name="comparison_figure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.amount}"


class PerformanceIndicator(TranslatedName, models.Model):
    """A 三级指标 with its target; 一级/二级 are its position in the framework (enums.INDICATOR_FRAMEWORK).

    `project` set: the project's target tree; `project` null: a unit-wide target. 表11 gathers all of a
    budget's indicators in `table_sort` order (each indicator once: nothing is typed twice).
    """

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="indicators")
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="indicators"
    )
    level1 = models.CharField(_("一级指标"), max_length=30)
    level2 = models.CharField(_("二级指标"), max_length=30)
    name = models.CharField(_("三级指标"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=IndicatorKind.choices)
    comparator = models.CharField(_("比较"), max_length=2, choices=Comparator.choices, blank=True)
    value = models.CharField(_("目标值"), max_length=50)  # a number for quantitative, a phrase otherwise
    measure_unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    sort = models.PositiveIntegerField(default=0)  # within the project
    table_sort = models.PositiveIntegerField(default=0)  # within 表11

    class Meta:
        ordering = ["budget", "table_sort", "id"]

    def __str__(self) -> str:
        return f"{self.display_name()} {self.target_display}"

    @property
    def target_display(self) -> str:
        from .enums import COMPARATOR_SYMBOL

        if self.kind == IndicatorKind.QUALITATIVE:
            return self.value
        sym = COMPARATOR_SYMBOL.get(self.comparator, "")
        if self.measure_unit == "%":
            return f"{sym}{self.value}%"
        return f"{sym}{self.value} {self.display_measure_unit()}".strip()

    # 一级/二级 names and units are a fixed vocabulary, translated by the catalogue (budget/labels.py).
    def display_level1(self, language: str | None = None) -> str:
        return _vocabulary(self.level1)

    def display_level2(self, language: str | None = None) -> str:
        return _vocabulary(self.level2)

    def display_measure_unit(self, language: str | None = None) -> str:
        return _vocabulary(self.measure_unit)


def _vocabulary(word: str) -> str:
    from .labels import INDICATOR_WORDS

    return str(INDICATOR_WORDS.get(word, word))


class PublishedDisclosure(models.Model):
    """A disclosure as it was printed (a transcription), kept beside a budget loaded from it.

    The pre-publication check compares the generated tables with it cell by cell and runs the same
    consistency rules on it, which is how the source document's own contradictions get reported.
    """

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="published")
    source = models.CharField(_("来源"), max_length=300)
    tables = models.JSONField()  # {"表1": [[cell, …], …], …} as transcribed
    texts = models.JSONField(default=dict, blank=True)  # {"where": "sentence as printed"}
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.source


class CheckRun(models.Model):
    """The result of a pre-publication check (公开前校验); publishing needs a run without errors."""

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="check_runs")
    version = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=list)  # [{"rule", "severity", "where", "message", …}]

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"check {self.budget_id} v{self.version}"


__all__ = [
    "AssetFigures",
    "Budget",
    "BudgetVersion",
    "CheckRun",
    "ComparisonFigure",
    "EconomicCode",
    "ExpenditureLine",
    "FiscalYear",
    "FunctionalCode",
    "IncomeLine",
    "IncomeSource",
    "Narrative",
    "PerformanceIndicator",
    "ProcurementBudget",
    "ProcurementKind",
    "Project",
    "ProjectItem",
    "PublishedDisclosure",
    "Severity",
    "Staffing",
    "ThreePublicBudget",
]
