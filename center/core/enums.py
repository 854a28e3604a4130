from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    DENIED = "denied", _("拒绝")
    FAILED = "failed", _("失败")


class Scope(models.TextChoices):
    """How much data a permitted user sees on a page: their own, their department(s), the whole unit."""

    OWN = "own", _("本人")
    DEPARTMENT = "department", _("本部门")
    UNIT = "unit", _("全单位")
