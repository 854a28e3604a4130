"""The mid-year monitoring (绩效运行监控, "双监控"): its states, its state machine (rule 14) and the words of
the statements a department makes about a lagging indicator (the columns of Shenzhen's 绩效监控表)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from center.core.statemachine import Machine

from .enums import Status


class ReportState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("monitoring", "填报中")
    RETURNED = "returned", pgettext_lazy("monitoring", "已退回")
    HEAD_REVIEWED = "head_reviewed", _("部门负责人已审核")
    FINANCE_REVIEWED = "finance_reviewed", _("财务已审核")
    SUBMITTED = "submitted", pgettext_lazy("monitoring", "已报送")


# draft (the department fills) → reviewed by the department head → reviewed by finance → submitted by the
# director (frozen). Finance and the director may return it to the department with a comment.
MONITORING = Machine(
    "performance.monitoring",
    {
        "head_review": ({ReportState.DRAFT, ReportState.RETURNED}, ReportState.HEAD_REVIEWED),
        "finance_review": ({ReportState.HEAD_REVIEWED}, ReportState.FINANCE_REVIEWED),
        "submit": ({ReportState.FINANCE_REVIEWED}, ReportState.SUBMITTED),
        "return": ({ReportState.HEAD_REVIEWED, ReportState.FINANCE_REVIEWED}, ReportState.RETURNED),
    },
)
MONITORING_VERB_LABELS = {
    "head_review": _("部门负责人审核通过"),
    "finance_review": _("财务审核通过"),
    "submit": _("审定并报送"),
    "return": _("退回部门修改"),
}
EDITABLE_REPORT_STATES = frozenset({ReportState.DRAFT, ReportState.RETURNED})
REPORT_COLOURS = {
    ReportState.DRAFT: "secondary",
    ReportState.RETURNED: "warning",
    ReportState.HEAD_REVIEWED: "info",
    ReportState.FINANCE_REVIEWED: "primary",
    ReportState.SUBMITTED: "success",
}


class Cause(models.TextChoices):
    """偏差原因 (the five columns of the 绩效监控表)."""

    FUNDS = "funds", _("经费保障")
    RULES = "rules", _("制度保障")
    STAFF = "staff", _("人员保障")
    HARDWARE = "hardware", _("硬件条件保障")
    OTHER = "other", _("其他")


class Likelihood(models.TextChoices):
    """完成目标可能性."""

    CERTAIN = "certain", _("确定能")
    POSSIBLE = "possible", _("有可能")
    IMPOSSIBLE = "impossible", _("完全不可能")


# An indicator whose status on the period's last day is one of these needs a statement (cause, likelihood,
# corrective action): everything that is not on track, including an indicator with nothing to show yet.
NEEDS_STATEMENT = frozenset({Status.LAGGING, Status.OFF_TRACK, Status.NO_DATA})
