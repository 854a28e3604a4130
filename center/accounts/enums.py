from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountKind(models.TextChoices):
    STAFF = "staff", _("本单位职工")
    EXTERNAL = "external", _("外部用户")


class ExternalType(models.TextChoices):
    EXPERT = "expert", _("专家")
    ORG_CONTACT = "org_contact", _("机构联系人")


class Role(models.TextChoices):
    DIRECTOR = "director", _("单位负责人")
    DEPUTY = "deputy", _("分管领导")
    DEPT_HEAD = "dept_head", _("部门负责人")
    FINANCE = "finance", _("财务审核")
    CASHIER = "cashier", _("出纳")
    AUDITOR = "auditor", _("内控专员/审计员")
    STAFF = "staff", pgettext_lazy("role", "经办人")
    SYSADMIN = "sysadmin", _("系统管理员")


# Roles that carry approval rights, which a person may delegate for a period.
APPROVER_ROLES = {Role.DIRECTOR, Role.DEPUTY, Role.DEPT_HEAD, Role.FINANCE}
