"""Every write to the expert pool: experts, organisations, calls, vetting, imports, activities.

Each service is a `@service` (one unit of work), checks the starting state, raises ApplicationError (nothing changed)
and writes its audit entry. ID numbers, phones and bank accounts never reach the audit trail in clear:
`audit_log` masks them by field name.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from center.accounts.validators import validate_mobile
from center.core.audit import audit_log, diff, snapshot
from center.core.crypto import blind_index
from center.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from center.core.locks import lock_one
from center.core.services import service
from center.events.models import Event

from . import rules
from .enums import (
    CALL,
    EXPERT,
    VETTING,
    CallState,
    ExpertState,
    Gender,
    IdType,
    Region,
    RelationKind,
    TitleLevel,
)
from .identity import id_index, normalise_credit_code, normalise_id
from .models import (
    CommitteeActivity,
    Discipline,
    Expert,
    ExpertApplication,
    ExpertDiscipline,
    ExpertRelation,
    ExpertStateChange,
    Organisation,
    RecruitmentCall,
)

AUDITED = [
    "name",
    "gender",
    "birth_year",
    "id_type",
    "id_number",
    "phone",
    "email",
    "employer_id",
    "title",
    "title_level",
    "keywords",
    "region",
    "languages",
    "bank_name",
    "bank_account",
    "state",
]
PROFILE_FIELDS = {
    "name",
    "name_pinyin",
    "name_en",
    "name_traditional",
    "gender",
    "birth_year",
    "id_type",
    "id_number",
    "phone",
    "email",
    "title",
    "title_level",
    "keywords",
    "region",
    "languages",
    "bank_name",
    "bank_account",
}
PROFILE_VALID_DAYS = 365


def search_text(expert: Expert, employer_name: str = "") -> str:
    parts = [
        expert.name,
        expert.name_pinyin,
        expert.name_en,
        expert.name_traditional,
        expert.keywords,
        expert.title,
        employer_name,
    ]
    return " ".join(p for p in parts if p).lower()


# --- organisations -------------------------------------------------------------------------------------


@service
def organisation_get_or_create(
    *, actor, name: str, credit_code: str = "", region: str = Region.SHENZHEN, name_en: str = ""
) -> Organisation:
    """One organisation per 统一社会信用代码 (checked); without a code, one per exact name."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("单位名称不能为空。"), {"field": "employer"})
    code = normalise_credit_code(credit_code)
    org = (
        Organisation.objects.filter(credit_code=code).first()
        if code
        else Organisation.objects.filter(name=name, credit_code="").first()
    )
    if org:
        return org
    org = Organisation.objects.create(name=name, credit_code=code, region=region, name_en=name_en)
    audit_log(
        "experts.organisation.created",
        actor=actor,
        target=org,
        changes=diff({}, {"name": name, "credit_code": code}),
    )
    return org


def _organisation(actor, org) -> Organisation | None:
    """An organisation given as itself, or as {"name", "credit_code", "region"} (found or created)."""
    if isinstance(org, dict):
        return organisation_get_or_create(actor=actor, **org)
    return org


# --- experts -------------------------------------------------------------------------------------------


def _clean(data: dict) -> dict:
    """Validate an expert's fields; return the cleaned values. Raises with the offending field named."""
    out = dict(data)
    if not (out.get("name") or "").strip():
        raise ApplicationError(_("姓名不能为空。"), {"field": "name"})
    out["name"] = out["name"].strip()
    if out.get("gender") not in Gender.values:
        raise ApplicationError(_("性别无效。"), {"field": "gender"})
    year = timezone.now().year
    try:
        out["birth_year"] = int(out.get("birth_year"))
    except (TypeError, ValueError):
        raise ApplicationError(_("出生年份无效。"), {"field": "birth_year"}) from None
    if not 1920 <= out["birth_year"] <= year - 18:
        raise ApplicationError(_("出生年份无效。"), {"field": "birth_year"})
    out["id_number"] = normalise_id(out.get("id_type"), out.get("id_number"))
    out["phone"] = validate_mobile(out.get("phone") or "")
    try:
        out["title_level"] = int(out.get("title_level"))
    except (TypeError, ValueError):
        out["title_level"] = 0
    if out["title_level"] not in TitleLevel.values:
        raise ApplicationError(_("职称级别无效。"), {"field": "title_level"})
    if out.get("region") not in Region.values:
        raise ApplicationError(_("地区无效。"), {"field": "region"})
    if not (out.get("title") or "").strip():
        raise ApplicationError(_("职称不能为空。"), {"field": "title"})
    bank = "".join((out.get("bank_account") or "").split())
    if bank and not (bank.isdigit() and 8 <= len(bank) <= 30):
        raise ApplicationError(_("银行账号应为 8–30 位数字。"), {"field": "bank_account"})
    out["bank_account"] = bank
    return out


def _check_duplicates(cleaned: dict, exclude_pk=None) -> tuple[str, str]:
    idx = id_index(cleaned["id_type"], cleaned["id_number"])
    phone_idx = blind_index(cleaned["phone"])
    qs = Expert.objects.exclude(pk=exclude_pk) if exclude_pk else Expert.objects.all()
    same_id = qs.filter(id_number_index=idx).first()
    if same_id:
        raise ConflictError(
            _("专家已存在：证件号码与 %(name)s（编号 %(pk)s）相同。")
            % {"name": same_id.name, "pk": same_id.pk},
            {"field": "id_number", "duplicate_of": same_id.pk},
        )
    same_phone = qs.filter(name=cleaned["name"], phone_index=phone_idx).first()
    if same_phone:
        raise ConflictError(
            _("专家已存在：同名且手机号相同（编号 %(pk)s）。") % {"pk": same_phone.pk},
            {"field": "phone", "duplicate_of": same_phone.pk},
        )
    return idx, phone_idx


def _set_disciplines(expert: Expert, codes: list[str]) -> None:
    found = {d.code: d for d in Discipline.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ApplicationError(
            _("未知的学科代码：%(c)s") % {"c": ", ".join(missing)}, {"field": "disciplines"}
        )
    if not codes:
        raise ApplicationError(_("至少选择一个学科。"), {"field": "disciplines"})
    ExpertDiscipline.objects.filter(expert=expert).delete()
    ExpertDiscipline.objects.bulk_create(
        [ExpertDiscipline(expert=expert, discipline=found[c], primary=(i == 0)) for i, c in enumerate(codes)]
    )


@service
def expert_create(
    *,
    actor,
    employer: Organisation,
    disciplines: list[str],
    user=None,
    state: str = ExpertState.APPLICANT,
    **data,
) -> Expert:
    """Create an expert record. Refuses invalid identifiers and duplicates (same ID, or same name + phone).
    `employer` is an Organisation or {"name", "credit_code", "region"}."""
    unknown = set(data) - PROFILE_FIELDS
    if unknown:
        raise ApplicationError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    cleaned = _clean(data)
    idx, phone_idx = _check_duplicates(cleaned)
    employer = _organisation(actor, employer)
    expert = Expert(
        employer=employer, user=user, state=state, id_number_index=idx, phone_index=phone_idx, **cleaned
    )
    if user is not None:
        expert.profile_confirmed_at = timezone.now()
    expert.search_text = search_text(expert, employer.name)
    try:
        _save_new(expert)
    except IntegrityError as exc:
        raise ConflictError(_("专家已存在（证件号码或姓名+手机号重复）。")) from exc
    _set_disciplines(expert, disciplines)
    ExpertStateChange.objects.create(
        expert=expert, to_state=state, actor=actor if getattr(actor, "pk", None) else None, reason=_("建档")
    )
    audit_log(
        "experts.expert.created",
        actor=actor,
        target=expert,
        changes=diff({}, snapshot(expert, AUDITED) | {"disciplines": disciplines}),
    )
    return expert


@service
def _save_new(expert: Expert) -> None:
    """Insert in a savepoint of its own: a duplicate raced in becomes a clear refusal, not a broken unit."""
    expert.save()


@service
def expert_update(
    *, actor, expert_id: int, disciplines: list[str] | None = None, employer=None, **fields
) -> Expert:
    """Update a profile (staff, or the expert through the portal); re-checks identifiers and duplicates.
    `employer` is an Organisation or {"name", "credit_code", "region"}."""
    expert = lock_one(Expert.objects.filter(pk=expert_id))
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    if actor.is_external and expert.user_id != actor.pk:
        raise NotFoundError(_("专家不存在。"))
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ApplicationError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(expert, AUDITED)
    current = {f: getattr(expert, f) for f in PROFILE_FIELDS}
    cleaned = _clean(current | fields)
    idx, phone_idx = _check_duplicates(cleaned, exclude_pk=expert.pk)
    for k, v in cleaned.items():
        setattr(expert, k, v)
    if employer is not None:
        expert.employer = _organisation(actor, employer)
    expert.id_number_index, expert.phone_index = idx, phone_idx
    if actor.is_external:
        expert.profile_confirmed_at = timezone.now()
    expert.search_text = search_text(expert, expert.employer.name)
    expert.save()
    if disciplines is not None:
        _set_disciplines(expert, disciplines)
    audit_log(
        "experts.expert.updated", actor=actor, target=expert, changes=diff(before, snapshot(expert, AUDITED))
    )
    return expert


@service
def expert_confirm_profile(*, actor, expert_id: int) -> Expert:
    """The yearly refresh: the expert confirms their profile is current."""
    expert = lock_one(Expert.objects.filter(pk=expert_id, user=actor))
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    expert.profile_confirmed_at = timezone.now()
    expert.save(update_fields=["profile_confirmed_at", "updated_at"])
    audit_log("experts.expert.profile_confirmed", actor=actor, target=expert)
    return expert


def profile_due(expert: Expert, now=None) -> bool:
    now = now or timezone.now()
    return expert.profile_confirmed_at is None or expert.profile_confirmed_at < now - timedelta(
        days=PROFILE_VALID_DAYS
    )


def require_state(machine, obj, verb: str, message: str) -> None:
    """Refuse `verb` from the object's state with this area's own wording (the machine holds the table)."""
    if not machine.allows(obj, verb):
        raise ConflictError(message, {"state": obj.state, "verb": verb})


def _lock_expert(expert_id: int) -> Expert:
    expert = lock_one(Expert.objects.filter(pk=expert_id))
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    return expert


@service
def expert_set_state(*, actor, expert_id: int, state: str, reason: str) -> Expert:
    """Move an expert to `state` (the staff page names the target; the verb is the one that leads there)."""
    return expert_apply_state(_lock_expert(expert_id), actor=actor, state=state, reason=reason)


def expert_apply_state(expert: Expert, *, actor, state: str, reason: str) -> Expert:
    """expert_set_state for an expert the caller's unit has already locked (experts are locked first)."""
    verb = next((v for v in EXPERT.verbs if EXPERT.target(v) == state and EXPERT.allows(expert, v)), None)
    if verb is None:
        raise ConflictError(
            _("不能从“%(a)s”变为“%(b)s”。")
            % {
                "a": expert.get_state_display(),
                "b": ExpertState(state).label if state in ExpertState.values else state,
            },
            {"state": expert.state},
        )
    return expert_transition(expert, verb, actor=actor, reason=reason)


def expert_transition(expert: Expert, verb: str, *, actor, reason: str) -> Expert:
    """Apply `verb` of the expert machine to a locked expert, with its reason and a history entry."""
    if not (reason or "").strip():
        raise ApplicationError(_("请填写原因。"), {"field": "reason"})
    old = expert.state
    EXPERT.apply(expert, verb, actor=actor, fields=["updated_at"], extra={"reason": reason[:300]})
    ExpertStateChange.objects.create(
        expert=expert,
        from_state=old,
        to_state=expert.state,
        reason=reason.strip()[:300],
        actor=actor if getattr(actor, "pk", None) else None,
    )
    return expert


@service
def expert_admit(*, actor, expert_id: int, reason: str) -> Expert:
    return expert_transition(_lock_expert(expert_id), "admit", actor=actor, reason=reason)


@service
def expert_suspend(*, actor, expert_id: int, reason: str) -> Expert:
    return expert_transition(_lock_expert(expert_id), "suspend", actor=actor, reason=reason)


@service
def expert_withdraw(*, actor, expert_id: int, reason: str) -> Expert:
    return expert_transition(_lock_expert(expert_id), "withdraw", actor=actor, reason=reason)


EXPERT_SERVICES = {"admit": expert_admit, "suspend": expert_suspend, "withdraw": expert_withdraw}


REVEALABLE = {"id_number", "bank_account", "phone"}


@service
def expert_reveal(*, actor, expert_id: int, field_name: str, reason: str = "") -> str:
    """Show one full identifier. Needs the reveal permission; always audited (the value itself never is)."""
    if field_name not in REVEALABLE:
        raise ApplicationError(_("该字段不能查看。"))
    if not rules.can_reveal(actor):
        raise ForbiddenError(_("您没有查看完整证件号码或银行账号的权限。"))
    expert = Expert.objects.filter(pk=expert_id).first()
    if expert is None:
        raise NotFoundError(_("专家不存在。"))
    audit_log(
        "experts.expert.revealed",
        actor=actor,
        target=expert,
        extra={"field": field_name, "reason": reason[:200]},
    )
    return getattr(expert, field_name)


# --- bulk import ---------------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    "姓名",
    "拼音",
    "英文名",
    "繁体姓名",
    "性别",
    "出生年份",
    "证件类型",
    "证件号码",
    "手机号",
    "电子邮箱",
    "工作单位",
    "统一社会信用代码",
    "职称",
    "职称级别",
    "学科代码",
    "关键词",
    "地区",
    "工作语言",
    "开户银行",
    "银行账号",
]
_FIELD_COLUMN = {
    "name": "姓名",
    "gender": "性别",
    "birth_year": "出生年份",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "手机号",
    "employer": "工作单位",
    "credit_code": "统一社会信用代码",
    "title": "职称",
    "title_level": "职称级别",
    "disciplines": "学科代码",
    "region": "地区",
    "bank_account": "银行账号",
    "email": "电子邮箱",
}


def _choice(enum, value):
    v = str(value or "").strip()
    for member in enum:
        if v in (str(member.value), str(member.label)):
            return member.value
    return v


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "column", "message"}

    @property
    def ok(self) -> bool:
        return not self.errors


def expert_import_xlsx(*, actor, data: bytes, state: str = ExpertState.ADMITTED) -> ImportReport:
    """Import experts from an .xlsx sheet (IMPORT_COLUMNS). All or nothing: any bad row imports no row.

    The report lists every bad row with its column and reason. One audit entry for the batch.
    """
    from openpyxl import load_workbook

    report = ImportReport()
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ApplicationError(_("无法读取 .xlsx 文件。")) from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, [])]
    missing = [
        c
        for c in ("姓名", "证件类型", "证件号码", "手机号", "工作单位", "职称级别", "学科代码", "地区")
        if c not in header
    ]
    if missing:
        raise ApplicationError(_("缺少列：%(c)s") % {"c": "、".join(missing)})
    col = {name: header.index(name) for name in IMPORT_COLUMNS if name in header}
    disciplines = dict(Discipline.objects.values_list("code", "id"))
    orgs_by_code = {o.credit_code: o for o in Organisation.objects.exclude(credit_code="")}
    orgs_by_name = {o.name: o for o in Organisation.objects.filter(credit_code="")}
    existing_ids = set(Expert.objects.values_list("id_number_index", flat=True))
    existing_np = set(Expert.objects.values_list("name", "phone_index"))
    seen_ids, seen_np = {}, {}
    prepared = []
    for n, row in enumerate(rows, start=2):
        if row is None or not any(v not in (None, "") for v in row):
            continue
        report.rows += 1

        def get(name, row=row):
            i = col.get(name)
            v = row[i] if i is not None and i < len(row) else None
            return "" if v is None else str(v).strip()

        data = {
            "name": get("姓名"),
            "name_pinyin": get("拼音"),
            "name_en": get("英文名"),
            "name_traditional": get("繁体姓名"),
            "gender": _choice(Gender, get("性别")),
            "birth_year": get("出生年份").split(".")[0],
            "id_type": _choice(IdType, get("证件类型")),
            "id_number": get("证件号码"),
            "phone": get("手机号"),
            "email": get("电子邮箱"),
            "title": get("职称"),
            "title_level": _choice(TitleLevel, get("职称级别")),
            "keywords": get("关键词"),
            "region": _choice(Region, get("地区")),
            "languages": get("工作语言") or "zh",
            "bank_name": get("开户银行"),
            "bank_account": get("银行账号"),
        }
        try:
            cleaned = _clean(data)
            credit = normalise_credit_code(get("统一社会信用代码"))
            if not get("工作单位"):
                raise ApplicationError(_("单位名称不能为空。"), {"field": "employer"})
            codes = [
                c.strip()
                for c in get("学科代码").replace("；", ";").replace(",", ";").split(";")
                if c.strip()
            ]
            bad = [c for c in codes if c not in disciplines]
            if not codes or bad:
                raise ApplicationError(
                    _("学科代码无效：%(c)s") % {"c": ", ".join(bad) or "—"}, {"field": "disciplines"}
                )
            idx = id_index(cleaned["id_type"], cleaned["id_number"])
            pidx = blind_index(cleaned["phone"])
            if idx in existing_ids:
                raise ApplicationError(_("证件号码已在专家库中。"), {"field": "id_number"})
            if idx in seen_ids:
                raise ApplicationError(
                    _("证件号码与第 %(r)s 行重复。") % {"r": seen_ids[idx]}, {"field": "id_number"}
                )
            if (cleaned["name"], pidx) in existing_np:
                raise ApplicationError(_("同名且手机号相同的专家已在专家库中。"), {"field": "phone"})
            if (cleaned["name"], pidx) in seen_np:
                raise ApplicationError(
                    _("姓名和手机号与第 %(r)s 行重复。") % {"r": seen_np[(cleaned["name"], pidx)]},
                    {"field": "phone"},
                )
        except ApplicationError as exc:
            column = _FIELD_COLUMN.get(exc.extra.get("field"), "")
            report.errors.append({"row": n, "column": column, "message": exc.message})
            continue
        seen_ids[idx] = n
        seen_np[(cleaned["name"], pidx)] = n
        prepared.append((cleaned, idx, pidx, get("工作单位"), credit, codes))
    if report.errors or not prepared:
        return report
    report.created = _import_write(
        actor=actor,
        prepared=prepared,
        state=state,
        rows=report.rows,
        disciplines=disciplines,
        orgs_by_code=orgs_by_code,
        orgs_by_name=orgs_by_name,
    )
    return report


@service
def _import_write(
    *,
    actor,
    prepared: list,
    state: str,
    rows: int,
    disciplines: dict,
    orgs_by_code: dict,
    orgs_by_name: dict,
) -> int:
    """The write of an import whose every row was checked: all rows in one unit, one audit entry."""
    orgs_by_code, orgs_by_name = dict(orgs_by_code), dict(orgs_by_name)  # a retried unit starts afresh
    experts = []
    for cleaned, idx, pidx, org_name, credit, _codes in prepared:
        org = orgs_by_code.get(credit) if credit else orgs_by_name.get(org_name)
        if org is None:
            org = Organisation.objects.create(name=org_name, credit_code=credit, region=cleaned["region"])
            (orgs_by_code if credit else orgs_by_name)[credit or org_name] = org
        e = Expert(employer=org, state=state, id_number_index=idx, phone_index=pidx, **cleaned)
        e.search_text = search_text(e, org.name)
        experts.append(e)
    Expert.objects.bulk_create(experts, batch_size=1000)
    if not all(e.pk for e in experts):  # backends without RETURNING: fetch the new ids
        ids = dict(
            Expert.objects.filter(id_number_index__in=[e.id_number_index for e in experts]).values_list(
                "id_number_index", "id"
            )
        )
        for e in experts:
            e.pk = e.id = ids[e.id_number_index]
    links = [
        ExpertDiscipline(expert_id=e.pk, discipline_id=disciplines[c], primary=(i == 0))
        for e, p in zip(experts, prepared, strict=True)
        for i, c in enumerate(p[5])
    ]
    ExpertDiscipline.objects.bulk_create(links, batch_size=2000)
    who = actor if getattr(actor, "pk", None) else None
    ExpertStateChange.objects.bulk_create(
        [ExpertStateChange(expert_id=e.pk, to_state=state, actor=who, reason=_("批量导入")) for e in experts],
        batch_size=2000,
    )
    audit_log("experts.expert.imported", actor=actor, extra={"rows": rows, "created": len(experts)})
    return len(experts)


# --- recruitment calls and vetting -----------------------------------------------------------------


@service
def call_create(
    *, actor, year: int, title: str, criteria: str, deadline, discipline_ids=()
) -> RecruitmentCall:
    if not title.strip() or not criteria.strip():
        raise ApplicationError(_("标题和征集条件不能为空。"))
    call = RecruitmentCall.objects.create(
        year=year, title=title.strip(), criteria=criteria.strip(), deadline=deadline, created_by=actor
    )
    if discipline_ids:
        call.disciplines.set(discipline_ids)
    audit_log(
        "experts.call.created",
        actor=actor,
        target=call,
        changes=diff({}, {"title": call.title, "deadline": str(deadline)}),
    )
    return call


@service
def call_publish(*, actor, call_id: int) -> RecruitmentCall:
    call = lock_one(RecruitmentCall.objects.filter(pk=call_id))
    if call is None:
        raise NotFoundError(_("征集批次不存在。"))
    require_state(CALL, call, "publish", _("只有草稿可以发布。"))
    if call.deadline < timezone.localdate():
        raise ApplicationError(_("截止日期已过，不能发布。"), {"field": "deadline"})
    call.published_at = timezone.now()
    return CALL.apply(call, "publish", actor=actor, fields=["published_at"])


def calls_published_count(year: int) -> int:
    """The budget's performance indicator 发布征集专家广告 N 批次."""
    return RecruitmentCall.objects.filter(year=year, published_at__isnull=False).count()


@service
def expert_apply(
    *, actor, call_id: int, employer: Organisation | None = None, disciplines=None, **profile
) -> ExpertApplication:
    """An external expert applies to a published call; the first application creates their record
    (`employer`: an Organisation or {"name", "credit_code", "region"})."""
    if not (actor.is_external and actor.external_type == "expert"):
        raise ForbiddenError(_("只有专家账号可以申请入库。"))
    call = RecruitmentCall.objects.filter(pk=call_id, state=CallState.PUBLISHED).first()
    if call is None:
        raise NotFoundError(_("征集批次不存在或未发布。"))
    if call.deadline < timezone.localdate():
        raise ConflictError(_("该批次已截止。"))
    expert = Expert.objects.filter(user=actor).first()
    if expert is None:
        if employer is None:
            raise ApplicationError(_("请填写工作单位。"), {"field": "employer"})
        expert = expert_create(
            actor=actor, employer=employer, disciplines=disciplines or [], user=actor, **profile
        )
    if ExpertApplication.objects.filter(call=call, expert=expert).exists():
        raise ConflictError(_("您已申请过该批次。"))
    app = ExpertApplication.objects.create(call=call, expert=expert)
    audit_log(
        "experts.application.submitted", actor=actor, target=app, extra={"call": call.pk, "expert": expert.pk}
    )
    return app


@service
def application_first_check(*, actor, application_id: int, passed: bool, note: str = "") -> ExpertApplication:
    app = lock_one(ExpertApplication.objects.select_related("expert").filter(pk=application_id))
    if app is None:
        raise NotFoundError(_("申请不存在。"))
    verb = "pass_first" if passed else "decline_first"
    require_state(VETTING, app, verb, _("该申请不在待初审状态。"))
    if not passed and not note.strip():
        raise ApplicationError(_("不通过时请填写理由。"), {"field": "note"})
    app.first_by, app.first_at, app.first_note = actor, timezone.now(), note.strip()[:300]
    return VETTING.apply(
        app, verb, actor=actor, fields=["first_by", "first_at", "first_note"], extra={"note": app.first_note}
    )


@service
def application_review(*, actor, application_id: int, admit: bool, note: str = "") -> ExpertApplication:
    """Second step: someone other than the first checker admits or declines, with reasons."""
    # Admitting changes the expert's state: the expert (master data) is locked before the application.
    expert_id = (
        ExpertApplication.objects.filter(pk=application_id).values_list("expert_id", flat=True).first()
    )
    expert = lock_one(Expert.objects.filter(pk=expert_id)) if expert_id else None
    app = lock_one(ExpertApplication.objects.select_related("expert", "call").filter(pk=application_id))
    if app is None:
        raise NotFoundError(_("申请不存在。"))
    verb = "admit" if admit else "decline"
    require_state(VETTING, app, verb, _("该申请不在待复审状态。"))
    if app.first_by_id == actor.pk:
        raise ForbiddenError(_("初审与复审须由不同人员完成。"))
    if not admit and not note.strip():
        raise ApplicationError(_("不予入库时请填写理由。"), {"field": "note"})
    app.review_by, app.review_at, app.review_note = actor, timezone.now(), note.strip()[:300]
    VETTING.apply(
        app,
        verb,
        actor=actor,
        fields=["review_by", "review_at", "review_note"],
        extra={"note": app.review_note},
    )
    if admit and EXPERT.allows(expert, "admit") and expert.state == ExpertState.APPLICANT:
        expert_transition(
            expert,
            "admit",
            actor=actor,
            reason=_("征集批次“%(t)s”复审通过") % {"t": app.call.title},
        )
    return app


@service
def relation_add(
    *,
    actor,
    expert_id: int,
    kind: str,
    other_expert_id=None,
    other_name="",
    organisation=None,
    start_date=None,
    end_date=None,
    note="",
) -> ExpertRelation:
    if kind not in RelationKind.values:
        raise ApplicationError(_("关系类型无效。"), {"field": "kind"})
    if kind == RelationKind.FORMER_EMPLOYER and organisation is None:
        raise ApplicationError(_("曾任职单位须填写单位。"), {"field": "organisation"})
    if kind != RelationKind.FORMER_EMPLOYER and not (other_expert_id or other_name.strip()):
        raise ApplicationError(_("请填写对方姓名。"), {"field": "other_name"})
    rel = ExpertRelation.objects.create(
        expert_id=expert_id,
        kind=kind,
        other_expert_id=other_expert_id,
        other_name=other_name.strip(),
        organisation=_organisation(actor, organisation),
        start_date=start_date,
        end_date=end_date,
        note=note,
    )
    audit_log("experts.relation.added", actor=actor, target=rel.expert, extra={"kind": kind})
    return rel


@service
def activity_create(
    *,
    actor,
    kind: str,
    title: str,
    date,
    location: str = "",
    summary: str = "",
    expert_ids=(),
    event_id: int | None = None,
) -> CommitteeActivity:
    """Record a committee activity, optionally tied to the event (会展 record) that carried it: the event's
    budget item and indicators then account for it too."""
    if not title.strip():
        raise ApplicationError(_("名称不能为空。"), {"field": "title"})
    event = None
    if event_id is not None:
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            raise NotFoundError(_("关联的活动不存在。"), {"field": "event"})
    act = CommitteeActivity.objects.create(
        kind=kind,
        title=title.strip(),
        date=date,
        location=location,
        summary=summary,
        event=event,
        created_by=actor,
    )
    act.experts.set(Expert.objects.filter(pk__in=expert_ids))
    audit_log(
        "experts.activity.created",
        actor=actor,
        target=act,
        extra={"experts": len(expert_ids), "event": event.pk if event else None},
    )
    return act
