"""Every write to accounts, departments, roles, delegations and tokens. Each writes an audit entry."""

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core import sql
from center.core.audit import audit_log, diff, snapshot
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError

from .enums import APPROVER_ROLES, AccountKind, ExternalType, Role
from .models import ApiToken, Delegation, Department, User, UserRole
from .validators import validate_mobile

USER_AUDITED_FIELDS = [
    "username",
    "full_name",
    "email",
    "department_id",
    "position",
    "phone",
    "is_active",
    "kind",
]
MAX_DELEGATION_DAYS = 90


def _require_sysadmin(actor) -> None:
    if not actor.has_role(Role.SYSADMIN):
        raise ForbiddenError(_("只有系统管理员可以管理账号。"))


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), {"field": "password"}) from exc


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    full_name: str,
    password: str,
    kind: str = AccountKind.STAFF,
    external_type: str = "",
    department: Department | None = None,
    position: str = "",
    email: str = "",
    phone: str = "",
    roles: list[str] | None = None,
) -> User:
    """Create an account. Staff accounts are created by the system admin; external ones by registration."""
    if kind == AccountKind.STAFF:
        _require_sysadmin(actor)
        if department is None:
            raise ApplicationError(_("职工账号必须属于一个部门。"), {"field": "department"})
        external_type = ""
    else:
        if external_type not in ExternalType.values:
            raise ApplicationError(_("外部用户类型无效。"), {"field": "external_type"})
        department, roles = None, []
    username = username.strip()
    if not username or not full_name.strip():
        raise ApplicationError(_("用户名和姓名不能为空。"))
    if User.objects.filter(username__iexact=username).exists():
        raise ConflictError(_("用户名“%(u)s”已被使用。") % {"u": username}, {"field": "username"})
    if phone:
        phone = validate_mobile(phone)
    user = User(
        username=username,
        full_name=full_name.strip(),
        kind=kind,
        external_type=external_type,
        department=department,
        position=position,
        email=email,
        phone=phone,
        password_changed_at=timezone.now(),
    )
    _check_role_combination(set(roles or []))
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    for role in roles or []:
        _role_add(user, role)
    audit_log(
        "accounts.user.created",
        actor=actor,
        target=user,
        changes=diff({}, snapshot(user, USER_AUDITED_FIELDS) | {"roles": sorted(roles or [])}),
    )
    return user


def _check_role_combination(roles: set[str]) -> None:
    """不相容岗位: roles one person may never hold together."""
    if Role.SYSADMIN in roles and len(roles) > 1:
        raise ApplicationError(_("系统管理员角色不能与业务角色或审计角色兼任。"), {"field": "roles"})
    if Role.AUDITOR in roles and roles & (APPROVER_ROLES | {Role.CASHIER}):
        raise ApplicationError(_("审计员不能兼任审批或出纳角色。"), {"field": "roles"})
    if Role.CASHIER in roles and Role.FINANCE in roles:
        raise ApplicationError(_("财务审核与出纳不能由同一人兼任。"), {"field": "roles"})


def _role_add(user: User, role: str) -> None:
    if role not in Role.values:
        raise ApplicationError(_("未知角色：%(r)s") % {"r": role}, {"field": "roles"})
    UserRole.objects.get_or_create(user=user, role=role)


@transaction.atomic
def user_update(*, actor, user_id: int, **fields) -> User:
    _require_sysadmin(actor)
    user = User.objects.select_for_update().filter(pk=user_id, kind=AccountKind.STAFF).first()
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    before = snapshot(user, USER_AUDITED_FIELDS)
    allowed = {"full_name", "email", "department", "position", "phone"}
    unknown = set(fields) - allowed
    if unknown:
        raise ApplicationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if "phone" in fields and fields["phone"]:
        fields["phone"] = validate_mobile(fields["phone"])
    for key, value in fields.items():
        setattr(user, key, value)
    user.save()
    audit_log(
        "accounts.user.updated",
        actor=actor,
        target=user,
        changes=diff(before, snapshot(user, USER_AUDITED_FIELDS)),
    )
    return user


@transaction.atomic
def user_set_roles(*, actor, user_id: int, roles: list[str]) -> User:
    """Replace a staff member's roles. The system admin cannot grant themself business roles."""
    _require_sysadmin(actor)
    user = User.objects.select_for_update().filter(pk=user_id, kind=AccountKind.STAFF).first()
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    wanted = set(roles)
    for role in wanted:
        if role not in Role.values:
            raise ApplicationError(_("未知角色：%(r)s") % {"r": role}, {"field": "roles"})
    if user.pk == actor.pk and wanted != {Role.SYSADMIN}:
        # Separation of system administration from business duties: an admin cannot make themself an approver.
        raise ForbiddenError(_("系统管理员不能给自己分配业务角色。"))
    _check_role_combination(wanted)
    before = sorted(user.role_codes)
    UserRole.objects.filter(user=user).exclude(role__in=wanted).delete()
    for role in wanted:
        _role_add(user, role)
    after = sorted(wanted)
    audit_log("accounts.user.roles_changed", actor=actor, target=user, changes={"roles": [before, after]})
    user.__dict__.pop("role_codes", None)
    return user


@transaction.atomic
def user_set_active(*, actor, user_id: int, active: bool) -> User:
    _require_sysadmin(actor)
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    if user.pk == actor.pk:
        raise ApplicationError(_("不能停用自己的账号。"))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_log(
        "accounts.user.activated" if active else "accounts.user.deactivated",
        actor=actor,
        target=user,
        changes={"is_active": [not active, active]},
    )
    return user


@transaction.atomic
def user_reset_password(*, actor, user_id: int) -> str:
    """Set a one-time random password the user must change at next login. Returns it (shown once)."""
    _require_sysadmin(actor)
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    temporary = "Tmp-" + secrets.token_urlsafe(9) + "7a"
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_log("accounts.user.password_reset", actor=actor, target=user)
    return temporary


@transaction.atomic
def password_change(*, actor, old_password: str, new_password: str) -> None:
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not user.check_password(old_password):
        audit_log("accounts.password.change_failed", actor=user, target=user, outcome="failed")
        raise ApplicationError(_("原密码不正确。"), {"field": "old_password"})
    if old_password == new_password:
        raise ApplicationError(_("新密码不能与原密码相同。"), {"field": "new_password"})
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_log("accounts.password.changed", actor=user, target=user)


@transaction.atomic
def delegation_create(*, actor, delegate_id: int, starts_at, ends_at, reason: str) -> Delegation:
    """Delegate the actor's approval rights for a period. Only staff with approval roles can delegate."""
    if not actor.has_role(*APPROVER_ROLES):
        raise ForbiddenError(_("您没有可委托的审批权限。"))
    delegate = User.objects.filter(pk=delegate_id, kind=AccountKind.STAFF, is_active=True).first()
    if delegate is None:
        raise NotFoundError(_("受托人不存在或不是本单位在职职工。"), {"field": "delegate"})
    if delegate.pk == actor.pk:
        raise ApplicationError(_("不能委托给自己。"), {"field": "delegate"})
    if delegate.has_role(Role.SYSADMIN, Role.AUDITOR, Role.CASHIER):
        raise ApplicationError(_("不能委托给系统管理员、审计员或出纳（不相容岗位）。"), {"field": "delegate"})
    if not reason.strip():
        raise ApplicationError(_("请填写委托事由。"), {"field": "reason"})
    if ends_at <= starts_at:
        raise ApplicationError(_("结束时间必须晚于开始时间。"), {"field": "ends_at"})
    if ends_at < timezone.now():
        raise ApplicationError(_("委托期已过，无需登记。"), {"field": "ends_at"})
    if ends_at - starts_at > timedelta(days=MAX_DELEGATION_DAYS):
        raise ApplicationError(
            _("委托期不能超过 %(d)d 天。") % {"d": MAX_DELEGATION_DAYS}, {"field": "ends_at"}
        )
    overlapping = Delegation.objects.filter(
        delegator=actor, revoked_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if overlapping.exists():
        raise ConflictError(_("该时段已有生效的委托，请先撤销。"))
    d = Delegation.objects.create(
        delegator=actor,
        delegate=delegate,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
        created_by=actor,
    )
    audit_log(
        "accounts.delegation.created",
        actor=actor,
        target=d,
        changes=diff(
            {},
            {"delegate": delegate.username, "starts_at": starts_at, "ends_at": ends_at, "reason": d.reason},
        ),
    )
    from center.core.notifications import notify

    notify(
        [delegate],
        title=_("%(name)s 将审批权限委托给您") % {"name": actor.full_name},
        body=d.reason,
        link="/accounts/delegations/",
    )
    return d


@transaction.atomic
def delegation_revoke(*, actor, delegation_id: int) -> Delegation:
    d = Delegation.objects.select_for_update().filter(pk=delegation_id, delegator=actor).first()
    if d is None:
        raise NotFoundError(_("委托不存在。"))
    if d.revoked_at is not None:
        raise ConflictError(_("该委托已撤销。"))
    d.revoked_at = timezone.now()
    d.save(update_fields=["revoked_at"])
    audit_log(
        "accounts.delegation.revoked", actor=actor, target=d, changes={"revoked_at": [None, d.revoked_at]}
    )
    return d


def acting_principals(user, when=None) -> list[User]:
    """The people on whose behalf `user` may approve now: themself, then delegators of active delegations."""
    delegators = [
        d.delegator
        for d in Delegation.objects.active_at(when).filter(delegate=user).select_related("delegator")
    ]
    return [user, *delegators]


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, name: str, days: int = 90) -> tuple[ApiToken, str]:
    if not name.strip():
        raise ApplicationError(_("请填写令牌名称。"), {"field": "name"})
    if not 1 <= days <= 365:
        raise ApplicationError(_("有效期须在 1 到 365 天之间。"), {"field": "days"})
    token = "szt_" + secrets.token_urlsafe(32)
    obj = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:50],
        prefix=token[4:12],
        token_hash=_hash_token(token),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_log("accounts.api_token.created", actor=actor, target=obj, extra={"days": days})
    return obj, token


@transaction.atomic
def api_token_revoke(*, actor, token_id: int) -> None:
    obj = (
        ApiToken.objects.select_for_update().filter(pk=token_id, user=actor, revoked_at__isnull=True).first()
    )
    if obj is None:
        raise NotFoundError(_("令牌不存在。"))
    obj.revoked_at = timezone.now()
    obj.save(update_fields=["revoked_at"])
    audit_log("accounts.api_token.revoked", actor=actor, target=obj)


@cache
def _api_user_columns() -> str:
    """What an API request reads of its user: every column but the password hash and the encrypted phone."""
    return ", ".join(
        f'u."{f.column}"' for f in User._meta.concrete_fields if f.name not in ("password", "phone")
    )


_DEPARTMENT_COLUMNS = ("unit_id", "code", "name", "name_en", "deputy_id", "sort")


def api_token_authenticate(token: str) -> User | None:
    """The active user of a valid token with their department, or None. Hand-written SQL (`center.core.sql`):
    every API call passes here."""
    now = timezone.now()
    users = User.objects.raw(
        f"SELECT {_api_user_columns()}, t.id AS token_id,"  # noqa: S608 (column names from the models; values bound)
        " CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END AS token_stale,"
        f" {', '.join(f'd.{c} AS d_{c}' for c in _DEPARTMENT_COLUMNS)}"
        " FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id"
        " LEFT JOIN accounts_department d ON d.id = u.department_id"
        " WHERE t.token_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active = %s",
        [sql.at(now - timedelta(minutes=5)), _hash_token(token), sql.at(now), True],
    )
    user = next(iter(users), None)
    if user is None:
        return None
    if user.department_id is not None:
        sql.attach(user, "department", **{c: getattr(user, f"d_{c}") for c in _DEPARTMENT_COLUMNS})
    if user.token_stale:
        # "last used" to the nearest five minutes: no write on every request of a busy client
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)
    return user


@transaction.atomic
def unit_create(
    *, actor, code: str, name: str, name_en: str = "", parent_name: str = "", credit_code: str = ""
):
    from .models import Unit

    if Unit.objects.filter(code=code).exists():
        raise ConflictError(_("单位编码已存在。"))
    unit = Unit.objects.create(
        code=code, name=name, name_en=name_en, parent_name=parent_name, credit_code=credit_code
    )
    audit_log(
        "accounts.unit.created", actor=actor, target=unit, changes=diff({}, {"code": code, "name": name})
    )
    return unit


@transaction.atomic
def department_create(*, actor, unit, code: str, name: str, name_en: str = "", sort: int = 0) -> Department:
    if Department.objects.filter(unit=unit, code=code).exists():
        raise ConflictError(_("部门编码已存在。"))
    dept = Department.objects.create(unit=unit, code=code, name=name, name_en=name_en, sort=sort)
    audit_log(
        "accounts.department.created",
        actor=actor,
        target=dept,
        changes=diff({}, {"code": code, "name": name}),
    )
    return dept


@transaction.atomic
def department_set_deputy(*, actor, department_id: int, deputy_id: int | None) -> Department:
    if actor is not None:
        _require_sysadmin(actor)
    dept = Department.objects.select_for_update().get(pk=department_id)
    deputy = None
    if deputy_id is not None:
        deputy = User.objects.filter(pk=deputy_id, kind=AccountKind.STAFF).first()
        if deputy is None or not deputy.has_role(Role.DEPUTY):
            raise ApplicationError(_("分管领导必须是具有“分管领导”角色的职工。"))
    before = dept.deputy.username if dept.deputy_id else None
    dept.deputy = deputy
    dept.save(update_fields=["deputy"])
    audit_log(
        "accounts.department.deputy_changed",
        actor=actor,
        target=dept,
        changes={"deputy": [before, deputy.username if deputy else None]},
    )
    return dept


@transaction.atomic
def bootstrap_sysadmin(*, username: str, full_name: str, password: str, department: Department) -> User:
    """Create the first system administrator (first installation only; audited as the system)."""
    if UserRole.objects.filter(role=Role.SYSADMIN).exists():
        raise ConflictError(_("系统管理员已存在，请由其创建其他账号。"))
    user = User(username=username, full_name=full_name, department=department, position=_("系统管理员"))
    _validate_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    UserRole.objects.create(user=user, role=Role.SYSADMIN)
    audit_log(
        "accounts.user.created",
        actor=None,
        target=user,
        changes=diff({}, {"username": username, "roles": ["sysadmin"]}),
    )
    return user
