from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from center.core.crypto import EncryptedTextField
from center.core.locks import LockRank

from .enums import AccountKind, ExternalType, Role


class Unit(models.Model):
    """A budget unit (预算单位). The platform serves one; the model allows several for growth."""

    code = models.CharField(_("单位编码"), max_length=20, unique=True)
    name = models.CharField(_("单位名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    parent_name = models.CharField(_("主管部门"), max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    lock_rank = LockRank.MASTER
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("部门编码"), max_length=20)
    name = models.CharField(_("部门名称"), max_length=50)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    deputy = models.ForeignKey(
        "accounts.User",
        verbose_name=_("分管领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="overseen_departments",
    )
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["unit", "sort", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="department_code_unique")]

    def __str__(self) -> str:
        return self.display_name(get_language() or "")  # the reader's language (center/core/translated.py)

    def display_name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name


class User(AbstractUser):
    """Staff and external accounts live in one table but never mix: `kind` decides which pages exist."""

    lock_rank = LockRank.MASTER

    kind = models.CharField(
        _("账号类型"), max_length=10, choices=AccountKind.choices, default=AccountKind.STAFF
    )
    external_type = models.CharField(
        _("外部用户类型"), max_length=20, choices=ExternalType.choices, blank=True
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(
        Department,
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    position = models.CharField(_("职务"), max_length=50, blank=True)
    phone = EncryptedTextField(_("手机号"), blank=True)
    must_change_password = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=AccountKind.STAFF, external_type="")
                | Q(kind=AccountKind.EXTERNAL, department=None),
                name="user_kind_consistent",
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_staff_account(self) -> bool:
        return self.kind == AccountKind.STAFF

    @property
    def is_external(self) -> bool:
        return self.kind == AccountKind.EXTERNAL

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk or not self.is_staff_account:
            return frozenset()
        # one small query, once per request: every permission check starts here
        return frozenset(UserRole.objects.filter(user_id=self.pk).values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes & set(roles))

    @cached_property
    def scoped_department_ids(self) -> frozenset[int]:
        """Departments this person oversees: their own as head, those they are deputy for."""
        ids = set(self.overseen_departments.values_list("id", flat=True))
        if self.department_id and self.has_role(Role.DEPT_HEAD):
            ids.add(self.department_id)
        return frozenset(ids)


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="user_role_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class DelegationQuerySet(models.QuerySet):
    def active_at(self, when=None):
        when = when or timezone.now()
        return self.filter(starts_at__lte=when, ends_at__gt=when, revoked_at__isnull=True)


class Delegation(models.Model):
    """A period during which `delegate` may exercise `delegator`'s approval rights (recorded as acting for them)."""

    lock_rank = LockRank.MASTER

    delegator = models.ForeignKey(
        User, verbose_name=_("委托人"), on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        User, verbose_name=_("受托人"), on_delete=models.PROTECT, related_name="delegations_received"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    reason = models.CharField(pgettext_lazy("delegation", "事由"), max_length=200)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="delegation_period_valid"),
            models.CheckConstraint(condition=~Q(delegator=F("delegate")), name="delegation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once at creation."""

    lock_rank = LockRank.MASTER

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=50)
    prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
