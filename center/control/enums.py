from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.statemachine import Machine


class ControlLevel(models.TextChoices):
    HARD = "hard", _("刚性控制（超出即阻断）")
    WARN = "warn", _("预警控制（达到阈值提醒）")
    RECORD = "record", _("仅记录")


class EntryKind(models.TextChoices):
    """Ledger movements. Each has fixed effects on the balances (see ledger.EFFECTS)."""

    ISSUE = "issue", _("下达")
    ADJUST_OUT = "adjust_out", _("调出")
    ADJUST_IN = "adjust_in", _("调入")
    FREEZE = "freeze", _("冻结")
    RELEASE = "release", _("释放")
    EXECUTE = "execute", _("执行")
    REVERSE = "reverse", _("冲销")


class ApplicationType(models.TextChoices):
    MEETING = "meeting", _("会议")
    TRAINING = "training", _("培训")
    TRAVEL = "travel", _("国内差旅")
    RECEPTION = "reception", _("公务接待")
    EVENT = "event", pgettext_lazy("application type", "活动")
    EXPERT_FEE = "expert_fee", _("专家劳务费")
    PROCUREMENT = "procurement", _("采购申请")
    OTHER = "other", _("其他")


class DocState(models.TextChoices):
    """States shared by applications and reimbursements."""

    PENDING = "pending", _("审批中")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")
    EXPIRED = "expired", _("已过期")
    PAID = "paid", _("已支付")
    CLOSED = "closed", _("已办结")


S = DocState

# Lifecycles as data: verb → (states it may start from, state it leads to). One service per verb that is a
# user action; the audit action code is `control.<entity>.<verb>` (center.core.statemachine). The approval
# verbs are applied when the chain reaches its outcome; applications and claims that are returned go to their
# applicant, who edits and resubmits them (a revision record keeps what changed); advances that are returned go
# back whole (rejected: the applicant submits a new one). tests/control/test_transitions.py enumerates every pair.
APPLICATION = Machine(
    "control.application",
    {
        "approve": ({S.PENDING}, S.APPROVED),
        "reject": ({S.PENDING}, S.REJECTED),
        "return": ({S.PENDING}, S.RETURNED),
        "withdraw": ({S.PENDING, S.RETURNED}, S.WITHDRAWN),
        "resubmit": ({S.RETURNED}, S.PENDING),
        "cancel": ({S.APPROVED}, S.CLOSED),  # the matter called off after approval
        "cancel_pending": ({S.PENDING, S.RETURNED}, S.WITHDRAWN),  # … or before it
        "expire": ({S.APPROVED}, S.EXPIRED),
        "close": ({S.APPROVED}, S.CLOSED),  # its claim was paid
    },
)
REIMBURSEMENT = Machine(
    "control.reimbursement",
    {
        "approve": ({S.PENDING}, S.APPROVED),
        "reject": ({S.PENDING}, S.REJECTED),
        "return": ({S.PENDING}, S.RETURNED),
        "withdraw": ({S.PENDING, S.RETURNED}, S.WITHDRAWN),
        "resubmit": ({S.RETURNED}, S.PENDING),
        "pay": ({S.APPROVED}, S.PAID),
    },
)


class StepKind(models.TextChoices):
    SINGLE = "single", _("单人审批")
    ALL = "all", _("会签（全部同意）")
    ANY = "any", _("或签（任一同意）")


class ApproverRule(models.TextChoices):
    """Who a step resolves to, at run time, from the document's applicant and quotas."""

    DEPT_HEAD = "dept_head", _("申请人所在部门负责人")
    DEPUTY = "deputy", _("申请人所在部门分管领导")
    DIRECTOR = "director", _("单位负责人")
    FINANCE = "finance", _("财务审核")
    OWNER_DEPT_HEAD = "owner_dept_head", _("归口部门负责人")
    USERS = "users", _("指定人员")


class TaskState(models.TextChoices):
    WAITING = "waiting", _("未到达")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REJECTED = "rejected", _("已驳回")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已取消")
    TRANSFERRED = "transferred", _("已转办")


class PaymentMethod(models.TextChoices):
    BANK = "bank", _("银行转账")
    CARD = "card", _("公务卡")


# 三公 economic 款 codes (brief §3): hard-controlled by default, as are meetings and training.
THREE_PUBLIC_CODES = {"30212", "30217", "30231", "31013"}
HARD_BY_DEFAULT = THREE_PUBLIC_CODES | {"30215", "30216"}

# Application types that must be paid from their own economic 款: official reception is 三公 and is
# counted exactly, so it can only draw on 公务接待费 quotas (and those quotas only fund receptions).
REQUIRED_ECONOMIC_CODE = {ApplicationType.RECEPTION: "30217"}
# Which economic 款 each application type may be charged to (prefixes: "302" is every 商品和服务支出 code).
# The defaults of the year settings (ControlSettings.type_codes), which finance edits on the control-settings
# page; a type without an entry may use any code. A meeting is never paid from 30101 基本工资.
DEFAULT_TYPE_CODES = {
    ApplicationType.MEETING.value: ["30215"],
    ApplicationType.TRAINING.value: ["30216"],
    ApplicationType.TRAVEL.value: ["30211"],
    ApplicationType.RECEPTION.value: ["30217"],
    ApplicationType.EVENT.value: ["302"],
    ApplicationType.EXPERT_FEE.value: ["30226", "30227"],
    ApplicationType.PROCUREMENT.value: ["302", "310"],
    ApplicationType.OTHER.value: ["302", "303", "310"],
}


def default_type_codes() -> dict:
    return {k: list(v) for k, v in DEFAULT_TYPE_CODES.items()}


# Application types that are project work and may never draw on basic expenditure.
PROJECT_ONLY_TYPES = {ApplicationType.EVENT, ApplicationType.EXPERT_FEE, ApplicationType.PROCUREMENT}

ADVANCE = Machine(
    "control.advance",
    {
        "approve": ({S.PENDING}, S.APPROVED),
        "reject": ({S.PENDING}, S.REJECTED),
        "return": ({S.PENDING}, S.REJECTED),
        "withdraw": ({S.PENDING}, S.WITHDRAWN),
        "pay": ({S.APPROVED}, S.PAID),
        "clear": ({S.PAID}, S.CLOSED),  # cleared by the application's claim
    },
)
