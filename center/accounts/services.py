"""Every write to accounts, departments, roles, delegations, second factors and tokens: each a `@service` (one
unit of work, its audit entries appended last), rows locked through `center.core.locks`, rules in rules.py."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from center.core.audit import audit_log, diff, snapshot
from center.core.enums import AuditOutcome
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.locks import lock_one, locked_update
from center.core.rules import require
from center.core.services import service

from . import rules
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
    require(rules.can_manage_accounts, actor)


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), {"field": "password"}) from exc


@service
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
    check_role_combination(set(roles or []))
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


def check_role_combination(roles: set[str]) -> None:
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


@service
def user_update(*, actor, user_id: int, **fields) -> User:
    _require_sysadmin(actor)
    user = lock_one(User.objects.filter(pk=user_id, kind=AccountKind.STAFF))
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


@service
def user_set_roles(*, actor, user_id: int, roles: list[str]) -> User:
    """Replace a staff member's roles. The system admin cannot grant themself business roles."""
    _require_sysadmin(actor)
    user = lock_one(User.objects.filter(pk=user_id, kind=AccountKind.STAFF))
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    wanted = set(roles)
    for role in wanted:
        if role not in Role.values:
            raise ApplicationError(_("未知角色：%(r)s") % {"r": role}, {"field": "roles"})
    if user.pk == actor.pk and wanted != {Role.SYSADMIN}:
        # Separation of system administration from business duties: an admin cannot make themself an approver.
        raise ForbiddenError(_("系统管理员不能给自己分配业务角色。"))
    check_role_combination(wanted)
    before = sorted(user.role_codes)
    UserRole.objects.filter(user=user).exclude(role__in=wanted).delete()
    for role in wanted:
        _role_add(user, role)
    after = sorted(wanted)
    audit_log("accounts.user.roles_changed", actor=actor, target=user, changes={"roles": [before, after]})
    user.__dict__.pop("role_codes", None)
    return user


@service
def user_set_active(*, actor, user_id: int, active: bool, reason: str = "") -> User:
    """Deactivate or reactivate an account (staff or external), with the reason in the audit trail."""
    _require_sysadmin(actor)
    user = lock_one(User.objects.filter(pk=user_id))
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    if user.pk == actor.pk:
        raise ApplicationError(_("不能停用自己的账号。"))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(
            _("请填写停用原因。") if not active else _("请填写重新启用的原因。"), {"field": "reason"}
        )
    if user.is_active == active:
        raise ConflictError(_("该账号已是启用状态。") if active else _("该账号已停用。"))
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_log(
        "accounts.user.activated" if active else "accounts.user.deactivated",
        actor=actor,
        target=user,
        changes={"is_active": [not active, active]},
        extra={"reason": reason[:300]},
    )
    return user


@service
def user_unlock(*, actor, user_id: int) -> User:
    """Lift django-axes' lockout of an account (all its (username, IP) counters) before the cool-off ends."""
    from axes.models import AccessAttempt

    _require_sysadmin(actor)
    user = lock_one(User.objects.filter(pk=user_id))
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    removed, _detail = AccessAttempt.objects.filter(username=user.username).delete()
    if not removed:
        raise ConflictError(_("该账号没有被锁定。"))
    audit_log("accounts.user.unlocked", actor=actor, target=user, extra={"counters": removed})
    return user


@service
def user_reset_password(*, actor, user_id: int) -> str:
    """Set a one-time random password the user must change at next login. Returns it (shown once)."""
    _require_sysadmin(actor)
    user = lock_one(User.objects.filter(pk=user_id))
    if user is None:
        raise NotFoundError(_("账号不存在。"))
    temporary = "Tmp-" + secrets.token_urlsafe(9) + "7a"
    user.set_password(temporary)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    audit_log("accounts.user.password_reset", actor=actor, target=user)
    return temporary


@service
def session_sign_in(*, request, user) -> None:
    """A successful sign-in as one unit of work: the new session, the lockout counter's reset, "last login" and
    the audit entry (signals.py) commit together, once, instead of one commit each."""
    from django.contrib.auth import login

    login(request, user)


@service
def password_change(*, actor, old_password: str, new_password: str) -> None:
    user = lock_one(User.objects.filter(pk=actor.pk))
    if not user.check_password(old_password):
        raise ApplicationError(
            _("原密码不正确。"),
            {"field": "old_password"},
            audit={
                "action": "accounts.password.change_failed",
                "actor": user,
                "target": user,
                "outcome": AuditOutcome.FAILED,
            },
        )
    if old_password == new_password:
        raise ApplicationError(_("新密码不能与原密码相同。"), {"field": "new_password"})
    _validate_password(new_password, user)
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_log("accounts.password.changed", actor=user, target=user)


# ---- sign-up of external accounts, e-mail verification, password recovery --------------------------------
SIGNUPS_PER_IP_HOUR = 10
RESETS_PER_IP_HOUR = 5
RESETS_PER_ACCOUNT_HOUR = 3


def _recent(actions, *, hours: int = 1, ip: str | None = None, target=None) -> int:
    """How many of these audit entries the last hour holds (from this address, or about this account): a rate
    limit every web process shares, without another table."""
    from center.core.models import AuditEntry

    qs = AuditEntry.objects.filter(
        action__in=actions, created_at__gte=timezone.now() - timedelta(hours=hours)
    )
    if ip is not None:
        qs = qs.filter(ip=ip)
    if target is not None:
        qs = qs.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    return qs.count()


def _client_ip() -> str:
    from center.core.context import current_request_info

    return current_request_info().ip or ""


def _deactivated_by_admin(user) -> bool:
    from center.core.models import AuditEntry

    return AuditEntry.objects.filter(
        action="accounts.user.deactivated", target_type=user._meta.label_lower, target_id=str(user.pk)
    ).exists()


def _send_verification(user, next_url: str) -> None:
    from center.core.notifications import notify

    from .tokens import verification_link

    notify(
        [user],
        title=lambda: _("请验证您的邮箱：深圳市科技交流服务中心专家账号"),
        body=lambda: (
            _(
                "您好，%(name)s：\n\n请打开下面的链接验证邮箱，验证后即可登录并填写专家入库申请。"
                "链接 3 天内有效，只能使用一次。如果不是您本人注册，请忽略本邮件。"
            )
            % {"name": user.full_name}
        ),
        link=verification_link(user, next_url),
    )


@service
def external_signup(*, full_name: str, email: str, password: str, next_url: str = "") -> None:
    """A visitor (an expert answering a recruitment call) creates an external account. It stays inactive until
    the e-mail's verification link is opened. The answer is the same whether or not the address is registered:
    its owner gets an e-mail instead, so the page reveals no account."""
    from center.core.notifications import notify

    from .tokens import absolute

    ip = _client_ip()
    if ip and _recent(["accounts.user.signed_up", "accounts.signup.repeated"], ip=ip) >= SIGNUPS_PER_IP_HOUR:
        raise ApplicationError(_("注册请求过于频繁，请一小时后再试。"))
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    if not email or "@" not in email:
        raise ApplicationError(_("请填写有效的电子邮箱。"), {"field": "email"})
    if not full_name:
        raise ApplicationError(_("请填写姓名。"), {"field": "full_name"})
    user = User(
        username=email,
        email=email,
        full_name=full_name[:50],
        kind=AccountKind.EXTERNAL,
        external_type=ExternalType.EXPERT,
        is_active=False,
        password_changed_at=timezone.now(),
    )
    _validate_password(password, user)
    existing = lock_one(
        User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).order_by("pk")
    )
    if existing is not None:
        if not existing.is_active and existing.last_login is None and not _deactivated_by_admin(existing):
            _send_verification(existing, next_url)  # a sign-up never verified: the link again
        else:
            notify(
                [existing],
                title=lambda: _("有人使用您的邮箱申请注册"),
                body=lambda: _(
                    "此邮箱已注册过账号。如果是您本人，请直接登录；忘记密码可在登录页点击“忘记密码”找回。"
                    "如果不是您本人，请忽略本邮件。"
                ),
                link=absolute(reverse("accounts:login")),
            )
        audit_log("accounts.signup.repeated", target=existing, outcome=AuditOutcome.DENIED)
        return
    user.set_password(password)
    user.save()
    audit_log(
        "accounts.user.signed_up",
        actor=None,
        target=user,
        changes=diff({}, snapshot(user, USER_AUDITED_FIELDS)),
    )
    _send_verification(user, next_url)


@service
def signup_verify(*, uidb64: str, token: str) -> User:
    """Open the verification link: the account becomes usable."""
    from .tokens import email_verification_token, pk_from_uid

    pk = pk_from_uid(uidb64)
    user = lock_one(User.objects.filter(pk=pk, kind=AccountKind.EXTERNAL)) if pk else None
    if user is None or not email_verification_token.check_token(user, token):
        raise ApplicationError(_("验证链接无效、已使用或已过期。如已验证，请直接登录；否则请重新注册。"))
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_log("accounts.user.email_verified", actor=user, target=user, changes={"is_active": [False, True]})
    return user


@service
def password_reset_request(*, email: str) -> None:
    """Send a set-password link to the active accounts of this address. Same answer whether or not one exists;
    at most RESETS_PER_IP_HOUR requests per address of the client and RESETS_PER_ACCOUNT_HOUR e-mails per account
    an hour."""
    from center.core.notifications import notify

    from .tokens import set_password_link

    ip = _client_ip()
    if ip and _recent(["security.password_reset.requested"], ip=ip) >= RESETS_PER_IP_HOUR:
        raise ApplicationError(_("找回密码的请求过于频繁，请一小时后再试。"))
    email = (email or "").strip()
    users = list(User.objects.filter(email__iexact=email, is_active=True).order_by("pk")) if email else []
    audit_log(
        "security.password_reset.requested",
        target=users[0] if users else None,
        target_repr="" if users else "-",
        outcome=AuditOutcome.SUCCESS if users else AuditOutcome.FAILED,
    )
    for user in users:
        if _recent(["security.password_reset.requested"], target=user) >= RESETS_PER_ACCOUNT_HOUR:
            continue
        notify(
            [user],
            title=lambda: _("重置您的密码：深圳市科技交流服务中心"),
            body=lambda user=user: (
                _(
                    "您好，%(name)s：\n\n请打开下面的链接设置新密码（用户名：%(username)s）。链接 3 天内有效，"
                    "设置后即失效。如果不是您本人申请，请忽略本邮件，原密码仍然有效。"
                )
                % {"name": user.full_name, "username": user.username}
            ),
            link=set_password_link(user),
        )


@service
def password_reset_complete(*, user_id: int, new_password: str) -> User:
    """Set the password from a valid set-password link (the view checked the token)."""
    user = lock_one(User.objects.filter(pk=user_id, is_active=True))
    if user is None:
        raise NotFoundError(_("账号不存在或已停用。"))
    _validate_password(new_password, user)
    first = not user.has_usable_password()
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    audit_log(
        "accounts.user.activated_by_link" if first else "security.password_reset.completed",
        actor=user,
        target=user,
    )
    return user


@service
def portal_account_for(
    *, actor, email: str, full_name: str, external_type: str = ExternalType.EXPERT, exclude_ids=()
):
    """The external portal account of someone the Center invites (a drawn expert): the active external account
    with this e-mail (not one in `exclude_ids`, e.g. already another expert's), else a new one without a password,
    activated by the set-password link sent with the invitation. None when there is no e-mail to reach them, or
    the address belongs to a staff account."""
    email = (email or "").strip().lower()
    if not email:
        return None
    same = list(User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).order_by("pk"))
    for user in same:
        if user.is_external and user.is_active and user.pk not in set(exclude_ids):
            return user
    if same:
        return (
            None  # the address is someone else's account (staff, deactivated or taken): office staff decide
        )
    user = User(
        username=email,
        email=email,
        full_name=(full_name or email)[:50],
        kind=AccountKind.EXTERNAL,
        external_type=external_type,
    )
    user.set_unusable_password()
    user.save()
    audit_log(
        "accounts.user.created",
        actor=actor,
        target=user,
        changes=diff({}, snapshot(user, USER_AUDITED_FIELDS)),
        extra={"by": "invitation"},
    )
    return user


@service
def delegation_create(*, actor, delegate_id: int, starts_at, ends_at, reason: str) -> Delegation:
    """Delegate the actor's approval rights for a period. Only staff with approval roles can delegate."""
    require(rules.can_delegate, actor)
    delegate = User.objects.filter(pk=delegate_id, kind=AccountKind.STAFF, is_active=True).first()
    if delegate is None:
        raise NotFoundError(_("受托人不存在或不是本单位在职职工。"), {"field": "delegate"})
    refusal = rules.delegation_refusal(actor, delegate)
    if refusal:
        raise ApplicationError(refusal, {"field": "delegate"})
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
        title=lambda: _("%(name)s 将审批权限委托给您") % {"name": actor.full_name},
        body=d.reason,
        link="/accounts/delegations/",
    )
    return d


@service
def delegation_revoke(*, actor, delegation_id: int) -> Delegation:
    d = lock_one(Delegation.objects.filter(pk=delegation_id))
    if d is None:
        raise NotFoundError(_("委托不存在。"))
    require(rules.can_revoke_delegation, actor, d)
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


@service
def api_token_create(*, actor, name: str, days: int = 90) -> tuple[ApiToken, str]:
    """Issue a personal API token (returned once; only its hash is kept). For a role that must use a second
    factor the actor must come from a session that passed the TOTP step (`rules.can_issue_api_token`):
    otherwise the token would be a way round it. The refusal is audited."""
    if not rules.can_issue_api_token(actor):
        raise ForbiddenError(
            str(rules.can_issue_api_token.message),
            {"reason": "two_factor"},
            audit={
                "action": "accounts.api_token.refused",
                "actor": actor,
                "target": actor,
                "extra": {"reason": "two_factor"},
            },
        )
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


@service
def api_token_revoke(*, actor, token_id: int) -> None:
    obj = lock_one(ApiToken.objects.filter(pk=token_id, revoked_at__isnull=True))
    if obj is None:
        raise NotFoundError(_("令牌不存在。"))
    require(rules.can_revoke_api_token, actor, obj)
    obj.revoked_at = timezone.now()
    obj.save(update_fields=["revoked_at"])
    audit_log("accounts.api_token.revoked", actor=actor, target=obj)


TOKEN_USE_PRECISION = timedelta(minutes=5)
# What a token check reads: the token's id and "last used", its user without the password hash and the encrypted
# phone (never needed by an API call), and the user's department (every permission check reads it).
_TOKEN_UNREAD = ("name", "prefix", "token_hash", "created_at", "expires_at", "revoked_at")


def api_token_authenticate(token: str) -> User | None:
    """The active user of a valid token with their department, or None: one query (every API call passes here),
    and a write at most every five minutes per token to record its use."""
    now = timezone.now()
    found = list(
        ApiToken.objects.filter(
            token_hash=_hash_token(token), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True
        )
        .select_related("user__department")
        .defer(*_TOKEN_UNREAD, "user__password", "user__phone")
        .order_by()[:1]
    )
    if not found:
        return None
    obj = found[0]
    if obj.last_used_at is None or obj.last_used_at < now - TOKEN_USE_PRECISION:
        # "last used" to the nearest five minutes: no write on every request of a busy client
        api_token_mark_used(token_id=obj.pk, now=now)
    return obj.user


@service
def api_token_mark_used(*, token_id: int, now) -> None:
    """Record a token's use (conditional: of two racing requests only one writes)."""
    locked_update(
        ApiToken.objects.filter(pk=token_id).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_USE_PRECISION)
        ),
        last_used_at=now,
    )


@service
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


@service
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


@service
def department_set_deputy(*, actor, department_id: int, deputy_id: int | None) -> Department:
    if actor is not None:
        _require_sysadmin(actor)
    dept = lock_one(Department.objects.filter(pk=department_id))
    if dept is None:
        raise NotFoundError(_("部门不存在。"))
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


@service
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


@service
def bootstrap_installation(
    *, unit_code: str, unit_name: str, unit_name_en: str, parent_name: str, departments, admin: dict
) -> tuple:
    """First installation in one unit of work: the Center, its departments (kept if present) and the first
    system administrator. `departments` are (code, name, name_en); `admin` the arguments of bootstrap_sysadmin
    without the department (the first one)."""
    from .models import Unit

    unit = Unit.objects.filter(code=unit_code).first() or unit_create(
        actor=None, code=unit_code, name=unit_name, name_en=unit_name_en, parent_name=parent_name
    )
    depts = {}
    for i, (code, name, name_en) in enumerate(departments):
        depts[code] = unit.departments.filter(code=code).first() or department_create(
            actor=None, unit=unit, code=code, name=name, name_en=name_en, sort=i
        )
    user = bootstrap_sysadmin(department=depts[departments[0][0]], **admin)
    return unit, depts, user


@service
def user_edit(
    *, actor, user_id: int, full_name: str, department, position: str, email: str, roles: list[str]
) -> User:
    """The account page's save: identity fields and roles together, or neither."""
    user_update(
        actor=actor,
        user_id=user_id,
        full_name=full_name,
        department=department,
        position=position,
        email=email,
    )
    return user_set_roles(actor=actor, user_id=user_id, roles=roles)


# ---- second factor (TOTP) ----------------------------------------------------------------------------------


@service
def two_factor_record_verification(*, actor, verified: bool) -> None:
    """The audit trail of a TOTP step at sign-in (the code itself is checked by django-otp)."""
    if verified:
        audit_log("security.two_factor.verified", actor=actor, target=actor)
    else:
        audit_log("security.two_factor.failed", actor=actor, target=actor, outcome=AuditOutcome.FAILED)


@service
def two_factor_device_for_setup(*, actor):
    """The actor's unconfirmed TOTP device to enrol, created on first visit."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _created = TOTPDevice.objects.get_or_create(
        user=actor, confirmed=False, defaults={"name": "TOTP"}
    )
    return device


@service
def two_factor_enable(*, actor, device_id: int) -> None:
    """Confirm the actor's TOTP device once they typed a valid code from it."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(pk=device_id, user=actor).update(confirmed=True):
        raise NotFoundError(_("验证设备不存在。"))
    audit_log("security.two_factor.enabled", actor=actor, target=actor)


@service
def two_factor_disable(*, actor) -> None:
    """Remove the actor's second factor; refused for roles that must keep one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if rules.two_factor_required(actor):
        raise ForbiddenError(_("您的岗位必须启用两步验证，不能关闭。"))
    TOTPDevice.objects.filter(user=actor).delete()
    audit_log("security.two_factor.disabled", actor=actor, target=actor)
