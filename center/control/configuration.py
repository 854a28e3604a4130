"""Control configuration as data (no code): per-year parameters, spending standards and approval flows.

Finance (and the system administrator) edit them; every change is audited with its before/after and bumps the
configuration version (center/control/config_cache.py), so every process reads the change from its next unit. Editing a
flow never touches chains already running: their tasks carry their own step names and kinds.
"""

from decimal import Decimal, InvalidOperation

from django.db.models import Max
from django.utils.translation import gettext as _

from center.accounts.enums import Role
from center.accounts.models import Department, User
from center.core.audit import audit_log, diff, snapshot
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.locks import lock_one
from center.core.services import service

from .config_cache import bump
from .enums import ApplicationType, ApproverRule, StepKind
from .ledger import MAX_AMOUNT
from .models import ApprovalFlow, ApprovalStepDef, ControlSettings, SpendingStandard
from .selectors import settings_for

EDITORS = (Role.FINANCE,)  # not the system admin: separation of duties
DOC_TYPES = ("application", "reimbursement", "advance")
MAX_STEPS = 10
SETTINGS_FIELDS = [
    "collective_threshold",
    "small_reimbursement_threshold",
    "over_reimbursement_pct",
    "application_valid_days",
    "reminder_hours",
    "warn_thresholds",
    "progress_margin_pct",
]
STANDARD_FIELDS = ["year", "app_type", "city", "name", "name_en", "limit_per_person_day", "block_excess"]
FLOW_FIELDS = [
    "name",
    "name_en",
    "doc_type",
    "app_types",
    "min_amount",
    "max_amount",
    "department_id",
    "owner_department_id",
    "priority",
    "active",
]


def can_edit(user) -> bool:
    return user.is_staff_account and user.has_role(*EDITORS)


def _require_editor(actor) -> None:
    if not can_edit(actor):
        raise ForbiddenError(_("只有财务可以修改控制设置（系统管理员只管理账号）。"))


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("年度无效。"), {"field": "year"}) from exc
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("年度无效。"), {"field": "year"})
    return year


def _decimal(value, field: str, *, low: Decimal, high: Decimal, places: int = 2) -> Decimal:
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(_("请输入数字。"), {"field": field}) from exc
    if not d.is_finite() or d < low or d > high:
        raise ApplicationError(
            _("数值须在 %(lo)s 至 %(hi)s 之间。") % {"lo": low, "hi": high}, {"field": field}
        )
    if d != d.quantize(Decimal(1).scaleb(-places)):
        raise ApplicationError(_("最多保留 %(n)d 位小数。") % {"n": places}, {"field": field})
    return d


def _int(value, field: str, *, low: int, high: int) -> int:
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("请输入整数。"), {"field": field}) from exc
    if not low <= n <= high:
        raise ApplicationError(
            _("数值须在 %(lo)s 至 %(hi)s 之间。") % {"lo": low, "hi": high}, {"field": field}
        )
    return n


def _thresholds(value: str) -> str:
    parts = [p.strip() for p in str(value).replace("，", ",").split(",") if p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        raise ApplicationError(
            _("预警阈值请填写 1–100 的整数，用逗号分隔，如 80,90。"), {"field": "warn_thresholds"}
        )
    numbers = [int(p) for p in parts]
    if any(not 1 <= n <= 100 for n in numbers) or len(set(numbers)) != len(numbers) or len(numbers) > 5:
        raise ApplicationError(
            _("预警阈值须为 1–100 之间互不相同的整数，最多 5 个。"), {"field": "warn_thresholds"}
        )
    return ",".join(str(n) for n in sorted(numbers))


@service
def settings_update(*, actor, year, **values) -> ControlSettings:
    """Set the year's control parameters (三重一大 threshold, small-claim limit, excess %, validity, …)."""
    _require_editor(actor)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ApplicationError(_("未知的设置项：%(f)s") % {"f": ", ".join(sorted(unknown))})
    year = _year(year)
    clean = {
        "collective_threshold": _decimal(
            values.get("collective_threshold"), "collective_threshold", low=Decimal("0.01"), high=MAX_AMOUNT
        ),
        "small_reimbursement_threshold": _decimal(
            values.get("small_reimbursement_threshold"),
            "small_reimbursement_threshold",
            low=Decimal(0),
            high=MAX_AMOUNT,
        ),
        "over_reimbursement_pct": _decimal(
            values.get("over_reimbursement_pct"), "over_reimbursement_pct", low=Decimal(0), high=Decimal(100)
        ),
        "application_valid_days": _int(
            values.get("application_valid_days"), "application_valid_days", low=1, high=366
        ),
        "reminder_hours": _int(values.get("reminder_hours"), "reminder_hours", low=1, high=720),
        "warn_thresholds": _thresholds(values.get("warn_thresholds", "")),
        "progress_margin_pct": _decimal(
            values.get("progress_margin_pct"), "progress_margin_pct", low=Decimal(0), high=Decimal(100)
        ),
    }
    obj = settings_for(year)
    obj = lock_one(ControlSettings.objects.filter(pk=obj.pk))
    before = snapshot(obj, SETTINGS_FIELDS)
    for field, value in clean.items():
        setattr(obj, field, value)
    obj.save()
    changes = diff(before, snapshot(obj, SETTINGS_FIELDS))
    if changes:
        audit_log("control.settings.updated", actor=actor, target=obj, changes=changes, extra={"year": year})
    return obj


def _name_en(value, field: str, limit: int) -> str:
    """An optional English name (the `name_en` convention): trimmed, at most `limit` characters."""
    value = " ".join(str(value or "").split())
    if len(value) > limit:
        raise ApplicationError(_("英文名称过长（%(n)d 个字符以内）。") % {"n": limit}, {"field": field})
    return value


def _standard_values(year, app_type, city, name, limit, block_excess, name_en="") -> dict:
    if app_type not in ApplicationType.values:
        raise ApplicationError(_("未知的申请类型。"), {"field": "app_type"})
    name = str(name or "").strip()
    if not name:
        raise ApplicationError(_("请填写标准名称。"), {"field": "name"})
    city = str(city or "").strip()
    if len(city) > 50 or len(name) > 100:
        raise ApplicationError(_("名称或城市过长。"), {"field": "name" if len(name) > 100 else "city"})
    return {
        "year": _year(year),
        "app_type": app_type,
        "city": city,
        "name": name,
        "name_en": _name_en(name_en, "name_en", 200),
        "limit_per_person_day": _decimal(
            limit, "limit_per_person_day", low=Decimal("0.01"), high=Decimal("99999999.99")
        ),
        "block_excess": bool(block_excess),
    }


def _standard_clash(values: dict, exclude_pk=None) -> None:
    clash = SpendingStandard.objects.filter(
        year=values["year"], app_type=values["app_type"], city=values["city"]
    ).exclude(pk=exclude_pk)
    if clash.exists():
        raise ConflictError(_("该年度、事项类型和城市的费用标准已存在。"), {"field": "city"})


@service
def standard_save(
    *,
    actor,
    standard_id=None,
    year,
    app_type,
    city="",
    name,
    name_en="",
    limit_per_person_day,
    block_excess=True,
) -> SpendingStandard:
    """Create a spending standard, or change one (`standard_id`)."""
    _require_editor(actor)
    values = _standard_values(year, app_type, city, name, limit_per_person_day, block_excess, name_en)
    if standard_id is None:
        _standard_clash(values)
        std = SpendingStandard.objects.create(**values)
        audit_log("control.standard.created", actor=actor, target=std, changes=diff({}, values))
        return std
    std = lock_one(SpendingStandard.objects.filter(pk=standard_id))
    if std is None:
        raise NotFoundError(_("费用标准不存在。"))
    _standard_clash(values, exclude_pk=std.pk)
    before = snapshot(std, STANDARD_FIELDS)
    for field, value in values.items():
        setattr(std, field, value)
    std.save()
    changes = diff(before, snapshot(std, STANDARD_FIELDS))
    if changes:
        audit_log("control.standard.updated", actor=actor, target=std, changes=changes)
    return std


@service
def standard_delete(*, actor, standard_id) -> None:
    _require_editor(actor)
    std = lock_one(SpendingStandard.objects.filter(pk=standard_id))
    if std is None:
        raise NotFoundError(_("费用标准不存在。"))
    audit_log(
        "control.standard.deleted", actor=actor, target=std, changes=diff(snapshot(std, STANDARD_FIELDS), {})
    )
    std.delete()


@service
def standards_copy(*, actor, from_year, to_year) -> int:
    """Copy a year's standards into another year (those the target year already has are kept). Returns how many."""
    _require_editor(actor)
    from_year, to_year = _year(from_year), _year(to_year)
    if from_year == to_year:
        raise ApplicationError(_("来源年度与目标年度相同。"), {"field": "year"})
    existing = set(SpendingStandard.objects.filter(year=to_year).values_list("app_type", "city"))
    new = [
        SpendingStandard(
            year=to_year,
            app_type=s.app_type,
            city=s.city,
            name=s.name,
            name_en=s.name_en,
            limit_per_person_day=s.limit_per_person_day,
            block_excess=s.block_excess,
        )
        for s in SpendingStandard.objects.filter(year=from_year)
        if (s.app_type, s.city) not in existing
    ]
    if not new and not SpendingStandard.objects.filter(year=from_year).exists():
        raise ApplicationError(_("%(y)d 年度没有费用标准可复制。") % {"y": from_year}, {"field": "year"})
    SpendingStandard.objects.bulk_create(new)
    bump()  # bulk_create sends no save signal: the version is bumped here
    audit_log(
        "control.standard.copied",
        actor=actor,
        extra={"from_year": from_year, "to_year": to_year, "copied": len(new)},
    )
    return len(new)


def _department(pk, field: str) -> Department | None:
    if pk in (None, ""):
        return None
    try:
        return Department.objects.get(pk=int(pk))
    except (Department.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFoundError(_("部门不存在。"), {"field": field}) from exc


def _steps(steps) -> list[dict]:
    clean = []
    for i, raw in enumerate(steps or [], start=1):
        name = str(raw.get("name") or "").strip()
        if not name:
            raise ApplicationError(_("第 %(n)d 个环节：请填写环节名称。") % {"n": i}, {"field": "steps"})
        if len(name) > 50:
            raise ApplicationError(_("第 %(n)d 个环节：名称过长。") % {"n": i}, {"field": "steps"})
        name_en = " ".join(str(raw.get("name_en") or "").split())
        if len(name_en) > 100:
            raise ApplicationError(_("第 %(n)d 个环节：英文名称过长。") % {"n": i}, {"field": "steps"})
        rule, kind = raw.get("rule"), raw.get("kind") or StepKind.SINGLE
        if rule not in ApproverRule.values:
            raise ApplicationError(_("第 %(n)d 个环节：未知的审批人规则。") % {"n": i}, {"field": "steps"})
        if kind not in StepKind.values:
            raise ApplicationError(_("第 %(n)d 个环节：未知的审批方式。") % {"n": i}, {"field": "steps"})
        user_ids = sorted({int(u) for u in raw.get("user_ids") or []})
        users = list(approver_candidates().filter(pk__in=user_ids))
        if len(users) != len(user_ids):
            raise ApplicationError(
                _("第 %(n)d 个环节：指定人员须为在职的本单位职工（系统管理员除外）。") % {"n": i},
                {"field": "steps"},
            )
        if rule == ApproverRule.USERS and not users:
            raise ApplicationError(_("第 %(n)d 个环节：请选择指定人员。") % {"n": i}, {"field": "steps"})
        if rule != ApproverRule.USERS and users:
            raise ApplicationError(
                _("第 %(n)d 个环节：只有“指定人员”规则可以选择人员。") % {"n": i}, {"field": "steps"}
            )
        clean.append({"name": name, "name_en": name_en, "rule": rule, "kind": kind, "users": users})
    if not clean:
        raise ApplicationError(_("审批流程至少需要一个环节。"), {"field": "steps"})
    if len(clean) > MAX_STEPS:
        raise ApplicationError(_("审批流程最多 %(n)d 个环节。") % {"n": MAX_STEPS}, {"field": "steps"})
    return clean


def approver_candidates():
    """Who may be named as an approver: active staff, never the system administrator (system ≠ business)."""
    return User.objects.filter(is_active=True, kind="staff").exclude(roles__role=Role.SYSADMIN)


def _flow_snapshot(flow: ApprovalFlow) -> dict:
    data = snapshot(flow, FLOW_FIELDS)
    data["min_amount"] = str(data["min_amount"])
    data["max_amount"] = None if data["max_amount"] is None else str(data["max_amount"])
    data["steps"] = [
        f"{s.order}. {s.name}"
        + (f" ({s.name_en})" if s.name_en else "")
        + f" [{s.rule}/{s.kind}]"
        + (f" {sorted(u.username for u in s.users.all())}" if s.rule == ApproverRule.USERS else "")
        for s in flow.steps.order_by("order")
    ]
    return data


@service
def flow_save(
    *,
    actor,
    flow_id=None,
    name,
    name_en="",
    doc_type,
    app_types=(),
    min_amount="0",
    max_amount=None,
    department_id=None,
    owner_department_id=None,
    priority=100,
    active=True,
    steps,
) -> ApprovalFlow:
    """Create an approval flow or change one (`flow_id`): its matching conditions and its steps, in order."""
    _require_editor(actor)
    name = str(name or "").strip()
    if not name or len(name) > 100:
        raise ApplicationError(_("请填写流程名称（100 字以内）。"), {"field": "name"})
    if doc_type not in DOC_TYPES:
        raise ApplicationError(_("未知的单据类型。"), {"field": "doc_type"})
    app_types = sorted(set(app_types or []))
    if any(t not in ApplicationType.values for t in app_types):
        raise ApplicationError(_("未知的申请类型。"), {"field": "app_types"})
    low = _decimal(
        min_amount if min_amount not in (None, "") else "0", "min_amount", low=Decimal(0), high=MAX_AMOUNT
    )
    high = None
    if max_amount not in (None, ""):
        high = _decimal(max_amount, "max_amount", low=Decimal("0.01"), high=MAX_AMOUNT)
        if high <= low:
            raise ApplicationError(_("金额上限须大于金额下限。"), {"field": "max_amount"})
    values = {
        "name": name,
        "name_en": _name_en(name_en, "name_en", 200),
        "doc_type": doc_type,
        "app_types": app_types,
        "min_amount": low,
        "max_amount": high,
        "department": _department(department_id, "department"),
        "owner_department": _department(owner_department_id, "owner_department"),
        "priority": _int(priority, "priority", low=0, high=1000),
        "active": bool(active),
    }
    clean_steps = _steps(steps)
    if flow_id is None:
        flow = ApprovalFlow.objects.create(**values)
        before = {}
    else:
        flow = lock_one(ApprovalFlow.objects.filter(pk=flow_id))
        if flow is None:
            raise NotFoundError(_("审批流程不存在。"))
        before = _flow_snapshot(flow)
        for field, value in values.items():
            setattr(flow, field, value)
        flow.save()
        flow.steps.all().delete()
    for order, step in enumerate(clean_steps, start=1):
        sd = ApprovalStepDef.objects.create(
            flow=flow,
            order=order,
            name=step["name"],
            name_en=step["name_en"],
            rule=step["rule"],
            kind=step["kind"],
        )
        if step["users"]:
            sd.users.set(step["users"])
    changes = diff(before, _flow_snapshot(flow))
    if changes:
        audit_log(
            "control.flow.created" if flow_id is None else "control.flow.updated",
            actor=actor,
            target=flow,
            changes=changes,
        )
    return flow


def flows_overview() -> list[ApprovalFlow]:
    """Every flow with its steps, each carrying `app_type_labels` (the names of the types it applies to)."""
    labels = dict(ApplicationType.choices)
    flows = list(
        ApprovalFlow.objects.select_related("department", "owner_department").prefetch_related("steps__users")
    )
    for flow in flows:
        flow.app_type_labels = [str(labels.get(t, t)) for t in flow.app_types]
    return flows


def latest_standard_year(before: int) -> int | None:
    return SpendingStandard.objects.filter(year__lt=before).aggregate(y=Max("year"))["y"]


def _prefixes(value) -> list[str]:
    parts = (
        value
        if isinstance(value, list | tuple)
        else str(value or "").replace("，", ",").replace("、", ",").split(",")
    )
    out = []
    for part in (str(p).strip() for p in parts):
        if not part:
            continue
        if not part.isdigit() or not 3 <= len(part) <= 7:
            raise ApplicationError(
                _("“%(p)s”不是经济分类编码：请填写 3–7 位数字的编码或编码前缀，如 30215 或 302。")
                % {"p": part},
                {"field": "type_codes"},
            )
        if part not in out:
            out.append(part)
    return out


@service
def type_codes_update(*, actor, year, mapping: dict) -> ControlSettings:
    """Set which economic 款 each application type may be charged to in `year` (type → prefixes such as
    "30215" or "302"; none: any code). Checked at every submission (services.applications)."""
    _require_editor(actor)
    year = _year(year)
    unknown = set(mapping) - set(ApplicationType.values)
    if unknown:
        raise ApplicationError(_("未知的申请类型。"), {"field": "type_codes"})
    obj = settings_for(year)
    obj = lock_one(ControlSettings.objects.filter(pk=obj.pk))
    before = dict(obj.type_codes or {})
    after = dict(before)
    for app_type, value in mapping.items():
        after[app_type] = _prefixes(value)
    if after != before:
        obj.type_codes = after
        obj.save(update_fields=["type_codes"])
        audit_log(
            "control.settings.type_codes_updated",
            actor=actor,
            target=obj,
            changes={k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)},
            extra={"year": year},
        )
    return obj


def type_codes_overview(year: int) -> list[dict]:
    """Each application type with the economic codes it may use in `year` (their names when known)."""
    from center.budget.models import EconomicCode

    mapping = settings_for(year).type_codes or {}
    codes = {p for v in mapping.values() for p in v}
    names = dict(
        EconomicCode.objects.filter(fiscal_year__year=year, code__in=codes).values_list("code", "name")
    )
    return [
        {
            "type": value,
            "label": label,
            "codes": ", ".join(mapping.get(value, [])),
            "named": [(p, names.get(p, "")) for p in mapping.get(value, [])],
        }
        for value, label in ApplicationType.choices
    ]
