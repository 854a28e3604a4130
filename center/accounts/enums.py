from django.db import models
from django.utils.translation import gettext_lazy as _

from center.core.enums import Role  # noqa: F401 (Role lives beside Scope in core; re-exported here)


class AccountKind(models.TextChoices):
    STAFF = "staff", _("本单位职工")
    EXTERNAL = "external", _("外部用户")


class ExternalType(models.TextChoices):
    EXPERT = "expert", _("专家")
    ORG_CONTACT = "org_contact", _("机构联系人")


# Roles that carry approval rights, which a person may delegate for a period.
APPROVER_ROLES = {Role.DIRECTOR, Role.DEPUTY, Role.DEPT_HEAD, Role.FINANCE}
