from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")


class Scope(models.TextChoices):
    """How much data a permitted user sees on a page: their own, their department(s), the whole unit."""

    OWN = "own", _("本人")
    DEPARTMENT = "department", _("本部门")
    UNIT = "unit", _("全单位")


class Role(models.TextChoices):
    DIRECTOR = "director", _("单位负责人")
    DEPUTY = "deputy", _("分管领导")
    DEPT_HEAD = "dept_head", _("部门负责人")
    FINANCE = "finance", _("财务审核")
    CASHIER = "cashier", _("出纳")
    AUDITOR = "auditor", _("内控专员/审计员")
    STAFF = "staff", pgettext_lazy("role", "经办人")
    SYSADMIN = "sysadmin", _("系统管理员")
