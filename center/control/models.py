"""Active budget control (主动管控): quotas and their ledger, prior applications, approval chains,
reimbursements, invoices and payments. Every balance change is a ledger entry; see docs/control-model.md."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Abs
from django.db.models.lookups import LessThan
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.locks import LockRank
from center.core.translated import TranslatedName, is_english

from .enums import (
    ApplicationType,
    ApproverRule,
    ControlLevel,
    DocState,
    EntryKind,
    PaymentMethod,
    StepKind,
    TaskState,
    default_type_codes,
)

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class ConfigVersion(models.Model):
    """One row: the number every configuration write bumps (year settings, standards, flows and steps), in the
    write's own transaction. Each process keeps what submissions read of the configuration in a cache keyed by
    this number and reloads it when the number it reads (once per unit of work) has changed
    (center/control/config_cache.py). `stamp` changes with it, so a number taken again after a rolled-back
    write never matches a cache filled under the first one."""

    lock_rank = LockRank.MASTER

    number = models.PositiveBigIntegerField(default=0)
    stamp = models.UUIDField(default=uuid.uuid4)

    def __str__(self) -> str:
        return str(self.number)


class ControlSettings(models.Model):
    """Per-year parameters of the control rules (configurable data, not code)."""

    lock_rank = LockRank.MASTER

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    collective_threshold = models.DecimalField(_("集体决策（三重一大）金额标准"), default=300000, **AMOUNT)
    small_reimbursement_threshold = models.DecimalField(_("免事前申请报销限额"), default=1000, **AMOUNT)
    over_reimbursement_pct = models.DecimalField(
        _("允许超申请金额比例（%）"), default=10, max_digits=5, decimal_places=2
    )
    application_valid_days = models.PositiveIntegerField(_("事前申请有效天数"), default=90)
    reminder_hours = models.PositiveIntegerField(_("审批催办时限（小时）"), default=48)
    warn_thresholds = models.CharField(_("预警阈值（%）"), max_length=50, default="80,90")
    progress_margin_pct = models.DecimalField(
        _("序时进度偏差预警（百分点）"), default=10, max_digits=5, decimal_places=2
    )
    # application type → the economic 款 prefixes it may be charged to (enums.DEFAULT_TYPE_CODES); a type
    # without an entry may use any code
    type_codes = models.JSONField(_("事项类型可用经济分类"), default=default_type_codes, blank=True)

    def __str__(self) -> str:
        return str(self.year)

    @property
    def thresholds(self) -> list[int]:
        return sorted(int(x) for x in self.warn_thresholds.split(",") if x.strip().isdigit())


class Quota(models.Model):
    """A spending authority (指标) keyed by year + project/item + functional 项 + economic 款 + funding source.

    Balances are kept in step with the ledger in the same transaction; the database itself refuses a
    negative available balance or balances that do not add up.
    """

    lock_rank = LockRank.QUOTA

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    budget = models.ForeignKey("budget.Budget", on_delete=models.PROTECT, related_name="quotas")
    source_line = models.OneToOneField(
        "budget.ExpenditureLine", null=True, blank=True, on_delete=models.PROTECT, related_name="quota"
    )
    kind = models.CharField(_("支出类型"), max_length=10)  # budget.ExpenditureKind
    basic_category = models.CharField(_("基本支出类别"), max_length=20, blank=True)
    project = models.ForeignKey(
        "budget.Project", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        "budget.ProjectItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    functional = models.ForeignKey("budget.FunctionalCode", on_delete=models.PROTECT, related_name="+")
    economic = models.ForeignKey("budget.EconomicCode", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey("budget.IncomeSource", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="quotas")
    name = models.CharField(_("指标名称"), max_length=200)
    control_level = models.CharField(
        _("控制方式"), max_length=10, choices=ControlLevel.choices, default=ControlLevel.WARN
    )
    approved = models.DecimalField(_("批复数"), default=0, **AMOUNT)
    adjusted = models.DecimalField(_("调剂数"), default=0, **AMOUNT)
    frozen = models.DecimalField(_("冻结数"), default=0, **AMOUNT)
    executed = models.DecimalField(_("执行数"), default=0, **AMOUNT)
    available = models.DecimalField(_("可用数"), default=0, **AMOUNT)
    warned_pct = models.PositiveSmallIntegerField(default=0)  # highest usage threshold already warned about

    class Meta:
        ordering = ["year", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(available__gte=0), name="quota_available_not_negative"),
            models.CheckConstraint(
                condition=Q(frozen__gte=0) & Q(executed__gte=0) & Q(approved__gte=0),
                name="quota_parts_not_negative",
            ),
            # SQLite keeps decimals as binary floats, so the sum is compared within half a fen, not exactly;
            # PostgreSQL's numeric is exact and the tolerance changes nothing there.
            models.CheckConstraint(
                condition=LessThan(
                    Abs(F("available") - (F("approved") + F("adjusted") - F("frozen") - F("executed"))),
                    Value(Decimal("0.005")),
                ),
                name="quota_balances_add_up",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        """The name in the reader's language: an issued quota's name is made of its project (or basic
        category), item and economic code, each of which has its English name (center/core/translated.py)."""
        if not is_english(language):
            return self.name
        parts = [
            self.project.display_name(language) if self.project_id else self.basic_category_label,
            self.item.display_name(language) if self.item_id else "",
            str(self.economic) if self.economic_id else "",
        ]
        return " · ".join(p for p in parts if p) or self.name

    @property
    def basic_category_label(self) -> str:
        from center.budget.enums import BasicCategory

        return str(BasicCategory(self.basic_category).label) if self.basic_category else ""

    @property
    def budgeted(self):
        return self.approved + self.adjusted

    @property
    def used_pct(self) -> float:
        total = self.budgeted
        return float((self.frozen + self.executed) / total * 100) if total else 0.0


class LedgerEntry(models.Model):
    """An immutable movement on a quota. Balances = the sum of the effects of a quota's entries."""

    quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类型"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(_("金额"), **AMOUNT)
    doc_type = models.CharField(_("单据类型"), max_length=30, blank=True)
    doc_id = models.PositiveBigIntegerField(null=True, blank=True)
    doc_no = models.CharField(_("单据号"), max_length=40, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("摘要"), max_length=200, blank=True)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    period = models.PositiveSmallIntegerField(
        _("会计期间（月）")
    )  # month posted (local time); the monthly trend groups on it

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["doc_type", "doc_id"]),
            models.Index(fields=["quota", "kind", "period"]),
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("ledger entries are immutable; post a reversal instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("ledger entries are immutable; post a reversal instead")


class Adjustment(models.Model):
    """调剂: a paired out/in movement between two quotas with a document number and its approval."""

    lock_rank = LockRank.DOCUMENT

    doc_no = models.CharField(_("调剂文号"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    from_quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="adjustments_out")
    to_quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="adjustments_in")
    amount = models.DecimalField(_("金额"), **AMOUNT)
    reason = models.CharField(_("调剂理由"), max_length=300)
    needs_bureau = models.BooleanField(_("须财政局审批"), default=False)
    bureau_doc_no = models.CharField(_("财政局批复文号"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=DocState.choices, default=DocState.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="adjustment_amount_positive"),
            models.CheckConstraint(condition=~Q(from_quota=F("to_quota")), name="adjustment_two_quotas"),
        ]

    def __str__(self) -> str:
        return self.doc_no


class SpendingStandard(TranslatedName, models.Model):
    """费用标准: a per-person-per-day limit by application type (and city), per year; editable by finance."""

    lock_rank = LockRank.MASTER

    year = models.PositiveSmallIntegerField(_("年度"))
    app_type = models.CharField(_("事项类型"), max_length=20, choices=ApplicationType.choices)
    city = models.CharField(_("城市"), max_length=50, blank=True)  # blank: any city
    name = models.CharField(_("标准名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    limit_per_person_day = models.DecimalField(_("每人每天限额（元）"), **AMOUNT)
    block_excess = models.BooleanField(
        _("超标准即阻断"), default=True
    )  # else: allowed with a written justification

    class Meta:
        ordering = ["year", "app_type", "city"]
        constraints = [models.UniqueConstraint(fields=["year", "app_type", "city"], name="standard_unique")]

    def __str__(self) -> str:
        return self.display_name()


class Document(models.Model):
    """Fields shared by applications and reimbursements."""

    number = models.CharField(_("单据号"), max_length=30, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("事由"), max_length=200)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("金额"), **AMOUNT)
    state = models.CharField(_("状态"), max_length=10, choices=DocState.choices, default=DocState.PENDING)
    minutes = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("集体决策会议纪要"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审批完成时间"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]
        # a person's documents by state (the workbench's tabs count them; their lists read them newest first)
        indexes = [models.Index(fields=["applicant", "state"], name="%(class)s_mine_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Application(Document):
    """事前申请: freezes its quota lines when submitted; released on rejection, withdrawal or expiry."""

    lock_rank = LockRank.DOCUMENT

    app_type = models.CharField(_("申请类型"), max_length=20, choices=ApplicationType.choices)
    details = models.JSONField(pgettext_lazy("application", "明细"), default=dict, blank=True)
    justification = models.TextField(_("超标准说明"), blank=True)
    letter = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("公函"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta(Document.Meta):
        verbose_name = _("事前申请")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="application_amount_positive")]


class ApplicationLine(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="lines")
    quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="application_lines")
    amount = models.DecimalField(_("金额"), **AMOUNT)
    frozen = models.DecimalField(_("冻结中"), default=0, **AMOUNT)
    executed = models.DecimalField(_("已执行"), default=0, **AMOUNT)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="application_line_positive"),
            models.CheckConstraint(
                condition=Q(frozen__gte=0) & Q(executed__gte=0), name="application_line_balances"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quota} {self.amount}"


class Reimbursement(Document):
    """报销: against an approved application (frozen → executed on payment) or, when small, on its own."""

    lock_rank = LockRank.DOCUMENT

    application = models.ForeignKey(
        Application,
        verbose_name=_("事前申请"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reimbursements",
    )
    over_amount = models.DecimalField(_("超出申请金额"), default=0, **AMOUNT)
    advance_cleared = models.DecimalField(_("冲抵借款"), default=0, **AMOUNT)
    # after clearing an advance: > 0 paid to the claimant, < 0 to be returned by the claimant
    cash_difference = models.DecimalField(_("补付（+）/退回（−）"), default=0, **AMOUNT)

    class Meta(Document.Meta):
        verbose_name = _("报销单")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="reimbursement_amount_positive")
        ]


class ReimbursementLine(models.Model):
    reimbursement = models.ForeignKey(Reimbursement, on_delete=models.CASCADE, related_name="lines")
    quota = models.ForeignKey(Quota, on_delete=models.PROTECT, related_name="reimbursement_lines")
    amount = models.DecimalField(_("金额"), **AMOUNT)
    frozen = models.DecimalField(_("本单冻结"), default=0, **AMOUNT)  # freeze this document added itself
    description = models.CharField(_("摘要"), max_length=200, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="reimbursement_line_positive")]

    def __str__(self) -> str:
        return f"{self.quota} {self.amount}"


class Invoice(models.Model):
    """An invoice is reimbursed once in the whole system: (code, number) is unique. A fully digital invoice
    (数电票) has a 20-digit number and no code (stored blank, so its number alone is unique)."""

    reimbursement = models.ForeignKey(Reimbursement, on_delete=models.CASCADE, related_name="invoices")
    code = models.CharField(_("发票代码"), max_length=20, blank=True)
    number = models.CharField(_("发票号码"), max_length=30)
    seller = models.CharField(_("销售方"), max_length=100, blank=True)
    amount = models.DecimalField(_("金额"), **AMOUNT)
    issued_on = models.DateField(_("开票日期"))
    attachment = models.ForeignKey("core.Attachment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "number"], name="invoice_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code}-{self.number}" if self.code else self.number


class Revision(models.Model):
    """What the applicant changed on a returned document when resubmitting it: one row per resubmission,
    `changes` a list of {"field", "old", "new"} (field: a key of revisions.FIELD_LABELS; old/new as shown)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    round = models.PositiveSmallIntegerField()  # the approval round the resubmission started
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["object_id", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} r{self.round}"


class Advance(Document):
    """借款: cash paid out ahead of spending, against an approved application (whose freeze already covers
    it, so the ledger does not move). It stays open until the application's claim clears it (冲借款)."""

    lock_rank = LockRank.DOCUMENT

    application = models.ForeignKey(
        Application, verbose_name=_("事前申请"), on_delete=models.PROTECT, related_name="advances"
    )
    cleared_by = models.ForeignKey(
        Reimbursement,
        verbose_name=_("冲借款报销单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cleared_advances",
    )

    class Meta(Document.Meta):
        verbose_name = _("借款单")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="advance_amount_positive")]


class Payment(models.Model):
    """支付, recorded by the cashier. One payment per document: nothing is paid twice."""

    reimbursement = models.OneToOneField(
        Reimbursement, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    advance = models.OneToOneField(
        Advance, null=True, blank=True, on_delete=models.PROTECT, related_name="payment"
    )
    amount = models.DecimalField(_("金额"), **AMOUNT)
    method = models.CharField(_("支付方式"), max_length=10, choices=PaymentMethod.choices)
    reference = models.CharField(_("银行流水号/公务卡交易号"), max_length=60, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    paid_at = models.DateTimeField(_("支付时间"), auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reimbursement__isnull=False, advance__isnull=True)
                | Q(reimbursement__isnull=True, advance__isnull=False),
                name="payment_one_document",
            )
        ]

    def __str__(self) -> str:
        return f"{(self.reimbursement or self.advance).number} {self.amount}"


class ApprovalFlow(TranslatedName, models.Model):
    """An approval chain chosen for a document by type, amount band, department and quota owner (归口)."""

    lock_rank = LockRank.MASTER

    name = models.CharField(_("流程名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    doc_type = models.CharField(_("单据类型"), max_length=20)  # application | reimbursement
    app_types = models.JSONField(_("适用事项类型"), default=list, blank=True)  # empty: all types
    min_amount = models.DecimalField(_("金额下限（含）"), default=0, **AMOUNT)
    max_amount = models.DecimalField(_("金额上限（不含）"), null=True, blank=True, **AMOUNT)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("归口部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100)  # lower wins among matching flows
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["doc_type", "priority", "id"]

    def __str__(self) -> str:
        return self.display_name()


class ApprovalStepDef(TranslatedName, models.Model):
    flow = models.ForeignKey(ApprovalFlow, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    kind = models.CharField(_("审批方式"), max_length=10, choices=StepKind.choices, default=StepKind.SINGLE)
    rule = models.CharField(_("审批人"), max_length=20, choices=ApproverRule.choices)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["flow_id", "order"]
        constraints = [models.UniqueConstraint(fields=["flow", "order"], name="step_order_unique")]

    def __str__(self) -> str:
        return f"{self.flow} · {self.order} {self.display_name()}"


class ApprovalTask(models.Model):
    """One approver's task at one step of a document's chain (a chain = one submission round)."""

    lock_rank = LockRank.TASK

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    round = models.PositiveSmallIntegerField(default=1)
    step_order = models.PositiveSmallIntegerField()
    step_name = models.CharField(max_length=50)
    kind = models.CharField(max_length=10, choices=StepKind.choices)
    final = models.BooleanField(
        default=False
    )  # the last step: needs the minutes above the collective threshold
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approval_tasks"
    )
    state = models.CharField(max_length=12, choices=TaskState.choices, default=TaskState.WAITING)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "step_order", "id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "round"]),
            models.Index(fields=["assignee", "state"]),
            # 已办 (the actions a person took, newest first) and the documents a person has a task on
            models.Index(fields=["acted_by", "acted_at"], name="control_task_acted_idx"),
            models.Index(
                fields=["assignee", "content_type", "object_id"], name="control_task_assignee_doc_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step_name} · {self.assignee}"
